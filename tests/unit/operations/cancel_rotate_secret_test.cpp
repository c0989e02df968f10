// operations/cancel_rotate_secret.hpp: rotation off, no label moved, the response's VersionId,
// the rulings for a secret whose rotation is already off, errors with their exact texts
// (typed from docs/semantics.md#cancelrotatesecret), and how a cancelled rotation blocks the next
// one.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <doctest/doctest.h>

#include <secretstage/detail/secret_builder.hpp>
#include <secretstage/invariants.hpp>
#include <secretstage/operations/cancel_rotate_secret.hpp>
#include <secretstage/operations/rotate_secret.hpp>
#include <secretstage/rotation.hpp>
#include <secretstage/secretstage.hpp>

#include "support/operation_test.hpp"

// Its own namespace: the batched build (SECRETSTAGE_FAST_TEST_BUILD) joins test files.
namespace cancel_rotate_secret_test {

namespace ss = secretstage;
using namespace ss::testing::operation_test;

namespace {

const std::string v1 = vid(1), v2 = vid(2), v3 = vid(3);
const std::string C = "AWSCURRENT", PREV = "AWSPREVIOUS", P = "AWSPENDING";
const std::string FN = "arn:aws:lambda:us-east-1:123456789012:function:rotate-app";
const ss::rotation_functions invocable{FN};

// Typed from docs/semantics.md, not from the library.
const std::string marked_for_deletion =
    "You can't perform this operation on the secret because it was marked for deletion.";
const std::string in_progress = "A previous rotation isn't complete. That rotation will be reattempted.";

struct session {
  std::int64_t seconds = 1'730'000'000;
  ss::context next() { return ss::testing::at(++seconds); }
};

struct rotation_state {
  bool enabled;
  std::optional<std::string> lambda;
  std::optional<ss::rotation_rules> rules;
  std::optional<ss::timestamp> last_rotated, last_changed;
  friend bool operator==(const rotation_state&, const rotation_state&) = default;
};
rotation_state rotation_of(const ss::secret& s) {
  return {s.rotation_enabled(), s.rotation_lambda_arn(), s.rotation(), s.last_rotated_date(), s.last_changed_date()};
}

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out.append(out.empty() ? "" : "; ").append(n);
  return out;
}

const ss::secret& app(const ss::store& st) {
  const auto* s = st.find("app");
  REQUIRE(s != nullptr);
  return *s;
}

/// Everything observable in a store, deep-copied: each secret's versions, labels, dates and
/// rotation configuration.
using store_copy = std::vector<std::pair<ss::testing::snapshot<ss::aws_traits>, rotation_state>>;
store_copy copy_of(const ss::store& st) {
  store_copy out;
  for (const auto* s : st.secrets()) out.emplace_back(snapshot_of(*s), rotation_of(*s));
  return out;
}

/// A call that must succeed: input untouched, invariants kept.
template <class Request, class... Extra>
auto run(const ss::store& st, const Request& r, const ss::context& ctx, const Extra&... extra) {
  const auto before = copy_of(st);
  auto res = ss::apply(st, r, ctx, extra...);
  REQUIRE_MESSAGE(res.has_value(), (res.has_value() ? std::string() : res.error().message));
  CHECK(copy_of(st) == before);
  CHECK(joined(ss::check_store_invariants(res.value().state)) == "");
  CHECK(joined(ss::check_store_transition_invariants(st, res.value().state)) == "");
  return std::move(res).value();
}

/// A CancelRotateSecret that must fail: input untouched.
ss::error refuse(const ss::store& st, const ss::cancel_rotate_secret& r, const ss::context& ctx) {
  const auto before = copy_of(st);
  auto res = ss::apply(st, r, ctx);
  REQUIRE_FALSE(res.has_value());
  CHECK(copy_of(st) == before);
  return res.error();
}

ss::store with_app(session& t) {
  return run(ss::store{}, ss::create_secret{.name = "app", .client_request_token = v1, .secret_string = "s1"},
             t.next())
      .state;
}

ss::rotate_secret rotate(std::optional<std::string> token, std::optional<std::string> lambda = FN) {
  return {.secret_id = "app", .client_request_token = std::move(token), .rotation_lambda_arn = std::move(lambda),
          .rotation_rules = ss::rotation_rules{.automatically_after_days = 30, .duration = {}, .schedule_expression = {}}};
}

const ss::cancel_rotate_secret cancel{.secret_id = "app"};

ss::secret_value text_value(std::string s) { return ss::secret_value(ss::secret_value::string_tag{}, std::move(s)); }

}  // namespace

TEST_CASE("CancelRotateSecret mid-rotation: rotation off, labels untouched, VersionId = the pending version") {
  session t;
  auto st = run(with_app(t), rotate(v2), t.next(), invocable).state;
  REQUIRE(version_labels(app(st)) == aws_map{{v1, {C}}, {v2, {P}}});

  const auto ctx = t.next();
  const auto out = run(st, cancel, ctx);
  const auto& s = app(out.state);
  CHECK_FALSE(s.rotation_enabled());
  CHECK(s.rotation_lambda_arn() == FN);  // the configuration stays for a later RotateSecret
  CHECK(s.rotation() == ss::rotation_rules{.automatically_after_days = 30, .duration = {}, .schedule_expression = {}});
  CHECK(s.last_changed_date() == ctx.now);
  CHECK(version_labels(s) == aws_map{{v1, {C}}, {v2, {P}}});
  CHECK(snapshot_of(s).versions == snapshot_of(app(st)).versions);
  CHECK(out.response.arn == app(st).arn());
  CHECK(out.response.name == "app");
  CHECK(out.response.version_id == v2);
}

TEST_CASE("CancelRotateSecret after a createSecret: the half-rotated version keeps its value and AWSPENDING") {
  session t;
  auto st = run(with_app(t), rotate(v2), t.next(), invocable).state;
  st = run(st, ss::put_secret_value{.secret_id = "app", .client_request_token = v2, .secret_string = "new",
                                    .version_stages = std::vector<std::string>{P}},
           t.next())
           .state;
  const auto out = run(st, cancel, t.next());
  CHECK(version_labels(app(out.state)) == aws_map{{v1, {C}}, {v2, {P}}});
  CHECK(*app(out.state).find_version(v2)->value()->string() == "new");
  CHECK(out.response.version_id == v2);
}

TEST_CASE("CancelRotateSecret after finished rotations: VersionId only where AWSPENDING is left") {
  session t;
  const auto st = with_app(t);
  SUBCASE("finishSecret removed AWSPENDING: no VersionId") {
    const auto done = ss::rotate_synchronously(st, rotate(v2), t.next(), invocable, text_value("new"),
                                               ss::finish_variant::remove_pending);
    REQUIRE(done.has_value());
    REQUIRE(version_labels(app(done.value().state)) == aws_map{{v1, {PREV}}, {v2, {C}}});
    const auto out = run(done.value().state, cancel, t.next());
    CHECK(out.response.version_id == std::nullopt);
    CHECK_FALSE(app(out.state).rotation_enabled());
    CHECK(app(out.state).last_rotated_date() == app(done.value().state).last_rotated_date());
  }
  SUBCASE("finishSecret left AWSPENDING on the new AWSCURRENT version: VersionId = that version") {
    const auto done = ss::rotate_synchronously(st, rotate(v2), t.next(), invocable, text_value("new"),
                                               ss::finish_variant::keep_pending);
    REQUIRE(done.has_value());
    REQUIRE(version_labels(app(done.value().state)) == aws_map{{v1, {PREV}}, {v2, {C, P}}});
    const auto out = run(done.value().state, cancel, t.next());
    CHECK(out.response.version_id == v2);
    CHECK(version_labels(app(out.state)) == aws_map{{v1, {PREV}}, {v2, {C, P}}});
  }
}

TEST_CASE("ruling: CancelRotateSecret on a secret never configured for rotation succeeds and changes nothing") {
  session t;
  const auto st = with_app(t);
  const auto out = run(st, cancel, t.next());
  CHECK(out.state == st);
  CHECK(rotation_of(app(out.state)) == rotation_of(app(st)));
  CHECK(out.response.arn == app(st).arn());
  CHECK(out.response.name == "app");
  CHECK(out.response.version_id == std::nullopt);
  SUBCASE("also on a secret without any version") {
    const auto empty = run(ss::store{}, ss::create_secret{.name = "app"}, t.next()).state;
    const auto none = run(empty, cancel, t.next());
    CHECK(none.state == empty);
    CHECK(none.response.version_id == std::nullopt);
  }
  SUBCASE("AWSPENDING put by hand is reported, and stays") {
    const auto pending = run(st, ss::put_secret_value{.secret_id = "app", .client_request_token = v2,
                                                      .secret_string = "p", .version_stages = std::vector<std::string>{P}},
                             t.next())
                             .state;
    const auto reported = run(pending, cancel, t.next());
    CHECK(reported.state == pending);
    CHECK(reported.response.version_id == v2);
  }
}

TEST_CASE("CancelRotateSecret twice: the second call changes nothing") {
  session t;
  auto st = run(with_app(t), rotate(v2), t.next(), invocable).state;
  st = run(st, cancel, t.next()).state;
  const auto again = run(st, cancel, t.next());
  CHECK(again.state == st);
  CHECK(again.response.version_id == v2);
}

TEST_CASE("After CancelRotateSecret the leftover AWSPENDING blocks RotateSecret until it is removed") {
  session t;
  auto st = run(with_app(t), rotate(v2), t.next(), invocable).state;
  st = run(st, cancel, t.next()).state;
  const auto blocked = ss::apply(st, rotate(v3, std::nullopt), t.next(), invocable);
  REQUIRE_FALSE(blocked.has_value());
  CHECK_AWS_ERROR(blocked.error(), ss::errc::invalid_request, in_progress);

  st = run(st, ss::update_secret_version_stage{.secret_id = "app", .version_stage = P, .remove_from_version_id = v2,
                                               .move_to_version_id = std::nullopt},
           t.next())
           .state;
  // Re-enabled with the stored function: RotateSecret without RotationLambdaARN.
  const auto out = run(st, rotate(v3, std::nullopt), t.next(), invocable);
  CHECK(app(out.state).rotation_enabled());
  CHECK(app(out.state).rotation_lambda_arn() == FN);
  CHECK(version_labels(app(out.state)) == aws_map{{v1, {C}}, {v2, {}}, {v3, {P}}});
}

TEST_CASE("CancelRotateSecret errors") {
  session t;
  const auto st = run(with_app(t), rotate(v2), t.next(), invocable).state;
  SUBCASE("unknown secret") {
    CHECK_AWS_ERROR(refuse(st, {.secret_id = "other"}, t.next()), ss::errc::resource_not_found, text::not_found);
  }
  SUBCASE("SecretId shape") {
    CHECK_AWS_ERROR(refuse(st, {.secret_id = ""}, t.next()), ss::errc::validation, text::at_least("secretId", 1));
    CHECK_AWS_ERROR(refuse(st, {.secret_id = std::string(2049, 'a')}, t.next()), ss::errc::validation,
                    text::at_most("secretId", 2048));
    CHECK_AWS_ERROR(refuse(st, {.secret_id = "no spaces"}, t.next()), ss::errc::validation, text::invalid_name);
  }
  SUBCASE("scheduled for deletion") {
    ss::detail::secret_builder<ss::aws_traits> b(app(st));
    b.set_deleted(ss::timestamp::from_seconds(t.seconds).plus_days(30));
    auto deleted = std::move(b).finish();
    REQUIRE(deleted.has_value());
    const auto gone = st.put(std::move(deleted).value());
    CHECK_AWS_ERROR(refuse(gone, cancel, t.next()), ss::errc::invalid_request, marked_for_deletion);
  }
  SUBCASE("by ARN and partial ARN it resolves") {
    const std::string arn = app(st).arn().str();
    CHECK_FALSE(app(run(st, ss::cancel_rotate_secret{.secret_id = arn}, t.next()).state).rotation_enabled());
    CHECK_FALSE(app(run(st, ss::cancel_rotate_secret{.secret_id = arn.substr(0, arn.size() - 7)}, t.next()).state)
                    .rotation_enabled());
  }
}

TEST_CASE("CancelRotateSecret in a domain without reserved labels: rotation off, no VersionId") {
  using tiny = ss::testing::tiny_traits;
  auto made = ss::apply(ss::basic_create_secret<tiny>{.name = "app", .client_request_token = 1, .secret_string = "x"},
                        ss::testing::at<tiny>(1));
  REQUIRE(made.has_value());
  const auto& s = made.value().state;
  const auto out = ss::apply(s, ss::basic_cancel_rotate_secret<tiny>{.secret_id = "app"}, ss::testing::at<tiny>(2));
  REQUIRE(out.has_value());
  CHECK(out.value().state == s);
  CHECK(out.value().response.version_id == std::nullopt);
}

}  // namespace cancel_rotate_secret_test
