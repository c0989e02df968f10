// operations/put_resource_policy.hpp: PutResourcePolicy (docs/semantics.md#resource-policies).
#include <optional>
#include <string>

#include <doctest/doctest.h>

#include <secretstage/operations/delete_secret.hpp>
#include <secretstage/operations/put_resource_policy.hpp>
#include <secretstage/operations/tag_resource.hpp>

#include "resource_policy_support.hpp"
#include "support/operation_test.hpp"

// Its own namespace: the batched build (SECRETSTAGE_FAST_TEST_BUILD) joins test files.
namespace put_resource_policy_test {

namespace ss = secretstage;
using namespace ss::testing::operation_test;
namespace pt = ss::testing::policy_text;
using pt::at_ms;
using pt::t0;

namespace {

ss::secret two_versions() {
  return given(ss::create_secret{.name = "app", .client_request_token = vid(1), .secret_string = "s1"},
               ss::put_secret_value{.secret_id = "app", .client_request_token = vid(2), .secret_string = "s2"});
}
ss::put_resource_policy put(std::string policy, bool block = false, std::string id = "app") {
  return {.secret_id = std::move(id), .resource_policy = std::move(policy), .block_public_policy = block};
}

}  // namespace

TEST_CASE("PutResourcePolicy stores the text as given and sets LastChangedDate") {
  const auto s = two_versions();
  const auto t = step(s, put(pt::account_read), at_ms(t0));
  CHECK(t.state.resource_policy() == std::optional<std::string>(pt::account_read));
  CHECK(t.state.last_changed_date() == std::optional<ss::timestamp>(ss::timestamp{t0}));
  CHECK(t.response.arn == s.arn());
  CHECK(t.response.name == s.name());
  SUBCASE("versions, labels, tags and the other metadata are untouched") {
    CHECK(version_labels(t.state) == aws_map{{vid(1), {"AWSPREVIOUS"}}, {vid(2), {"AWSCURRENT"}}});
    CHECK(t.state.tags() == s.tags());
    CHECK(t.state.description() == s.description());
    CHECK(t.state.created_date() == s.created_date());
  }
  SUBCASE("whitespace and member order are kept: the text is not normalized") {
    const auto u = step(s, put(pt::everyone_read), at_ms(t0));
    CHECK(*u.state.resource_policy() == pt::everyone_read);
  }
  SUBCASE("a second policy replaces the first") {
    const auto u = step(t.state, put(pt::everyone_from_account), at_ms(t0 + 5));
    CHECK(u.state.resource_policy() == std::optional<std::string>(pt::everyone_from_account));
    CHECK(u.state.last_changed_date() == std::optional<ss::timestamp>(ss::timestamp{t0 + 5}));
  }
  SUBCASE("the same text again changes nothing, not even LastChangedDate") {
    const auto u = step(t.state, put(pt::account_read), at_ms(t0 + 5));
    CHECK(u.state.is_same_state(t.state));
    CHECK(u.response.arn == s.arn());
  }
}

TEST_CASE("PutResourcePolicy without BlockPublicPolicy stores a public policy [OBS]") {
  const auto t = step(two_versions(), put(pt::everyone_read), at_ms(t0));
  CHECK(t.state.resource_policy() == std::optional<std::string>(pt::everyone_read));
}

TEST_CASE("PutResourcePolicy with BlockPublicPolicy") {
  const auto s = two_versions();
  const auto ctx = at_ms(t0);
  CHECK_AWS_ERROR(fail(s, put(pt::everyone_read, true), ctx), ss::errc::public_policy, pt::public_blocked);
  CHECK(fail(s, put(pt::everyone_read, true), ctx).name() == std::string("PublicPolicyException"));
  SUBCASE("a policy restricted to named principals or a fixed origin is stored") {
    CHECK(step(s, put(pt::account_read, true), ctx).state.resource_policy() ==
          std::optional<std::string>(pt::account_read));
    CHECK(step(s, put(pt::everyone_from_account, true), ctx).state.resource_policy() ==
          std::optional<std::string>(pt::everyone_from_account));
  }
  SUBCASE("a refused policy leaves the stored one in place") {
    const auto t = step(s, put(pt::account_read), ctx);
    CHECK_AWS_ERROR(fail(t.state, put(pt::everyone_read, true), at_ms(t0 + 1)), ss::errc::public_policy,
                    pt::public_blocked);
  }
  SUBCASE("a malformed policy is malformed before it is public or not") {
    CHECK_AWS_ERROR(fail(s, put(R"({"Statement":[]})", true), ctx), ss::errc::malformed_policy_document,
                    pt::malformed);
  }
}

TEST_CASE("PutResourcePolicy refuses what is not a policy: MalformedPolicyDocumentException") {
  const auto s = two_versions();
  const auto ctx = at_ms(t0);
  for (const std::string& bad :
       {std::string("not json"), std::string("[]"), std::string("{}"), std::string("\"policy\""),
        std::string(R"({"Version":"2019-10-19","Statement":{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}})"),
        std::string(R"({"Statement":{"Effect":"AllowSomething","Principal":"*","Action":"*","Resource":"*"}})"),
        std::string(R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}})")}) {
    CAPTURE(bad);
    CHECK_AWS_ERROR(fail(s, put(bad), ctx), ss::errc::malformed_policy_document, pt::malformed);
  }
}

TEST_CASE("PutResourcePolicy validation: lengths, then characters, before resolution") {
  const auto s = two_versions();
  const auto ctx = at_ms(t0);
  CHECK_AWS_ERROR(fail(s, put(""), ctx), ss::errc::validation, text::at_least("resourcePolicy", 1));
  CHECK_AWS_ERROR(fail(s, put(std::string(20481, ' ')), ctx), ss::errc::validation,
                  text::at_most("resourcePolicy", 20480));
  CHECK_AWS_ERROR(fail(s, put(pt::account_read, false, ""), ctx), ss::errc::validation,
                  text::at_least("secretId", 1));
  SUBCASE("SecretId's length before the policy's; its characters after both") {
    CHECK_AWS_ERROR(fail(s, put("", false, ""), ctx), ss::errc::validation, text::at_least("secretId", 1));
    CHECK_AWS_ERROR(fail(s, put("", false, "a b"), ctx), ss::errc::validation,
                    text::at_least("resourcePolicy", 1));
    CHECK_AWS_ERROR(fail(s, put(pt::account_read, false, "a b"), ctx), ss::errc::validation, text::invalid_name);
  }
  SUBCASE("the length counts UTF-16 units: 20480 fits, a character above U+FFFF counts two") {
    const std::string head = R"({"Statement":{"Sid":")";
    const std::string tail =
        R"(","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},)"
        R"("Action":"secretsmanager:GetSecretValue","Resource":"*"}})";
    const std::string sid(20480 - head.size() - tail.size(), 'a');
    const std::string key = "\xF0\x9F\x94\x91";  // U+1F511: 4 bytes, 2 UTF-16 units
    const std::string exact = head + sid + tail;
    REQUIRE(exact.size() == 20480);
    CHECK(step(s, put(exact), ctx).state.resource_policy() == std::optional<std::string>(exact));
    const std::string two_for_one = head + sid.substr(2) + key + tail;  // 20482 bytes, 20480 units
    CHECK(step(s, put(two_for_one), ctx).state.resource_policy() ==
          std::optional<std::string>(two_for_one));
    const std::string one_over = head + sid.substr(1) + key + tail;  // 20481 units
    CHECK_AWS_ERROR(fail(s, put(one_over), ctx), ss::errc::validation,
                    text::at_most("resourcePolicy", 20480));
  }
  SUBCASE("a malformed policy on an unknown secret: ResourceNotFound comes first") {
    CHECK_AWS_ERROR(fail(s, put("not json", false, "nope"), ctx), ss::errc::resource_not_found, text::not_found);
  }
}

TEST_CASE("PutResourcePolicy on a secret scheduled for deletion: marked for deletion") {
  ss::store st;
  st = apply(st, ss::create_secret{.name = "app", .client_request_token = vid(1), .secret_string = "s1"},
             at_ms(t0)).value().state;
  st = apply(st, ss::delete_secret{.secret_id = "app"}, at_ms(t0 + 1)).value().state;
  CHECK_AWS_ERROR(ss::testing::fail(st, put(pt::account_read), at_ms(t0 + 2)), ss::errc::invalid_request,
                  pt::marked_for_deletion);
  SUBCASE("before the policy is looked at") {
    CHECK_AWS_ERROR(ss::testing::fail(st, put("not json"), at_ms(t0 + 2)), ss::errc::invalid_request,
                    pt::marked_for_deletion);
  }
}

TEST_CASE("PutResourcePolicy in a store: by name, ARN and partial ARN; others untouched") {
  ss::store st;
  st = apply(st, ss::create_secret{.name = "app"}, at_ms(t0)).value().state;
  st = apply(st, ss::create_secret{.name = "other"}, at_ms(t0)).value().state;
  const std::string arn = st.find("app")->arn().str();
  for (const auto& id : {std::string("app"), arn, arn.substr(0, arn.size() - 7)}) {
    CAPTURE(id);
    const auto t = ss::testing::step(st, put(pt::account_read, true, id), at_ms(t0 + 1));
    CHECK(t.state.find("app")->resource_policy() == std::optional<std::string>(pt::account_read));
    CHECK_FALSE(t.state.find("other")->resource_policy().has_value());
    CHECK(t.response.name == "app");
  }
  CHECK_AWS_ERROR(ss::testing::fail(st, put(pt::account_read, false, "nope"), at_ms(t0 + 1)),
                  ss::errc::resource_not_found, text::not_found);
}

}  // namespace put_resource_policy_test
