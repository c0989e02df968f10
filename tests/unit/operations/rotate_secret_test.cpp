// operations/rotate_secret.hpp: the rotation configuration, the AWSPENDING placeholder, each
// precondition with its exact error (texts typed from docs/semantics.md#rotatesecret), the
// check order, and the rulings on a token that names an existing version and on RotateImmediately =
// false. Every call goes through the store; every state is checked against the invariants, and
// every failed call is shown to change nothing.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include <secretstage/detail/secret_builder.hpp>
#include <secretstage/invariants.hpp>
#include <secretstage/operations/rotate_secret.hpp>
#include <secretstage/secretstage.hpp>

#include "support/operation_test.hpp"

// Its own namespace: the batched build (SECRETSTAGE_FAST_TEST_BUILD) joins test files.
namespace rotate_secret_test {

namespace ss = secretstage;
using namespace ss::testing::operation_test;
using labels = std::vector<std::string>;

namespace {

const std::string v1 = vid(1), v2 = vid(2), v3 = vid(3), v4 = vid(4), v9 = vid(9);
const std::string C = "AWSCURRENT", PREV = "AWSPREVIOUS", P = "AWSPENDING";
const std::string FN = "arn:aws:lambda:us-east-1:123456789012:function:rotate-app";
const std::string FN2 = "arn:aws:lambda:us-east-1:123456789012:function:rotate-other";
const std::string DENIED = "arn:aws:lambda:us-east-1:123456789012:function:no-policy";
const ss::rotation_functions invocable{FN, FN2};

// Typed from docs/semantics.md (#rotatesecret, #validation), not from the library.
const std::string no_function = "No Lambda rotation function ARN is associated with this secret.";
const std::string in_progress = "A previous rotation isn't complete. That rotation will be reattempted.";
const std::string cannot_invoke =
    "Secrets Manager cannot invoke the specified Lambda function. Ensure that the function policy "
    "grants access to the principal secretsmanager.amazonaws.com.";
const std::string marked_for_deletion =
    "You can't perform this operation on the secret because it was marked for deletion.";
// terraform-provider-aws #30540 / #33329 quoting AWS.
const std::string days_and_schedule =
    "You cannot specify both rotation frequency and schedule expression together.";
// AWS's standard constraint texts (numbers quote the value; patterns quote value and pattern).
std::string value_at_least(const std::string& member, long long value, long long min) {
  return "1 validation error detected: Value '" + std::to_string(value) + "' at '" + member +
         "' failed to satisfy constraint: Member must have value greater than or equal to " + std::to_string(min);
}
std::string value_at_most(const std::string& member, long long value, long long max) {
  return "1 validation error detected: Value '" + std::to_string(value) + "' at '" + member +
         "' failed to satisfy constraint: Member must have value less than or equal to " + std::to_string(max);
}
std::string pattern(const std::string& member, const std::string& value, const std::string& regex) {
  return "1 validation error detected: Value '" + value + "' at '" + member +
         "' failed to satisfy constraint: Member must satisfy regular expression pattern: " + regex;
}

/// Each call one second after the previous one.
struct session {
  std::int64_t seconds = 1'720'000'000;
  ss::context next() { return ss::testing::at(++seconds); }
};

/// Everything observable in a store, deep-copied (shares nothing with it): versions, labels,
/// dates and the rotation configuration of every secret.
struct store_copy {
  struct row {
    ss::testing::snapshot<ss::aws_traits> secret;
    bool rotation_enabled;
    std::optional<std::string> lambda;
    std::optional<ss::rotation_rules> rules;
    std::optional<ss::timestamp> last_rotated, last_accessed;
    friend bool operator==(const row&, const row&) = default;
  };
  std::vector<row> rows;
  friend bool operator==(const store_copy&, const store_copy&) = default;
};
store_copy copy_of(const ss::store& st) {
  store_copy out;
  for (const auto* s : st.secrets())
    out.rows.push_back({snapshot_of(*s), s->rotation_enabled(), s->rotation_lambda_arn(), s->rotation(),
                        s->last_rotated_date(), s->last_accessed_date()});
  return out;
}

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out.append(out.empty() ? "" : "; ").append(n);
  return out;
}

/// A call that must succeed: its input is untouched, every invariant holds after it.
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

/// A RotateSecret that must fail: its input is untouched; returns the error.
ss::error refuse(const ss::store& st, const ss::rotate_secret& r, const ss::context& ctx,
                 const ss::rotation_functions& fns = invocable) {
  const auto before = copy_of(st);
  auto res = ss::apply(st, r, ctx, fns);
  REQUIRE_FALSE(res.has_value());
  CHECK(copy_of(st) == before);
  return res.error();
}

ss::put_secret_value put(const std::string& id, std::optional<labels> stages = std::nullopt) {
  return {.secret_id = "app", .client_request_token = id, .secret_string = "value of " + id,
          .version_stages = std::move(stages)};
}
ss::update_secret_version_stage uvs(std::string label, std::optional<std::string> from,
                                    std::optional<std::string> to) {
  return {.secret_id = "app", .version_stage = std::move(label), .remove_from_version_id = std::move(from),
          .move_to_version_id = std::move(to)};
}
ss::rotate_secret rotate(std::optional<std::string> token, std::optional<std::string> lambda = FN) {
  return {.secret_id = "app", .client_request_token = std::move(token), .rotation_lambda_arn = std::move(lambda)};
}

/// A store holding secret "app" created with value version v1 ({v1:[AWSCURRENT]}).
ss::store with_app(session& t) {
  return run(ss::store{}, ss::create_secret{.name = "app", .client_request_token = v1, .secret_string = "s1"},
             t.next())
      .state;
}

/// The store with "app" scheduled for deletion (there is no DeleteSecret transition in this
/// part of the library, so the state is built the way a transition would build it).
ss::store scheduled_for_deletion(const ss::store& st, ss::timestamp when) {
  ss::detail::secret_builder<ss::aws_traits> b(*st.find("app"));
  b.set_deleted(when.plus_days(30));
  auto s = std::move(b).finish();
  REQUIRE(s.has_value());
  return st.put(std::move(s).value());
}

const ss::secret& app(const ss::store& st) {
  const auto* s = st.find("app");
  REQUIRE(s != nullptr);
  return *s;
}

}  // namespace

// ---- the effect -----------------------------------------------------------------------------------

TEST_CASE("RotateSecret stores the configuration and puts AWSPENDING on a value-less version T") {
  session t;
  const auto st = with_app(t);
  auto r = rotate(v2);
  r.rotation_rules = ss::rotation_rules{.automatically_after_days = 30, .duration = "3h", .schedule_expression = {}};
  const auto ctx = t.next();
  const auto out = run(st, r, ctx, invocable);

  CHECK(out.response.arn == app(st).arn());
  CHECK(out.response.name == "app");
  CHECK(out.response.version_id == v2);
  const auto& s = app(out.state);
  CHECK(version_labels(s) == aws_map{{v1, {C}}, {v2, {P}}});
  REQUIRE(s.find_version(v2) != nullptr);
  CHECK(s.find_version(v2)->is_placeholder());
  CHECK(s.find_version(v2)->created_date() == ctx.now);
  CHECK(s.rotation_enabled());
  CHECK(s.rotation_lambda_arn() == FN);
  CHECK(s.rotation() == ss::rotation_rules{.automatically_after_days = 30, .duration = "3h", .schedule_expression = {}});
  CHECK(s.last_changed_date() == ctx.now);
  CHECK(s.last_rotated_date() == std::nullopt);  // set by finishSecret, not by RotateSecret
  // The current version is untouched: same value, same labels.
  REQUIRE(s.find_version(v1) != nullptr);
  CHECK(*s.find_version(v1)->value()->string() == "s1");
}

TEST_CASE("RotateSecret addresses the secret by name, ARN or partial ARN") {
  session t;
  const auto st = with_app(t);
  const std::string arn = app(st).arn().str();
  for (const std::string& id : {std::string("app"), arn, arn.substr(0, arn.size() - 7)}) {
    CAPTURE(id);
    auto r = rotate(v2);
    r.secret_id = id;
    const auto out = run(st, r, t.next(), invocable);
    CHECK(version_labels(app(out.state)) == aws_map{{v1, {C}}, {v2, {P}}});
  }
}

TEST_CASE("RotateSecret moves AWSPENDING off the AWSCURRENT version onto the placeholder") {
  session t;
  auto st = with_app(t);
  st = run(st, put(v2, labels{P}), t.next()).state;
  st = run(st, uvs(C, v1, v2), t.next()).state;
  REQUIRE(version_labels(app(st)) == aws_map{{v1, {PREV}}, {v2, {C, P}}});

  const auto out = run(st, rotate(v3), t.next(), invocable);
  CHECK(version_labels(app(out.state)) == aws_map{{v1, {PREV}}, {v2, {C}}, {v3, {P}}});
}

TEST_CASE("RotateSecret keeps custom labels and AWSPREVIOUS where they are") {
  session t;
  auto st = with_app(t);
  st = run(st, put(v2), t.next()).state;
  st = run(st, put(v3, labels{"blue"}), t.next()).state;
  REQUIRE(version_labels(app(st)) == aws_map{{v1, {PREV}}, {v2, {C}}, {v3, {"blue"}}});
  const auto out = run(st, rotate(v4), t.next(), invocable);
  CHECK(version_labels(app(out.state)) == aws_map{{v1, {PREV}}, {v2, {C}}, {v3, {"blue"}}, {v4, {P}}});
}

TEST_CASE("RotateSecret on a secret without a value leaves it pending-only") {
  session t;
  const auto st = run(ss::store{}, ss::create_secret{.name = "app"}, t.next()).state;
  REQUIRE(app(st).version_count() == 0);
  const auto out = run(st, rotate(v1), t.next(), invocable);
  const auto& s = app(out.state);
  CHECK(version_labels(s) == aws_map{{v1, {P}}});
  CHECK(s.find_version(v1)->is_placeholder());
  CHECK(s.holder(C) == nullptr);
}

TEST_CASE("RotateSecret uses the generated token when the request has none") {
  session t;
  const auto st = with_app(t);
  auto ctx = t.next();
  ctx.generated_token = v9;
  const auto out = run(st, rotate(std::nullopt), ctx, invocable);
  CHECK(out.response.version_id == v9);
  CHECK(version_labels(app(out.state)) == aws_map{{v1, {C}}, {v9, {P}}});
  // A token in the request wins over the generated one.
  CHECK(run(st, rotate(v2), ctx, invocable).response.version_id == v2);
}

TEST_CASE("RotateSecret: the function and the rules of an earlier call stay stored") {
  session t;
  auto st = with_app(t);
  auto first = rotate(v2);
  first.rotation_rules = ss::rotation_rules{.automatically_after_days = {}, .duration = "2h",
                                            .schedule_expression = "cron(0 16 1,15 * ? *)"};
  first.rotate_immediately = false;
  st = run(st, first, t.next(), invocable).state;

  SUBCASE("neither given: both reused") {
    const auto s = app(run(st, rotate(v3, std::nullopt), t.next(), invocable).state);
    CHECK(s.rotation_lambda_arn() == FN);
    CHECK(s.rotation() == first.rotation_rules);
  }
  SUBCASE("an empty RotationLambdaARN counts as absent") {
    const auto s = app(run(st, rotate(v3, ""), t.next(), invocable).state);
    CHECK(s.rotation_lambda_arn() == FN);
  }
  SUBCASE("a new function and new rules replace the stored ones as a whole") {
    auto r = rotate(v3, FN2);
    r.rotation_rules = ss::rotation_rules{.automatically_after_days = 7, .duration = {}, .schedule_expression = {}};
    const auto s = app(run(st, r, t.next(), invocable).state);
    CHECK(s.rotation_lambda_arn() == FN2);
    CHECK(s.rotation() == ss::rotation_rules{.automatically_after_days = 7, .duration = {}, .schedule_expression = {}});
    CHECK(s.rotation_enabled());
  }
}

// ---- preconditions --------------------------------------------------------------------------------

TEST_CASE("RotateSecret without a function given or stored → InvalidRequestException") {
  session t;
  const auto st = with_app(t);
  CHECK_AWS_ERROR(refuse(st, rotate(v2, std::nullopt), t.next()), ss::errc::invalid_request, no_function);
  CHECK_AWS_ERROR(refuse(st, rotate(v2, ""), t.next()), ss::errc::invalid_request, no_function);
  // observed: the failed call leaves {v1:[AWSCURRENT]} (localstack test_first_rotate_secret_with_missing_lambda_arn)
  CHECK(version_labels(app(st)) == aws_map{{v1, {C}}});
}

TEST_CASE("RotateSecret with a function that cannot be invoked → AccessDeniedException") {
  session t;
  const auto st = with_app(t);
  CHECK_AWS_ERROR(refuse(st, rotate(v2, DENIED), t.next()), ss::errc::access_denied, cannot_invoke);
  CHECK(std::string(ss::exception_name(ss::errc::access_denied)) == "AccessDeniedException");
  SUBCASE("nothing can be invoked") {
    CHECK_AWS_ERROR(refuse(st, rotate(v2), t.next(), ss::rotation_functions{}), ss::errc::access_denied,
                    cannot_invoke);
  }
  SUBCASE("the stored function is checked too when the request names none") {
    auto r = rotate(v2);
    r.rotate_immediately = false;
    const auto configured = run(st, r, t.next(), invocable).state;
    CHECK_AWS_ERROR(refuse(configured, rotate(v3, std::nullopt), t.next(), ss::rotation_functions{FN2}),
                    ss::errc::access_denied, cannot_invoke);
  }
}

TEST_CASE("RotateSecret while AWSPENDING sits on a version other than AWSCURRENT's → rotation in progress") {
  session t;
  auto st = with_app(t);
  SUBCASE("a started rotation") {
    st = run(st, rotate(v2), t.next(), invocable).state;
    REQUIRE(version_labels(app(st)) == aws_map{{v1, {C}}, {v2, {P}}});
    CHECK_AWS_ERROR(refuse(st, rotate(v3), t.next()), ss::errc::invalid_request, in_progress);
  }
  SUBCASE("a put with AWSPENDING (T4's middle state)") {
    st = run(st, put(v2, labels{P}), t.next()).state;
    CHECK_AWS_ERROR(refuse(st, rotate(v3), t.next()), ss::errc::invalid_request, in_progress);
  }
  SUBCASE("pending-only secret: AWSPENDING with no AWSCURRENT anywhere") {
    const auto empty = run(ss::store{}, ss::create_secret{.name = "app"}, t.next()).state;
    st = run(empty, rotate(v1), t.next(), invocable).state;
    CHECK_AWS_ERROR(refuse(st, rotate(v2), t.next()), ss::errc::invalid_request, in_progress);
  }
  SUBCASE("allowed again once AWSPENDING is removed by hand") {
    st = run(st, rotate(v2), t.next(), invocable).state;
    st = run(st, uvs(P, v2, std::nullopt), t.next()).state;
    const auto out = run(st, rotate(v3), t.next(), invocable);
    CHECK(version_labels(app(out.state)) == aws_map{{v1, {C}}, {v2, {}}, {v3, {P}}});
  }
}

TEST_CASE("RotateSecret on a secret scheduled for deletion → InvalidRequestException") {
  session t;
  const auto st = scheduled_for_deletion(with_app(t), ss::timestamp::from_seconds(t.seconds));
  CHECK_AWS_ERROR(refuse(st, rotate(v2), t.next()), ss::errc::invalid_request, marked_for_deletion);
}

TEST_CASE("RotateSecret on an unknown secret → ResourceNotFoundException") {
  session t;
  const auto st = with_app(t);
  auto r = rotate(v2);
  r.secret_id = "other";
  CHECK_AWS_ERROR(refuse(st, r, t.next()), ss::errc::resource_not_found, text::not_found);
  r.secret_id = app(st).arn().str() + "x";
  CHECK_AWS_ERROR(refuse(st, r, t.next()), ss::errc::resource_not_found, text::not_found);
}

TEST_CASE("RotateSecret without a token, none generated → InvalidParameterException (not InvalidRequest)") {
  session t;
  const auto st = with_app(t);
  CHECK_AWS_ERROR(refuse(st, rotate(std::nullopt), t.next()), ss::errc::invalid_parameter, text::missing_token);
  SUBCASE("checked before the secret is resolved (observed)") {
    auto r = rotate(std::nullopt);
    r.secret_id = "never-created";
    CHECK_AWS_ERROR(refuse(st, r, t.next()), ss::errc::invalid_parameter, text::missing_token);
  }
}

TEST_CASE("RotateSecret fails with LimitExceededException when AWSPENDING would be the 21st label") {
  session t;
  auto st = with_app(t);
  labels nineteen;
  for (int i = 1; i <= 19; ++i) nineteen.push_back("L" + std::to_string(i));
  st = run(st, put(v2, nineteen), t.next()).state;
  REQUIRE(app(st).label_count() == 20);
  CHECK_AWS_ERROR(refuse(st, rotate(v3), t.next()), ss::errc::limit_exceeded, text::label_quota);
}

// ---- request shape ------------------------------------------------------------------------------

TEST_CASE("RotateSecret validates the request's shape") {
  session t;
  const auto st = with_app(t);
  auto with_rules = [](ss::rotation_rules rules) {
    auto r = rotate(v2);
    r.rotation_rules = std::move(rules);
    return r;
  };
  SUBCASE("SecretId") {
    auto r = rotate(v2);
    r.secret_id = "";
    CHECK_AWS_ERROR(refuse(st, r, t.next()), ss::errc::validation, text::at_least("secretId", 1));
    r.secret_id = "bad name";
    CHECK_AWS_ERROR(refuse(st, r, t.next()), ss::errc::validation, text::invalid_name);
  }
  SUBCASE("ClientRequestToken 32–64") {
    CHECK_AWS_ERROR(refuse(st, rotate(std::string(31, 'a')), t.next()), ss::errc::validation,
                    text::at_least("clientRequestToken", 32));
    CHECK_AWS_ERROR(refuse(st, rotate(std::string(65, 'a')), t.next()), ss::errc::validation,
                    text::at_most("clientRequestToken", 64));
  }
  SUBCASE("RotationLambdaARN ≤ 2048") {
    CHECK_AWS_ERROR(refuse(st, rotate(v2, std::string(2049, 'a')), t.next()), ss::errc::validation,
                    text::at_most("rotationLambdaARN", 2048));
  }
  SUBCASE("AutomaticallyAfterDays 1–1000") {
    CHECK_AWS_ERROR(refuse(st, with_rules({.automatically_after_days = 0, .duration = {}, .schedule_expression = {}}), t.next()),
                    ss::errc::validation, value_at_least("rotationRules.automaticallyAfterDays", 0, 1));
    CHECK_AWS_ERROR(refuse(st, with_rules({.automatically_after_days = 1001, .duration = {}, .schedule_expression = {}}), t.next()),
                    ss::errc::validation, value_at_most("rotationRules.automaticallyAfterDays", 1001, 1000));
    CHECK(run(st, with_rules({.automatically_after_days = 1, .duration = {}, .schedule_expression = {}}), t.next(), invocable)
              .state.find("app")->rotation()->automatically_after_days == 1);
    CHECK(run(st, with_rules({.automatically_after_days = 1000, .duration = {}, .schedule_expression = {}}), t.next(), invocable)
              .state.find("app")->rotation()->automatically_after_days == 1000);
  }
  SUBCASE("Duration: 2–3 characters of [0-9]+h") {
    auto duration = [&](std::string d) {
      // With a schedule: a Duration alone is refused after the shape checks (schedule.hpp).
      return with_rules({.automatically_after_days = 30, .duration = std::move(d), .schedule_expression = {}});
    };
    CHECK_AWS_ERROR(refuse(st, duration("h"), t.next()), ss::errc::validation, text::at_least("rotationRules.duration", 2));
    CHECK_AWS_ERROR(refuse(st, duration("100h"), t.next()), ss::errc::validation, text::at_most("rotationRules.duration", 3));
    CHECK_AWS_ERROR(refuse(st, duration("3x"), t.next()), ss::errc::validation,
                    pattern("rotationRules.duration", "3x", "[0-9]+h"));
    CHECK_AWS_ERROR(refuse(st, duration("hh"), t.next()), ss::errc::validation,
                    pattern("rotationRules.duration", "hh", "[0-9]+h"));
    run(st, duration("3h"), t.next(), invocable);
    run(st, duration("24h"), t.next(), invocable);
  }
  SUBCASE("ScheduleExpression: 1–256 characters of [0-9A-Za-z\\(\\)#\\?\\*\\-\\/, ]+") {
    auto schedule = [&](std::string e) {
      return with_rules({.automatically_after_days = {}, .duration = {}, .schedule_expression = std::move(e)});
    };
    CHECK_AWS_ERROR(refuse(st, schedule(""), t.next()), ss::errc::validation,
                    text::at_least("rotationRules.scheduleExpression", 1));
    CHECK_AWS_ERROR(refuse(st, schedule(std::string(257, 'a')), t.next()), ss::errc::validation,
                    text::at_most("rotationRules.scheduleExpression", 256));
    CHECK_AWS_ERROR(refuse(st, schedule("rate(10 days);"), t.next()), ss::errc::validation,
                    pattern("rotationRules.scheduleExpression", "rate(10 days);", "[0-9A-Za-z\\(\\)#\\?\\*\\-\\/, ]+"));
    run(st, schedule("rate(10 days)"), t.next(), invocable);
    run(st, schedule("cron(0 16 1,15 * ? *)"), t.next(), invocable);
    run(st, schedule("cron(0 10 ? FEB,MAY,AUG,NOV TUE#2 *)"), t.next(), invocable);
  }
  SUBCASE("AutomaticallyAfterDays and ScheduleExpression together → InvalidParameterException") {
    CHECK_AWS_ERROR(refuse(st, with_rules({.automatically_after_days = 30, .duration = {}, .schedule_expression = "rate(10 days)"}), t.next()),
                    ss::errc::invalid_parameter, days_and_schedule);
  }
}

TEST_CASE("RotateSecret validates the schedule of RotationRules (schedule.hpp) and stores nothing on a bad one") {
  session t;
  const auto st = with_app(t);
  auto with = [](std::optional<std::int64_t> days, std::optional<std::string> expression,
                 std::optional<std::string> duration = std::nullopt) {
    auto r = rotate(v2);
    r.rotation_rules = ss::rotation_rules{.automatically_after_days = days, .duration = std::move(duration),
                                          .schedule_expression = std::move(expression)};
    return r;
  };
  const ss::errc ip = ss::errc::invalid_parameter;
  // Texts typed from docs/rotation-schedules.md (rulings there are [unverified] in messages.hpp).
  CHECK_AWS_ERROR(refuse(st, with({}, {}, "2h"), t.next()), ip,
                  "You must specify either AutomaticallyAfterDays or ScheduleExpression.");
  CHECK_AWS_ERROR(refuse(st, with({}, "rate(10 weeks)"), t.next()), ip,
                  "The schedule expression rate(10 weeks) isn't valid.");
  CHECK_AWS_ERROR(refuse(st, with({}, "cron(30 16 * * ? *)"), t.next()), ip,
                  "The schedule expression cron(30 16 * * ? *) isn't valid.");
  CHECK_AWS_ERROR(refuse(st, with({}, "cron(0 16 * * MON *)"), t.next()), ip,
                  "The schedule expression cron(0 16 * * MON *) isn't valid.");
  CHECK_AWS_ERROR(refuse(st, with({}, "rate(3 hours)"), t.next()), ip,
                  "You can't rotate a secret more often than every four hours.");
  CHECK_AWS_ERROR(refuse(st, with({}, "cron(0 0/2 * * ? *)"), t.next()), ip,
                  "You can't rotate a secret more often than every four hours.");
  CHECK_AWS_ERROR(refuse(st, with({}, "rate(1000 days)"), t.next()), ip,
                  "The rotation period can't be longer than 999 days.");
  CHECK_AWS_ERROR(refuse(st, with({}, "rate(10 days)", "25h"), t.next()), ip,
                  "The rotation window duration 25h isn't valid. Specify a duration from 1h to 24h.");
  CHECK_AWS_ERROR(refuse(st, with(30, {}, "0h"), t.next()), ip,
                  "The rotation window duration 0h isn't valid. Specify a duration from 1h to 24h.");
  CHECK_AWS_ERROR(refuse(st, with({}, "cron(0 22 * * ? *)", "3h"), t.next()), ip,
                  "The rotation window must not extend into the next UTC day.");
  CHECK_AWS_ERROR(refuse(st, with({}, "rate(4 hours)", "5h"), t.next()), ip,
                  "The rotation window must not extend into the next rotation window.");
  // Good schedules are stored as given.
  const auto good = with({}, "cron(0 8 ? * MON-FRI *)", "4h");
  CHECK(run(st, good, t.next(), invocable).state.find("app")->rotation() == good.rotation_rules);
  const auto days = with(7, {}, "3h");
  CHECK(run(st, days, t.next(), invocable).state.find("app")->rotation() == days.rotation_rules);
}

TEST_CASE("RotateSecret check order: lengths → name → rules conflict → token → resolution → deletion → function → in progress → invoke") {
  session t;
  auto st = with_app(t);
  st = run(st, rotate(v2), t.next(), invocable).state;  // a rotation in progress on v2
  const auto deleted = scheduled_for_deletion(st, ss::timestamp::from_seconds(t.seconds));

  auto bad_shape = rotate(std::nullopt, std::string(2049, 'a'));
  bad_shape.secret_id = "unknown";
  CHECK_AWS_ERROR(refuse(deleted, bad_shape, t.next()), ss::errc::validation, text::at_most("rotationLambdaARN", 2048));
  // Lengths and patterns of every member before the characters of a SecretId that is a name.
  auto bad_name = rotate(std::string(31, 'a'));
  bad_name.secret_id = "bad name";
  CHECK_AWS_ERROR(refuse(deleted, bad_name, t.next()), ss::errc::validation, text::at_least("clientRequestToken", 32));
  bad_name = rotate(std::nullopt);
  bad_name.secret_id = "bad name";
  bad_name.rotation_rules = ss::rotation_rules{.automatically_after_days = 5, .duration = "5", .schedule_expression = "rate(1 day)"};
  CHECK_AWS_ERROR(refuse(deleted, bad_name, t.next()), ss::errc::validation, text::at_least("rotationRules.duration", 2));
  bad_name.rotation_rules->duration = "5h";
  CHECK_AWS_ERROR(refuse(deleted, bad_name, t.next()), ss::errc::validation, text::invalid_name);
  auto both_rules = rotate(std::nullopt);
  both_rules.rotation_rules = ss::rotation_rules{.automatically_after_days = 1, .duration = {}, .schedule_expression = "rate(1 day)"};
  CHECK_AWS_ERROR(refuse(deleted, both_rules, t.next()), ss::errc::invalid_parameter, days_and_schedule);
  auto no_token_unknown = rotate(std::nullopt, DENIED);
  no_token_unknown.secret_id = "unknown";
  CHECK_AWS_ERROR(refuse(deleted, no_token_unknown, t.next()), ss::errc::invalid_parameter, text::missing_token);
  auto unknown = rotate(v3, DENIED);
  unknown.secret_id = "unknown";
  CHECK_AWS_ERROR(refuse(deleted, unknown, t.next()), ss::errc::resource_not_found, text::not_found);
  CHECK_AWS_ERROR(refuse(deleted, rotate(v3, DENIED), t.next()), ss::errc::invalid_request, marked_for_deletion);
  // Not deleted from here on. No function at all (nothing stored on a fresh secret) beats the
  // rotation in progress; the rotation in progress beats a function that cannot be invoked.
  auto fresh = with_app(t);
  fresh = run(fresh, put(v2, labels{P}), t.next()).state;
  CHECK_AWS_ERROR(refuse(fresh, rotate(v3, std::nullopt), t.next()), ss::errc::invalid_request, no_function);
  CHECK_AWS_ERROR(refuse(st, rotate(v3, DENIED), t.next()), ss::errc::invalid_request, in_progress);
}

// ---- ruling: a token that names an existing version ---------------------------------------------

TEST_CASE("ruling: RotateSecret again with the token of the rotation in progress is a retry") {
  session t;
  auto st = with_app(t);
  auto r = rotate(v2);
  r.rotation_rules = ss::rotation_rules{.automatically_after_days = 30, .duration = {}, .schedule_expression = {}};
  st = run(st, r, t.next(), invocable).state;

  SUBCASE("the same request: success, the same response, nothing changes at all") {
    const auto again = run(st, r, t.next(), invocable);
    CHECK(again.state == st);
    CHECK(copy_of(again.state) == copy_of(st));
    CHECK(again.response.version_id == v2);
  }
  SUBCASE("after createSecret filled the version: still a retry, the value stays") {
    st = run(st, ss::put_secret_value{.secret_id = "app", .client_request_token = v2, .secret_string = "new",
                                      .version_stages = labels{P}},
             t.next())
             .state;
    const auto again = run(st, r, t.next(), invocable);
    CHECK(again.state == st);
    CHECK(*app(again.state).find_version(v2)->value()->string() == "new");
  }
  SUBCASE("a retry with other rules stores them, and moves no label") {
    auto other = r;
    other.rotation_rules->automatically_after_days = 7;
    const auto ctx = t.next();
    const auto again = run(st, other, ctx, invocable);
    CHECK(version_labels(app(again.state)) == version_labels(app(st)));
    CHECK(app(again.state).rotation()->automatically_after_days == 7);
    CHECK(app(again.state).last_changed_date() == ctx.now);
  }
}

TEST_CASE("ruling: RotateSecret with the token of the AWSCURRENT version is a retry of a finished rotation") {
  session t;
  auto st = with_app(t);
  auto r = rotate(v1);
  SUBCASE("rotation never configured: the configuration is stored, nothing else") {
    const auto ctx = t.next();
    const auto out = run(st, r, ctx, invocable);
    CHECK(version_labels(app(out.state)) == aws_map{{v1, {C}}});
    CHECK(app(out.state).rotation_enabled());
    CHECK(app(out.state).rotation_lambda_arn() == FN);
    CHECK(out.response.version_id == v1);
    CHECK(app(out.state).last_changed_date() == ctx.now);
  }
  SUBCASE("already configured that way: nothing changes at all") {
    st = run(st, r, t.next(), invocable).state;
    CHECK(run(st, r, t.next(), invocable).state == st);
  }
  SUBCASE("but not while another version carries AWSPENDING") {
    st = run(st, rotate(v2), t.next(), invocable).state;
    CHECK_AWS_ERROR(refuse(st, r, t.next()), ss::errc::invalid_request, in_progress);
  }
}

TEST_CASE("ruling: a token naming any other version → ResourceExistsException, nothing changes") {
  session t;
  auto st = with_app(t);
  st = run(st, put(v2), t.next()).state;
  st = run(st, put(v3), t.next()).state;
  st = run(st, put(v4, labels{"blue"}), t.next()).state;
  REQUIRE(version_labels(app(st)) == aws_map{{v1, {}}, {v2, {PREV}}, {v3, {C}}, {v4, {"blue"}}});
  const std::string arn = app(st).arn().str();
  for (const auto& id : {v1, v2, v4}) {
    CAPTURE(id);
    CHECK_AWS_ERROR(refuse(st, rotate(id), t.next()), ss::errc::resource_exists, text::token_in_use(id, arn));
  }
}

// ---- ruling: RotateImmediately = false
// -----------------------------------------------------------

TEST_CASE("ruling: RotateImmediately=false stores the configuration and leaves versions and labels alone") {
  session t;
  auto st = with_app(t);
  auto r = rotate(v2);
  r.rotate_immediately = false;
  r.rotation_rules = ss::rotation_rules{.automatically_after_days = 30, .duration = {}, .schedule_expression = {}};

  SUBCASE("a plain secret") {
    const auto ctx = t.next();
    const auto out = run(st, r, ctx, invocable);
    const auto& s = app(out.state);
    CHECK(version_labels(s) == aws_map{{v1, {C}}});
    CHECK(s.find_version(v2) == nullptr);
    CHECK(s.rotation_enabled());
    CHECK(s.rotation_lambda_arn() == FN);
    CHECK(s.rotation() == r.rotation_rules);
    CHECK(s.last_changed_date() == ctx.now);
    CHECK(out.response.version_id == v2);  // the id of AWS's transient test version
    SUBCASE("a later rotation may use the same token") {
      const auto later = run(out.state, rotate(v2, std::nullopt), t.next(), invocable);
      CHECK(version_labels(app(later.state)) == aws_map{{v1, {C}}, {v2, {P}}});
    }
    SUBCASE("the same call again changes nothing at all") {
      CHECK(run(out.state, r, t.next(), invocable).state == out.state);
    }
  }
  SUBCASE("AWSPENDING on the AWSCURRENT version stays there") {
    st = run(st, put(v3, labels{P}), t.next()).state;
    st = run(st, uvs(C, v1, v3), t.next()).state;
    const auto out = run(st, r, t.next(), invocable);
    CHECK(version_labels(app(out.state)) == aws_map{{v1, {PREV}}, {v3, {C, P}}});
  }
  SUBCASE("the same preconditions apply") {
    st = run(st, rotate(v3), t.next(), invocable).state;
    CHECK_AWS_ERROR(refuse(st, r, t.next()), ss::errc::invalid_request, in_progress);
  }
}

// ---- the secret-level transition and the invocable set ------------------------------------------

TEST_CASE("RotateSecret on one secret: the same transition without a store") {
  const auto s = ss::testing::create(ss::create_secret{.name = "app", .client_request_token = v1, .secret_string = "s1"},
                                     ss::testing::at(1))
                     .state;
  const auto before = snapshot_of(s);
  const auto out = ss::apply(s, rotate(v2), ss::testing::at(2), invocable);
  REQUIRE(out.has_value());
  CHECK(snapshot_of(s) == before);
  CHECK(version_labels(out.value().state) == aws_map{{v1, {C}}, {v2, {P}}});
  CHECK(ss::testing::violations(out.value().state) == "");
  CHECK(ss::testing::violations(s, out.value().state) == "");
  auto other = rotate(v2);
  other.secret_id = "other";
  const auto refused = ss::apply(s, other, ss::testing::at(3), invocable);
  REQUIRE_FALSE(refused.has_value());
  CHECK_AWS_ERROR(refused.error(), ss::errc::resource_not_found, text::not_found);
  CHECK(snapshot_of(s) == before);
}

TEST_CASE("rotation_functions is a set of ARNs") {
  const ss::rotation_functions none;
  CHECK_FALSE(none.can_invoke(FN));
  const ss::rotation_functions fns{FN2, FN, FN2};
  CHECK(fns.arns() == std::vector<std::string>{FN, FN2});
  CHECK(fns.can_invoke(FN));
  CHECK_FALSE(fns.can_invoke(FN + "x"));
  CHECK_FALSE(fns.can_invoke(""));
  CHECK(none.with(FN).with(FN2) == fns);
}

}  // namespace rotate_secret_test
