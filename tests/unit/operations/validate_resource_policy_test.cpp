// operations/validate_resource_policy.hpp: ValidateResourcePolicy
// (docs/semantics.md#resource-policies, docs/resource-policies.md).
#include <optional>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include <secretstage/operations/delete_secret.hpp>
#include <secretstage/operations/validate_resource_policy.hpp>

#include "resource_policy_support.hpp"
#include "support/operation_test.hpp"

// Its own namespace: the batched build (SECRETSTAGE_FAST_TEST_BUILD) joins test files.
namespace validate_resource_policy_test {

namespace ss = secretstage;
using namespace ss::testing::operation_test;
namespace pt = ss::testing::policy_text;
using pt::at_ms;
using pt::t0;
using errors = std::vector<ss::policy::validation_error>;

namespace {
ss::store with_app() {
  ss::store st;
  return apply(st, ss::create_secret{.name = "app", .client_request_token = vid(1), .secret_string = "s1"},
               at_ms(t0)).value().state;
}
ss::validate_resource_policy validate(std::string policy, std::optional<std::string> id = std::nullopt) {
  return {.secret_id = std::move(id), .resource_policy = std::move(policy)};
}
}  // namespace

TEST_CASE("ValidateResourcePolicy without SecretId: passed, with no errors listed") {
  const ss::store st;  // no secret at all
  const auto t = step(st, validate(pt::account_read), at_ms(t0));
  CHECK(t.response.policy_validation_passed);
  CHECK(t.response.validation_errors.empty());
  CHECK(t.state == st);
}

TEST_CASE("ValidateResourcePolicy findings: broad access, lockout, both in that order") {
  const ss::store st = with_app();
  const auto broad = step(st, validate(pt::everyone_read), at_ms(t0)).response;
  CHECK_FALSE(broad.policy_validation_passed);
  CHECK(broad.validation_errors == errors{{"BROAD_ACCESS", pt::broad_access_text}});
  const auto locked = step(st, validate(pt::lockout, "app"), at_ms(t0)).response;
  CHECK_FALSE(locked.policy_validation_passed);
  CHECK(locked.validation_errors == errors{{"LOCKOUT", pt::lockout_text}});
  const std::string both =
      R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"secretsmanager:*","Resource":"*"},)"
      R"({"Effect":"Deny","Principal":{"AWS":"*"},"Action":"secretsmanager:PutResourcePolicy","Resource":"*"}]})";
  const auto two = step(st, validate(both), at_ms(t0)).response;
  CHECK_FALSE(two.policy_validation_passed);
  CHECK(two.validation_errors ==
        errors{{"BROAD_ACCESS", pt::broad_access_text}, {"LOCKOUT", pt::lockout_text}});
  SUBCASE("a fixed origin makes everyone no longer broad") {
    const auto ok = step(st, validate(pt::everyone_from_account, "app"), at_ms(t0)).response;
    CHECK(ok.policy_validation_passed);
    CHECK(ok.validation_errors.empty());
  }
}

TEST_CASE("ValidateResourcePolicy with SecretId: by name or ARN; the policy is not stored") {
  const ss::store st = with_app();
  const std::string arn = st.find("app")->arn().str();
  for (const auto& id : {std::string("app"), arn}) {
    const auto t = step(st, validate(pt::everyone_read, id), at_ms(t0));
    CHECK_FALSE(t.response.policy_validation_passed);
    CHECK_FALSE(t.state.find("app")->resource_policy().has_value());
    CHECK(t.state.find("app")->is_same_state(*st.find("app")));
  }
}

TEST_CASE("ValidateResourcePolicy: errors in order") {
  const ss::store st = with_app();
  const auto ctx = at_ms(t0);
  CHECK_AWS_ERROR(fail(st, validate("not json"), ctx), ss::errc::malformed_policy_document, pt::malformed);
  CHECK_AWS_ERROR(fail(st, validate(""), ctx), ss::errc::validation, text::at_least("resourcePolicy", 1));
  CHECK_AWS_ERROR(fail(st, validate(std::string(20481, 'x')), ctx), ss::errc::validation,
                  text::at_most("resourcePolicy", 20480));
  SUBCASE("an invalid SecretId name is a ValidationException [OBS], after the lengths") {
    CHECK_AWS_ERROR(fail(st, validate(pt::account_read, "Inv Name"), ctx), ss::errc::validation, text::invalid_name);
    CHECK_AWS_ERROR(fail(st, validate("", "Inv Name"), ctx), ss::errc::validation,
                    text::at_least("resourcePolicy", 1));
    CHECK_AWS_ERROR(fail(st, validate(pt::account_read, ""), ctx), ss::errc::validation,
                    text::at_least("secretId", 1));
  }
  SUBCASE("a SecretId that names no secret, before the policy's syntax") {
    CHECK_AWS_ERROR(fail(st, validate("not json", "nope"), ctx), ss::errc::resource_not_found, text::not_found);
  }
  SUBCASE("a secret scheduled for deletion") {
    const auto deleted = step(st, ss::delete_secret{.secret_id = "app"}, at_ms(t0 + 1));
    CHECK_AWS_ERROR(fail(deleted.state, validate(pt::account_read, "app"), at_ms(t0 + 2)),
                    ss::errc::invalid_request, pt::marked_for_deletion);
    CHECK(step(deleted.state, validate(pt::account_read), at_ms(t0 + 2)).response.policy_validation_passed);
  }
}

}  // namespace validate_resource_policy_test
