// rotation.hpp: the rotation template's four steps over a store, step by step and through
// rotate_synchronously; trace T10; the pending-only secret; both finishSecret variants; what each
// step checks (error texts typed from docs/semantics.md#rotation-steps); all-or-nothing
// failures; and the RotateImmediately=false path. Invariants are checked after every step.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <doctest/doctest.h>

#include <secretstage/detail/secret_builder.hpp>
#include <secretstage/invariants.hpp>
#include <secretstage/operations/rotate_secret.hpp>
#include <secretstage/rotation.hpp>
#include <secretstage/secretstage.hpp>

#include "support/aws_text.hpp"
#include "support/given.hpp"

// Its own namespace: the batched build (SECRETSTAGE_FAST_TEST_BUILD) joins test files.
namespace rotation_test {

namespace ss = secretstage;
namespace text = ss::testing::aws_text;
using ss::testing::aws_map;
using ss::testing::snapshot_of;
using ss::testing::version_labels;
using ss::testing::vid;
using labels = std::vector<std::string>;

namespace {

const std::string v1 = vid(1), v2 = vid(2), v3 = vid(3), v9 = vid(9);
const std::string C = "AWSCURRENT", PREV = "AWSPREVIOUS", P = "AWSPENDING";
const std::string FN = "arn:aws:lambda:us-east-1:123456789012:function:rotate-app";
const std::string DENIED = "arn:aws:lambda:us-east-1:123456789012:function:no-policy";
const ss::rotation_functions invocable{FN};

// Typed from docs/semantics.md (#rotatesecret, #getsecretvalue), not from the library.
const std::string in_progress = "A previous rotation isn't complete. That rotation will be reattempted.";
const std::string cannot_invoke =
    "Secrets Manager cannot invoke the specified Lambda function. Ensure that the function policy "
    "grants access to the principal secretsmanager.amazonaws.com.";
const std::string marked_for_deletion =
    "You can't perform this operation on the secret because it was marked for deletion.";
std::string no_version(const std::string& id) {
  return "Secrets Manager can't find the specified secret value for VersionId: " + id;
}
const std::string stage_not_on_version = "You provided a VersionStage that is not associated to the provided VersionId.";

struct session {
  std::int64_t seconds = 1'740'000'000;
  ss::context next() { return ss::testing::at(++seconds); }
};

struct row {
  ss::testing::snapshot<ss::aws_traits> secret;
  bool enabled;
  std::optional<std::string> lambda;
  std::optional<ss::rotation_rules> rules;
  std::optional<ss::timestamp> last_rotated;
  friend bool operator==(const row&, const row&) = default;
};
/// Everything observable in a store, deep-copied.
std::vector<row> copy_of(const ss::store& st) {
  std::vector<row> out;
  for (const auto* s : st.secrets())
    out.push_back({snapshot_of(*s), s->rotation_enabled(), s->rotation_lambda_arn(), s->rotation(), s->last_rotated_date()});
  return out;
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

/// The state of a step that must have succeeded, after checking the invariants across it.
template <class Response>
ss::store ok(const ss::store& before, ss::result<ss::transition<ss::store, Response>> res) {
  REQUIRE_MESSAGE(res.has_value(), (res.has_value() ? std::string() : res.error().message));
  CHECK(joined(ss::check_store_invariants(res.value().state)) == "");
  CHECK(joined(ss::check_store_transition_invariants(before, res.value().state)) == "");
  return std::move(res.value().state);
}

/// The error of a step that must have failed.
template <class Response>
ss::error failed(ss::result<ss::transition<ss::store, Response>> res) {
  REQUIRE_FALSE(res.has_value());
  return res.error();
}

ss::secret_value text_value(std::string s) { return ss::secret_value(ss::secret_value::string_tag{}, std::move(s)); }

ss::rotate_secret rotate(std::optional<std::string> token, std::optional<std::string> lambda = FN) {
  return {.secret_id = "app", .client_request_token = std::move(token), .rotation_lambda_arn = std::move(lambda)};
}
ss::rotation_event event(const std::string& token, std::string secret_id = "app") {
  return {.secret_id = std::move(secret_id), .client_request_token = token};
}
ss::put_secret_value put(const std::string& id, std::optional<labels> stages = std::nullopt) {
  return {.secret_id = "app", .client_request_token = id, .secret_string = "value of " + id,
          .version_stages = std::move(stages)};
}

ss::store with_app(session& t, std::optional<std::string> value = "s1") {
  ss::create_secret c{.name = "app"};
  if (value) {
    c.client_request_token = v1;
    c.secret_string = std::move(value);
  }
  return ok(ss::store{}, ss::apply(ss::store{}, c, t.next()));
}

std::string value_of(const ss::store& st, const std::string& id) {
  const auto* v = app(st).find_version(id);
  REQUIRE(v != nullptr);
  REQUIRE(v->value() != nullptr);
  REQUIRE(v->value()->string() != nullptr);
  return *v->value()->string();
}

/// Runs `rotate_synchronously` and checks that the input was left as it was.
ss::result<ss::transition<ss::store, ss::rotate_secret_response>> rotate_now(
    const ss::store& st, const ss::rotate_secret& r, const ss::context& ctx, const std::string& value,
    ss::finish_variant variant = ss::finish_variant::remove_pending,
    const ss::rotation_functions& fns = invocable) {
  const auto before = copy_of(st);
  auto res = ss::rotate_synchronously(st, r, ctx, fns, text_value(value), variant);
  CHECK(copy_of(st) == before);
  return res;
}

}  // namespace

// ---- complete rotations ---------------------------------------------------------------------------

TEST_CASE("T10: two successful rotations through rotate_synchronously") {
  session t;
  auto st = with_app(t);

  const auto first_ctx = t.next();
  auto first = rotate_now(st, rotate(v2), first_ctx, "rotated-1");
  REQUIRE(first.has_value());
  CHECK(first.value().response.version_id == v2);
  st = ok(st, std::move(first));
  CHECK(version_labels(app(st)) == aws_map{{v1, {PREV}}, {v2, {C}}});
  CHECK(value_of(st, v2) == "rotated-1");
  CHECK(app(st).last_rotated_date() == first_ctx.now);

  const auto second_ctx = t.next();
  auto second = rotate_now(st, rotate(v3, std::nullopt), second_ctx, "rotated-2");  // the stored function
  st = ok(st, std::move(second));
  CHECK(version_labels(app(st)) == aws_map{{v1, {}}, {v2, {PREV}}, {v3, {C}}});
  CHECK(app(st).is_deprecated(v1));
  CHECK(value_of(st, v3) == "rotated-2");
  CHECK(value_of(st, v1) == "s1");  // deprecated, not collected
  CHECK(app(st).last_rotated_date() == second_ctx.now);
  CHECK(app(st).rotation_enabled());
}

TEST_CASE("T10 step by step: RotateSecret, createSecret, setSecret, testSecret, finishSecret") {
  session t;
  auto st = with_app(t);
  const auto e = event(v2);

  st = ok(st, ss::apply(st, rotate(v2), t.next(), invocable));
  CHECK(version_labels(app(st)) == aws_map{{v1, {C}}, {v2, {P}}});
  const auto placeholder_created = app(st).find_version(v2)->created_date();

  st = ok(st, ss::rotation::create_secret(st, e, text_value("rotated-1"), t.next()));
  CHECK(version_labels(app(st)) == aws_map{{v1, {C}}, {v2, {P}}});
  CHECK(value_of(st, v2) == "rotated-1");
  CHECK(app(st).find_version(v2)->created_date() == placeholder_created);  // filled, not replaced
  CHECK(app(st).last_rotated_date() == std::nullopt);

  const auto after_create = copy_of(st);
  st = ok(st, ss::rotation::set_secret(st, e, t.next()));
  CHECK(copy_of(st) == after_create);
  st = ok(st, ss::rotation::test_secret(st, e, t.next()));
  CHECK(copy_of(st) == after_create);

  const auto finish_ctx = t.next();
  auto finished = ss::rotation::finish_secret(st, e, finish_ctx);
  REQUIRE(finished.has_value());
  CHECK(finished.value().response.version_id == v2);
  CHECK(finished.value().response.name == "app");
  CHECK(finished.value().response.arn == app(st).arn());
  st = ok(st, std::move(finished));
  CHECK(version_labels(app(st)) == aws_map{{v1, {PREV}}, {v2, {C}}});
  CHECK(app(st).last_rotated_date() == finish_ctx.now);
  CHECK(app(st).last_changed_date() == finish_ctx.now);

  // Second rotation.
  const auto e3 = event(v3);
  st = ok(st, ss::apply(st, rotate(v3, std::nullopt), t.next(), invocable));
  CHECK(version_labels(app(st)) == aws_map{{v1, {PREV}}, {v2, {C}}, {v3, {P}}});
  st = ok(st, ss::rotation::create_secret(st, e3, text_value("rotated-2"), t.next()));
  st = ok(st, ss::rotation::set_secret(st, e3, t.next()));
  st = ok(st, ss::rotation::test_secret(st, e3, t.next()));
  st = ok(st, ss::rotation::finish_secret(st, e3, t.next()));
  CHECK(version_labels(app(st)) == aws_map{{v1, {}}, {v2, {PREV}}, {v3, {C}}});
}

TEST_CASE("finishSecret keep_pending: AWSPENDING stays on the new current version and does not block") {
  session t;
  auto st = with_app(t);
  st = ok(st, rotate_now(st, rotate(v2), t.next(), "rotated-1", ss::finish_variant::keep_pending));
  CHECK(version_labels(app(st)) == aws_map{{v1, {PREV}}, {v2, {C, P}}});
  st = ok(st, rotate_now(st, rotate(v3), t.next(), "rotated-2", ss::finish_variant::keep_pending));
  CHECK(version_labels(app(st)) == aws_map{{v1, {}}, {v2, {PREV}}, {v3, {C, P}}});
  // and the next rotation may use the other variant
  st = ok(st, rotate_now(st, rotate(v9), t.next(), "rotated-3", ss::finish_variant::remove_pending));
  CHECK(version_labels(app(st)) == aws_map{{v1, {}}, {v2, {}}, {v3, {PREV}}, {v9, {C}}});
}

TEST_CASE("finishSecret keeps custom labels where they are; AWSPREVIOUS moves to the old current version") {
  session t;
  auto st = with_app(t);
  st = ok(st, ss::apply(st, put(v2, labels{C, "blue"}), t.next()));
  REQUIRE(version_labels(app(st)) == aws_map{{v1, {PREV}}, {v2, {C, "blue"}}});
  st = ok(st, rotate_now(st, rotate(v3), t.next(), "rotated"));
  CHECK(version_labels(app(st)) == aws_map{{v1, {}}, {v2, {PREV, "blue"}}, {v3, {C}}});
}

// ---- pending-only secret ----------------------------------------------------------------------------

TEST_CASE("a secret without a value rotated into its first value") {
  session t;
  auto st = with_app(t, std::nullopt);
  REQUIRE(app(st).version_count() == 0);
  const auto e = event(v1);

  st = ok(st, ss::apply(st, rotate(v1), t.next(), invocable));
  CHECK(version_labels(app(st)) == aws_map{{v1, {P}}});
  CHECK(app(st).find_version(v1)->is_placeholder());
  CHECK(app(st).holder(C) == nullptr);

  SUBCASE("step by step") {
    // createSecret's PutSecretValue(VersionStages=[AWSPENDING]) fills it; the first-version rule
    // adds AWSCURRENT.
    st = ok(st, ss::rotation::create_secret(st, e, text_value("first"), t.next()));
    CHECK(version_labels(app(st)) == aws_map{{v1, {C, P}}});
    CHECK(value_of(st, v1) == "first");
    // From here the token carries AWSCURRENT: the template's handler returns at once.
    const auto after_create = copy_of(st);
    st = ok(st, ss::rotation::set_secret(st, e, t.next()));
    st = ok(st, ss::rotation::test_secret(st, e, t.next()));
    st = ok(st, ss::rotation::finish_secret(st, e, t.next()));
    CHECK(copy_of(st) == after_create);
    CHECK(app(st).last_rotated_date() == std::nullopt);
  }
  SUBCASE("a second rotation is allowed: AWSPENDING is on the AWSCURRENT version") {
    st = ok(st, ss::rotation::create_secret(st, e, text_value("first"), t.next()));
    st = ok(st, rotate_now(st, rotate(v2, std::nullopt), t.next(), "second"));
    CHECK(version_labels(app(st)) == aws_map{{v1, {PREV}}, {v2, {C}}});
  }
  SUBCASE("a new rotation is blocked while the placeholder waits for its value") {
    CHECK_AWS_ERROR(failed(rotate_now(st, rotate(v2), t.next(), "x")), ss::errc::invalid_request, in_progress);
  }
}

TEST_CASE("rotate_synchronously on a secret without a value: the placeholder becomes the first AWSCURRENT") {
  session t;
  auto st = with_app(t, std::nullopt);
  st = ok(st, rotate_now(st, rotate(v1), t.next(), "first"));
  // finishSecret had nothing to do (the token already carried AWSCURRENT), so AWSPENDING stays
  // beside it whatever the variant.
  CHECK(version_labels(app(st)) == aws_map{{v1, {C, P}}});
  CHECK(value_of(st, v1) == "first");
}

// ---- what each step checks --------------------------------------------------------------------------

TEST_CASE("setSecret, testSecret and finishSecret need the pending version's value") {
  session t;
  auto st = with_app(t);
  st = ok(st, ss::apply(st, rotate(v2), t.next(), invocable));
  const auto before = copy_of(st);
  const auto e = event(v2);
  CHECK_AWS_ERROR(failed(ss::rotation::set_secret(st, e, t.next())), ss::errc::resource_not_found, no_version(v2));
  CHECK_AWS_ERROR(failed(ss::rotation::test_secret(st, e, t.next())), ss::errc::resource_not_found, no_version(v2));
  CHECK_AWS_ERROR(failed(ss::rotation::finish_secret(st, e, t.next())), ss::errc::resource_not_found, no_version(v2));
  CHECK_AWS_ERROR(failed(ss::rotation::finish_secret(st, e, t.next(), ss::finish_variant::keep_pending)),
                  ss::errc::resource_not_found, no_version(v2));
  CHECK(copy_of(st) == before);
}

TEST_CASE("every step: the token must name a version carrying AWSPENDING") {
  session t;
  auto st = with_app(t);
  st = ok(st, ss::apply(st, put(v2), t.next()));
  st = ok(st, ss::apply(st, put(v3, labels{"blue"}), t.next()));
  REQUIRE(version_labels(app(st)) == aws_map{{v1, {PREV}}, {v2, {C}}, {v3, {"blue"}}});
  const auto before = copy_of(st);
  auto all_steps = [&](const ss::rotation_event& e) {
    std::vector<ss::error> errors;
    errors.push_back(failed(ss::rotation::create_secret(st, e, text_value("x"), t.next())));
    errors.push_back(failed(ss::rotation::set_secret(st, e, t.next())));
    errors.push_back(failed(ss::rotation::test_secret(st, e, t.next())));
    errors.push_back(failed(ss::rotation::finish_secret(st, e, t.next())));
    return errors;
  };
  SUBCASE("no such version") {
    for (const auto& err : all_steps(event(v9))) CHECK_AWS_ERROR(err, ss::errc::resource_not_found, no_version(v9));
  }
  SUBCASE("a version without AWSPENDING: AWSPREVIOUS, or a custom label") {
    for (const auto& err : all_steps(event(v1))) CHECK_AWS_ERROR(err, ss::errc::invalid_request, stage_not_on_version);
    for (const auto& err : all_steps(event(v3))) CHECK_AWS_ERROR(err, ss::errc::invalid_request, stage_not_on_version);
  }
  SUBCASE("a deprecated version") {
    st = ok(st, ss::apply(st, put(v9), t.next()));  // v1 loses AWSPREVIOUS
    REQUIRE(app(st).is_deprecated(v1));
    for (const auto& err : all_steps(event(v1))) CHECK_AWS_ERROR(err, ss::errc::invalid_request, stage_not_on_version);
  }
  SUBCASE("nothing changed") {
    all_steps(event(v9));
    all_steps(event(v1));
    CHECK(copy_of(st) == before);
  }
}

TEST_CASE("every step does nothing when the token already carries AWSCURRENT") {
  session t;
  auto st = with_app(t);
  st = ok(st, rotate_now(st, rotate(v2), t.next(), "rotated"));
  const auto e = event(v2);
  const auto before = copy_of(st);
  st = ok(st, ss::rotation::create_secret(st, e, text_value("another"), t.next()));
  st = ok(st, ss::rotation::set_secret(st, e, t.next()));
  st = ok(st, ss::rotation::test_secret(st, e, t.next()));
  st = ok(st, ss::rotation::finish_secret(st, e, t.next()));
  CHECK(copy_of(st) == before);
  CHECK(value_of(st, v2) == "rotated");
}

TEST_CASE("createSecret does nothing when the pending version already has its value") {
  session t;
  auto st = with_app(t);
  st = ok(st, ss::apply(st, rotate(v2), t.next(), invocable));
  st = ok(st, ss::rotation::create_secret(st, event(v2), text_value("drawn first"), t.next()));
  const auto before = copy_of(st);
  const auto again = ok(st, ss::rotation::create_secret(st, event(v2), text_value("drawn again"), t.next()));
  CHECK(copy_of(again) == before);
  CHECK(value_of(again, v2) == "drawn first");
}

TEST_CASE("createSecret writes a binary value too") {
  session t;
  auto st = with_app(t);
  st = ok(st, ss::apply(st, rotate(v2), t.next(), invocable));
  st = ok(st, ss::rotation::create_secret(st, event(v2), ss::secret_value(ss::secret_value::binary_tag{}, ss::binary{1, 2, 3}),
                                          t.next()));
  const auto* v = app(st).find_version(v2);
  REQUIRE(v->value() != nullptr);
  REQUIRE(v->value()->bytes() != nullptr);
  CHECK(*v->value()->bytes() == ss::binary{1, 2, 3});
}

TEST_CASE("the steps address the secret by name or ARN; unknown and deleted secrets fail") {
  session t;
  auto st = with_app(t);
  st = ok(st, ss::apply(st, rotate(v2), t.next(), invocable));
  const std::string arn = app(st).arn().str();
  SUBCASE("ARN, as Secrets Manager passes it") {
    st = ok(st, ss::rotation::create_secret(st, event(v2, arn), text_value("x"), t.next()));
    st = ok(st, ss::rotation::finish_secret(st, event(v2, arn), t.next()));
    CHECK(version_labels(app(st)) == aws_map{{v1, {PREV}}, {v2, {C}}});
  }
  SUBCASE("unknown secret") {
    CHECK_AWS_ERROR(failed(ss::rotation::create_secret(st, event(v2, "other"), text_value("x"), t.next())),
                    ss::errc::resource_not_found, text::not_found);
    CHECK_AWS_ERROR(failed(ss::rotation::finish_secret(st, event(v2, "other"), t.next())), ss::errc::resource_not_found,
                    text::not_found);
  }
  SUBCASE("scheduled for deletion") {
    ss::detail::secret_builder<ss::aws_traits> b(app(st));
    b.set_deleted(ss::timestamp::from_seconds(t.seconds).plus_days(7));
    auto deleted = std::move(b).finish();
    REQUIRE(deleted.has_value());
    const auto gone = st.put(std::move(deleted).value());
    CHECK_AWS_ERROR(failed(ss::rotation::create_secret(gone, event(v2), text_value("x"), t.next())),
                    ss::errc::invalid_request, marked_for_deletion);
    CHECK_AWS_ERROR(failed(ss::rotation::set_secret(gone, event(v2), t.next())), ss::errc::invalid_request,
                    marked_for_deletion);
    CHECK_AWS_ERROR(failed(ss::rotation::test_secret(gone, event(v2), t.next())), ss::errc::invalid_request,
                    marked_for_deletion);
    CHECK_AWS_ERROR(failed(ss::rotation::finish_secret(gone, event(v2), t.next())), ss::errc::invalid_request,
                    marked_for_deletion);
  }
}

// ---- all or nothing -----------------------------------------------------------------------------------

TEST_CASE("rotate_synchronously: a failure at any step returns its error and no state") {
  session t;
  auto st = with_app(t);
  SUBCASE("RotateSecret itself: function cannot be invoked") {
    CHECK_AWS_ERROR(failed(rotate_now(st, rotate(v2, DENIED), t.next(), "x")), ss::errc::access_denied, cannot_invoke);
  }
  SUBCASE("RotateSecret itself: AWSPENDING elsewhere") {
    st = ok(st, ss::apply(st, put(v2, labels{P}), t.next()));
    CHECK_AWS_ERROR(failed(rotate_now(st, rotate(v3), t.next(), "x")), ss::errc::invalid_request, in_progress);
    CHECK(version_labels(app(st)) == aws_map{{v1, {C}}, {v2, {P}}});
  }
  SUBCASE("createSecret: PutSecretValue rejects the drawn value (after RotateSecret succeeded)") {
    const auto res = rotate_now(st, rotate(v2), t.next(), "");
    CHECK_AWS_ERROR(failed(res), ss::errc::validation, text::at_least("secretString", 1));
    CHECK(app(st).find_version(v2) == nullptr);
    CHECK_FALSE(app(st).rotation_enabled());
  }
  SUBCASE("RotateSecret itself: AWSPENDING would be the 21st label") {
    labels nineteen;
    for (int i = 1; i <= 19; ++i) nineteen.push_back("L" + std::to_string(i));
    st = ok(st, ss::apply(st, put(v9, nineteen), t.next()));
    CHECK_AWS_ERROR(failed(rotate_now(st, rotate(v2), t.next(), "x")), ss::errc::limit_exceeded, text::label_quota);
  }
  SUBCASE("finishSecret, after RotateSecret and createSecret succeeded: AWSPREVIOUS would be the 21st label") {
    labels eighteen;
    for (int i = 1; i <= 18; ++i) eighteen.push_back("L" + std::to_string(i));
    st = ok(st, ss::apply(st, put(v9, eighteen), t.next()));
    REQUIRE(app(st).label_count() == 19);
    // Step by step, RotateSecret (20 labels) and createSecret succeed ...
    const auto started = ok(st, ss::apply(st, rotate(v2), t.next(), invocable));
    const auto created = ok(started, ss::rotation::create_secret(started, event(v2), text_value("x"), t.next()));
    CHECK_AWS_ERROR(failed(ss::rotation::finish_secret(created, event(v2), t.next())), ss::errc::limit_exceeded,
                    text::label_quota);
    // ... so the one call fails as a whole.
    CHECK_AWS_ERROR(failed(rotate_now(st, rotate(v2), t.next(), "x")), ss::errc::limit_exceeded, text::label_quota);
    CHECK(app(st).find_version(v2) == nullptr);
    CHECK(version_labels(app(st)).at(v1) == ss::testing::labels_t<ss::aws_traits>{C});
  }
}

TEST_CASE("rotate_synchronously resumes a rotation whose RotateSecret is retried with its token (ruling)") {
  session t;
  auto st = with_app(t);
  st = ok(st, ss::apply(st, rotate(v2), t.next(), invocable));
  st = ok(st, ss::rotation::create_secret(st, event(v2), text_value("drawn first"), t.next()));
  // the rotation stopped here; the retry runs the remaining steps
  st = ok(st, rotate_now(st, rotate(v2), t.next(), "drawn again"));
  CHECK(version_labels(app(st)) == aws_map{{v1, {PREV}}, {v2, {C}}});
  CHECK(value_of(st, v2) == "drawn first");
  SUBCASE("and retrying once more after it finished changes nothing") {
    auto again = rotate_now(st, rotate(v2), t.next(), "drawn a third time");
    const auto next = ok(st, std::move(again));
    CHECK(copy_of(next) == copy_of(st));
  }
}

// ---- RotateImmediately = false ------------------------------------------------------------------------

TEST_CASE("rotate_synchronously with RotateImmediately=false runs only testSecret and keeps the configuration") {
  session t;
  auto st = with_app(t);
  auto r = rotate(v2);
  r.rotate_immediately = false;
  r.rotation_rules = ss::rotation_rules{.automatically_after_days = {}, .duration = "2h",
                                        .schedule_expression = "cron(0 16 1,15 * ? *)"};
  SUBCASE("with a current value: success, no version, no label") {
    auto res = rotate_now(st, r, t.next(), "unused");
    REQUIRE(res.has_value());
    CHECK(res.value().response.version_id == v2);
    st = ok(st, std::move(res));
    CHECK(version_labels(app(st)) == aws_map{{v1, {C}}});
    CHECK(app(st).rotation_enabled());
    CHECK(app(st).rotation() == r.rotation_rules);
    CHECK(app(st).last_rotated_date() == std::nullopt);
  }
  SUBCASE("the result is RotateSecret's") {
    const auto ctx = t.next();
    auto direct = ss::apply(st, r, ctx, invocable);
    auto synchronous = rotate_now(st, r, ctx, "unused");
    REQUIRE(direct.has_value());
    REQUIRE(synchronous.has_value());
    CHECK(synchronous.value().state == direct.value().state);
    CHECK(synchronous.value().response == direct.value().response);
  }
  SUBCASE("without AWSCURRENT there is nothing to copy: the test fails") {
    const auto empty = with_app(t, std::nullopt);
    CHECK_AWS_ERROR(failed(rotate_now(empty, r, t.next(), "unused")), ss::errc::resource_not_found, no_version(v2));
  }
  SUBCASE("the RotateSecret preconditions come first") {
    st = ok(st, ss::apply(st, put(v3, labels{P}), t.next()));
    CHECK_AWS_ERROR(failed(rotate_now(st, r, t.next(), "unused")), ss::errc::invalid_request, in_progress);
  }
}

}  // namespace rotation_test
