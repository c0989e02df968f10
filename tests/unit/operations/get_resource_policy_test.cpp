// operations/get_resource_policy.hpp: GetResourcePolicy (docs/semantics.md#resource-policies).
#include <optional>
#include <string>

#include <doctest/doctest.h>

#include <secretstage/operations/delete_secret.hpp>
#include <secretstage/operations/get_resource_policy.hpp>
#include <secretstage/operations/put_resource_policy.hpp>
#include <secretstage/operations/restore_secret.hpp>

#include "resource_policy_support.hpp"
#include "support/operation_test.hpp"

// Its own namespace: the batched build (SECRETSTAGE_FAST_TEST_BUILD) joins test files.
namespace get_resource_policy_test {

namespace ss = secretstage;
using namespace ss::testing::operation_test;
namespace pt = ss::testing::policy_text;
using pt::at_ms;
using pt::t0;

namespace {
ss::store with_app() {
  ss::store st;
  return apply(st, ss::create_secret{.name = "app", .client_request_token = vid(1), .secret_string = "s1"},
               at_ms(t0)).value().state;
}
}  // namespace

TEST_CASE("GetResourcePolicy without a policy: ARN and Name, no ResourcePolicy") {
  const ss::store st = with_app();
  const auto t = step(st, ss::get_resource_policy{.secret_id = "app"}, at_ms(t0 + 1));
  CHECK(t.response.arn == st.find("app")->arn());
  CHECK(t.response.name == "app");
  CHECK_FALSE(t.response.resource_policy.has_value());
  CHECK(t.state == st);
}

TEST_CASE("GetResourcePolicy returns the text exactly as it was put") {
  const ss::store st = with_app();
  const auto put = step(st, ss::put_resource_policy{.secret_id = "app", .resource_policy = pt::everyone_read},
                        at_ms(t0 + 1));
  const std::string arn = st.find("app")->arn().str();
  for (const auto& id : {std::string("app"), arn, arn.substr(0, arn.size() - 7)}) {
    CAPTURE(id);
    const auto t = step(put.state, ss::get_resource_policy{.secret_id = id}, at_ms(t0 + 2));
    CHECK(t.response.resource_policy == std::optional<std::string>(pt::everyone_read));
    CHECK(t.response.name == "app");
    SUBCASE("a read changes nothing, not even LastAccessedDate") {
      CHECK(t.state.find("app")->is_same_state(*put.state.find("app")));
      CHECK_FALSE(t.state.find("app")->last_accessed_date().has_value());
    }
  }
}

TEST_CASE("GetResourcePolicy: errors") {
  const ss::store st = with_app();
  CHECK_AWS_ERROR(fail(st, ss::get_resource_policy{.secret_id = "nope"}, at_ms(t0)), ss::errc::resource_not_found,
                  text::not_found);
  CHECK_AWS_ERROR(fail(st, ss::get_resource_policy{.secret_id = ""}, at_ms(t0)), ss::errc::validation,
                  text::at_least("secretId", 1));
  CHECK_AWS_ERROR(fail(st, ss::get_resource_policy{.secret_id = std::string(2049, 'a')}, at_ms(t0)),
                  ss::errc::validation, text::at_most("secretId", 2048));
  CHECK_AWS_ERROR(fail(st, ss::get_resource_policy{.secret_id = "a b"}, at_ms(t0)), ss::errc::validation,
                  text::invalid_name);
  SUBCASE("a secret scheduled for deletion: marked for deletion [OBS: Terraform], until restored") {
    const auto put = step(st, ss::put_resource_policy{.secret_id = "app", .resource_policy = pt::account_read},
                          at_ms(t0 + 1));
    const auto deleted = step(put.state, ss::delete_secret{.secret_id = "app"}, at_ms(t0 + 2));
    CHECK_AWS_ERROR(fail(deleted.state, ss::get_resource_policy{.secret_id = "app"}, at_ms(t0 + 3)),
                    ss::errc::invalid_request, pt::marked_for_deletion);
    const auto restored = step(deleted.state, ss::restore_secret{.secret_id = "app"}, at_ms(t0 + 4));
    CHECK(step(restored.state, ss::get_resource_policy{.secret_id = "app"}, at_ms(t0 + 5))
              .response.resource_policy == std::optional<std::string>(pt::account_read));
  }
}

TEST_CASE("GetResourcePolicy on one secret: the same answer, the state returned as it is") {
  const ss::secret s = given(ss::create_secret{.name = "app"});
  const auto t = step(s, ss::get_resource_policy{.secret_id = "app"}, at_ms(t0));
  CHECK(t.state.is_same_state(s));
  CHECK(t.response == ss::get_resource_policy_response{s.arn(), s.name(), std::nullopt});
  CHECK_AWS_ERROR(fail(s, ss::get_resource_policy{.secret_id = "other"}, at_ms(t0)), ss::errc::resource_not_found,
                  text::not_found);
}

}  // namespace get_resource_policy_test
