// operations/delete_resource_policy.hpp: DeleteResourcePolicy (docs/semantics.md#resource-policies).
#include <optional>
#include <string>

#include <doctest/doctest.h>

#include <secretstage/operations/delete_resource_policy.hpp>
#include <secretstage/operations/delete_secret.hpp>
#include <secretstage/operations/put_resource_policy.hpp>

#include "resource_policy_support.hpp"
#include "support/operation_test.hpp"

// Its own namespace: the batched build (SECRETSTAGE_FAST_TEST_BUILD) joins test files.
namespace delete_resource_policy_test {

namespace ss = secretstage;
using namespace ss::testing::operation_test;
namespace pt = ss::testing::policy_text;
using pt::at_ms;
using pt::t0;

namespace {
ss::secret with_policy() {
  const auto s = given(ss::create_secret{.name = "app", .client_request_token = vid(1), .secret_string = "s1"});
  return step(s, ss::put_resource_policy{.secret_id = "app", .resource_policy = pt::account_read}, at_ms(t0))
      .state;
}
}  // namespace

TEST_CASE("DeleteResourcePolicy removes the policy and sets LastChangedDate") {
  const auto s = with_policy();
  const auto t = step(s, ss::delete_resource_policy{.secret_id = "app"}, at_ms(t0 + 10));
  CHECK_FALSE(t.state.resource_policy().has_value());
  // The policy was the secret's only extra: its out-of-line block goes with it.
  CHECK(s.meta().extras.allocated());
  CHECK_FALSE(t.state.meta().extras.allocated());
  CHECK(t.state.last_changed_date() == std::optional<ss::timestamp>(ss::timestamp{t0 + 10}));
  CHECK(t.response.arn == s.arn());
  CHECK(t.response.name == s.name());
  CHECK(version_labels(t.state) == version_labels(s));
  SUBCASE("again: success with ARN and Name, and nothing changes (idempotent)") {
    const auto u = step(t.state, ss::delete_resource_policy{.secret_id = "app"}, at_ms(t0 + 20));
    CHECK(u.state.is_same_state(t.state));
    CHECK(u.response.arn == s.arn());
    CHECK(u.state.last_changed_date() == std::optional<ss::timestamp>(ss::timestamp{t0 + 10}));
  }
}

TEST_CASE("DeleteResourcePolicy on a secret that never had a policy succeeds and changes nothing") {
  const auto s = given(ss::create_secret{.name = "app"});
  const auto t = step(s, ss::delete_resource_policy{.secret_id = "app"}, at_ms(t0));
  CHECK(t.state.is_same_state(s));
  CHECK(t.response.name == "app");
}

TEST_CASE("DeleteResourcePolicy: errors, and the policy stays") {
  const auto s = with_policy();
  CHECK_AWS_ERROR(fail(s, ss::delete_resource_policy{.secret_id = "nope"}, at_ms(t0)), ss::errc::resource_not_found,
                  text::not_found);
  CHECK_AWS_ERROR(fail(s, ss::delete_resource_policy{.secret_id = ""}, at_ms(t0)), ss::errc::validation,
                  text::at_least("secretId", 1));
  CHECK_AWS_ERROR(fail(s, ss::delete_resource_policy{.secret_id = "a*b"}, at_ms(t0)), ss::errc::validation,
                  text::invalid_name);
  SUBCASE("a secret scheduled for deletion: marked for deletion [OBS: Terraform]") {
    ss::store st;
    st = st.put(s);
    const auto deleted = step(st, ss::delete_secret{.secret_id = "app"}, at_ms(t0 + 1));
    CHECK_AWS_ERROR(fail(deleted.state, ss::delete_resource_policy{.secret_id = "app"}, at_ms(t0 + 2)),
                    ss::errc::invalid_request, pt::marked_for_deletion);
    CHECK(deleted.state.find("app")->resource_policy() == std::optional<std::string>(pt::account_read));
  }
}

}  // namespace delete_resource_policy_test
