#ifndef SECRETSTAGE_DETAIL_VALIDATE_HPP
#define SECRETSTAGE_DETAIL_VALIDATE_HPP

// Request checks shared by the operations. Each returns result<void> and owns the exact AWS
// error of its failure (built in messages.hpp).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "../context.hpp"
#include "../messages.hpp"
#include "../result.hpp"
#include "../secret.hpp"
#include "../value.hpp"
#include "algorithm.hpp"
#include "hash.hpp"

namespace secretstage::detail {

inline constexpr std::size_t max_secret_id = 2048;
inline constexpr std::size_t max_name = 512;
inline constexpr std::size_t max_value = 65536;
inline constexpr std::size_t max_description = 2048;
inline constexpr std::size_t max_kms_key_id = 2048;

// The checks below that return a result, compare strings or build containers are templates over
// an unused D (always void) with their types spelled deferred_t (deferred.hpp): a translation
// unit compiles them only where it calls them (benchmarks/README.md, header parse cost).
template <class D = void>
deferred_t<result<void>, D> check_length(std::string_view member, std::size_t n, std::size_t min,
                                         std::size_t max) {
  if (n < min) return messages::length_at_least(member, min);
  if (n > max) return messages::length_at_most(member, max);
  return ok<D>();
}

/// The characters of a secret name, as a table (a name is checked on every request).
struct name_chars {
  bool allowed[256] = {};
  constexpr name_chars() {
    for (int c = 0; c < 256; ++c)
      allowed[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                   c == '/' || c == '_' || c == '+' || c == '=' || c == '.' || c == '@' || c == '-';
  }
};
inline constexpr name_chars name_char_table{};

[[nodiscard]] constexpr bool is_name_char(char c) noexcept {
  return name_char_table.allowed[static_cast<unsigned char>(c)];
}

/// CreateSecret Name: 1–512 characters of [A-Za-z0-9/_+=.@-].
template <class D = void>
deferred_t<result<void>, D> check_name(std::string_view name) {
  SECRETSTAGE_TRYV(check_length<D>("name", name.size(), 1, max_name));
  for (char c : name)
    if (!is_name_char(c)) return messages::invalid_name();
  return ok<D>();
}

template <class D = void>
[[nodiscard]] bool is_arn(deferred_t<std::string_view, D> id) noexcept {
  return id.substr(0, 4) == "arn:";
}

/// SecretId: 1–2048 characters. Its characters are checked separately, after the lengths of
/// every member (AWS's framework validates lengths before the service reads the request).
template <class D = void>
deferred_t<result<void>, D> check_secret_id_length(std::string_view id) {
  return check_length<D>("secretId", id.size(), 1, max_secret_id);
}

/// A SecretId that is not an ARN must be a valid name.
template <class D = void>
deferred_t<result<void>, D> check_secret_id_characters(std::string_view id) {
  if (!is_arn<D>(id))
    for (char c : id)
      if (!is_name_char(c)) return messages::invalid_name();
  return ok<D>();
}

/// Both SecretId checks, for requests whose other members carry no length constraint.
template <class D = void>
deferred_t<result<void>, D> check_secret_id(std::string_view id) {
  SECRETSTAGE_TRYV(check_secret_id_length<D>(id));
  return check_secret_id_characters<D>(id);
}

template <class D = void>
deferred_t<result<void>, D> check_value_lengths(const std::optional<std::string>& s,
                                                const std::optional<binary>& b) {
  if (s) {
    SECRETSTAGE_TRYV(check_length<D>("secretString", s->size(), 1, max_value));
  }
  if (b) {
    SECRETSTAGE_TRYV(check_length<D>("secretBinary", b->size(), 1, max_value));
  }
  return ok<D>();
}

template <class D = void>
deferred_t<result<void>, D> check_metadata(const std::optional<std::string>& description,
                                           const std::optional<std::string>& kms_key_id) {
  if (description) {
    SECRETSTAGE_TRYV(check_length<D>("description", description->size(), 0, max_description));
  }
  if (kms_key_id) {
    SECRETSTAGE_TRYV(check_length<D>("kmsKeyId", kms_key_id->size(), 0, max_kms_key_id));
  }
  return ok<D>();
}

/// Tags: key 1–128, value 0–256 characters; at most 50 per request.
template <class D = void>
deferred_t<result<void>, D> check_tags(const std::vector<tag>& tags) {
  SECRETSTAGE_TRYV(check_length<D>("tags", tags.size(), 0, 50));
  for (std::size_t i = 0; i < tags.size(); ++i) {
    const deferred_t<std::string, D> member = "tags." + std::to_string(i + 1) + ".member.";
    SECRETSTAGE_TRYV(check_length<D>(member + "key", tags[i].key.size(), 1, 128));
    SECRETSTAGE_TRYV(check_length<D>(member + "value", tags[i].value.size(), 0, 256));
  }
  return ok<D>();
}

/// `existing` with `added` applied: a key already present takes the new value in place; new keys
/// are appended in the order given (the last of repeated keys wins).
template <class D = void>
deferred_t<std::vector<tag>, D> merge_tags(deferred_t<std::vector<tag>, D> existing,
                                           const deferred_t<std::vector<tag>, D>& added) {
  for (const auto& t : added) {
    auto at = detail::find_if(existing.begin(), existing.end(), [&](const tag& e) { return e.key == t.key; });
    if (at != existing.end()) {
      at->value = t.value;
    } else {
      existing.push_back(t);
    }
  }
  return existing;
}

template <class Traits>
detail::deferred_t<result<void>, Traits> check_token(
    const std::optional<typename Traits::version_id_type>& token) {
  if (token) {
    SECRETSTAGE_TRYV(Traits::check_version_id(*token, "clientRequestToken"));
  }
  return ok<Traits>();
}

/// VersionStages: 1–max items, each a valid label.
template <class Traits>
detail::deferred_t<result<void>, Traits> check_stage_list(
    const std::optional<std::vector<typename Traits::label_type>>& list) {
  if (!list) return ok<Traits>();
  SECRETSTAGE_TRYV(check_length("versionStages", list->size(), 1, Traits::max_labels_per_request));
  for (const auto& l : *list) {
    SECRETSTAGE_TRYV(Traits::check_label(l, "versionStages"));
  }
  return ok<Traits>();
}

/// Both values: InvalidParameterException. Neither: an error only where a value is required.
template <class D = void>
deferred_t<result<void>, D> check_one_value(const std::optional<std::string>& s,
                                            const std::optional<binary>& b, bool required) {
  if (s && b) return messages::both_secret_string_and_binary();
  if (required && !s && !b) return messages::missing_secret_value();
  return ok<D>();
}

/// The version id of a version-creating request: its ClientRequestToken, else the one the SDK
/// generated (context), else AWS's missing-token error.
template <class Traits>
result<typename Traits::version_id_type> resolve_token(
    const std::optional<typename Traits::version_id_type>& token, const basic_context<Traits>& ctx) {
  if (token) return *token;
  if (ctx.generated_token) return *ctx.generated_token;
  return messages::missing_client_request_token();
}

[[nodiscard]] constexpr bool is_suffix_char(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/// Whether `s` ends in a hyphen and six letters or digits, the shape of an ARN's random suffix.
[[nodiscard]] constexpr bool ends_like_arn_suffix(std::string_view s) noexcept {
  if (s.size() < 7 || s[s.size() - 7] != '-') return false;
  for (char c : s.substr(s.size() - 6))
    if (!is_suffix_char(c)) return false;
  return true;
}

/// Whether `id` names this secret: its name, its ARN, or its partial ARN (the ARN without the
/// "-XXXXXX" suffix). As AWS documents, a partial ARN whose name ends in a hyphen and six
/// characters is read as a complete ARN, and so does not match.
template <class D = void>
[[nodiscard]] bool names_secret(const deferred_t<secret_meta, D>& m,
                                deferred_t<std::string_view, D> id) noexcept {
  const std::string_view arn = m.arn;
  if (key_equal{}(id, m.name.view()) || key_equal{}(id, arn)) return true;
  return arn.size() > 7 && is_arn<D>(id) && id == arn.substr(0, arn.size() - 7) &&
         !ends_like_arn_suffix(m.name.view());
}

template <class Traits>
detail::deferred_t<result<void>, Traits> resolve(const basic_secret<Traits>& s,
                                                 std::string_view secret_id) {
  if (!names_secret(s.meta(), secret_id)) return messages::secret_not_found();
  return ok<Traits>();
}

template <class Traits>
detail::deferred_t<result<void>, Traits> require_not_deleted(const basic_secret<Traits>& s) {
  if (s.deleted_date()) return messages::marked_for_deletion();
  return ok<Traits>();
}

template <class D = void>
deferred_t<value_ref, D> make_value(const std::optional<std::string>& s,
                                    const std::optional<binary>& b) {
  using stored = deferred_t<const secret_value, D>;
  if (s) return detail::make_ref<stored>(secret_value::string_tag{}, copy_value_text<D>(*s));
  return detail::make_ref<stored>(secret_value::binary_tag{}, copy_value_binary<D>(*b));
}

template <class D = void>
[[nodiscard]] bool same_value(const deferred_t<secret_value, D>& v,
                              const std::optional<std::string>& s,
                              const std::optional<binary>& b) noexcept {
  if (s) return v.string() != nullptr && *v.string() == *s;
  return b && v.bytes() != nullptr && *v.bytes() == *b;
}

/// A value drawn from (entropy, n): distinct n give unrelated draws.
[[nodiscard]] constexpr std::uint64_t mix_entropy(std::uint64_t entropy, std::uint64_t n) noexcept {
  std::uint64_t z = entropy ^ (n * 0x9e3779b97f4a7c15ull + 0x632be59bd9b4e019ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

/// Six characters of [A-Za-z0-9] drawn from `entropy` (splitmix64), as AWS appends to an ARN.
template <class D = void>
deferred_t<std::string, D> arn_suffix(std::uint64_t entropy) {
  static constexpr char alphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::uint64_t z = entropy + 0x9e3779b97f4a7c15ull;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  z ^= z >> 31;
  deferred_t<std::string, D> out(6, 'A');
  for (char& c : out) {
    c = alphabet[z % 62];
    z /= 62;
  }
  return out;
}

}  // namespace secretstage::detail

#endif  // SECRETSTAGE_DETAIL_VALIDATE_HPP
