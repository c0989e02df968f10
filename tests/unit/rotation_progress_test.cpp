// rotation_progress.hpp: the progress of a rotation run by an invoked function, as pure
// transitions. The expected progress follows the rules in docs/semantics.md#rotation-progress
// (AWS retries the entire rotation; the previous-rotation error reattempts it), written out here
// rather than taken from a run.
#include <optional>
#include <string>

#include <doctest/doctest.h>

#include <secretstage/invariants.hpp>
#include <secretstage/rotation_progress.hpp>
#include <secretstage/store_operation.hpp>

// Its own namespace: the batched build (SECRETSTAGE_FAST_TEST_BUILD) joins test files.
namespace rotation_progress_test {

namespace ss = secretstage;
using ss::rotation_step;

namespace {

const std::string FN = "arn:aws:lambda:us-east-1:123456789012:function:rotate";
const std::string T = "11111111-1111-4111-8111-111111111111";
const std::string C = "AWSCURRENT", P = "AWSPENDING";

ss::timestamp ms(std::int64_t v) { return ss::timestamp{v}; }

/// A secret "a" with a value, and a rotation to version T started by RotateSecret at 1000.
ss::store started() {
  ss::context ctx;
  ctx.now = ms(1000);
  ctx.functions = ss::rotation_functions{FN};
  ss::store st;
  auto created = ss::apply_in_place(
      st, ss::store_operation(ss::create_secret{.name = "a",
                                                .client_request_token =
                                                    std::string("00000000-0000-4000-8000-000000000000"),
                                                .secret_string = std::string("v")}),
      ctx);
  REQUIRE(created);
  auto rotated = ss::apply_in_place(
      st, ss::store_operation(ss::rotate_secret{.secret_id = "a", .client_request_token = T,
                                                .rotation_lambda_arn = FN}),
      ctx);
  REQUIRE(rotated);
  CHECK(ss::begin_invoked_rotation(st, rotated.value(), ctx.now));
  // A second call (a retried RotateSecret) begins nothing new.
  CHECK_FALSE(ss::begin_invoked_rotation(st, rotated.value(), ms(1500)));
  return st;
}

const ss::secret& a(const ss::store& st) { return *st.find("a"); }

}  // namespace

TEST_CASE("rotation progress: RotateSecret begins it; each success moves to the next step") {
  const ss::store st = started();
  {
    // A rotation, not a test: T exists (the placeholder), so no test begins.
    ss::store again = st;
    ss::context ctx;
    ctx.now = ms(1000);
    ctx.functions = ss::rotation_functions{FN};
    auto retried = ss::apply_in_place(
        again, ss::store_operation(ss::rotate_secret{.secret_id = "a", .client_request_token = T}),
        ctx);
    REQUIRE(retried);
    CHECK_FALSE(ss::begin_invoked_test(again, retried.value(), ms(1000)));
  }
  ss::secret s = a(st);
  REQUIRE(s.rotation_progress());
  CHECK(*s.rotation_progress() ==
        ss::rotation_progress{T, FN, rotation_step::create_secret, 0, std::nullopt, ms(1000), false});
  CHECK(ss::check_invariants(s).empty());
  const rotation_step steps[] = {rotation_step::create_secret, rotation_step::set_secret,
                                 rotation_step::test_secret, rotation_step::finish_secret};
  for (int i = 0; i < 3; ++i) {
    // The wrong step, or another version, changes nothing.
    CHECK_FALSE(ss::rotation_step_succeeded(s, T, steps[i + 1], ms(2000)));
    CHECK_FALSE(ss::rotation_step_succeeded(s, "22222222-2222-4222-8222-222222222222", steps[i],
                                            ms(2000)));
    auto next = ss::rotation_step_succeeded(s, T, steps[i], ms(2000 + i));
    REQUIRE(next);
    s = *next;
    CHECK(s.rotation_progress()->next_step == steps[i + 1]);
    CHECK(s.rotation_progress()->next_attempt == std::optional(ms(2000 + i)));
    CHECK(s.rotation_progress()->attempts == 0);
    CHECK(s.last_changed_date() == a(st).last_changed_date());  // bookkeeping, not a change
  }
  auto done = ss::rotation_step_succeeded(s, T, rotation_step::finish_secret, ms(3000));
  REQUIRE(done);
  CHECK_FALSE(done->rotation_progress());
  CHECK(s.meta().extras.allocated());
  CHECK_FALSE(done->meta().extras.allocated());  // nothing else extra: the block went with it
  // finishSecret "succeeded" without making T current: no LastRotatedDate.
  CHECK_FALSE(done->last_rotated_date());
}

TEST_CASE("rotation progress: a failed step retries the whole rotation, then gives up") {
  const ss::rotation_retry_policy policy{3, 500};
  ss::secret s = a(started());
  s = *ss::rotation_step_succeeded(s, T, rotation_step::create_secret, ms(1100));
  auto failed = ss::rotation_step_failed(s, T, rotation_step::set_secret,
                                         "setSecret: exit status 1", ms(1200), policy);
  REQUIRE(failed);
  CHECK(*failed->rotation_progress() ==
        ss::rotation_progress{T, FN, rotation_step::create_secret, 1,
                              std::string("setSecret: exit status 1"), ms(1700), false});
  CHECK(ss::check_invariants(*failed).empty());
  // A failure of a step not due changes nothing.
  CHECK_FALSE(ss::rotation_step_failed(*failed, T, rotation_step::set_secret, "x", ms(1800), policy));
  auto second = ss::rotation_step_failed(*failed, T, rotation_step::create_secret, "again",
                                         ms(1800), policy);
  REQUIRE(second);
  CHECK(second->rotation_progress()->attempts == 2);
  CHECK(second->rotation_progress()->next_attempt == std::optional(ms(2300)));
  auto third = ss::rotation_step_failed(*second, T, rotation_step::create_secret, "third",
                                        ms(2400), policy);
  REQUIRE(third);
  CHECK(third->rotation_progress()->given_up());
  CHECK(third->rotation_progress()->attempts == 3);
  CHECK(third->rotation_progress()->last_failure == std::optional<std::string>("third"));
  // Given up: no step is due, and no outcome counts any more.
  CHECK_FALSE(ss::rotation_step_succeeded(*third, T, rotation_step::create_secret, ms(2500)));
  // The labels never moved: AWSPENDING stays on T.
  CHECK(third->version_of(P) == std::optional<std::string>(T));
  CHECK(third->stages() == a(started()).stages());
  SUBCASE("a long reason is cut, at a character boundary") {
    const std::string reason = std::string(1023, 'x') + "\xc3\xa9" + "tail";
    auto cut = ss::rotation_step_failed(s, T, rotation_step::set_secret, reason, ms(1200), policy);
    REQUIRE(cut);
    CHECK(*cut->rotation_progress()->last_failure == std::string(1023, 'x'));
  }
  SUBCASE("the reattempt: same version, from createSecret, a fresh count") {
    auto again = ss::reattempt_rotation(*third, ms(9000));
    REQUIRE(again);
    CHECK(*again->rotation_progress() ==
          ss::rotation_progress{T, FN, rotation_step::create_secret, 0, std::string("third"),
                                ms(9000), false});
    // Reattempting a rotation already starting at that time changes nothing.
    CHECK_FALSE(ss::reattempt_rotation(*again, ms(9000)));
  }
  SUBCASE("CancelRotateSecret clears it") {
    ss::context ctx;
    ctx.now = ms(5000);
    auto cancelled = ss::apply(*third, ss::cancel_rotate_secret{.secret_id = "a"}, ctx);
    REQUIRE(cancelled);
    CHECK_FALSE(cancelled.value().state.rotation_progress());
    CHECK_FALSE(cancelled.value().state.rotation_enabled());
    CHECK(cancelled.value().state.version_of(P) == std::optional<std::string>(T));
  }
}

TEST_CASE("rotation progress: reattempt without progress, and settling") {
  ss::secret s = a(started());
  const ss::secret bare = ss::clear_rotation_progress(s);
  CHECK_FALSE(bare.rotation_progress());
  // An incomplete rotation the service never ran (e.g. after a restart): the stored function.
  auto again = ss::reattempt_rotation(bare, ms(4000));
  REQUIRE(again);
  CHECK(*again->rotation_progress() ==
        ss::rotation_progress{T, FN, rotation_step::create_secret, 0, std::nullopt, ms(4000), false});
  // Progress applies while its version carries AWSPENDING.
  CHECK(ss::rotation_progress_applies(s));
  CHECK_FALSE(ss::settle_rotation(s));
  ss::context ctx;
  ctx.now = ms(6000);
  auto removed = ss::apply(s,
                           ss::update_secret_version_stage{.secret_id = "a",
                                                           .version_stage = P,
                                                           .remove_from_version_id = T},
                           ctx);
  REQUIRE(removed);
  const ss::secret abandoned = removed.value().state;
  CHECK_FALSE(ss::rotation_progress_applies(abandoned));
  auto settled = ss::settle_rotation(abandoned);
  REQUIRE(settled);
  CHECK_FALSE(settled->rotation_progress());
  // Nothing to reattempt without an AWSPENDING apart from AWSCURRENT.
  CHECK_FALSE(ss::reattempt_rotation(*settled, ms(7000)));
}

TEST_CASE("rotation progress: I25 names what a malformed progress lacks") {
  ss::secret s = a(started());
  CHECK(ss::rotation_progress_consistent(s));
  ss::rotation_progress p = *s.rotation_progress();
  p.attempts = 1;  // a failure counted, none on record
  CHECK_FALSE(ss::rotation_progress_well_formed(p));
  p.last_failure = "x";
  CHECK(ss::rotation_progress_well_formed(p));
  p.version_id = "short";
  CHECK_FALSE(ss::rotation_progress_well_formed(p));
}

TEST_CASE("rotation progress: a cancelled rotation is not reattempted (I25)") {
  // CancelRotateSecret disables rotation and clears the progress; AWSPENDING stays on T, so a
  // RotateSecret with another token answers the previous-rotation error and changes nothing:
  // RotationEnabled stays false, and a progress begun now would break I25.
  ss::store st = started();
  ss::context ctx;
  ctx.now = ms(5000);
  ctx.functions = ss::rotation_functions{FN};
  auto cancelled =
      ss::apply_in_place(st, ss::store_operation(ss::cancel_rotate_secret{.secret_id = "a"}), ctx);
  REQUIRE(cancelled);
  CHECK_FALSE(a(st).rotation_enabled());
  CHECK_FALSE(a(st).rotation_progress());
  CHECK(a(st).version_of(P) == std::optional<std::string>(T));
  CHECK_FALSE(ss::reattempt_rotation(a(st), ms(6000)));
}

// ---- RotateImmediately false with an invoked function: a test of the configuration ----------
// AWS (API reference, RotateSecret, RotateImmediately): Secrets Manager "tests the rotation
// configuration by running the testSecret step of the Lambda rotation function. The test creates
// an AWSPENDING version of the secret and then removes it." The expectations below are those
// words and the rulings of docs/semantics.md#rotation-progress, written out by hand.

namespace {

const std::string V0 = "00000000-0000-4000-8000-000000000000";
const std::string U = "22222222-2222-4222-8222-222222222222";

ss::context at(std::int64_t now) {
  ss::context ctx;
  ctx.now = ms(now);
  ctx.functions = ss::rotation_functions{FN};
  return ctx;
}

/// A secret "a", created at 500: value "v" in V0, unless `value` is false.
ss::store created(bool value = true) {
  ss::store st;
  ss::create_secret create{.name = "a", .client_request_token = V0};
  if (value) create.secret_string = std::string("v");
  REQUIRE(ss::apply_in_place(st, ss::store_operation(create), at(500)));
  return st;
}

/// RotateSecret of "a" with RotateImmediately false and `token`, at 1000.
auto configure_rotation(ss::store& st, const std::string& token) {
  return ss::apply_in_place(
      st,
      ss::store_operation(ss::rotate_secret{.secret_id = "a", .client_request_token = token,
                                            .rotation_lambda_arn = FN,
                                            .rotate_immediately = false}),
      at(1000));
}

/// created(value), then RotateSecret with RotateImmediately false and token T at 1000, and what
/// the service does after it. `began` gets begin_invoked_test's answer; `configured` the secret
/// right after the RotateSecret.
ss::store tested(bool value, bool* began, std::optional<ss::secret>* configured = nullptr) {
  ss::store st = created(value);
  auto rotated = configure_rotation(st, T);
  REQUIRE(rotated);
  if (configured != nullptr) configured->emplace(a(st));
  // No rotation begins (no placeholder), only the test.
  CHECK_FALSE(ss::begin_invoked_rotation(st, rotated.value(), ms(1000)));
  *began = ss::begin_invoked_test(st, rotated.value(), ms(1000));
  return st;
}

}  // namespace

TEST_CASE("rotation test: RotateImmediately false creates T with AWSCURRENT's value and AWSPENDING") {
  bool began = false;
  std::optional<ss::secret> before;
  const ss::store st = tested(true, &began, &before);
  REQUIRE(began);
  REQUIRE(before);
  const ss::secret& configured = *before;
  const ss::secret& s = a(st);
  CHECK(*s.rotation_progress() ==
        ss::rotation_progress{T, FN, rotation_step::test_secret, 0, std::nullopt, ms(1000), true});
  CHECK(ss::check_invariants(s).empty());
  REQUIRE(s.find_version(T) != nullptr);
  REQUIRE(s.find_version(T)->value() != nullptr);
  CHECK(*s.find_version(T)->value()->string() == "v");
  CHECK(s.version_of(P) == std::optional<std::string>(T));
  CHECK(s.version_of(C) == std::optional<std::string>(V0));
  CHECK(s.version_count() == 2);
  // Bookkeeping of the service: the RotateSecret's LastChangedDate, no LastRotatedDate.
  CHECK(s.last_changed_date() == configured.last_changed_date());
  CHECK_FALSE(s.last_rotated_date());
  // Nor does the schedule count T (created at 1000) as the last rotation: V0's creation stays.
  CHECK(ss::last_rotation(s) == ms(500));
  // Only testSecret is awaited: another step, or another version, changes nothing.
  CHECK_FALSE(ss::rotation_step_succeeded(s, T, rotation_step::create_secret, ms(2000)));
  CHECK_FALSE(ss::rotation_step_succeeded(s, U, rotation_step::test_secret, ms(2000)));
  CHECK_FALSE(ss::rotation_step_failed(s, T, rotation_step::finish_secret, "x", ms(2000), {}));

  // After the test, whatever its outcome: T is gone, the labels and versions as before it.
  const auto back_as_before = [&](const ss::secret& after) {
    CHECK_FALSE(after.rotation_progress());
    CHECK(after.find_version(T) == nullptr);
    CHECK_FALSE(after.version_of(P));
    CHECK(after.stages() == configured.stages());
    CHECK(after.version_count() == configured.version_count());
    CHECK(after.rotation_enabled());
    CHECK(after.last_changed_date() == configured.last_changed_date());
    CHECK_FALSE(after.last_rotated_date());
    CHECK(ss::check_invariants(after).empty());
  };
  SUBCASE("testSecret succeeded") {
    auto done = ss::rotation_step_succeeded(s, T, rotation_step::test_secret, ms(2000));
    REQUIRE(done);
    back_as_before(*done);
    // Recorded again (a late duplicate): nothing to wait for.
    CHECK_FALSE(ss::rotation_step_succeeded(*done, T, rotation_step::test_secret, ms(2100)));
  }
  SUBCASE("testSecret failed: no retry") {
    auto done = ss::rotation_step_failed(s, T, rotation_step::test_secret,
                                         "testSecret: exit status 1", ms(2000),
                                         ss::rotation_retry_policy{3, 500});
    REQUIRE(done);
    back_as_before(*done);
  }
  SUBCASE("another RotateSecret meanwhile: the previous-rotation error; the test runs on") {
    auto again = ss::apply(s,
                           ss::rotate_secret{.secret_id = "a", .client_request_token = U,
                                             .rotation_lambda_arn = FN},
                           at(1500));
    REQUIRE_FALSE(again);
    CHECK(again.error() == ss::messages::rotation_in_progress());
    CHECK_FALSE(ss::reattempt_rotation(s, ms(1500)));
  }
  SUBCASE("CancelRotateSecret ends it with its version") {
    auto cancelled = ss::apply(s, ss::cancel_rotate_secret{.secret_id = "a"}, at(3000));
    REQUIRE(cancelled);
    const ss::secret& c = cancelled.value().state;
    CHECK_FALSE(c.rotation_progress());
    CHECK_FALSE(c.rotation_enabled());
    CHECK(c.find_version(T) == nullptr);
    CHECK(c.stages() == configured.stages());
    CHECK_FALSE(cancelled.value().response.version_id);
    CHECK(ss::clear_rotation_progress(s).find_version(T) == nullptr);
  }
  SUBCASE("DeleteSecret with a recovery window ends it with its version") {
    ss::store del = st;
    auto deleted = ss::apply_in_place(
        del, ss::store_operation(ss::delete_secret{.secret_id = "a", .recovery_window_in_days = 7}),
        at(3000));
    REQUIRE(deleted);
    CHECK_FALSE(a(del).rotation_progress());
    CHECK(a(del).find_version(T) == nullptr);
    CHECK(a(del).stages() == configured.stages());
    CHECK(a(del).deleted_date());
  }
  SUBCASE("AWSPENDING taken off T by another client: settling removes T") {
    auto removed = ss::apply(s,
                             ss::update_secret_version_stage{.secret_id = "a",
                                                             .version_stage = P,
                                                             .remove_from_version_id = T},
                             at(3000));
    REQUIRE(removed);
    const ss::secret& r = removed.value().state;
    CHECK(r.find_version(T) != nullptr);
    CHECK_FALSE(ss::rotation_progress_applies(r));
    auto settled = ss::settle_rotation(r);
    REQUIRE(settled);
    CHECK_FALSE(settled->rotation_progress());
    CHECK(settled->find_version(T) == nullptr);
  }
  SUBCASE("AWSCURRENT moved onto T meanwhile: T stays, without AWSPENDING, and no rotation dates") {
    ss::store moved = st;
    auto response = ss::apply_in_place(
        moved,
        ss::store_operation(ss::update_secret_version_stage{.secret_id = "a",
                                                            .version_stage = C,
                                                            .remove_from_version_id = V0,
                                                            .move_to_version_id = T}),
        at(3000));
    REQUIRE(response);
    CHECK_FALSE(ss::note_rotated_in(moved, response.value(), ms(3000)));
    auto done = ss::rotation_step_succeeded(a(moved), T, rotation_step::test_secret, ms(4000));
    REQUIRE(done);
    CHECK(done->version_of(C) == std::optional<std::string>(T));
    CHECK_FALSE(done->version_of(P));
    CHECK(done->find_version(T) != nullptr);
    CHECK_FALSE(done->last_rotated_date());
    CHECK_FALSE(done->rotation_progress());
  }
}

TEST_CASE("rotation test: none runs without a current value, with AWSPENDING attached, or on a retry") {
  SUBCASE("a secret without a value") {
    bool began = true;
    const ss::store st = tested(false, &began);
    CHECK_FALSE(began);
    CHECK_FALSE(a(st).rotation_progress());
    CHECK(a(st).find_version(T) == nullptr);
    CHECK(a(st).rotation_enabled());
  }
  SUBCASE("AWSPENDING already on AWSCURRENT's version") {
    ss::store st = created();
    REQUIRE(ss::apply_in_place(
        st,
        ss::store_operation(ss::update_secret_version_stage{
            .secret_id = "a", .version_stage = P, .move_to_version_id = V0}),
        at(600)));
    auto rotated = configure_rotation(st, T);
    REQUIRE(rotated);
    CHECK_FALSE(ss::begin_invoked_test(st, rotated.value(), ms(1000)));
    CHECK_FALSE(a(st).rotation_progress());
    CHECK(a(st).version_of(P) == std::optional<std::string>(V0));
    CHECK(a(st).find_version(T) == nullptr);
  }
  SUBCASE("a retry naming AWSCURRENT's version") {
    ss::store plain = created();
    auto retried = configure_rotation(plain, V0);
    REQUIRE(retried);
    CHECK_FALSE(ss::begin_invoked_test(plain, retried.value(), ms(1000)));
    CHECK_FALSE(a(plain).rotation_progress());
    CHECK(a(plain).version_count() == 1);
  }
  SUBCASE("I25: a test waits for testSecret, due, and never counts a failure") {
    ss::rotation_progress p{T, FN, rotation_step::test_secret, 0, std::nullopt, ms(1), true};
    CHECK(ss::rotation_progress_well_formed(p));
    p.next_step = rotation_step::create_secret;
    CHECK_FALSE(ss::rotation_progress_well_formed(p));
    p.next_step = rotation_step::test_secret;
    p.next_attempt.reset();
    CHECK_FALSE(ss::rotation_progress_well_formed(p));
    p.next_attempt = ms(1);
    p.attempts = 1;
    p.last_failure = "x";
    CHECK_FALSE(ss::rotation_progress_well_formed(p));
  }
}

}  // namespace rotation_progress_test
