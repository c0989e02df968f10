// operations/delete_secret.hpp: DeleteSecret (docs/semantics.md#deletesecret, invariants I16,
// I19, I20).
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
namespace delete_secret_test {

namespace ss = secretstage;
using namespace ss::testing::operation_test;

namespace {

// Typed from docs/semantics.md#deletesecret.
const std::string window_out_of_range =
    "The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).";
const std::string force_with_window =
    "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.";
const std::string marked_for_deletion =
    "You can't perform this operation on the secret because it was marked for deletion.";

const std::string C = "AWSCURRENT", P = "AWSPREVIOUS";
constexpr std::int64_t day_ms = 86'400'000;

ss::context at_ms(std::int64_t ms) {
  ss::context c;
  c.now = ss::timestamp{ms};
  return c;
}
const std::int64_t t0 = 1'700'000'000'000;

struct store_row {
  ss::testing::snapshot<ss::aws_traits> secret;
  std::vector<ss::tag> tags;
  friend bool operator==(const store_row&, const store_row&) = default;
};
struct store_snapshot {
  std::uint64_t creations;
  std::vector<store_row> rows;
  friend bool operator==(const store_snapshot&, const store_snapshot&) = default;
};
/// A deep copy of everything observable in a store.
store_snapshot snapshot_of(const ss::store& st) {
  store_snapshot out{st.creations(), {}};
  for (const auto* s : st.secrets()) out.rows.push_back({ss::testing::snapshot_of(*s), s->tags()});
  return out;
}

std::string store_violations(const ss::store& st) {
  std::string out;
  for (const auto& v : ss::check_store_invariants(st)) out.append(out.empty() ? "" : "; ").append(v);
  return out;
}
std::string store_violations(const ss::store& before, const ss::store& after) {
  std::string out;
  for (const auto& v : ss::check_store_transition_invariants(before, after))
    out.append(out.empty() ? "" : "; ").append(v);
  return out;
}

template <class Request>
auto store_step(const ss::store& st, const Request& r, const ss::context& ctx) {
  const auto before = snapshot_of(st);
  auto res = apply(st, r, ctx);
  REQUIRE_MESSAGE(res.has_value(), (res.has_value() ? std::string() : res.error().message));
  CHECK(snapshot_of(st) == before);
  CHECK(store_violations(res.value().state) == "");
  CHECK(store_violations(st, res.value().state) == "");
  return std::move(res).value();
}

template <class Request>
ss::error store_fail(const ss::store& st, const Request& r, const ss::context& ctx) {
  const auto before = snapshot_of(st);
  auto res = apply(st, r, ctx);
  REQUIRE_FALSE(res.has_value());
  CHECK(snapshot_of(st) == before);
  return res.error();
}

/// A store with "app" (v1 [AWSPREVIOUS], v2 [AWSCURRENT], tag env=prod) and "other" (one version).
ss::store two_secrets() {
  ss::store st;
  st = store_step(st, ss::create_secret{.name = "app", .client_request_token = vid(1), .secret_string = "a1",
                                        .tags = std::vector<ss::tag>{{"env", "prod"}}},
                  at_ms(t0))
           .state;
  st = store_step(st, ss::put_secret_value{.secret_id = "app", .client_request_token = vid(2), .secret_string = "a2"},
                  at_ms(t0 + 1000))
           .state;
  st = store_step(st, ss::create_secret{.name = "other", .client_request_token = vid(3), .secret_string = "o"},
                  at_ms(t0 + 2000))
           .state;
  return st;
}

ss::delete_secret del(std::string id, std::optional<std::int64_t> window = std::nullopt, bool force = false) {
  return {.secret_id = std::move(id), .recovery_window_in_days = window, .force_delete_without_recovery = force};
}

}  // namespace

TEST_CASE("DeleteSecret without a window schedules the deletion 30 days ahead and keeps everything") {
  const auto st = two_secrets();
  const auto* before = st.find("app");
  const auto ctx = at_ms(t0 + 5000);
  const auto t = store_step(st, del("app"), ctx);
  const auto* after = t.state.find("app");
  REQUIRE(after != nullptr);
  REQUIRE(after->deleted_date().has_value());
  CHECK(*after->deleted_date() == ss::timestamp{t0 + 5000 + 30 * day_ms});
  CHECK(t.response.arn == before->arn());
  CHECK(t.response.name == "app");
  CHECK(t.response.deletion_date == ss::timestamp{t0 + 5000 + 30 * day_ms});
  CHECK(version_labels(*after) == aws_map{{vid(1), {P}}, {vid(2), {C}}});
  CHECK(version_labels(*after) == version_labels(*before));
  CHECK(after->tags() == before->tags());
  CHECK(after->last_changed_date() == before->last_changed_date());
  CHECK(after->arn() == before->arn());
  CHECK(*t.state.find("other") == *st.find("other"));
}

TEST_CASE("RecoveryWindowInDays boundaries: 6 and 31 fail, 7 and 30 schedule") {
  const auto st = two_secrets();
  const auto ctx = at_ms(t0 + 9000);
  for (std::int64_t w : {6, 31, 0, -1, -7, 365, 1'000'000}) {
    CAPTURE(w);
    CHECK_AWS_ERROR(store_fail(st, del("app", w), ctx), ss::errc::invalid_parameter, window_out_of_range);
  }
  for (std::int64_t w : {7, 8, 29, 30}) {
    CAPTURE(w);
    const auto t = store_step(st, del("app", w), ctx);
    CHECK(t.response.deletion_date == ss::timestamp{t0 + 9000 + w * day_ms});
    CHECK(t.state.find("app")->deleted_date() == std::optional<ss::timestamp>(ss::timestamp{t0 + 9000 + w * day_ms}));
  }
  SUBCASE("ForceDeleteWithoutRecovery=false with a window is an ordinary schedule") {
    const auto t = store_step(st, del("app", 7, false), ctx);
    CHECK(t.response.deletion_date == ss::timestamp{t0 + 9000 + 7 * day_ms});
  }
}

TEST_CASE("ForceDeleteWithoutRecovery together with RecoveryWindowInDays") {
  const auto st = two_secrets();
  const auto ctx = at_ms(t0 + 9000);
  SUBCASE("a valid window: the conflict error") {
    for (std::int64_t w : {7, 30}) {
      CAPTURE(w);
      CHECK_AWS_ERROR(store_fail(st, del("app", w, true), ctx), ss::errc::invalid_parameter, force_with_window);
    }
  }
  SUBCASE("window 0 with force: out of range (docs: #deletesecret), the range check comes first") {
    CHECK_AWS_ERROR(store_fail(st, del("app", 0, true), ctx), ss::errc::invalid_parameter, window_out_of_range);
    CHECK_AWS_ERROR(store_fail(st, del("app", 31, true), ctx), ss::errc::invalid_parameter, window_out_of_range);
  }
}

TEST_CASE("the window and force/window checks come before secret resolution (ruling)") {
  const auto st = two_secrets();
  const auto ctx = at_ms(t0 + 9000);
  CHECK_AWS_ERROR(store_fail(st, del("nope", 6), ctx), ss::errc::invalid_parameter, window_out_of_range);
  CHECK_AWS_ERROR(store_fail(st, del("nope", 7, true), ctx), ss::errc::invalid_parameter, force_with_window);
  SUBCASE("but after the SecretId's shape") {
    CHECK_AWS_ERROR(store_fail(st, del("", 6), ctx), ss::errc::validation, text::at_least("secretId", 1));
    CHECK_AWS_ERROR(store_fail(st, del("bad name", 6), ctx), ss::errc::validation, text::invalid_name);
    CHECK_AWS_ERROR(store_fail(st, del(std::string(2049, 'a'), 6, true), ctx), ss::errc::validation,
                    text::at_most("secretId", 2048));
  }
}

TEST_CASE("DeleteSecret without force on an unknown secret: ResourceNotFoundException") {
  const auto st = two_secrets();
  CHECK_AWS_ERROR(store_fail(st, del("nope"), at_ms(t0 + 9000)), ss::errc::resource_not_found, text::not_found);
  CHECK_AWS_ERROR(store_fail(st, del("nope", 7), at_ms(t0 + 9000)), ss::errc::resource_not_found, text::not_found);
}

TEST_CASE("DeleteSecret resolves the SecretId as a full or partial ARN") {
  const auto st = two_secrets();
  const std::string arn = st.find("app")->arn().str();
  const auto t = store_step(st, del(arn), at_ms(t0 + 9000));
  CHECK(t.state.find("app")->deleted_date().has_value());
  const auto u = store_step(st, del(arn.substr(0, arn.size() - 7), std::nullopt, true), at_ms(t0 + 9000));
  CHECK(u.state.find("app") == nullptr);
  CHECK(u.response.arn == arn);
  CHECK(u.response.name == "app");
}

TEST_CASE("DeleteSecret without force on a secret already scheduled: marked for deletion, nothing changes") {
  const auto st = store_step(two_secrets(), del("app", 7), at_ms(t0 + 9000)).state;
  CHECK_AWS_ERROR(store_fail(st, del("app"), at_ms(t0 + 10'000)), ss::errc::invalid_request, marked_for_deletion);
  CHECK_AWS_ERROR(store_fail(st, del("app", 30), at_ms(t0 + 10'000)), ss::errc::invalid_request, marked_for_deletion);
  CHECK(*st.find("app")->deleted_date() == ss::timestamp{t0 + 9000 + 7 * day_ms});
}

TEST_CASE("the scheduled secret refuses TagResource and a CreateSecret of its name") {
  const auto st = store_step(two_secrets(), del("app"), at_ms(t0 + 9000)).state;
  CHECK_AWS_ERROR(store_fail(st, ss::tag_resource{.secret_id = "app", .tags = {{"k", "v"}}}, at_ms(t0 + 10'000)),
                  ss::errc::invalid_request, marked_for_deletion);
  CHECK_AWS_ERROR(store_fail(st, ss::create_secret{.name = "app"}, at_ms(t0 + 10'000)), ss::errc::invalid_request,
                  "You can't create this secret because a secret with this name is already scheduled for deletion.");
}

TEST_CASE("ForceDeleteWithoutRecovery removes the secret at once") {
  const auto st = two_secrets();
  const auto ctx = at_ms(t0 + 9000);
  const auto t = store_step(st, del("app", std::nullopt, true), ctx);
  CHECK(t.state.find("app") == nullptr);
  CHECK(t.state.size() == 1);
  CHECK(*t.state.find("other") == *st.find("other"));
  CHECK(t.response.arn == st.find("app")->arn());
  CHECK(t.response.name == "app");
  CHECK(t.response.deletion_date == ctx.now);
  CHECK(t.state.creations() == st.creations());
  SUBCASE("the name can be created again, with another ARN (I19)") {
    const auto u = store_step(t.state, ss::create_secret{.name = "app", .client_request_token = vid(9),
                                                         .secret_string = "new"},
                              at_ms(t0 + 10'000));
    CHECK(u.state.find("app")->arn() != st.find("app")->arn());
    CHECK(version_labels(*u.state.find("app")) == aws_map{{vid(9), {C}}});
  }
  SUBCASE("a later DeleteSecret without force no longer finds it") {
    CHECK_AWS_ERROR(store_fail(t.state, del("app"), ctx), ss::errc::resource_not_found, text::not_found);
  }
}

TEST_CASE("ForceDeleteWithoutRecovery on a secret already scheduled for deletion succeeds") {
  const auto st = store_step(two_secrets(), del("app", 7), at_ms(t0 + 9000)).state;
  const auto t = store_step(st, del("app", std::nullopt, true), at_ms(t0 + 10'000));
  CHECK(t.state.find("app") == nullptr);
  CHECK(t.response.name == "app");
  CHECK(t.response.deletion_date == ss::timestamp{t0 + 10'000});
}

TEST_CASE("ForceDeleteWithoutRecovery on an unknown secret succeeds, changes nothing, echoes the SecretId") {
  const auto st = two_secrets();
  ss::context ctx = at_ms(t0 + 9000);
  ctx.region = "eu-west-1";
  ctx.account_id = "111111111111";
  SUBCASE("a name: Name = SecretId, an ARN without random suffix") {
    const auto t = store_step(st, del("never-created", std::nullopt, true), ctx);
    CHECK(t.response.name == "never-created");
    CHECK(t.response.arn == "arn:aws:secretsmanager:eu-west-1:111111111111:secret:never-created");
    CHECK(t.response.deletion_date == ctx.now);
    CHECK(t.state == st);
  }
  SUBCASE("an ARN: echoed as both ARN and Name") {
    const std::string arn = "arn:aws:secretsmanager:eu-west-1:111111111111:secret:gone-AbCdEf";
    const auto t = store_step(st, del(arn, std::nullopt, true), ctx);
    CHECK(t.response.name == arn);
    CHECK(t.response.arn == arn);
    CHECK(t.state == st);
  }
  SUBCASE("twice in a row") {
    const auto t = store_step(st, del("app", std::nullopt, true), ctx);
    const auto u = store_step(t.state, del("app", std::nullopt, true), ctx);
    CHECK(u.state == t.state);
    CHECK(u.response.name == "app");
  }
}

}  // namespace delete_secret_test
