// traits.hpp: the secret_traits concept accepts both traits types the tests use and rejects a
// traits type that misses any one requirement; the class templates it constrains refuse such a
// type where it is named.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <doctest/doctest.h>

#include <secretstage/secretstage.hpp>

#include "support/tiny_traits.hpp"

// Its own namespace: the batched build (SECRETSTAGE_FAST_TEST_BUILD) joins test files.
namespace traits_test {

namespace ss = secretstage;

// A named namespace, not an anonymous one: clang would warn that the members a failed check never
// reached are unused.
namespace traits_test {

// A complete domain without reserved labels, assembled from parts, so that each negative case
// below leaves out exactly one part or replaces one member.
struct value_types {
  using label_type = std::string;
  using version_id_type = std::string;
};
struct constants {
  static constexpr std::size_t label_quota = 20;
  static constexpr std::size_t max_labels_per_request = 20;
  static constexpr bool has_reserved_labels = false;
};
struct checks {
  static ss::result<void> check_label(const std::string&, std::string_view) { return ss::ok(); }
  static ss::result<void> check_version_id(const std::string&, std::string_view) {
    return ss::ok();
  }
  static std::string_view text(const std::string& s) noexcept { return s; }
};
struct hashing {
  static std::uint64_t hash(const std::string& v) noexcept { return v.size(); }
};
struct plain : value_types, constants, checks, hashing {};

struct no_label_type : constants, checks, hashing {
  using version_id_type = std::string;
};

struct unordered_label {
  bool operator==(const unordered_label&) const = default;  // no <
};
struct labels_without_order : plain {
  using label_type = unordered_label;
  static ss::result<void> check_label(const label_type&, std::string_view) { return ss::ok(); }
  static std::string_view text(const label_type&) noexcept { return "x"; }
  using checks::text;
};

struct quota_not_constant : plain {
  static inline std::size_t label_quota = 20;  // a variable, not a constant expression
};

struct no_max_labels_per_request : value_types, checks, hashing {
  static constexpr std::size_t label_quota = 20;
  static constexpr bool has_reserved_labels = false;
};

struct check_label_returns_bool : plain {
  static bool check_label(const label_type&, std::string_view) { return true; }
};

struct text_not_a_string : plain {
  static int text(const std::string&) noexcept { return 0; }
};

struct hash_of_the_wrong_width : plain {
  static std::uint32_t hash(const version_id_type&) noexcept { return 0; }
};

struct no_hash : value_types, constants, checks {};

// Reserved labels switched on without the predicates update_secret_version_stage.hpp uses.
struct reserved_without_predicates : plain {
  static constexpr bool has_reserved_labels = true;
  static const label_type& current() { return ss::aws_traits::current(); }
  static const label_type& previous() { return ss::aws_traits::previous(); }
  static const label_type& pending() { return ss::aws_traits::pending(); }
};

// The AWS domain less one predicate.
struct aws_without_is_pending : ss::aws_traits {
  static void is_pending(const label_type&) = delete;
};

template <class T>
concept secret_accepts = requires {
  typename ss::basic_secret<T>;
};
template <class T>
concept request_accepts = requires {
  typename ss::basic_update_secret_version_stage<T>;
};

}  // namespace traits_test

using namespace traits_test;

// The two traits types the tests run with.
static_assert(ss::secret_traits<ss::aws_traits>);
// secret_traits accepts aws_traits by name; it meets every requirement all the same.
static_assert(ss::detail::traits_requirements<ss::aws_traits>);
static_assert(ss::secret_traits<ss::testing::tiny_traits>);
static_assert(ss::secret_traits<plain>);  // no reserved labels: current() & co. not needed

// Each misses one requirement.
static_assert(!ss::secret_traits<no_label_type>);
static_assert(!ss::secret_traits<labels_without_order>);
static_assert(!ss::secret_traits<quota_not_constant>);
static_assert(!ss::secret_traits<no_max_labels_per_request>);
static_assert(!ss::secret_traits<check_label_returns_bool>);
static_assert(!ss::secret_traits<text_not_a_string>);
static_assert(!ss::secret_traits<hash_of_the_wrong_width>);
static_assert(!ss::secret_traits<no_hash>);
static_assert(!ss::secret_traits<reserved_without_predicates>);
static_assert(!ss::secret_traits<aws_without_is_pending>);
static_assert(!ss::secret_traits<int>);

// The constrained templates refuse them where they are named.
static_assert(secret_accepts<ss::aws_traits> && secret_accepts<ss::testing::tiny_traits>);
static_assert(!secret_accepts<no_hash> && !secret_accepts<aws_without_is_pending>);
static_assert(request_accepts<plain> && !request_accepts<reserved_without_predicates>);

TEST_CASE("secret_traits: a domain without reserved labels works through the operations") {
  // The concept's base case is a usable domain, not only a type that passes a check.
  const ss::basic_context<plain> ctx{};
  const auto made = ss::apply(
      ss::basic_create_secret<plain>{
          .name = "app", .client_request_token = std::string(32, 'a'), .secret_string = "v1"},
      ctx);
  REQUIRE(made.has_value());
  CHECK(made.value().state.version_count() == 1);
  CHECK(made.value().state.label_count() == 0);  // no reserved labels: no AWSCURRENT
}

}  // namespace traits_test
