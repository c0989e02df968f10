#ifndef SECRETSTAGE_DETAIL_FILTERS_HPP
#define SECRETSTAGE_DETAIL_FILTERS_HPP

// What the listing reads share: the ListSecrets filters (BatchGetSecretValue takes the same ones),
// the MaxResults / NextToken checks, and the page tokens of every listing.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "../messages.hpp"
#include "../result.hpp"
#include "../secret.hpp"
#include "algorithm.hpp"
#include "validate.hpp"

namespace secretstage {

/// Filter.Key of ListSecrets and BatchGetSecretValue. The wire spells them description, name,
/// tag-key, tag-value, primary-region, owning-service, all (`filter_key_name`).
enum class filter_key : std::uint8_t {
  description,
  name,
  tag_key,
  tag_value,
  primary_region,
  owning_service,
  all,
};

[[nodiscard]] constexpr std::string_view filter_key_name(filter_key k) noexcept {
  switch (k) {
    case filter_key::description: return "description";
    case filter_key::name: return "name";
    case filter_key::tag_key: return "tag-key";
    case filter_key::tag_value: return "tag-value";
    case filter_key::primary_region: return "primary-region";
    case filter_key::owning_service: return "owning-service";
    case filter_key::all: return "all";
  }
  return "";
}

/// One Filter: a key and 1–10 values, each at most 512 characters; a value that starts with '!'
/// is negated.
struct filter {
  filter_key key = filter_key::name;
  std::vector<std::string> values;

  friend bool operator==(const filter&, const filter&) = default;
};

/// ListSecrets SortOrder.
enum class sort_order : std::uint8_t { asc, desc };

namespace detail {

inline constexpr std::size_t max_next_token = 4096;
inline constexpr std::size_t max_filters = 10;
inline constexpr std::size_t max_filter_values = 10;
inline constexpr std::size_t max_filter_value = 512;

// ---- request shape --------------------------------------------------------------------------

// The checks that return a result and the word splitters are templates over an unused D (always
// void) with their types spelled deferred_t (deferred.hpp): compiled only where they are called.

/// MaxResults within 1..max: ValidationException (AWS's range text, member 'maxResults').
template <class D = void>
deferred_t<result<void>, D> check_max_results(const deferred_t<std::optional<int>, D>& n, int max) {
  if (!n) return ok<D>();
  if (*n < 1) return messages::value_at_least("maxResults", *n, 1);
  if (*n > max) return messages::value_at_most("maxResults", *n, max);
  return ok<D>();
}

/// NextToken: 1–4096 characters.
template <class D = void>
deferred_t<result<void>, D> check_next_token(const std::optional<std::string>& token) {
  if (!token) return ok<D>();
  return check_length<D>("nextToken", token->size(), 1, max_next_token);
}

/// FilterValueStringType's pattern, as the API reference writes it.
inline constexpr std::string_view filter_value_pattern = R"(^\!?[a-zA-Z0-9 :_@\/\+\=\.\-\!]*$)";

[[nodiscard]] constexpr bool is_filter_value_char(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ' ' ||
         c == ':' || c == '_' || c == '@' || c == '/' || c == '+' || c == '=' || c == '.' ||
         c == '-' || c == '!';
}

/// Filters: at most 10; each with 1–10 values of at most 512 characters of the pattern's set.
/// Members are named as AWS names list members ("filters.1.member.values.2.member").
template <class D = void>
deferred_t<result<void>, D> check_filters(const deferred_t<std::vector<filter>, D>& filters) {
  SECRETSTAGE_TRYV(check_length<D>("filters", filters.size(), 0, max_filters));
  for (std::size_t i = 0; i < filters.size(); ++i) {
    const deferred_t<std::string, D> member =
        "filters." + std::to_string(i + 1) + ".member.values";
    SECRETSTAGE_TRYV(check_length<D>(member, filters[i].values.size(), 1, max_filter_values));
    for (std::size_t j = 0; j < filters[i].values.size(); ++j) {
      const auto& value = filters[i].values[j];
      const deferred_t<std::string, D> value_member =
          member + "." + std::to_string(j + 1) + ".member";
      SECRETSTAGE_TRYV(check_length<D>(value_member, value.size(), 0, max_filter_value));
      if (!detail::all_of(value.begin(), value.end(), is_filter_value_char))
        return messages::pattern_mismatch(value_member, value, filter_value_pattern);
    }
  }
  return ok<D>();
}

// ---- matching -------------------------------------------------------------------------------

[[nodiscard]] constexpr char ascii_lower(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

[[nodiscard]] inline bool starts_with(std::string_view text, std::string_view prefix,
                                      bool case_sensitive) noexcept {
  if (prefix.size() > text.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    const char a = case_sensitive ? text[i] : ascii_lower(text[i]);
    const char b = case_sensitive ? prefix[i] : ascii_lower(prefix[i]);
    if (a != b) return false;
  }
  return true;
}

/// The words of a text as the "all" search sees them, lower-cased: only letters and digits count,
/// every other character separates words, and a new word also begins where a lower-case letter is
/// followed by an upper-case one and where letters and digits meet ("credsDatabase#892" ->
/// creds, database, 892, the User Guide's example).
template <class D = void>
[[nodiscard]] deferred_t<std::vector<std::string>, D> search_words(
    deferred_t<std::string_view, D> text) {
  enum kind { other, lower, upper, digit };
  auto kind_of = [](char c) {
    if (c >= 'a' && c <= 'z') return lower;
    if (c >= 'A' && c <= 'Z') return upper;
    if (c >= '0' && c <= '9') return digit;
    return other;
  };
  deferred_t<std::vector<std::string>, D> out;
  deferred_t<std::string, D> word;
  kind prev = other;
  for (char c : text) {
    const kind k = kind_of(c);
    const bool breaks = k == other || (prev == lower && k == upper) ||
                        (prev != other && (prev == digit) != (k == digit));
    if (breaks && !word.empty()) out.push_back(std::move(word)), word.clear();
    if (k != other) word.push_back(ascii_lower(c));
    prev = k;
  }
  if (!word.empty()) out.push_back(std::move(word));
  return out;
}

/// The words of a description as the description filter sees them, lower-cased: maximal runs of
/// letters and digits (a ruling: AWS says only "words", and its example splits on spaces).
template <class D = void>
[[nodiscard]] deferred_t<std::vector<std::string>, D> plain_words(
    deferred_t<std::string_view, D> text) {
  deferred_t<std::vector<std::string>, D> out;
  deferred_t<std::string, D> word;
  for (char c : text) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (alnum) {
      word.push_back(ascii_lower(c));
    } else if (!word.empty()) {
      out.push_back(std::move(word));
      word.clear();
    }
  }
  if (!word.empty()) out.push_back(std::move(word));
  return out;
}

/// The description filter: every word of the value begins some word of the description, in any
/// order, not case-sensitive (the User Guide: "My Description" matches "Description of my
/// secret"; AWS answered "a secret" with descriptions "a secret" and "an secret", not "asecret").
/// A value with no word matches every secret, as an empty prefix does.
template <class D = void>
[[nodiscard]] bool description_matches(deferred_t<std::string_view, D> description,
                                       std::string_view value) {
  const auto have = plain_words<D>(description);
  for (const auto& w : plain_words<D>(value)) {
    if (!detail::any_of(have.begin(), have.end(),
                        [&](const std::string& h) { return starts_with(h, w, true); }))
      return false;
  }
  return true;
}

/// The Region of an ARN (arn:partition:service:region:account:…), empty if it has none.
[[nodiscard]] inline std::string_view arn_region(std::string_view arn) noexcept {
  std::size_t at = 0;
  for (int field = 0; field < 3; ++field) {
    at = arn.find(':', at);
    if (at == std::string_view::npos) return {};
    ++at;
  }
  const std::size_t end = arn.find(':', at);
  return end == std::string_view::npos ? std::string_view() : arn.substr(at, end - at);
}

/// Whether one (not negated) value matches a secret under `key`.
template <class Traits>
[[nodiscard]] bool value_matches(filter_key key, std::string_view value, const basic_secret<Traits>& s) {
  switch (key) {
    case filter_key::name: return starts_with(s.name(), value, true);
    case filter_key::description: return description_matches(s.description(), value);
    case filter_key::tag_key:
      return detail::any_of(s.tags().begin(), s.tags().end(),
                         [&](const tag& t) { return starts_with(t.key, value, true); });
    case filter_key::tag_value:
      return detail::any_of(s.tags().begin(), s.tags().end(),
                         [&](const tag& t) { return starts_with(t.value, value, true); });
    case filter_key::primary_region:
      // A replica's primary is in another Region (replication.hpp).
      return starts_with(s.primary_region() ? std::string_view(*s.primary_region())
                                            : arn_region(s.arn()),
                         value, true);
    case filter_key::owning_service: return false;
    case filter_key::all: {
      // search_words<Traits>: the words' types depend on Traits, so that this code is compiled
      // only where the function is instantiated (deferred.hpp).
      const auto wanted = search_words<Traits>(value);
      if (wanted.empty()) return true;
      auto words = search_words<Traits>(s.name());
      auto add = [&](std::string_view text) {
        for (auto& w : search_words<Traits>(text)) words.push_back(std::move(w));
      };
      add(s.description());
      for (const auto& t : s.tags()) add(t.key), add(t.value);
      for (const auto& w : wanted)
        for (const auto& have : words)
          if (starts_with(have, w, true)) return true;
      return false;
    }
  }
  return false;
}

/// One filter: some plain value matches (or there is none), and no negated value does.
template <class Traits>
[[nodiscard]] bool filter_matches(const filter& f, const basic_secret<Traits>& s) {
  bool any_plain = false, plain_hit = false;
  for (const auto& v : f.values) {
    if (!v.empty() && v.front() == '!') {
      if (value_matches(f.key, std::string_view(v).substr(1), s)) return false;
    } else {
      any_plain = true;
      plain_hit = plain_hit || value_matches(f.key, v, s);
    }
  }
  return !any_plain || plain_hit;
}

/// Every filter matches (an empty list matches every secret).
template <class Traits>
[[nodiscard]] bool matches_all(const std::vector<filter>& filters, const basic_secret<Traits>& s) {
  return detail::all_of(filters.begin(), filters.end(),
                     [&](const filter& f) { return filter_matches(f, s); });
}

// ---- page tokens ----------------------------------------------------------------------------

/// FNV-1a with a final avalanche: stable across platforms and runs, so tokens are deterministic.
[[nodiscard]] inline std::uint64_t text_hash(std::string_view text,
                                             std::uint64_t seed = 1469598103934665603ull) noexcept {
  std::uint64_t h = seed;
  for (char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  return h;
}

/// Appends `v` as 16 lower-case hexadecimal digits.
inline void append_hex(std::string& out, std::uint64_t v) {
  static constexpr char digits[] = "0123456789abcdef";
  for (int shift = 60; shift >= 0; shift -= 4) out.push_back(digits[(v >> shift) & 0xf]);
}

/// A hash of everything that decides a filtered listing's content and order: a token issued for
/// one query does not fit another.
template <class D = void>
std::uint64_t query_hash(const deferred_t<std::vector<filter>, D>& filters,
                         std::string_view extra) {
  deferred_t<std::string, D> key(extra);
  for (const auto& f : filters) {
    key.append("|").append(filter_key_name(f.key));
    for (const auto& v : f.values) key.append(":").append(std::to_string(v.size())).append(":").append(v);
  }
  return text_hash(key);
}

/// One page of a listing. A NextToken names the item the page starts at (each listing spells the
/// token of an item with `token_of`); it fits when some item of the current listing has exactly
/// that token, and anything else (a token that never came from this listing, or one whose item has
/// left it since) is InvalidNextTokenException. Without MaxResults the page runs to the end.
struct page {
  std::size_t begin = 0, end = 0;
  std::optional<std::string> next_token;
};

template <class Item, class TokenOf>
deferred_t<result<page>, Item> page_of(const std::vector<Item>& items,
                                       const std::optional<std::string>& token,
                                       const deferred_t<std::optional<int>, Item>& max_results,
                                       TokenOf token_of) {
  page p;
  if (token) {
    std::size_t i = 0;
    while (i < items.size() && token_of(items[i]) != *token) ++i;
    if (i == items.size()) return messages::invalid_next_token();
    p.begin = i;
  }
  const std::size_t left = items.size() - p.begin;
  const std::size_t page = max_results ? static_cast<std::size_t>(*max_results) : left;
  p.end = p.begin + (page < left ? page : left);
  if (p.end < items.size()) p.next_token = token_of(items[p.end]);
  return p;
}

}  // namespace detail

}  // namespace secretstage

#endif  // SECRETSTAGE_DETAIL_FILTERS_HPP
