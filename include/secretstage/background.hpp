#ifndef SECRETSTAGE_BACKGROUND_HPP
#define SECRETSTAGE_BACKGROUND_HPP

// The transitions AWS runs in the background, not as API calls
// (docs/semantics.md#background-transitions): deprecated-version collection, purge, and
// scheduled rotations (docs/semantics.md#scheduled-rotations). Each is a pure function of (state, now): the caller
// decides when they run, which is how the model makes AWS's nondeterministic timing explicit.
//
// Also their schedule, as pure functions a caller keeps between requests: when a transition would
// next change a secret or a store (`next_background_due`), and the same after a write from what the
// write changed alone (`next_background_due_after_write`), so that a service runs the transitions
// exactly when they have work and a request that makes none due costs no scan of the store.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "context.hpp"
#include "detail/algorithm.hpp"
#include "detail/secret_builder.hpp"
#include "result.hpp"
#include "rotation.hpp"
#include "rotation_functions.hpp"
#include "schedule.hpp"
#include "secret.hpp"
#include "store.hpp"
#include "transition.hpp"
#include "value.hpp"

namespace secretstage {

/// A secret keeps every version while it has at most this many (AWS: "more than 100"; see
/// docs/semantics.md#background-transitions).
inline constexpr std::size_t retained_version_count = 100;
/// A version younger than this is never collected ("does not remove versions created less than
/// 24 hours ago").
inline constexpr std::int64_t collectable_version_age_ms = 24 * 60 * 60 * 1000;

/// What a background transition returns: the new state and what it removed.
template <class State, class Removed>
struct background_result {
  State state;
  std::vector<Removed> removed;
};

/// A version that deprecated-version collection removed from a secret of a store.
template <secret_traits Traits = aws_traits>
struct collected_version {
  shared_text secret_name;
  typename Traits::version_id_type version_id;

  friend bool operator==(const collected_version&, const collected_version&) = default;
};

/// Deprecated-version collection on one secret:
///   while the secret has more than 100 versions (all versions counted, labelled ones included),
///   remove its oldest (first created) version that is deprecated (has no label) and was created
///   at least 24 h before `now` (now − created ≥ 24 h); stop when none is left to remove.
///   A labelled version is never removed; labels, metadata and dates do not change.
///   A secret scheduled for deletion is left as it is (ruling: a scheduled secret is frozen, so
///   RestoreSecret gives back every version it had, I16).
/// `removed` lists the removed version ids, oldest first.
/// Cost: O(1) at ≤ 100 versions; otherwise O(n log n + n × labels) for n versions.
template <class Traits>
[[nodiscard]] background_result<basic_secret<Traits>, typename Traits::version_id_type>
collect_deprecated_versions(const basic_secret<Traits>& s, timestamp now) {
  background_result<basic_secret<Traits>, typename Traits::version_id_type> out{s, {}};
  if (s.deleted_date() || s.version_count() <= retained_version_count) return out;
  std::size_t excess = s.version_count() - retained_version_count;
  detail::secret_builder<Traits> b(s);
  for (const auto* v : s.versions()) {
    if (excess == 0) break;
    if (!s.is_deprecated(v->id())) continue;
    if (now.epoch_ms - v->created_date().epoch_ms < collectable_version_age_ms) continue;
    b.erase_version(v->id());
    out.removed.push_back(v->id());
    --excess;
  }
  if (out.removed.empty()) return out;
  // No label moves, so the label quota cannot be exceeded: finish() cannot fail here.
  out.state = std::move(b).finish().value();
  return out;
}

/// Deprecated-version collection on every secret of a store (see the single-secret form).
/// `removed` is ordered by secret name, then oldest first. The store's creation count is kept.
template <class Traits>
[[nodiscard]] background_result<basic_store<Traits>, collected_version<Traits>>
collect_deprecated_versions(const basic_store<Traits>& st, timestamp now) {
  background_result<basic_store<Traits>, collected_version<Traits>> out{st, {}};
  for (const auto* s : st.secrets()) {
    if (s->version_count() <= retained_version_count) continue;
    auto collected = collect_deprecated_versions(*s, now);
    if (collected.removed.empty()) continue;
    for (auto& id : collected.removed) out.removed.push_back({s->name(), std::move(id)});
    out.state = out.state.put(std::move(collected.state));
  }
  return out;
}

/// Purge: every secret whose DeletedDate has come (DeletedDate ≤ now) leaves the store, with all
/// its versions; its name can then be used again. Secrets not scheduled for deletion, or whose
/// date is later than `now`, are untouched. `removed` holds the purged secrets, ordered by name.
/// Cost: O(n log n) for n secrets, plus O(log32 n) per purged secret.
template <class Traits>
[[nodiscard]] background_result<basic_store<Traits>, basic_secret<Traits>> purge_deleted_secrets(
    const basic_store<Traits>& st, timestamp now) {
  background_result<basic_store<Traits>, basic_secret<Traits>> out{st, {}};
  for (const auto* s : st.secrets()) {
    if (!s->deleted_date() || *s->deleted_date() > now) continue;
    out.removed.push_back(*s);
    out.state = out.state.erase(s->name());
  }
  return out;
}

/// Where inside its window a scheduled rotation runs: AWS rotates "at any time during the
/// rotation window" and records no more, so the point is a choice (docs/semantics.md#scheduled-rotations).
enum class scheduled_rotation_point : std::uint8_t {
  /// The instant the window opens (the default): a test sees the rotation as early as AWS may run it.
  window_start,
  /// The window's last second (its end − 1 s, the NextRotationDate DescribeSecret shows): as late
  /// as AWS may run it.
  window_last_second,
};

/// When the scheduled rotation of `s` falls due (std::nullopt: none will unless a request changes
/// the secret). A rotation is scheduled while all of these hold:
///   the secret is no replica (its primary rotates, replication.hpp), is not scheduled for
///   deletion, RotationEnabled is true, its RotationLambdaARN is
///   one of `runnable` (the functions the caller runs itself, e.g. a service's built-ins), its
///   RotationRules validate (schedule_of), AWSPENDING is on no version but AWSCURRENT's (else
///   RotateSecret would fail: "A previous rotation isn't complete"), and no rotation is in
///   progress (rotation_progress.hpp);
/// it falls due at `point` of the window next_rotation_window(schedule, last_rotation(s), r)
/// gives, where r, the reference, is the later of the last rotation and LastChangedDate: a window
/// that ended before the secret's last change is skipped, and a window already open at r makes
/// the rotation due at r, not before it — a rotation never lands before the write that made it
/// possible.
/// Cost: schedule_of (O(1), or one calendar scan for a cron on days 29–31 or a fifth weekday) and
/// next_rotation_window.
template <class Traits>
[[nodiscard]] std::optional<timestamp> next_scheduled_rotation(
    const basic_secret<Traits>& s, const rotation_functions& runnable,
    scheduled_rotation_point point = scheduled_rotation_point::window_start) {
  if constexpr (!Traits::has_reserved_labels) {
    return std::nullopt;
  } else {
    if (s.is_replica() || s.deleted_date() || !s.rotation_enabled() || !s.rotation_lambda_arn() ||
        !runnable.can_invoke(*s.rotation_lambda_arn()))
      return std::nullopt;
    const auto* pending = s.holder(Traits::pending());
    if (pending != nullptr && pending != s.holder(Traits::current())) return std::nullopt;
    // A rotation an invoked function is still running (rotation_progress.hpp) is not over yet,
    // even once its finishSecret has moved AWSCURRENT: the schedule counts from its end.
    if (s.rotation_progress()) return std::nullopt;
    const auto schedule = schedule_of(s);
    if (!schedule) return std::nullopt;
    const timestamp last = last_rotation(s);
    timestamp reference = last;
    if (s.last_changed_date() && reference < *s.last_changed_date())
      reference = *s.last_changed_date();
    const rotation_window w = next_rotation_window(*schedule, last, reference);
    const timestamp at = point == scheduled_rotation_point::window_start
                             ? w.start
                             : timestamp{w.end.epoch_ms - 1000};
    return at < reference ? reference : at;
  }
}

/// A scheduled rotation that has fallen due: the secret and the time it runs at.
template <secret_traits Traits = aws_traits>
struct due_rotation {
  const basic_secret<Traits>* secret;
  timestamp at;
};

/// The scheduled rotation of `st` that falls due first by `now` (the earliest time, then the
/// smallest name), skipping the secrets named in `skip`; std::nullopt when none is due.
/// Cost: next_scheduled_rotation for every secret.
template <class Traits>
[[nodiscard]] std::optional<due_rotation<Traits>> first_due_rotation(
    const basic_store<Traits>& st, timestamp now, const rotation_functions& runnable,
    scheduled_rotation_point point = scheduled_rotation_point::window_start,
    const std::vector<shared_text>& skip = {}) {
  std::optional<due_rotation<Traits>> first;
  for (const auto* s : st.secrets()) {  // by name
    const auto at = next_scheduled_rotation(*s, runnable, point);
    if (!at || now < *at || (first && !(*at < first->at))) continue;
    if (detail::find(skip.begin(), skip.end(), s->name()) != skip.end()) continue;
    first = due_rotation<Traits>{s, *at};
  }
  return first;
}

/// A scheduled rotation the background ran (or tried): the secret, the time, the new version.
template <secret_traits Traits = aws_traits>
struct scheduled_rotation {
  shared_text secret_name;
  timestamp at;
  typename Traits::version_id_type version_id;
  /// Empty when the rotation succeeded; else the error it failed with (the store is unchanged).
  detail::deferred_t<std::optional<error>, Traits> failure{};

  friend bool operator==(const scheduled_rotation&, const scheduled_rotation&) = default;
};

/// What a scheduled rotation is run with: the new version's id (the RotateSecret token), the value
/// the createSecret step writes, and the finish variant.
template <secret_traits Traits = aws_traits>
struct scheduled_rotation_inputs {
  typename Traits::version_id_type version_id;
  secret_value value;
  finish_variant finish = finish_variant::remove_pending;
};

/// One scheduled rotation of `s` at `at`: exactly what RotateSecret{SecretId = its ARN,
/// ClientRequestToken = the inputs' version id} by `rotate_synchronously` does at `at` with the
/// stored function and rules (RotationEnabled stays, the rules stay, a new version with the
/// value becomes AWSCURRENT, AWSPREVIOUS follows, LastRotatedDate = LastChangedDate = `at`).
/// `ctx` gives the region, the account and the invocable functions; its time and token are not
/// used.
template <class Traits>
[[nodiscard]] result<transition<basic_store<Traits>, basic_rotate_secret_response<Traits>>>
run_scheduled_rotation(const basic_store<Traits>& st, const basic_secret<Traits>& s, timestamp at,
                       const scheduled_rotation_inputs<Traits>& inputs,
                       const basic_context<Traits>& ctx) {
  basic_context<Traits> at_ctx = ctx;
  at_ctx.now = at;
  at_ctx.generated_token.reset();
  basic_rotate_secret<Traits> request;
  request.secret_id = s.arn().str();
  request.client_request_token = inputs.version_id;
  return rotate_synchronously(st, request, at_ctx, ctx.functions, inputs.value, inputs.finish);
}

/// Scheduled rotations: every rotation due by `now` (next_scheduled_rotation with `ctx.functions`
/// as the runnable functions), earliest first (then by name), each run by run_scheduled_rotation
/// at its own due time with `inputs(secret, at, k)` (k = 0, 1, … within this call), and repeated
/// while the secret's next window has also opened by `now` — a clock that jumps N windows ahead
/// runs N rotations, each at its window. A rotation that fails changes nothing and is recorded
/// with its error; that secret is not tried again in this call. `removed` lists every rotation
/// run or tried, in order.
/// Cost: one store scan per rotation, plus the rotations.
template <class Traits, class Inputs>
[[nodiscard]] background_result<basic_store<Traits>, scheduled_rotation<Traits>>
run_due_rotations(const basic_store<Traits>& st, timestamp now, const basic_context<Traits>& ctx,
                  Inputs&& inputs,
                  scheduled_rotation_point point = scheduled_rotation_point::window_start) {
  background_result<basic_store<Traits>, scheduled_rotation<Traits>> out{st, {}};
  std::vector<shared_text> failed;
  for (std::size_t k = 0;; ++k) {
    const auto due = first_due_rotation(out.state, now, ctx.functions, point, failed);
    if (!due) break;
    const scheduled_rotation_inputs<Traits> in = inputs(*due->secret, due->at, k);
    auto rotated = run_scheduled_rotation(out.state, *due->secret, due->at, in, ctx);
    scheduled_rotation<Traits> record{due->secret->name(), due->at, in.version_id};
    if (rotated) {
      out.state = std::move(rotated.value().state);
    } else {
      record.failure = rotated.error();
      failed.push_back(record.secret_name);
    }
    out.removed.push_back(std::move(record));
  }
  return out;
}

/// The earlier of two due times; std::nullopt stands for "never", so it loses to any time.
[[nodiscard]] constexpr std::optional<timestamp> earlier_due(std::optional<timestamp> a,
                                                             std::optional<timestamp> b) noexcept {
  if (!a) return b;
  if (!b) return a;
  return *b < *a ? b : a;
}

/// The first instant at which a background transition would change `s` (std::nullopt: none will
/// unless a request changes it), from the two rules above:
///   scheduled for deletion          its DeletedDate (purge; collection leaves it as it is);
///   at most 100 versions            never;
///   otherwise                       the CreatedDate of its oldest deprecated version + 24 h, the
///                                   moment that version becomes collectable (never if every
///                                   version carries a label).
/// Exact, neither early nor late: at that instant the transition removes something.
/// Cost: O(1) at ≤ 100 versions or when scheduled; otherwise O(n × labels) for n versions.
template <class Traits>
[[nodiscard]] std::optional<timestamp> next_background_due(const basic_secret<Traits>& s) {
  if (s.deleted_date()) return s.deleted_date();
  if (s.version_count() <= retained_version_count) return std::nullopt;
  std::optional<timestamp> oldest;
  for (const auto* v : s.versions())
    if (s.is_deprecated(v->id())) oldest = earlier_due(oldest, v->created_date());
  if (!oldest) return std::nullopt;
  return timestamp{oldest->epoch_ms + collectable_version_age_ms};
}

/// next_background_due and the secret's scheduled rotation with `runnable` (see
/// next_scheduled_rotation), whichever comes first.
template <class Traits>
[[nodiscard]] std::optional<timestamp> next_background_due(
    const basic_secret<Traits>& s, const rotation_functions& runnable,
    scheduled_rotation_point point = scheduled_rotation_point::window_start) {
  return earlier_due(next_background_due(s), next_scheduled_rotation(s, runnable, point));
}

/// The first instant at which collection or purge would change the store: the earliest of its
/// secrets' (std::nullopt: none has work coming). Exact. Cost: the single-secret form over every
/// secret, O(n log n) for n secrets besides.
template <class Traits>
[[nodiscard]] std::optional<timestamp> next_background_due(const basic_store<Traits>& st) {
  std::optional<timestamp> due;
  for (const auto* s : st.secrets()) due = earlier_due(due, next_background_due(*s));
  return due;
}

/// The first instant at which collection, purge or a scheduled rotation with `runnable` would
/// change the store. Exact, but for a scheduled rotation that then fails (see run_due_rotations).
template <class Traits>
[[nodiscard]] std::optional<timestamp> next_background_due(
    const basic_store<Traits>& st, const rotation_functions& runnable,
    scheduled_rotation_point point = scheduled_rotation_point::window_start) {
  std::optional<timestamp> due;
  for (const auto* s : st.secrets()) due = earlier_due(due, next_background_due(*s, runnable, point));
  return due;
}

/// The store's due time after a write that changed one secret, from `due`, the due time before
/// the write, and the secret `before` the write (nullptr: the write created it) and `after` it.
/// A write changes no other secret, so only what it changed needs a look; the result may be early
/// (a version that became deprecated and was labelled again counts), never late, provided `due`
/// was never late either:
///   `after` scheduled for deletion        its DeletedDate;
///   `after` at most 100 versions          nothing new;
///   `after` crossed 100 versions, left deletion, is new, or gained a version without a label
///                                         the full look, next_background_due(after), O(v × labels)
///                                         once per crossing;
///   otherwise                             each version a label left that is now deprecated, at its
///                                         CreatedDate + 24 h (a write removes no version).
/// Cost: O(labels) for a write to a secret that stays above 100 versions.
template <class Traits>
[[nodiscard]] std::optional<timestamp> next_background_due_after_write(
    std::optional<timestamp> due, const basic_secret<Traits>* before,
    const basic_secret<Traits>& after) {
  if (after.deleted_date()) return earlier_due(due, after.deleted_date());
  if (after.version_count() <= retained_version_count) return due;
  bool full = before == nullptr || before->deleted_date() ||
              before->version_count() <= retained_version_count;
  if (!full) {
    // New versions: each must carry a label to need no look.
    std::size_t labelled_new = 0;
    std::vector<typename Traits::version_id_type> seen;
    for (const auto& stage : after.stages()) {
      const auto& id = stage.second;
      if (before->find_version(id) != nullptr) continue;
      if (detail::find(seen.begin(), seen.end(), id) != seen.end()) continue;
      seen.push_back(id);
      ++labelled_new;
    }
    full = after.version_count() != before->version_count() + labelled_new;
  }
  if (full) return earlier_due(due, next_background_due(after));
  for (const auto& stage : before->stages()) {
    if (!after.is_deprecated(stage.second)) continue;
    if (const auto* v = after.find_version(stage.second))
      due = earlier_due(due, timestamp{v->created_date().epoch_ms + collectable_version_age_ms});
  }
  return due;
}

/// next_background_due_after_write with scheduled rotations: also the changed secret's own
/// scheduled rotation with `runnable`, recomputed from `after` (a write changes no other secret's).
template <class Traits>
[[nodiscard]] std::optional<timestamp> next_background_due_after_write(
    std::optional<timestamp> due, const basic_secret<Traits>* before,
    const basic_secret<Traits>& after, const rotation_functions& runnable,
    scheduled_rotation_point point = scheduled_rotation_point::window_start) {
  return earlier_due(next_background_due_after_write(due, before, after),
                     next_scheduled_rotation(after, runnable, point));
}

}  // namespace secretstage

#endif  // SECRETSTAGE_BACKGROUND_HPP
