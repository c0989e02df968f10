#ifndef SECRETSTAGE_DETAIL_JSON_HPP
#define SECRETSTAGE_DETAIL_JSON_HPP

// The JSON that the AWS JSON 1.1 adapter (aws_json.hpp) reads and writes, and nothing more: a
// validating scan, a reader over validated text, string escaping and base64.
//
// Why not nlohmann/json: on this project's machine `g++ -std=c++20 -fsyntax-only` of
// <nlohmann/json.hpp> alone takes about as long as issue 5's whole budget for a TU that includes
// the adapter (2.0 s). These few hundred lines cost a fraction of that. The wire tests use
// nlohmann/json as the oracle: they check this code against it on generated and mutated input.
//
// Nothing here throws except std::bad_alloc, and nothing recurses: the scan keeps its nesting in
// a 64-bit stack, so a body of ten million '[' is rejected at the 65th without touching the call
// stack.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "deferred.hpp"

namespace secretstage::detail::json {

// The functions that are not constexpr, those that compare strings, and object_writer are
// templates over an unused D (always void) with their types spelled deferred_t<T, D>
// (deferred.hpp): the umbrella header includes this one for policy.hpp, and a translation unit
// that reads or writes no JSON does not compile them.

/// The deepest nesting of arrays and objects a body may have. A Secrets Manager request needs 4
/// (ListSecrets: body → Filters → Filter → Values); the rest is headroom for unknown members.
inline constexpr std::size_t max_depth = 64;

// ---- UTF-8 ----------------------------------------------------------------------------------

/// One step over UTF-8 text: a well-formed sequence (Unicode Table 3-7: no overlong forms, no
/// surrogates, nothing above U+10FFFF), or the maximal ill-formed part to be replaced by one
/// U+FFFD (the lead byte and the continuation bytes that still fit it).
struct utf8_step {
  bool valid;
  std::size_t length;
};

[[nodiscard]] constexpr utf8_step utf8_next(std::string_view s, std::size_t i) noexcept {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char lead = byte(i);
  if (lead < 0x80) return {true, 1};
  std::size_t n = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // the allowed range of the second byte
  if (lead >= 0xC2 && lead <= 0xDF) {
    n = 2;
  } else if (lead == 0xE0) {
    n = 3, lo = 0xA0;
  } else if ((lead >= 0xE1 && lead <= 0xEC) || lead == 0xEE || lead == 0xEF) {
    n = 3;
  } else if (lead == 0xED) {
    n = 3, hi = 0x9F;
  } else if (lead == 0xF0) {
    n = 4, lo = 0x90;
  } else if (lead >= 0xF1 && lead <= 0xF3) {
    n = 4;
  } else if (lead == 0xF4) {
    n = 4, hi = 0x8F;
  } else {
    return {false, 1};
  }
  for (std::size_t k = 1; k < n; ++k) {
    if (i + k >= s.size()) return {false, k};
    const unsigned char c = byte(i + k);
    const unsigned char min = k == 1 ? lo : 0x80, max = k == 1 ? hi : 0xBF;
    if (c < min || c > max) return {false, k};
  }
  return {true, n};
}

template <class D = void>
void append_utf8(deferred_t<std::string, D>& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// ---- validation -----------------------------------------------------------------------------

[[nodiscard]] constexpr bool is_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}
[[nodiscard]] constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
[[nodiscard]] constexpr int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// The four hex digits at s[i..i+4) as a number, or -1.
[[nodiscard]] constexpr long hex4(std::string_view s, std::size_t i) noexcept {
  if (i + 4 > s.size()) return -1;
  long v = 0;
  for (std::size_t k = 0; k < 4; ++k) {
    const int h = hex_value(s[i + k]);
    if (h < 0) return -1;
    v = v * 16 + h;
  }
  return v;
}

/// `i` just past a leading UTF-8 byte-order mark, if there is one (JSON parsers skip it).
template <class D = void>
[[nodiscard]] constexpr std::size_t skip_bom(deferred_t<std::string_view, D> s) noexcept {
  return s.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
}

[[nodiscard]] constexpr std::size_t skip_space(std::string_view s, std::size_t i) noexcept {
  while (i < s.size() && is_space(s[i])) ++i;
  return i;
}

namespace scan {
inline constexpr std::size_t fail = static_cast<std::size_t>(-1);

/// The end of the string literal starting at s[i] == '"', or fail: no raw control characters,
/// valid escapes (a \u high surrogate must be followed by a \u low surrogate), valid UTF-8.
[[nodiscard]] constexpr std::size_t string(std::string_view s, std::size_t i) noexcept {
  ++i;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == '"') return i + 1;
    if (c == '\\') {
      if (i + 1 >= s.size()) return fail;
      switch (s[i + 1]) {
        case '"':
        case '\\':
        case '/':
        case 'b':
        case 'f':
        case 'n':
        case 'r':
        case 't':
          i += 2;
          continue;
        case 'u': {
          const long cp = hex4(s, i + 2);
          if (cp < 0 || (cp >= 0xDC00 && cp <= 0xDFFF)) return fail;
          i += 6;
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            if (i + 1 >= s.size() || s[i] != '\\' || s[i + 1] != 'u') return fail;
            const long low = hex4(s, i + 2);
            if (low < 0xDC00 || low > 0xDFFF) return fail;
            i += 6;
          }
          continue;
        }
        default:
          return fail;
      }
    }
    if (c < 0x20) return fail;
    const utf8_step step = utf8_next(s, i);
    if (!step.valid) return fail;
    i += step.length;
  }
  return fail;
}

/// The end of the number starting at s[i], or fail (RFC 8259 grammar).
[[nodiscard]] constexpr std::size_t number(std::string_view s, std::size_t i) noexcept {
  const auto digits = [&](std::size_t k) {
    const std::size_t start = k;
    while (k < s.size() && is_digit(s[k])) ++k;
    return k == start ? fail : k;
  };
  if (s[i] == '-') ++i;
  if (i >= s.size()) return fail;
  if (s[i] == '0') {
    ++i;
  } else if ((i = digits(i)) == fail) {
    return fail;
  }
  if (i < s.size() && s[i] == '.') {
    if ((i = digits(i + 1)) == fail) return fail;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if ((i = digits(i)) == fail) return fail;
  }
  return i;
}
}  // namespace scan

/// Whether `text` is exactly one JSON value (RFC 8259), optionally preceded by a UTF-8
/// byte-order mark and surrounded by whitespace, with every string valid UTF-8 and at most
/// `max_depth` nested arrays and objects. Linear time, constant space, no recursion.
template <class D = void>
[[nodiscard]] constexpr bool is_valid(deferred_t<std::string_view, D> s) noexcept {
  static_assert(max_depth <= 64, "the nesting stack is one 64-bit word");
  std::uint64_t in_object = 0;  // bit d: the container at depth d+1 is an object
  std::size_t depth = 0;
  std::size_t i = skip_space(s, skip_bom<D>(s));
  bool need_value = true;
  while (true) {
    if (need_value) {
      if (i >= s.size()) return false;
      const char c = s[i];
      if (c == '{' || c == '[') {
        if (depth == max_depth) return false;
        const std::uint64_t bit = std::uint64_t{1} << depth;
        in_object = c == '{' ? (in_object | bit) : (in_object & ~bit);
        ++depth;
        i = skip_space(s, i + 1);
        if (i < s.size() && s[i] == (c == '{' ? '}' : ']')) {
          --depth;
          ++i;
          need_value = false;
          continue;
        }
        if (c == '{') {
          if (i >= s.size() || s[i] != '"' || (i = scan::string(s, i)) == scan::fail) return false;
          i = skip_space(s, i);
          if (i >= s.size() || s[i] != ':') return false;
          i = skip_space(s, i + 1);
        }
        continue;
      }
      if (c == '"') {
        i = scan::string(s, i);
      } else if (c == '-' || is_digit(c)) {
        i = scan::number(s, i);
      } else if (s.substr(i, 4) == "true" || s.substr(i, 4) == "null") {
        i += 4;
      } else if (s.substr(i, 5) == "false") {
        i += 5;
      } else {
        return false;
      }
      if (i == scan::fail) return false;
      need_value = false;
      continue;
    }
    i = skip_space(s, i);
    if (depth == 0) return i == s.size();
    if (i >= s.size()) return false;
    const bool object = (in_object >> (depth - 1)) & 1;
    if (s[i] == (object ? '}' : ']')) {
      --depth;
      ++i;
      continue;
    }
    if (s[i] != ',') return false;
    i = skip_space(s, i + 1);
    if (object) {
      if (i >= s.size() || s[i] != '"' || (i = scan::string(s, i)) == scan::fail) return false;
      i = skip_space(s, i);
      if (i >= s.size() || s[i] != ':') return false;
      i = skip_space(s, i + 1);
    }
    need_value = true;
  }
}

// ---- reading validated text -----------------------------------------------------------------

enum class kind : std::uint8_t { null, boolean, number, string, array, object };

/// The end of the value starting at s[i], in text that is_valid() accepted.
[[nodiscard]] constexpr std::size_t value_end(std::string_view s, std::size_t i) noexcept {
  const auto string_end = [&](std::size_t k) {
    ++k;
    while (k < s.size() && s[k] != '"') k += s[k] == '\\' ? 2 : 1;
    return k + 1;
  };
  const char c = s[i];
  if (c == '"') return string_end(i);
  if (c == '{' || c == '[') {
    std::size_t depth = 0;
    while (i < s.size()) {
      const char d = s[i];
      if (d == '"') {
        i = string_end(i);
        continue;
      }
      if (d == '{' || d == '[') ++depth;
      if ((d == '}' || d == ']') && --depth == 0) return i + 1;
      ++i;
    }
    return s.size();
  }
  while (i < s.size() && s[i] != ',' && s[i] != ']' && s[i] != '}' && !is_space(s[i])) ++i;
  return i;
}

/// The decoded contents of the string literal `literal` (quotes included), from validated text.
template <class D = void>
[[nodiscard]] deferred_t<std::string, D> decode_string(deferred_t<std::string_view, D> literal) {
  deferred_t<std::string, D> out;
  out.reserve(literal.size() - 2);
  for (std::size_t i = 1; i + 1 < literal.size();) {
    const char c = literal[i];
    if (c != '\\') {
      out.push_back(c);
      ++i;
      continue;
    }
    const char e = literal[i + 1];
    i += 2;
    switch (e) {
      case 'b':
        out.push_back('\b');
        break;
      case 'f':
        out.push_back('\f');
        break;
      case 'n':
        out.push_back('\n');
        break;
      case 'r':
        out.push_back('\r');
        break;
      case 't':
        out.push_back('\t');
        break;
      case 'u': {
        auto cp = static_cast<std::uint32_t>(hex4(literal, i));
        i += 4;
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          const auto low = static_cast<std::uint32_t>(hex4(literal, i + 2));
          cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          i += 6;
        }
        append_utf8<D>(out, cp);
        break;
      }
      default:
        out.push_back(e);
        break;  // " \ /
    }
  }
  return out;
}

/// One value inside text that is_valid() accepted: its exact characters, no surrounding space.
class value {
 public:
  constexpr explicit value(std::string_view text) noexcept : text_(text) {}

  [[nodiscard]] constexpr std::string_view raw() const noexcept { return text_; }
  [[nodiscard]] constexpr kind type() const noexcept {
    switch (text_[0]) {
      case 'n':
        return kind::null;
      case 't':
      case 'f':
        return kind::boolean;
      case '"':
        return kind::string;
      case '[':
        return kind::array;
      case '{':
        return kind::object;
      default:
        return kind::number;
    }
  }
  [[nodiscard]] constexpr bool is_null() const noexcept { return type() == kind::null; }
  [[nodiscard]] constexpr bool boolean() const noexcept { return text_[0] == 't'; }
  /// The string's decoded contents (UTF-8).
  template <class D = void>
  [[nodiscard]] deferred_t<std::string, D> string() const {
    return decode_string<D>(text_);
  }

  /// Whether the number has neither a fraction nor an exponent (a JSON "integer").
  [[nodiscard]] constexpr bool is_integral() const noexcept {
    return text_.find_first_of(".eE") == std::string_view::npos;
  }
  /// The number truncated toward zero and clamped to [min, max] (exact for any size of number:
  /// computed from its decimal digits, never through a double).
  [[nodiscard]] constexpr std::int64_t to_integer(std::int64_t min,
                                                  std::int64_t max) const noexcept {
    std::string_view s = text_;
    const bool negative = s[0] == '-';
    if (negative) s.remove_prefix(1);
    // digits = integer part + fraction; the value is digits * 10^(exponent - fraction digits)
    std::size_t dot = s.find('.'), e = s.find_first_of("eE");
    const std::string_view integer = s.substr(0, dot != std::string_view::npos ? dot : e);
    const std::string_view fraction =
        dot == std::string_view::npos
            ? std::string_view()
            : s.substr(dot + 1, e == std::string_view::npos ? std::string_view::npos : e - dot - 1);
    long long exponent = 0;
    if (e != std::string_view::npos) {
      std::size_t k = e + 1;
      const bool exp_negative = s[k] == '-';
      if (s[k] == '+' || s[k] == '-') ++k;
      for (; k < s.size(); ++k) {
        if (exponent < 100'000) exponent = exponent * 10 + (s[k] - '0');
      }
      if (exp_negative) exponent = -exponent;
    }
    if (integer.find_first_not_of('0') == std::string_view::npos &&
        fraction.find_first_not_of('0') == std::string_view::npos)
      return 0;
    // Walk the digits of integer+fraction, keeping those left of the decimal point after
    // shifting it by `exponent`.
    const long long point = static_cast<long long>(integer.size()) + exponent;
    const long long total = static_cast<long long>(integer.size() + fraction.size());
    const std::uint64_t limit =
        negative ? static_cast<std::uint64_t>(-(min + 1)) + 1 : static_cast<std::uint64_t>(max);
    std::uint64_t v = 0;
    for (long long k = 0; k < point; ++k) {
      const int digit = k < total ? (k < static_cast<long long>(integer.size())
                                         ? integer[static_cast<std::size_t>(k)]
                                         : fraction[static_cast<std::size_t>(k) - integer.size()]) -
                                        '0'
                                  : 0;
      if (v > (limit - static_cast<std::uint64_t>(digit)) / 10) {
        v = limit;  // saturated
        break;
      } else {
        v = v * 10 + static_cast<std::uint64_t>(digit);
      }
    }
    if (!negative) return static_cast<std::int64_t>(v);
    return v == 0 ? 0 : -static_cast<std::int64_t>(v - 1) - 1;
  }

  /// Calls f(value) for each element of this array, in order.
  template <class F>
  void for_each_element(F&& f) const {
    std::size_t i = skip_space(text_, 1);
    if (text_[i] == ']') return;
    while (true) {
      const std::size_t end = value_end(text_, i);
      f(value(text_.substr(i, end - i)));
      i = skip_space(text_, end);
      if (text_[i] == ']') return;
      i = skip_space(text_, i + 1);  // ','
    }
  }

  /// Calls f(key, value) for each member of this object, in order (keys decoded).
  template <class F>
  void for_each_member(F&& f) const {
    std::size_t i = skip_space(text_, 1);
    if (text_[i] == '}') return;
    while (true) {
      const std::size_t key_end = value_end(text_, i);
      std::string key = decode_string<deferred_t<void, F>>(text_.substr(i, key_end - i));
      i = skip_space(text_, skip_space(text_, key_end) + 1);  // ':'
      const std::size_t end = value_end(text_, i);
      f(std::move(key), value(text_.substr(i, end - i)));
      i = skip_space(text_, end);
      if (text_[i] == '}') return;
      i = skip_space(text_, i + 1);  // ','
    }
  }

 private:
  std::string_view text_;
};

/// The value of text that is_valid() accepted.
template <class D = void>
[[nodiscard]] constexpr deferred_t<value, D> root(
    deferred_t<std::string_view, D> valid_text) noexcept {
  std::size_t i = skip_space(valid_text, skip_bom<D>(valid_text));
  std::size_t end = valid_text.size();
  while (end > i && is_space(valid_text[end - 1])) --end;
  return value(valid_text.substr(i, end - i));
}

// ---- writing --------------------------------------------------------------------------------

/// Appends `s` as a JSON string literal: `"` `\` and control characters escaped (\b \f \n \r \t,
/// else \u00xx), other characters as UTF-8, and each ill-formed UTF-8 part replaced by U+FFFD
/// (the output of nlohmann/json's dump with error_handler_t::replace, so writing never fails).
template <class D = void>
void append_string(deferred_t<std::string, D>& out, deferred_t<std::string_view, D> s) {
  static constexpr char hex[] = "0123456789abcdef";
  out.push_back('"');
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      const utf8_step step = utf8_next(s, i);
      if (step.valid) {
        out.append(s.substr(i, step.length));
      } else {
        out.append("\xEF\xBF\xBD");
      }
      i += step.length;
      continue;
    }
    switch (c) {
      case '"':
        out.append("\\\"");
        break;
      case '\\':
        out.append("\\\\");
        break;
      case '\b':
        out.append("\\b");
        break;
      case '\f':
        out.append("\\f");
        break;
      case '\n':
        out.append("\\n");
        break;
      case '\r':
        out.append("\\r");
        break;
      case '\t':
        out.append("\\t");
        break;
      default:
        if (c < 0x20) {
          out.append("\\u00");
          out.push_back(hex[c >> 4]);
          out.push_back(hex[c & 0xF]);
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
    ++i;
  }
  out.push_back('"');
}

template <class D = void>
[[nodiscard]] deferred_t<std::string, D> quoted(deferred_t<std::string_view, D> s) {
  deferred_t<std::string, D> out;
  out.reserve(s.size() + 2);
  append_string<D>(out, s);
  return out;
}

/// The members of one JSON object, written with their keys in byte order (the order of AWS's
/// API reference): add them in any order, then take str().
template <class D = void>
class basic_object_writer {
 public:
  /// `rendered` is the member's value as JSON text.
  void add(std::string_view key, std::string rendered) {
    members_.push_back({key, std::move(rendered)});
  }
  [[nodiscard]] std::string str() && {
    // Insertion sort: an object has at most a few dozen members.
    for (std::size_t i = 1; i < members_.size(); ++i)
      for (std::size_t k = i; k > 0 && members_[k].key < members_[k - 1].key; --k)
        std::swap(members_[k], members_[k - 1]);
    std::size_t size = 2;
    for (const auto& m : members_) size += m.key.size() + m.rendered.size() + 4;
    std::string out;
    out.reserve(size);
    out.push_back('{');
    for (std::size_t i = 0; i < members_.size(); ++i) {
      if (i != 0) out.push_back(',');
      append_string<D>(out, members_[i].key);
      out.push_back(':');
      out.append(members_[i].rendered);
    }
    out.push_back('}');
    return out;
  }

 private:
  struct member {
    std::string_view key;
    std::string rendered;
  };
  deferred_t<std::vector<member>, D> members_;
};
using object_writer = basic_object_writer<>;

// ---- base64 (RFC 4648 §4, with padding) -------------------------------------------------------

inline constexpr std::string_view base64_alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

[[nodiscard]] constexpr int base64_value(char c) noexcept {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

template <class D = void>
[[nodiscard]] deferred_t<std::string, D> base64_encode(
    const deferred_t<std::vector<std::uint8_t>, D>& bytes) {
  deferred_t<std::string, D> out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t v =
        (std::uint32_t{bytes[i]} << 16) | (std::uint32_t{bytes[i + 1]} << 8) | bytes[i + 2];
    out.push_back(base64_alphabet[(v >> 18) & 63]);
    out.push_back(base64_alphabet[(v >> 12) & 63]);
    out.push_back(base64_alphabet[(v >> 6) & 63]);
    out.push_back(base64_alphabet[v & 63]);
  }
  if (const std::size_t rest = bytes.size() - i; rest != 0) {
    const std::uint32_t v =
        (std::uint32_t{bytes[i]} << 16) | (rest == 2 ? std::uint32_t{bytes[i + 1]} << 8 : 0);
    out.push_back(base64_alphabet[(v >> 18) & 63]);
    out.push_back(base64_alphabet[(v >> 12) & 63]);
    out.push_back(rest == 2 ? base64_alphabet[(v >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

/// Why a text is not canonical base64.
enum class base64_defect : std::uint8_t {
  none,
  length,          // not a multiple of 4
  last_character,  // the last character before the padding carries bits the bytes don't use
  character,       // a character outside the alphabet (or '=' before the end); at `position`
};

struct base64_decoded {
  base64_defect defect = base64_defect::none;
  /// The text's length in UTF-16 code units, as the (Java) deserializer counts it.
  std::size_t length = 0;
  /// character: the byte offset of the first character outside the alphabet.
  std::size_t position = 0;
  std::vector<std::uint8_t> bytes;
};

/// Decodes canonical, padded base64 from UTF-8 text. The checks run in the order the AWS
/// deserializer's recorded messages imply: length first, then the last non-pad character, then
/// the others.
template <class D = void>
[[nodiscard]] deferred_t<base64_decoded, D> base64_decode(deferred_t<std::string_view, D> s) {
  deferred_t<base64_decoded, D> out;
  for (char c : s) {
    const auto b = static_cast<unsigned char>(c);
    if ((b & 0xC0) != 0x80) out.length += b >= 0xF0 ? 2 : 1;  // a 4-byte sequence: a pair
  }
  if (out.length % 4 != 0) {
    out.defect = base64_defect::length;
    return out;
  }
  std::size_t pad = 0;
  while (pad < 2 && pad < s.size() && s[s.size() - 1 - pad] == '=') ++pad;
  const std::size_t data = s.size() - pad;
  if (data > 0 && pad > 0) {
    const int last = base64_value(s[data - 1]);
    if (last >= 0 && (last & (pad == 1 ? 0x3 : 0xF)) != 0) {
      out.defect = base64_defect::last_character;
      return out;
    }
  }
  for (std::size_t i = 0; i < data; ++i) {
    if (base64_value(s[i]) < 0) {
      out.defect = base64_defect::character;
      out.position = i;
      return out;
    }
  }
  out.bytes.reserve(data / 4 * 3 + 2);
  std::uint32_t acc = 0;
  int bits = 0;
  for (std::size_t i = 0; i < data; ++i) {
    acc = (acc << 6) | static_cast<std::uint32_t>(base64_value(s[i]));
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.bytes.push_back(static_cast<std::uint8_t>((acc >> bits) & 0xFF));
    }
  }
  return out;
}

}  // namespace secretstage::detail::json

#endif  // SECRETSTAGE_DETAIL_JSON_HPP
