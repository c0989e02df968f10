// operations/tag_resource.hpp: TagResource (docs/semantics.md#tags, #validation).
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <doctest/doctest.h>

#include <secretstage/operations/delete_secret.hpp>
#include <secretstage/operations/tag_resource.hpp>

#include "support/operation_test.hpp"

// Its own namespace: the batched build (SECRETSTAGE_FAST_TEST_BUILD) joins test files.
namespace tag_resource_test {

namespace ss = secretstage;
using namespace ss::testing::operation_test;
using tags = std::vector<ss::tag>;

namespace {

// Typed from docs/semantics.md#validation ([OBS] test_tag_untag_resource_on_deleted_secret).
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
                                 .tags = tags{{"env", "prod"}, {"team", "a"}}},
               ss::put_secret_value{.secret_id = "app", .client_request_token = vid(2), .secret_string = "s2"});
}
ss::tag_resource tag_req(tags t, std::string id = "app") { return {.secret_id = std::move(id), .tags = std::move(t)}; }

}  // namespace

TEST_CASE("TagResource appends new keys in order and sets LastChangedDate") {
  const auto s = tagged();
  const auto t = step(s, tag_req({{"owner", "me"}, {"cost", "42"}}), at_ms(t0));
  CHECK(t.state.tags() == tags{{"env", "prod"}, {"team", "a"}, {"owner", "me"}, {"cost", "42"}});
  CHECK(t.state.last_changed_date() == std::optional<ss::timestamp>(ss::timestamp{t0}));
  CHECK(t.response == ss::tag_resource_response{});
  SUBCASE("versions, labels and the rest of the metadata are untouched") {
    CHECK(version_labels(t.state) == aws_map{{vid(1), {P}}, {vid(2), {C}}});
    CHECK(version_labels(t.state) == version_labels(s));
    CHECK(t.state.arn() == s.arn());
    CHECK(t.state.description() == s.description());
    CHECK(t.state.created_date() == s.created_date());
    CHECK_FALSE(t.state.deleted_date().has_value());
  }
}

TEST_CASE("TagResource: a key already present takes the new value in place") {
  const auto t = step(tagged(), tag_req({{"env", "dev"}, {"new", "x"}}), at_ms(t0));
  CHECK(t.state.tags() == tags{{"env", "dev"}, {"team", "a"}, {"new", "x"}});
  SUBCASE("an empty value is a value") {
    const auto u = step(t.state, tag_req({{"team", ""}}), at_ms(t0 + 1));
    CHECK(u.state.tags() == tags{{"env", "dev"}, {"team", ""}, {"new", "x"}});
  }
  SUBCASE("of keys repeated in one request the last wins") {
    const auto u = step(t.state, tag_req({{"k", "1"}, {"k", "2"}}), at_ms(t0 + 1));
    CHECK(u.state.tags() == tags{{"env", "dev"}, {"team", "a"}, {"new", "x"}, {"k", "2"}});
  }
  SUBCASE("keys are case-sensitive") {
    const auto u = step(t.state, tag_req({{"ENV", "x"}}), at_ms(t0 + 1));
    CHECK(u.state.tags() == tags{{"env", "dev"}, {"team", "a"}, {"new", "x"}, {"ENV", "x"}});
  }
}

TEST_CASE("TagResource that changes no tag changes nothing at all") {
  const auto s = tagged();
  CHECK(step(s, tag_req({}), at_ms(t0)).state == s);
  CHECK(step(s, tag_req({{"env", "prod"}}), at_ms(t0)).state == s);
  CHECK(step(s, tag_req({{"team", "a"}, {"env", "prod"}}), at_ms(t0)).state == s);
}

TEST_CASE("TagResource on a secret without tags") {
  const auto s = given(ss::create_secret{.name = "app"});
  const auto t = step(s, tag_req({{"a", "1"}}), at_ms(t0));
  CHECK(t.state.tags() == tags{{"a", "1"}});
}

TEST_CASE("TagResource validation: tag shape, before resolution") {
  const auto s = tagged();
  const auto ctx = at_ms(t0);
  CHECK_AWS_ERROR(fail(s, tag_req({{"", "v"}}), ctx), ss::errc::validation, text::at_least("tags.1.member.key", 1));
  CHECK_AWS_ERROR(fail(s, tag_req({{"ok", "v"}, {std::string(129, 'k'), "v"}}), ctx), ss::errc::validation,
                  text::at_most("tags.2.member.key", 128));
  CHECK_AWS_ERROR(fail(s, tag_req({{"k", std::string(257, 'v')}}), ctx), ss::errc::validation,
                  text::at_most("tags.1.member.value", 256));
  tags many;
  for (int i = 0; i < 51; ++i) many.push_back({"k" + std::to_string(i), "v"});
  CHECK_AWS_ERROR(fail(s, tag_req(many), ctx), ss::errc::validation, text::at_most("tags", 50));
  SUBCASE("the longest key and value and 50 tags are accepted") {
    const auto t = step(s, tag_req({{std::string(128, 'k'), std::string(256, 'v')}}), ctx);
    CHECK(t.state.tags().size() == 3);
    many.pop_back();
    CHECK(step(s, tag_req(many), ctx).state.tags().size() == 52);
  }
  SUBCASE("SecretId length first; its characters only after every length") {
    CHECK_AWS_ERROR(fail(s, tag_req({{"", "v"}}, ""), ctx), ss::errc::validation, text::at_least("secretId", 1));
    CHECK_AWS_ERROR(fail(s, tag_req({{"", "v"}}, "a b"), ctx), ss::errc::validation,
                    text::at_least("tags.1.member.key", 1));
    CHECK_AWS_ERROR(fail(s, tag_req({{"k", "v"}}, "a b"), ctx), ss::errc::validation, text::invalid_name);
  }
  SUBCASE("a bad tag on an unknown secret: the validation error, not ResourceNotFound") {
    CHECK_AWS_ERROR(fail(s, tag_req({{"", "v"}}, "nope"), ctx), ss::errc::validation,
                    text::at_least("tags.1.member.key", 1));
  }
}

TEST_CASE("TagResource on another secret: ResourceNotFoundException") {
  CHECK_AWS_ERROR(fail(tagged(), tag_req({{"k", "v"}}, "nope"), at_ms(t0)), ss::errc::resource_not_found,
                  text::not_found);
}

TEST_CASE("TagResource on a secret scheduled for deletion: marked for deletion [OBS]") {
  ss::store st;
  auto made = apply(st, ss::create_secret{.name = "app", .client_request_token = vid(1), .secret_string = "s1",
                                          .tags = tags{{"env", "prod"}}},
                    at_ms(t0));
  REQUIRE(made.has_value());
  auto scheduled = apply(made.value().state, ss::delete_secret{.secret_id = "app"}, at_ms(t0 + 1));
  REQUIRE(scheduled.has_value());
  const ss::store& st2 = scheduled.value().state;
  auto res = apply(st2, tag_req({{"k", "v"}}), at_ms(t0 + 2));
  REQUIRE_FALSE(res.has_value());
  CHECK_AWS_ERROR(res.error(), ss::errc::invalid_request, marked_for_deletion);
  CHECK(st2.find("app")->tags() == tags{{"env", "prod"}});
  SUBCASE("also when the tags would change nothing, and on the per-secret form") {
    CHECK_AWS_ERROR(fail(*st2.find("app"), tag_req({}), at_ms(t0 + 2)), ss::errc::invalid_request,
                    marked_for_deletion);
  }
}

TEST_CASE("TagResource in a store: by name, ARN and partial ARN") {
  ss::store st;
  auto made = apply(st, ss::create_secret{.name = "app"}, at_ms(t0));
  REQUIRE(made.has_value());
  st = made.value().state;
  const std::string arn = st.find("app")->arn().str();
  int i = 0;
  for (const auto& id : {std::string("app"), arn, arn.substr(0, arn.size() - 7)}) {
    CAPTURE(id);
    auto res = apply(st, tag_req({{"k" + std::to_string(i), "v"}}, id), at_ms(t0 + 1));
    REQUIRE(res.has_value());
    CHECK(res.value().state.find("app")->tags() == tags{{"k" + std::to_string(i), "v"}});
    CHECK(ss::check_store_invariants(res.value().state).empty());
    ++i;
  }
  auto res = apply(st, tag_req({{"k", "v"}}, "nope"), at_ms(t0 + 1));
  REQUIRE_FALSE(res.has_value());
  CHECK_AWS_ERROR(res.error(), ss::errc::resource_not_found, text::not_found);
}

}  // namespace tag_resource_test
