#ifndef SECRETSTAGE_TRAITS_HPP
#define SECRETSTAGE_TRAITS_HPP

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

#include "detail/hash.hpp"
#include "messages.hpp"
#include "result.hpp"

namespace secretstage {

namespace detail {

// Two type-constraints for the concept below (<concepts>' same_as and convertible_to, without
// including it: these are all the library needs).
template <class T, class U>
concept traits_same_as = std::is_same_v<T, U> && std::is_same_v<U, T>;
template <class From, class To>
concept traits_convertible_to = std::is_convertible_v<From, To>;

/// A constant `V` of type `T`: naming `traits_constant<T, X>` fails unless X is a constant
/// expression convertible to T.
template <class T, T V>
struct traits_constant {};

/// A label or version id: a value type (default-constructible, copyable) with == and <.
template <class T>
concept traits_value =
    std::is_default_constructible_v<T> && std::is_copy_constructible_v<T> &&
    std::is_copy_assignable_v<T> && requires(const T& a, const T& b) {
      { a == b } -> traits_convertible_to<bool>;
      { a < b } -> traits_convertible_to<bool>;
    };

template <class T>
concept traits_value_types = requires {
  typename T::label_type;
  typename T::version_id_type;
} && traits_value<typename T::label_type> && traits_value<typename T::version_id_type>;

/// The quotas and the reserved-label switch are compile-time constants (the secret builder sizes
/// its buffers with them).
template <class T>
concept traits_constants = requires {
  typename traits_constant<std::size_t, T::label_quota>;
  typename traits_constant<std::size_t, T::max_labels_per_request>;
  typename traits_constant<bool, T::has_reserved_labels>;
};

template <class T>
concept traits_functions = requires(const typename T::label_type& l,
                                    const typename T::version_id_type& v, std::string_view member) {
  { T::check_label(l, member) } -> traits_same_as<result<void>>;
  { T::check_version_id(v, member) } -> traits_same_as<result<void>>;
  { T::text(l) } -> traits_convertible_to<std::string_view>;
  { T::text(v) } -> traits_convertible_to<std::string_view>;
  { T::hash(v) } -> traits_same_as<std::uint64_t>;
};

/// Only a domain with reserved labels needs them: the three labels and their predicates.
template <class T>
concept traits_reserved_labels = requires(const typename T::label_type& l) {
  { T::current() } -> traits_convertible_to<const typename T::label_type&>;
  { T::previous() } -> traits_convertible_to<const typename T::label_type&>;
  { T::pending() } -> traits_convertible_to<const typename T::label_type&>;
  { T::is_current(l) } -> traits_convertible_to<bool>;
  { T::is_previous(l) } -> traits_convertible_to<bool>;
  { T::is_pending(l) } -> traits_convertible_to<bool>;
};

/// Every requirement of `secret_traits` below.
template <class T>
concept traits_requirements = traits_value_types<T> && traits_constants<T> && traits_functions<T> &&
                              (!T::has_reserved_labels || traits_reserved_labels<T>);

}  // namespace detail

struct aws_traits;

/// What `basic_secret`, `basic_store`, every request and response, and every operation require of
/// their `Traits` parameter. A type that misses one requirement is rejected where it is first
/// named (e.g. `basic_secret<my_traits>`), with the failed requirement in the diagnostic.
///
///   label_type, version_id_type       value types (default-constructible, copyable) with == and <
///   label_quota                       constant: distinct labels attached across one secret
///   max_labels_per_request            constant: items in one VersionStages list
///   has_reserved_labels               constant bool: whether current/previous/pending and their
///                                     rules exist
///   check_label(l, member)            shape validation -> result<void>
///   check_version_id(v, member)       shape validation -> result<void>
///   text(l), text(v)                  how a label or id is spelled in a message (convertible to
///                                     std::string_view; a std::string is fine)
///   hash(v)                           a deterministic std::uint64_t hash of a version id
///   only when has_reserved_labels:
///   current(), previous(), pending()  the reserved labels (const label_type&)
///   is_current(l), is_previous(l), is_pending(l)
///                                     whether a label is one of them (bool)
///
/// aws_traits is accepted by name: every TU that includes the umbrella header names it (as the
/// default argument of every request and response), and checking the requirements on it there
/// would cost each such TU about 10M instructions of overload resolution (std::string's == and
/// <, among every comparison operator in scope) to re-prove what tests/unit/traits_test.cpp
/// proves once (`detail::traits_requirements<aws_traits>`).
template <class T>
concept secret_traits = std::is_same_v<T, aws_traits> || detail::traits_requirements<T>;

/// The AWS Secrets Manager domain: string labels and version ids with AWS's length limits, the
/// reserved labels AWSCURRENT / AWSPREVIOUS / AWSPENDING and their rules, and the quota of 20
/// labels per secret. A model of `secret_traits`.
struct aws_traits {
  using label_type = std::string;
  using version_id_type = std::string;

  static constexpr std::size_t label_quota = 20;
  static constexpr std::size_t max_labels_per_request = 20;
  static constexpr bool has_reserved_labels = true;

  // The members that build strings or results are templates over an unused D (always void;
  // detail/deferred.hpp), so that they are compiled only where they are called.
  template <class D = void>
  static const detail::deferred_t<label_type, D>& current() {
    static const detail::deferred_t<label_type, D> l = "AWSCURRENT";
    return l;
  }
  template <class D = void>
  static const detail::deferred_t<label_type, D>& previous() {
    static const detail::deferred_t<label_type, D> l = "AWSPREVIOUS";
    return l;
  }
  template <class D = void>
  static const detail::deferred_t<label_type, D>& pending() {
    static const detail::deferred_t<label_type, D> l = "AWSPENDING";
    return l;
  }
  template <class D = void>
  static bool is_current(const detail::deferred_t<label_type, D>& l) noexcept {
    return detail::key_equal{}(l, std::string_view("AWSCURRENT"));
  }
  template <class D = void>
  static bool is_previous(const detail::deferred_t<label_type, D>& l) noexcept {
    return detail::key_equal{}(l, std::string_view("AWSPREVIOUS"));
  }
  template <class D = void>
  static bool is_pending(const detail::deferred_t<label_type, D>& l) noexcept {
    return detail::key_equal{}(l, std::string_view("AWSPENDING"));
  }

  /// SecretVersionStageType: length 1–256, no pattern.
  template <class D = void>
  static detail::deferred_t<result<void>, D> check_label(const label_type& l,
                                                         std::string_view member) {
    if (l.empty()) return messages::length_at_least(member, 1);
    if (l.size() > 256) return messages::length_at_most(member, 256);
    return ok<D>();
  }
  /// SecretVersionIdType / ClientRequestToken: length 32–64, no pattern.
  template <class D = void>
  static detail::deferred_t<result<void>, D> check_version_id(const version_id_type& v,
                                                              std::string_view member) {
    if (v.size() < 32) return messages::length_at_least(member, 32);
    if (v.size() > 64) return messages::length_at_most(member, 64);
    return ok<D>();
  }

  static std::string_view text(const std::string& s) noexcept { return s; }

  /// Eight bytes at a time with a final avalanche; stable across platforms and runs.
  static std::uint64_t hash(const version_id_type& v) noexcept { return detail::hash_bytes(v); }
};


}  // namespace secretstage

#endif  // SECRETSTAGE_TRAITS_HPP
