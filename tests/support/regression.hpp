#ifndef SECRETSTAGE_TESTS_REGRESSION_HPP
#define SECRETSTAGE_TESTS_REGRESSION_HPP

// Helpers for tests/regressions/*.cpp: each of those replays a shrunk counterexample of a property
// test against the library, with the contexts the property used (now 1700000000000 ms, entropy 0).

#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <doctest/doctest.h>

#include <secretstage/secretstage.hpp>

namespace regression {

namespace ss = secretstage;

inline const std::string token_a = "a1111111-1111-4111-8111-111111111111";
inline const std::string token_b = "b2222222-2222-4222-8222-222222222222";
inline const std::string token_c = "c3333333-3333-4333-8333-333333333333";
inline const std::string token_d = "d4444444-4444-4444-8444-444444444444";
inline const std::string token_e = "e5555555-5555-4555-8555-555555555555";

inline const std::string missing_token_message =
    "You must provide a ClientRequestToken value. We recommend a UUID-type value.";

/// The property's context: `sdk_token` is what an SDK would generate (nullopt: a raw request).
inline ss::context context(std::string region, std::string account_id,
                           std::optional<std::string> sdk_token) {
  ss::context c;
  c.now = ss::timestamp{1700000000000};
  c.entropy = 0;
  c.region = std::move(region);
  c.account_id = std::move(account_id);
  c.generated_token = std::move(sdk_token);
  return c;
}

inline ss::context raw(ss::context c) {
  c.generated_token.reset();
  return c;
}

/// The secret a (successful) CreateSecret makes.
inline ss::secret created(const ss::create_secret& r, const ss::context& c) {
  auto made = ss::apply(r, c);
  REQUIRE(made.has_value());
  return made.value().state;
}

/// The ARN without its "-XXXXXX" suffix.
inline std::string partial_arn(const ss::secret& s) {
  const std::string arn = s.arn().str();
  return arn.substr(0, arn.size() - 7);
}

template <class Result>
void check_error(const Result& r, std::string_view type, std::string_view message) {
  REQUIRE_FALSE(r.has_value());
  CHECK(std::string(r.error().name()) == std::string(type));
  CHECK(r.error().message == std::string(message));
}

inline std::string validation(std::string_view member, std::string_view bound) {
  return "1 validation error detected: Value at '" + std::string(member) +
         "' failed to satisfy constraint: Member must have length " + std::string(bound);
}

}  // namespace regression

#endif  // SECRETSTAGE_TESTS_REGRESSION_HPP
