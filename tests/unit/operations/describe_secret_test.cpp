// operations/describe_secret.hpp: DescribeSecret (docs/semantics.md#describesecret, #reads,
// #deprecated-versions). Expected messages are typed from the spec.
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <doctest/doctest.h>

#include <secretstage/detail/secret_builder.hpp>
#include <secretstage/invariants.hpp>
#include <secretstage/operations/create_secret.hpp>
#include <secretstage/operations/describe_secret.hpp>
#include <secretstage/operations/get_secret_value.hpp>
#include <secretstage/operations/put_secret_value.hpp>
#include <secretstage/operations/update_secret_version_stage.hpp>

#include "support/given.hpp"
#include "support/tiny_traits.hpp"

// Its own namespace: the batched build (SECRETSTAGE_FAST_TEST_BUILD) joins test files.
namespace describe_secret_test {

namespace ss = secretstage;
using ss::testing::vid;
using labels = std::vector<std::string>;

namespace {

const std::string not_found = "Secrets Manager can't find the specified secret.";
const std::string invalid_name =
    "Invalid name. Must be a valid name containing alphanumeric characters, or any of the "
    "following: -/_+=.@!";
std::string at_most(const std::string& member, int n) {
  return "1 validation error detected: Value at '" + member +
         "' failed to satisfy constraint: Member must have length less than or equal to " +
         std::to_string(n);
}
std::string at_least(const std::string& member, int n) {
  return "1 validation error detected: Value at '" + member +
         "' failed to satisfy constraint: Member must have length greater than or equal to " +
         std::to_string(n);
}

const std::string v1 = vid(1), v2 = vid(2), v3 = vid(3), v4 = vid(4), v5 = vid(5);
const std::string C = "AWSCURRENT", P = "AWSPREVIOUS", N = "AWSPENDING";

constexpr std::int64_t day0 = 1'699'920'000;  // midnight UTC
constexpr std::int64_t hour = 3600, day = 86'400;

ss::context at(std::int64_t seconds) {
  ss::context c;
  c.now = ss::timestamp::from_seconds(seconds);
  return c;
}
ss::timestamp ts(std::int64_t seconds) { return ss::timestamp::from_seconds(seconds); }

template <class Request>
auto run(const ss::store& st, const Request& r, const ss::context& ctx = at(day0)) {
  return ss::testing::step(st, r, ctx);
}
template <class Request>
ss::error refused(const ss::store& st, const Request& r, const ss::context& ctx = at(day0)) {
  return ss::testing::fail(st, r, ctx);
}

/// DescribeSecret must leave the store exactly as it was: the same store comes back.
ss::describe_secret_response describe(const ss::store& st, std::string id = "app") {
  auto t = run(st, ss::describe_secret{.secret_id = std::move(id)});
  CHECK(t.state == st);
  return t.response;
}

ss::put_secret_value put(const std::string& id, std::optional<labels> stages = std::nullopt) {
  return {.secret_id = "app", .client_request_token = id, .secret_string = "value of " + id,
          .version_stages = std::move(stages)};
}
ss::update_secret_version_stage uvs(std::string label, std::optional<std::string> from,
                                    std::optional<std::string> to) {
  return {.secret_id = "app", .version_stage = std::move(label),
          .remove_from_version_id = std::move(from), .move_to_version_id = std::move(to)};
}

ss::store created(ss::create_secret c, std::int64_t when = day0 - 10 * day) {
  return run(ss::store{}, c, at(when)).state;
}
ss::store app_store() {
  return created({.name = "app", .client_request_token = v1, .secret_string = "s1"});
}

template <class Edit>
ss::store edited(const ss::store& st, const std::string& name, Edit edit) {
  ss::detail::secret_builder<ss::aws_traits> b(*st.find(name));
  edit(b);
  auto next = std::move(b).finish();
  REQUIRE(next.has_value());
  CHECK(ss::check_invariants(next.value()).empty());
  return st.put(std::move(next).value());
}
/// Rotation configuration as RotateSecret / CancelRotateSecret would leave it.
ss::store with_rotation(const ss::store& st, bool enabled, std::optional<std::string> lambda,
                        std::optional<ss::rotation_rules> rules, std::optional<ss::timestamp> last_rotated) {
  return edited(st, "app", [&](auto& b) {
    auto meta = ss::detail::make_ref<ss::detail::secret_meta>(b.meta());
    meta->rotation_enabled = enabled;
    meta->rotation_lambda_arn = lambda;
    meta->rotation = rules;
    b.set_meta(std::move(meta));
    b.set_last_rotated(last_rotated);
  });
}

using stages_map = std::vector<std::pair<std::string, std::set<std::string>>>;
stages_map as_map(const std::vector<ss::version_stages_entry>& entries) {
  stages_map out;
  for (const auto& e : entries) out.emplace_back(e.version_id, std::set<std::string>(e.version_stages.begin(), e.version_stages.end()));
  return out;
}

}  // namespace

TEST_CASE("a new secret with a value: ARN, Name, LastChangedDate, CreatedDate, {v1: [AWSCURRENT]}; the rest absent") {
  const auto st = app_store();
  const auto r = describe(st);
  CHECK(r.arn == st.find("app")->arn());
  CHECK(r.name == "app");
  CHECK_FALSE(r.description.has_value());
  CHECK_FALSE(r.kms_key_id.has_value());
  CHECK_FALSE(r.rotation_enabled.has_value());
  CHECK_FALSE(r.rotation_lambda_arn.has_value());
  CHECK_FALSE(r.rotation_rules.has_value());
  CHECK_FALSE(r.last_rotated_date.has_value());
  CHECK(r.last_changed_date == ts(day0 - 10 * day));
  CHECK_FALSE(r.last_accessed_date.has_value());
  CHECK_FALSE(r.deleted_date.has_value());
  CHECK_FALSE(r.next_rotation_date.has_value());
  CHECK_FALSE(r.tags.has_value());  // never tagged: no Tags member
  CHECK(as_map(r.version_ids_to_stages) == stages_map{{v1, {C}}});
  CHECK(r.created_date == ts(day0 - 10 * day));
}

TEST_CASE("Description (absent when empty), KmsKeyId and Tags in the order they were added") {
  const auto st = created({.name = "app", .description = "db creds", .kms_key_id = "alias/k",
                           .tags = std::vector<ss::tag>{{"team", "a"}, {"env", "prod"}}});
  const auto r = describe(st);
  CHECK(r.description == std::optional<std::string>("db creds"));
  CHECK(r.kms_key_id == std::optional<std::string>("alias/k"));
  CHECK(r.tags == std::vector<ss::tag>{{"team", "a"}, {"env", "prod"}});
  SUBCASE("CreateSecret with an empty Tags list attaches no tag: no Tags member") {
    CHECK_FALSE(describe(created({.name = "app", .tags = std::vector<ss::tag>{}})).tags.has_value());
  }
  SUBCASE("an empty Description is omitted") {
    CHECK_FALSE(describe(created({.name = "app", .description = ""})).description.has_value());
  }
}

TEST_CASE("VersionIdsToStages: labelled versions only, oldest first; absent when no version has a label") {
  SUBCASE("no version at all") {
    CHECK(describe(created({.name = "app"})).version_ids_to_stages.empty());
  }
  SUBCASE("trace T7: Create, Put, Put, Put leaves {v3: [AWSPREVIOUS], v4: [AWSCURRENT]}") {
    auto st = app_store();
    for (const auto& id : {v2, v3, v4}) st = run(st, put(id)).state;
    CHECK(as_map(describe(st).version_ids_to_stages) == stages_map{{v3, {P}}, {v4, {C}}});
  }
  SUBCASE("custom labels are grouped with their version; a version whose labels all left is dropped") {
    auto st = app_store();
    st = run(st, put(v2, labels{"L1", "L2", N})).state;
    st = run(st, put(v3, labels{"L3"})).state;
    st = run(st, uvs("L0", std::nullopt, v1)).state;
    CHECK(as_map(describe(st).version_ids_to_stages) ==
          stages_map{{v1, {C, "L0"}}, {v2, {"L1", "L2", N}}, {v3, {"L3"}}});
    st = run(st, put(v4, labels{"L3"})).state;
    CHECK(as_map(describe(st).version_ids_to_stages) ==
          stages_map{{v1, {C, "L0"}}, {v2, {"L1", "L2", N}}, {v4, {"L3"}}});
  }
  SUBCASE("a pending-only secret shows its placeholder") {
    const auto st = edited(created({.name = "app"}), "app", [](auto& b) {
      const auto* v = b.put_version(ss::detail::make_ref<const ss::version>(v5, nullptr, ts(day0), b.take_sequence()));
      b.attach(N, v);
    });
    CHECK(as_map(describe(st).version_ids_to_stages) == stages_map{{v5, {N}}});
  }
}

TEST_CASE("scheduled for deletion: described, with DeletedDate and unchanged VersionIdsToStages") {
  const auto live = run(app_store(), put(v2)).state;
  const auto st = edited(live, "app", [](auto& b) { b.set_deleted(ts(day0 + 7 * day)); });
  const auto r = describe(st);
  CHECK(r.deleted_date == ts(day0 + 7 * day));
  CHECK(as_map(r.version_ids_to_stages) == stages_map{{v1, {P}}, {v2, {C}}});
}

TEST_CASE("rotation members and NextRotationDate") {
  // The secret was created 2023-11-04 00:00 UTC (day0 − 10 days) with v1; DescribeSecret runs at
  // day0 = 2023-11-14 00:00 UTC, a Tuesday. Each NextRotationDate below is the last second of the
  // window AWS's rules give (docs/rotation-schedules.md), counted by hand.
  const auto st = app_store();
  ss::rotation_rules every_30;
  every_30.automatically_after_days = 30;
  const std::string lambda = "arn:aws:lambda:us-east-1:123456789012:function:rot";
  auto scheduled = [](std::string expression, std::optional<std::string> duration = std::nullopt) {
    ss::rotation_rules r;
    r.schedule_expression = std::move(expression);
    r.duration = std::move(duration);
    return r;
  };
  SUBCASE("AutomaticallyAfterDays, rotated: the whole day 30 days after the rotation's day") {
    // Rotated 2023-11-12 → window 2023-12-12 → 2023-12-12T23:59:59Z.
    const auto r = describe(with_rotation(st, true, lambda, every_30, ts(day0 - 2 * day)));
    CHECK(r.rotation_enabled == std::optional<bool>(true));
    CHECK(r.rotation_lambda_arn == std::optional<std::string>(lambda));
    CHECK(r.rotation_rules == std::optional<ss::rotation_rules>(every_30));
    CHECK(r.last_rotated_date == ts(day0 - 2 * day));
    CHECK(r.next_rotation_date == ts(day0 + 28 * day + day - 1));
  }
  SUBCASE("AutomaticallyAfterDays, never rotated: counted from CreatedDate") {
    // Created 2023-11-04 → 2023-12-04T23:59:59Z.
    const auto r = describe(with_rotation(st, true, lambda, every_30, std::nullopt));
    CHECK(r.next_rotation_date == ts(day0 + 20 * day + day - 1));
  }
  SUBCASE("a PutSecretValue after the rotation counts as a rotation") {
    // Rotated 2023-11-12, value written 2023-11-13 05:00 → window 2023-12-13.
    const auto configured = with_rotation(st, true, lambda, every_30, ts(day0 - 2 * day));
    const auto written = run(configured, put(v2), at(day0 - day + 5 * hour)).state;
    CHECK(describe(written).next_rotation_date == ts(day0 + 29 * day + day - 1));
  }
  SUBCASE("rate(10 days), never rotated: the window 2023-11-14 is open now, so its last second") {
    const auto r = describe(with_rotation(st, true, lambda, scheduled("rate(10 days)"), std::nullopt));
    CHECK(r.next_rotation_date == ts(day0 + day - 1));
    // No rotation yet: the expression is shown alone.
    CHECK(r.rotation_rules == std::optional<ss::rotation_rules>(scheduled("rate(10 days)")));
  }
  SUBCASE("rate(10 days), rotated 2023-11-12: window 2023-11-22; AutomaticallyAfterDays 10 shown") {
    const auto r = describe(with_rotation(st, true, lambda, scheduled("rate(10 days)"), ts(day0 - 2 * day)));
    CHECK(r.next_rotation_date == ts(day0 + 8 * day + day - 1));
    auto shown = scheduled("rate(10 days)");
    shown.automatically_after_days = 10;
    CHECK(r.rotation_rules == std::optional<ss::rotation_rules>(shown));
  }
  SUBCASE("cron(0 16 1,15 * ? *) with Duration 2h, rotated 2023-11-12: 2023-11-15 16:00–18:00") {
    const auto r = describe(with_rotation(st, true, lambda, scheduled("cron(0 16 1,15 * ? *)", "2h"),
                                          ts(day0 - 2 * day)));
    CHECK(r.next_rotation_date == ts(day0 + day + 18 * hour - 1));
    auto shown = scheduled("cron(0 16 1,15 * ? *)", "2h");
    shown.automatically_after_days = 3;  // 2023-11-12 → 2023-11-15
    CHECK(r.rotation_rules == std::optional<ss::rotation_rules>(shown));
  }
  SUBCASE("rate(6 hours), rotated 2023-11-12 00:00: the window 2023-11-14 00:00–01:00 is open now") {
    const auto r = describe(with_rotation(st, true, lambda, scheduled("rate(6 hours)"), ts(day0 - 2 * day)));
    CHECK(r.next_rotation_date == ts(day0 + hour - 1));
    // A schedule in hours has no AutomaticallyAfterDays.
    CHECK(r.rotation_rules == std::optional<ss::rotation_rules>(scheduled("rate(6 hours)")));
  }
  SUBCASE("turned off after being configured: RotationEnabled false, no NextRotationDate") {
    const auto r = describe(with_rotation(st, false, lambda, every_30, ts(day0 - 2 * day)));
    CHECK(r.rotation_enabled == std::optional<bool>(false));
    CHECK(r.rotation_lambda_arn == std::optional<std::string>(lambda));
    CHECK_FALSE(r.next_rotation_date.has_value());
    // "If the secret isn't configured for rotation or rotation has been disabled, Secrets
    // Manager returns null" (API reference, DescribeSecret LastRotatedDate).
    CHECK_FALSE(r.last_rotated_date.has_value());
  }
}

TEST_CASE("LastAccessedDate shows the day of the last GetSecretValue; DescribeSecret itself records nothing") {
  const auto st = app_store();
  const auto read = run(st, ss::get_secret_value{.secret_id = "app"}, at(day0 + 13 * hour)).state;
  CHECK(describe(read).last_accessed_date == ts(day0));
  CHECK_FALSE(describe(st).last_accessed_date.has_value());
}

TEST_CASE("SecretId resolution and request shape") {
  const auto st = app_store();
  const std::string arn(st.find("app")->arn().view());
  CHECK(describe(st, arn).name == "app");
  CHECK(describe(st, arn.substr(0, arn.size() - 7)).name == "app");
  CHECK_ERROR(refused(st, ss::describe_secret{.secret_id = "nope"}), "ResourceNotFoundException", not_found);
  CHECK_ERROR(refused(st, ss::describe_secret{.secret_id = ""}), "ValidationException", at_least("secretId", 1));
  CHECK_ERROR(refused(st, ss::describe_secret{.secret_id = std::string(2049, 'a')}), "ValidationException",
              at_most("secretId", 2048));
  CHECK_ERROR(refused(st, ss::describe_secret{.secret_id = "no*such"}), "ValidationException", invalid_name);
}

TEST_CASE("the same query on the secret itself, and for a domain without reserved labels") {
  const auto st = app_store();
  const auto t = ss::testing::step(*st.find("app"), ss::describe_secret{.secret_id = "app"});
  CHECK(t.state == *st.find("app"));
  CHECK(t.response == describe(st));

  using T = ss::testing::tiny_traits;
  ss::basic_context<T> ctx;
  auto made = apply(ss::basic_store<T>{}, ss::basic_create_secret<T>{.name = "t", .client_request_token = 1, .secret_string = "x"}, ctx);
  REQUIRE(made.has_value());
  auto staged = apply(made.value().state, ss::basic_update_secret_version_stage<T>{.secret_id = "t", .version_stage = 'b', .move_to_version_id = 1}, ctx);
  REQUIRE(staged.has_value());
  auto r = apply(staged.value().state, ss::basic_describe_secret<T>{.secret_id = "t"}, ctx);
  REQUIRE(r.has_value());
  REQUIRE(r.value().response.version_ids_to_stages.size() == 1);
  CHECK(r.value().response.version_ids_to_stages[0].version_id == 1);
  CHECK(r.value().response.version_ids_to_stages[0].version_stages.contains('b'));
  SUBCASE("a version with no label (the tiny domain's first version) is deprecated and not listed") {
    auto bare = apply(made.value().state, ss::basic_describe_secret<T>{.secret_id = "t"}, ctx);
    REQUIRE(bare.has_value());
    CHECK(bare.value().response.version_ids_to_stages.empty());
  }
}

}  // namespace describe_secret_test
