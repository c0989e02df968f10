// operations/untag_resource.hpp: UntagResource (docs/semantics.md#tags; API: "If a
// requested tag is not attached to the secret, no error is returned and the secret metadata is
// unchanged").
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <doctest/doctest.h>

#include <secretstage/operations/delete_secret.hpp>
#include <secretstage/operations/describe_secret.hpp>
#include <secretstage/operations/list_secrets.hpp>
#include <secretstage/operations/tag_resource.hpp>
#include <secretstage/operations/untag_resource.hpp>

#include "support/operation_test.hpp"

// Its own namespace: the batched build (SECRETSTAGE_FAST_TEST_BUILD) joins test files.
namespace untag_resource_test {

namespace ss = secretstage;
using namespace ss::testing::operation_test;
using tags = std::vector<ss::tag>;
using keys = std::vector<std::string>;

namespace {

const std::string marked_for_deletion =
    "You can't perform this operation on the secret because it was marked for deletion.";
const std::string C = "AWSCURRENT", P = "AWSPREVIOUS";

ss::context at_ms(std::int64_t ms) {
  ss::context c;
  c.now = ss::timestamp{ms};
  return c;
}
const std::int64_t t0 = 1'800'000'000'000;

ss::secret tagged() {
  return given(ss::create_secret{.name = "app", .client_request_token = vid(1), .secret_string = "s1",
                                 .tags = tags{{"env", "prod"}, {"team", "a"}, {"owner", "me"}}},
               ss::put_secret_value{.secret_id = "app", .client_request_token = vid(2), .secret_string = "s2"});
}
ss::untag_resource untag(keys k, std::string id = "app") { return {.secret_id = std::move(id), .tag_keys = std::move(k)}; }

}  // namespace

TEST_CASE("UntagResource removes the listed keys, keeps the others in order, sets LastChangedDate") {
  const auto s = tagged();
  const auto t = step(s, untag({"team"}), at_ms(t0));
  CHECK(t.state.tags() == tags{{"env", "prod"}, {"owner", "me"}});
  CHECK(t.state.last_changed_date() == std::optional<ss::timestamp>(ss::timestamp{t0}));
  CHECK(t.response == ss::untag_resource_response{});
  CHECK(version_labels(t.state) == aws_map{{vid(1), {P}}, {vid(2), {C}}});
  SUBCASE("several keys, some absent, some repeated") {
    const auto u = step(s, untag({"owner", "nope", "env", "owner"}), at_ms(t0));
    CHECK(u.state.tags() == tags{{"team", "a"}});
  }
  SUBCASE("every key") {
    const auto u = step(s, untag({"env", "team", "owner"}), at_ms(t0));
    CHECK(u.state.tags().empty());
  }
  SUBCASE("keys are case-sensitive") {
    CHECK(step(s, untag({"ENV"}), at_ms(t0)).state == s);
  }
}

TEST_CASE("UntagResource of keys that are not attached is a no-op (nothing changes, LastChangedDate included)") {
  const auto s = tagged();
  CHECK(step(s, untag({"nope"}), at_ms(t0)).state == s);
  CHECK(step(s, untag({}), at_ms(t0)).state == s);
  const auto bare = given(ss::create_secret{.name = "app"});
  CHECK(step(bare, untag({"x"}), at_ms(t0)).state == bare);
}

TEST_CASE("UntagResource validation: each key 1–128, before resolution") {
  const auto s = tagged();
  const auto ctx = at_ms(t0);
  CHECK_AWS_ERROR(fail(s, untag({""}), ctx), ss::errc::validation, text::at_least("tagKeys.1.member", 1));
  CHECK_AWS_ERROR(fail(s, untag({"env", std::string(129, 'k')}), ctx), ss::errc::validation,
                  text::at_most("tagKeys.2.member", 128));
  CHECK(step(s, untag({std::string(128, 'k')}), ctx).state == s);
  CHECK_AWS_ERROR(fail(s, untag({""}, "nope"), ctx), ss::errc::validation, text::at_least("tagKeys.1.member", 1));
  CHECK_AWS_ERROR(fail(s, untag({""}, ""), ctx), ss::errc::validation, text::at_least("secretId", 1));
  CHECK_AWS_ERROR(fail(s, untag({"env"}, "a*b"), ctx), ss::errc::validation, text::invalid_name);
}

TEST_CASE("UntagResource on another secret: ResourceNotFoundException") {
  CHECK_AWS_ERROR(fail(tagged(), untag({"env"}, "nope"), at_ms(t0)), ss::errc::resource_not_found, text::not_found);
}

TEST_CASE("UntagResource on a secret scheduled for deletion: marked for deletion [OBS]") {
  ss::store st;
  auto made = apply(st, ss::create_secret{.name = "app", .tags = tags{{"env", "prod"}}}, at_ms(t0));
  REQUIRE(made.has_value());
  auto scheduled = apply(made.value().state, ss::delete_secret{.secret_id = "app", .recovery_window_in_days = 7},
                         at_ms(t0 + 1));
  REQUIRE(scheduled.has_value());
  const ss::store& st2 = scheduled.value().state;
  for (const auto& k : {keys{"env"}, keys{"absent"}, keys{}}) {
    auto res = apply(st2, untag(k), at_ms(t0 + 2));
    REQUIRE_FALSE(res.has_value());
    CHECK_AWS_ERROR(res.error(), ss::errc::invalid_request, marked_for_deletion);
  }
  CHECK(st2.find("app")->tags() == tags{{"env", "prod"}});
}

TEST_CASE("UntagResource in a store") {
  ss::store st;
  auto made = apply(st, ss::create_secret{.name = "app", .tags = tags{{"a", "1"}, {"b", "2"}}}, at_ms(t0));
  REQUIRE(made.has_value());
  st = made.value().state;
  const std::string arn = st.find("app")->arn().str();
  auto res = apply(st, untag({"a"}, arn), at_ms(t0 + 5));
  REQUIRE(res.has_value());
  CHECK(res.value().state.find("app")->tags() == tags{{"b", "2"}});
  CHECK(st.find("app")->tags() == tags{{"a", "1"}, {"b", "2"}});
  CHECK(ss::check_store_invariants(res.value().state).empty());
}

// The sequence AWS answered in LocalStack's AWS-validated test_secret_tags: DescribeSecret of a
// secret created without tags has no Tags member; after TagResource it lists them; once the last
// tag is removed it shows "Tags": [] (not an absent member), and again after a second round.
TEST_CASE("Tags: absent until a tag is attached, [] after the last is removed (recorded AWS answers)") {
  ss::store st;
  auto step_store = [&](const auto& request, std::int64_t at) {
    auto res = apply(st, request, at_ms(at));
    REQUIRE(res.has_value());
    st = res.value().state;
    CHECK(ss::check_store_invariants(st).empty());
  };
  auto described_tags = [&] {
    auto d = apply(st, ss::describe_secret{.secret_id = "app"}, at_ms(t0 + 100));
    REQUIRE(d.has_value());
    auto l = apply(st, ss::list_secrets{}, at_ms(t0 + 100));
    REQUIRE(l.has_value());
    REQUIRE(l.value().response.secret_list.size() == 1);
    CHECK(l.value().response.secret_list[0].tags == d.value().response.tags);  // the same rule
    return d.value().response.tags;
  };
  step_store(ss::create_secret{.name = "app"}, t0);
  CHECK_FALSE(described_tags().has_value());
  CHECK_FALSE(st.find("app")->ever_tagged());
  step_store(ss::tag_resource{.secret_id = "app", .tags = tags{{"tag1", "value1"}}}, t0 + 1);
  CHECK(described_tags() == std::optional<tags>(tags{{"tag1", "value1"}}));
  step_store(ss::tag_resource{.secret_id = "app", .tags = tags{{"tag2", "value2"}}}, t0 + 2);
  CHECK(described_tags() == std::optional<tags>(tags{{"tag1", "value1"}, {"tag2", "value2"}}));
  step_store(untag({"tag1"}), t0 + 3);
  CHECK(described_tags() == std::optional<tags>(tags{{"tag2", "value2"}}));
  step_store(untag({"tag2"}), t0 + 4);
  CHECK(described_tags() == std::optional<tags>(tags{}));  // "Tags": []
  step_store(ss::tag_resource{.secret_id = "app", .tags = tags{{"tag3", "value3"}, {"tag4", "value4"}}}, t0 + 5);
  CHECK(described_tags() == std::optional<tags>(tags{{"tag3", "value3"}, {"tag4", "value4"}}));
  step_store(untag({"tag3", "tag4"}), t0 + 6);
  CHECK(described_tags() == std::optional<tags>(tags{}));
  SUBCASE("TagResource with no tags on a never-tagged secret attaches nothing") {
    ss::store fresh;
    auto made = apply(fresh, ss::create_secret{.name = "plain"}, at_ms(t0));
    REQUIRE(made.has_value());
    auto same = apply(made.value().state, ss::tag_resource{.secret_id = "plain", .tags = tags{}}, at_ms(t0 + 1));
    REQUIRE(same.has_value());
    CHECK_FALSE(same.value().state.find("plain")->ever_tagged());
  }
}

}  // namespace untag_resource_test
