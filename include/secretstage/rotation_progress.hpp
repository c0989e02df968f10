#ifndef SECRETSTAGE_ROTATION_PROGRESS_HPP
#define SECRETSTAGE_ROTATION_PROGRESS_HPP

// The progress of a rotation that a service runs by invoking the secret's function once per step
// (createSecret, setSecret, testSecret, finishSecret), as Secrets Manager runs a rotation Lambda
// after RotateSecret has answered: pure transitions of a secret's `rotation_progress`
// (secret.hpp). The rules and the rulings they make: docs/semantics.md#rotation-progress.
//
//   begin_rotation          RotateSecret started a rotation of version T with function F: T, F,
//                           createSecret next, no attempt failed, due now
//   rotation_step_succeeded the step due succeeded: the next step is due now; after
//                           finishSecret the progress is cleared
//   note_rotated_in         AWSCURRENT reached the rotated version: LastRotatedDate = now
//   rotation_step_failed    the step due failed: the attempt counts; the whole rotation is
//                           retried from createSecret after the retry delay, or, once the
//                           policy's attempts are used up, given up (no next attempt).
//                           Nothing else changes: AWSPENDING stays where it is, so RotateSecret
//                           answers "A previous rotation isn't complete. That rotation will be
//                           reattempted."
//   reattempt_rotation      that RotateSecret: the rotation of the version carrying AWSPENDING
//                           starts again from createSecret, due now, with a fresh count
//                           (while rotation is enabled: not after CancelRotateSecret)
//   settle_rotation         the progress no longer applies (its version is gone, carries
//                           AWSCURRENT without AWSPENDING, or carries neither): cleared
//   clear_rotation_progress CancelRotateSecret
//   begin_rotation_test     RotateSecret with RotateImmediately false (begin_invoked_test, for a
//                           function the service invokes itself): AWS "tests the rotation
//                           configuration by running the testSecret step" on "an AWSPENDING
//                           version of the secret" that it "then removes". A version T holding
//                           AWSCURRENT's value (ruling: that is the AWSPENDING version) is
//                           created with AWSPENDING, and a progress marked `test_only` waits for
//                           testSecret alone, due now
// A test ends when its testSecret's outcome is recorded, success or failure alike (it is never
// retried: ruling), when it is settled, cancelled (CancelRotateSecret) or its secret deleted
// (DeleteSecret): T leaves again with its AWSPENDING (detail/rotation_test.hpp) and the progress
// is cleared; neither LastChangedDate nor LastRotatedDate moves (a test is no rotation, so the
// schedule does not count it). While it runs, AWSPENDING sits on T apart from AWSCURRENT, so
// RotateSecret answers "A previous rotation isn't complete. That rotation will be reattempted.",
// and the reattempt leaves the test running as it is (ruling: reattempt_rotation).
// The outcome of a step that is not the one the progress is waiting for (a step of a rotation
// that was cancelled, reattempted or settled meanwhile) changes nothing: std::nullopt.
// Apart from a test's version T, none of these changes LastChangedDate, a version or a label: the
// progress is the service's bookkeeping, which DescribeSecret does not show.

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "detail/rotation_test.hpp"
#include "detail/secret_builder.hpp"
#include "operations/rotate_secret.hpp"
#include "secret.hpp"
#include "store.hpp"
#include "store_operation.hpp"
#include "value.hpp"

namespace secretstage {

/// How a service retries a rotation whose step failed (docs/semantics.md#rotation-progress).
struct rotation_retry_policy {
  /// Attempts of the whole rotation in all, the first included (at least 1).
  std::uint32_t attempts = 3;
  /// From a failed step to the next attempt's createSecret.
  std::int64_t retry_delay_ms = 60'000;

  friend bool operator==(const rotation_retry_policy&, const rotation_retry_policy&) = default;
};

/// The longest failure reason kept; a longer one is cut at a UTF-8 character boundary.
inline constexpr std::size_t max_rotation_failure_bytes = 1024;

/// The Step member of the event for `s`.
[[nodiscard]] constexpr std::string_view rotation_step_name(rotation_step s) noexcept {
  switch (s) {
    case rotation_step::create_secret: return "createSecret";
    case rotation_step::set_secret: return "setSecret";
    case rotation_step::test_secret: return "testSecret";
    case rotation_step::finish_secret: return "finishSecret";
  }
  return "unknownStep";
}

namespace detail {

template <class Traits>
basic_secret<Traits> with_progress(const basic_secret<Traits>& s,
                                   std::optional<rotation_progress> progress) {
  secret_builder<Traits> b(s);
  set_progress(b, std::move(progress));
  auto next = std::move(b).finish();  // no label moves: the quota cannot fail
  return next ? std::move(next.value()) : s;
}

/// A rotation of `version_id` by `function_arn` with no failed attempt, its first step due at
/// `now`: createSecret, or a test's testSecret.
inline rotation_progress fresh_progress(std::string_view version_id, std::string_view function_arn,
                                        timestamp now, bool test_only = false) {
  return rotation_progress{std::string(version_id),
                           std::string(function_arn),
                           test_only ? rotation_step::test_secret : rotation_step::create_secret,
                           0,
                           std::nullopt,
                           now,
                           test_only};
}

inline std::string bounded_reason(std::string_view reason) {
  if (reason.size() <= max_rotation_failure_bytes) return std::string(reason);
  std::size_t n = max_rotation_failure_bytes;
  while (n > 0 && (static_cast<unsigned char>(reason[n]) & 0xC0) == 0x80) --n;
  return std::string(reason.substr(0, n));
}

}  // namespace detail

/// RotateSecret started a rotation of `version_id` with `function_arn` at `now`.
template <class Traits>
[[nodiscard]] basic_secret<Traits> begin_rotation(const basic_secret<Traits>& s,
                                                  std::string_view version_id,
                                                  std::string_view function_arn, timestamp now) {
  return detail::with_progress(s, detail::fresh_progress(version_id, function_arn, now));
}

/// RotateSecret with RotateImmediately false started a test of `function_arn` at `now`: version
/// `version_id` is created with AWSCURRENT's value (shared, not copied) and AWSPENDING, and a
/// `test_only` progress waits for testSecret, due now. LastChangedDate stays. std::nullopt, and no
/// test runs (rulings, docs/semantics.md#rotation-progress), when: no AWSCURRENT version has a
/// value (nothing to test); AWSPENDING is attached anywhere (e.g. left on AWSCURRENT's version by
/// an older template's finishSecret: the test could not put it back); `version_id` names a
/// version already; the new label would pass the label quota.
template <class Traits>
[[nodiscard]] std::optional<basic_secret<Traits>> begin_rotation_test(const basic_secret<Traits>& s,
                                                                      std::string_view version_id,
                                                                      std::string_view function_arn,
                                                                      timestamp now) {
  static_assert(Traits::has_reserved_labels, "rotation needs AWSCURRENT and AWSPENDING");
  using version_type = basic_version<Traits>;
  const version_type* current = s.holder(Traits::current());
  if (current == nullptr || current->is_placeholder()) return std::nullopt;
  if (s.holder(Traits::pending()) != nullptr) return std::nullopt;
  const typename Traits::version_id_type id{std::string(version_id)};
  if (s.find_version(id) != nullptr) return std::nullopt;
  detail::secret_builder<Traits> b(s);
  detail::set_progress(b, detail::fresh_progress(version_id, function_arn, now, true));
  const version_type* copy = b.put_version(
      detail::make_ref<const version_type>(id, current->shared_value(), now, b.take_sequence()));
  b.attach(Traits::pending(), copy);
  auto next = std::move(b).finish();
  if (!next) return std::nullopt;
  return std::move(next.value());
}

/// The step `step` of the rotation of `version_id` succeeded at `now`. A test's testSecret ends
/// it: its version T is removed again (detail::without_rotation_test).
template <class Traits>
[[nodiscard]] std::optional<basic_secret<Traits>> rotation_step_succeeded(
    const basic_secret<Traits>& s, std::string_view version_id, rotation_step step,
    timestamp now) {
  const auto& p = s.rotation_progress();
  if (!p || p->version_id != version_id || p->next_step != step || p->given_up())
    return std::nullopt;
  if (p->test_only) return detail::without_rotation_test(s);  // the test is over
  if (step == rotation_step::finish_secret) return detail::with_progress(s, std::nullopt);
  rotation_progress next = *p;
  next.next_step = static_cast<rotation_step>(static_cast<std::uint8_t>(step) + 1);
  next.next_attempt = now;
  return detail::with_progress(s, std::move(next));
}

/// The step `step` of the rotation of `version_id` failed at `now` for `reason` (a few words, no
/// value). A test's failure ends it, as its success does.
template <class Traits>
[[nodiscard]] std::optional<basic_secret<Traits>> rotation_step_failed(
    const basic_secret<Traits>& s, std::string_view version_id, rotation_step step,
    std::string_view reason, timestamp now, const rotation_retry_policy& policy) {
  const auto& p = s.rotation_progress();
  if (!p || p->version_id != version_id || p->next_step != step || p->given_up())
    return std::nullopt;
  // A test is not retried (ruling): it is over; the reason is the caller's to report.
  if (p->test_only) return detail::without_rotation_test(s);
  rotation_progress next = *p;
  if (next.attempts < UINT32_MAX) ++next.attempts;
  next.last_failure = detail::bounded_reason(reason);
  next.next_step = rotation_step::create_secret;
  if (next.attempts >= std::max<std::uint32_t>(policy.attempts, 1)) {
    next.next_attempt = std::nullopt;
  } else {
    next.next_attempt = timestamp{now.epoch_ms + std::max<std::int64_t>(policy.retry_delay_ms, 0)};
  }
  return detail::with_progress(s, std::move(next));
}

/// RotateSecret while the rotation of the version carrying AWSPENDING is incomplete: it starts
/// again from createSecret at `now` with the secret's function and a fresh count of attempts (the
/// last failure stays, for the record). std::nullopt when there is nothing to reattempt: no
/// AWSPENDING apart from AWSCURRENT's version, no function, or rotation disabled (a rotation
/// CancelRotateSecret cancelled is not reattempted by the RotateSecret that failed on it: that
/// request changes nothing, so RotationEnabled stays false, and I25 allows no progress then), or
/// a test running on that version (RotateImmediately false): it keeps running as it is, and is
/// not turned into a rotation (ruling).
template <class Traits>
[[nodiscard]] std::optional<basic_secret<Traits>> reattempt_rotation(const basic_secret<Traits>& s,
                                                                     timestamp now) {
  static_assert(Traits::has_reserved_labels, "rotation needs AWSCURRENT and AWSPENDING");
  if (!s.rotation_enabled()) return std::nullopt;
  const auto* pending = s.holder(Traits::pending());
  if (pending == nullptr || pending == s.holder(Traits::current())) return std::nullopt;
  const auto& p = s.rotation_progress();
  const std::string id(Traits::text(pending->id()));
  if (p && p->test_only && p->version_id == id) return std::nullopt;
  std::string function;
  if (p && p->version_id == id) {
    function = p->function_arn;
  } else if (s.rotation_lambda_arn() && !s.rotation_lambda_arn()->empty()) {
    function = *s.rotation_lambda_arn();
  } else {
    return std::nullopt;
  }
  rotation_progress next = detail::fresh_progress(id, function, now);
  if (p && p->version_id == id) next.last_failure = p->last_failure;
  if (p && *p == next) return std::nullopt;
  // A test whose version lost AWSPENDING meanwhile ends first, so its version is not left behind.
  return detail::with_progress(detail::without_rotation_test(s), std::move(next));
}

/// Whether the progress still describes a rotation to run: its version exists and carries
/// AWSPENDING (with or without AWSCURRENT).
template <class Traits>
[[nodiscard]] bool rotation_progress_applies(const basic_secret<Traits>& s) {
  const auto& p = s.rotation_progress();
  if (!p) return false;
  const auto* pending = s.holder(Traits::pending());
  return pending != nullptr && Traits::text(pending->id()) == std::string_view(p->version_id);
}

/// Clears progress that no longer applies; std::nullopt when there is none or it applies. A
/// test's version T leaves with it (unless another label holds it: without_rotation_test).
template <class Traits>
[[nodiscard]] std::optional<basic_secret<Traits>> settle_rotation(const basic_secret<Traits>& s) {
  if (!s.rotation_progress() || rotation_progress_applies(s)) return std::nullopt;
  if (s.rotation_progress()->test_only) return detail::without_rotation_test(s);
  return detail::with_progress(s, std::nullopt);
}

/// CancelRotateSecret: no rotation runs on. A test's version T leaves with it.
template <class Traits>
[[nodiscard]] basic_secret<Traits> clear_rotation_progress(const basic_secret<Traits>& s) {
  if (!s.rotation_progress()) return s;
  if (s.rotation_progress()->test_only) return detail::without_rotation_test(s);
  return detail::with_progress(s, std::nullopt);
}

/// After a RotateSecret that succeeded with a function the service invokes (not a built-in):
/// when it started a rotation (the response's version is a value-less placeholder carrying
/// AWSPENDING that no progress names yet), the progress begins at `now` with the secret's stored
/// function. `st` moves on in place; false when nothing changed. A service and a journal's redo
/// both call this, so recovery rebuilds the progress a RotateSecret began.
template <class Traits>
bool begin_invoked_rotation(basic_store<Traits>& st,
                            const basic_store_operation_response<Traits>& response,
                            timestamp now) {
  const auto* r = std::get_if<basic_rotate_secret_response<Traits>>(
      &static_cast<const detail::store_response_variant<Traits>&>(response));
  if (r == nullptr) return false;
  const basic_secret<Traits>* s = st.find(r->name.view());
  if (s == nullptr || !s->rotation_lambda_arn() || s->rotation_lambda_arn()->empty()) return false;
  const auto* pending = s->holder(Traits::pending());
  if (pending == nullptr || !(pending->id() == r->version_id) || !pending->is_placeholder())
    return false;
  const std::string_view id = Traits::text(r->version_id);
  if (s->rotation_progress() && s->rotation_progress()->version_id == id) return false;
  // A test whose version lost AWSPENDING meanwhile ends first (its version leaves).
  st = std::move(st).put(
      begin_rotation(detail::without_rotation_test(*s), id, *s->rotation_lambda_arn(), now));
  return true;
}

/// After a RotateSecret that succeeded with a function the service invokes itself: when it
/// created no version and is no retry (the response's version does not exist: RotateImmediately
/// false), the test of the configuration begins at `now` (begin_rotation_test; progress that no
/// longer applies is settled first), if one can run. `st` moves on in place; false when nothing
/// changed. A journal's redo does not call this: a service journals the secret the test began on
/// as a state record (the service knows which functions it invokes itself; a journal does not).
template <class Traits>
bool begin_invoked_test(basic_store<Traits>& st,
                        const basic_store_operation_response<Traits>& response, timestamp now) {
  const auto* r = std::get_if<basic_rotate_secret_response<Traits>>(
      &static_cast<const detail::store_response_variant<Traits>&>(response));
  if (r == nullptr) return false;
  const basic_secret<Traits>* s = st.find(r->name.view());
  if (s == nullptr || !s->rotation_lambda_arn() || s->rotation_lambda_arn()->empty()) return false;
  if (s->find_version(r->version_id) != nullptr) return false;  // a rotation, or a retry
  std::optional<basic_secret<Traits>> settled = settle_rotation(*s);
  const basic_secret<Traits>& base = settled ? *settled : *s;
  if (base.rotation_progress()) return false;  // it applies: AWSPENDING is attached, no test
  auto tested =
      begin_rotation_test(base, Traits::text(r->version_id), *s->rotation_lambda_arn(), now);
  if (!tested) return false;
  st = std::move(st).put(std::move(*tested));
  return true;
}

/// After any request that succeeded on the secret `response` names: when AWSCURRENT has just
/// reached the version a rotation in progress rotates in (the function's finishSecret moved it),
/// LastRotatedDate = `now`, once per rotation (while it is older than that version). A service
/// and a journal's redo both call this, so the date is the same after a restart (the worker's
/// outcomes are journaled as the secret's state, which carries the date along). `st` moves on in
/// place; false when nothing changed.
template <class Traits>
bool note_rotated_in(basic_store<Traits>& st, const basic_store_operation_response<Traits>& response,
                     timestamp now) {
  const basic_secret<Traits>* s = std::visit(
      [&](const auto& r) -> const basic_secret<Traits>* {
        if constexpr (requires { std::string_view(r.name); }) {
          return st.find(std::string_view(r.name));
        } else {
          return nullptr;
        }
      },
      static_cast<const detail::store_response_variant<Traits>&>(response));
  // A test rotates nothing in, even should AWSCURRENT be moved onto its version.
  if (s == nullptr || !s->rotation_progress() || s->rotation_progress()->test_only) return false;
  const auto* current = s->holder(Traits::current());
  if (current == nullptr ||
      Traits::text(current->id()) != std::string_view(s->rotation_progress()->version_id))
    return false;
  if (s->last_rotated_date() && !(*s->last_rotated_date() < current->created_date())) return false;
  detail::secret_builder<Traits> b(*s);
  b.set_last_rotated(now);
  auto next = std::move(b).finish();
  if (!next) return false;
  st = std::move(st).put(std::move(next.value()));
  return true;
}

}  // namespace secretstage

#endif  // SECRETSTAGE_ROTATION_PROGRESS_HPP
