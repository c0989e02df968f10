#ifndef SECRETSTAGE_OPERATIONS_GET_RANDOM_PASSWORD_HPP
#define SECRETSTAGE_OPERATIONS_GET_RANDOM_PASSWORD_HPP

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "../context.hpp"
#include "../describe.hpp"
#include "../detail/validate.hpp"
#include "../messages.hpp"
#include "../result.hpp"
#include "../store.hpp"
#include "../transition.hpp"

namespace secretstage {

/// GetRandomPassword request. Every member is optional in the API; the defaults here are AWS's
/// documented ones (an absent switch is the same as the value shown).
template <secret_traits Traits = aws_traits>
struct basic_get_random_password {
  /// 1–4096; absent: 32.
  std::optional<std::int64_t> password_length{};
  /// Characters never to use (0–4096 characters, compared byte for byte).
  std::optional<std::string> exclude_characters{};
  bool exclude_numbers = false;
  /// The 32 characters ! " # $ % & ' ( ) * + , - . / : ; < = > ? @ [ \ ] ^ _ ` { | } ~
  bool exclude_punctuation = false;
  bool exclude_uppercase = false;
  bool exclude_lowercase = false;
  /// Whether the space character may appear.
  bool include_space = false;
  /// At least one character of each included type (upper case, lower case, digit, punctuation).
  bool require_each_included_type = true;

  friend bool operator==(const basic_get_random_password&, const basic_get_random_password&) = default;
};

template <secret_traits Traits = aws_traits>
struct basic_get_random_password_response {
  std::string random_password;

  friend bool operator==(const basic_get_random_password_response&,
                         const basic_get_random_password_response&) = default;
};

using get_random_password = basic_get_random_password<>;
using get_random_password_response = basic_get_random_password_response<>;

/// What GetRandomPassword is, for the wire and for printing (describe.hpp); members in the
/// service model's order.
template <class Traits>
struct description_of<basic_get_random_password<Traits>>
    : request_description<read_only, basic_get_random_password_response<Traits>> {
  static constexpr char operation[] = "GetRandomPassword";
  using type = basic_get_random_password<Traits>;
  static constexpr char names[] =
      "PasswordLength ExcludeCharacters ExcludeNumbers ExcludePunctuation ExcludeUppercase "
      "ExcludeLowercase IncludeSpace RequireEachIncludedType";
  using members = type_list<member<&type::password_length, wire_shape::long_integer>,
                            member<&type::exclude_characters, wire_shape::string>,
                            member<&type::exclude_numbers, wire_shape::boolean>,
                            member<&type::exclude_punctuation, wire_shape::boolean>,
                            member<&type::exclude_uppercase, wire_shape::boolean>,
                            member<&type::exclude_lowercase, wire_shape::boolean>,
                            member<&type::include_space, wire_shape::boolean>,
                            member<&type::require_each_included_type, wire_shape::boolean>>;
};

/// GetRandomPassword's response members (describe.hpp).
template <class Traits>
struct description_of<basic_get_random_password_response<Traits>> {
  using type = basic_get_random_password_response<Traits>;
  static constexpr char names[] = "RandomPassword";
  using members = type_list<member<&type::random_password, wire_shape::string, redacted>>;
};

namespace detail {

inline constexpr std::int64_t default_password_length = 32;
inline constexpr std::int64_t max_password_length = 4096;
inline constexpr std::size_t max_exclude_characters = 4096;

inline constexpr std::string_view password_uppercase = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
inline constexpr std::string_view password_lowercase = "abcdefghijklmnopqrstuvwxyz";
inline constexpr std::string_view password_digits = "0123456789";
/// AWS's documented punctuation (the ExcludePunctuation doc): every printable ASCII character
/// that is neither a letter, a digit nor a space.
inline constexpr std::string_view password_punctuation = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

/// A splitmix64 stream: the password is a function of the seed alone.
class password_stream {
 public:
  explicit constexpr password_stream(std::uint64_t seed) noexcept : state_(seed) {}

  constexpr std::uint64_t next() noexcept {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  /// Uniform in [0, n), n > 0 (rejection sampling, so no value is favoured).
  constexpr std::size_t below(std::size_t n) noexcept {
    const auto bound = static_cast<std::uint64_t>(n);
    const std::uint64_t threshold = (0 - bound) % bound;
    for (;;) {
      const std::uint64_t x = next();
      if (x >= threshold) return static_cast<std::size_t>(x % bound);
    }
  }

 private:
  std::uint64_t state_;
};

/// `set` without the characters of `excluded`.
template <class D = void>
deferred_t<std::string, D> password_class(std::string_view set, std::string_view excluded) {
  deferred_t<std::string, D> out;
  for (char c : set)
    if (excluded.find(c) == std::string_view::npos) out.push_back(c);
  return out;
}

}  // namespace detail

/// The checks of GetRandomPassword that need no drawing (shape).
template <class Traits>
[[nodiscard]] detail::deferred_t<result<void>, Traits> check_request(
    const basic_get_random_password<Traits>& r, const basic_context<Traits>&) {
  if (r.password_length) {
    if (*r.password_length < 1) return messages::value_at_least("passwordLength", *r.password_length, 1);
    if (*r.password_length > detail::max_password_length)
      return messages::value_at_most("passwordLength", *r.password_length, detail::max_password_length);
  }
  if (r.exclude_characters) {
    SECRETSTAGE_TRYV(detail::check_length("excludeCharacters", r.exclude_characters->size(), 0,
                                          detail::max_exclude_characters));
  }
  return ok<Traits>();
}

/// GetRandomPassword: a password drawn from the context's entropy (the same request and entropy
/// give the same password; nothing else is read). It needs no state.
///
/// Checks, in order (the first failure decides):
///   PasswordLength outside 1–4096                        ValidationException "1 validation error detected: Value '<n>' at 'passwordLength' …"
///   ExcludeCharacters longer than 4096                   ValidationException
///   no character left to draw from                       InvalidParameterException "The password cannot be generated because every character type was excluded." [unverified]
///   RequireEachIncludedType and PasswordLength < the number of included types
///                                                        InvalidParameterException "The password length is too short to include a character of each required type." [unverified]
/// Effect: PasswordLength characters (default 32), drawn from the included types — upper case,
/// lower case, digits, AWS's 32 punctuation characters, and the space only with IncludeSpace —
/// less every character of ExcludeCharacters. A type is included when no switch excludes it and
/// ExcludeCharacters leaves at least one of its characters. With RequireEachIncludedType (the
/// default) the password holds at least one character of every included type; the space is not a
/// type that must appear.
/// Draws: one character per included type when required, the rest uniformly from all allowed
/// characters, then a Fisher–Yates shuffle; all from a splitmix64 stream seeded by the entropy.
/// Cost: O(PasswordLength + |ExcludeCharacters|).
template <class Traits>
[[nodiscard]] result<basic_get_random_password_response<Traits>> apply(
    const basic_get_random_password<Traits>& r, const basic_context<Traits>& ctx) {
  SECRETSTAGE_TRYV(check_request(r, ctx));
  const std::string_view excluded =
      r.exclude_characters ? std::string_view(*r.exclude_characters) : std::string_view();

  std::vector<std::string> types;
  auto include = [&](bool switched_off, std::string_view set) {
    if (switched_off) return;
    std::string chars = detail::password_class(set, excluded);
    if (!chars.empty()) types.push_back(std::move(chars));
  };
  include(r.exclude_uppercase, detail::password_uppercase);
  include(r.exclude_lowercase, detail::password_lowercase);
  include(r.exclude_numbers, detail::password_digits);
  include(r.exclude_punctuation, detail::password_punctuation);

  std::string pool;
  for (const auto& t : types) pool += t;
  if (r.include_space) pool += detail::password_class(" ", excluded);
  if (pool.empty()) return messages::password_no_characters();

  const auto length =
      static_cast<std::size_t>(r.password_length.value_or(detail::default_password_length));
  const std::size_t required = r.require_each_included_type ? types.size() : 0;
  if (length < required) return messages::password_too_short_for_types();

  detail::password_stream draw(detail::mix_entropy(ctx.entropy, 0x7061737377647321ull));
  std::string password;
  password.reserve(length);
  for (std::size_t i = 0; i < required; ++i) password.push_back(types[i][draw.below(types[i].size())]);
  while (password.size() < length) password.push_back(pool[draw.below(pool.size())]);
  for (std::size_t i = password.size(); i > 1; --i) std::swap(password[i - 1], password[draw.below(i)]);
  return basic_get_random_password_response<Traits>{std::move(password)};
}

/// The same operation in a store, for uniformity with the other operations: the store is
/// returned unchanged.
template <class Traits>
[[nodiscard]] result<transition<basic_store<Traits>, basic_get_random_password_response<Traits>>> apply(
    const basic_store<Traits>& st, const basic_get_random_password<Traits>& r,
    const basic_context<Traits>& ctx) {
  SECRETSTAGE_TRY(made, apply(r, ctx));
  return transition<basic_store<Traits>, basic_get_random_password_response<Traits>>{
      st, std::move(made)};
}

}  // namespace secretstage

#endif  // SECRETSTAGE_OPERATIONS_GET_RANDOM_PASSWORD_HPP
