#ifndef SECRETSTAGE_BACKGROUND_HPP
#define SECRETSTAGE_BACKGROUND_HPP

// The two transitions AWS runs in the background, not as API calls
// (docs/semantics.md#background-transitions). Each is a pure function of (state, now): the caller
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

#include "detail/algorithm.hpp"
#include "detail/secret_builder.hpp"
#include "secret.hpp"
#include "store.hpp"
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

/// The first instant at which collection or purge would change the store: the earliest of its
/// secrets' (std::nullopt: none has work coming). Exact. Cost: the single-secret form over every
/// secret, O(n log n) for n secrets besides.
template <class Traits>
[[nodiscard]] std::optional<timestamp> next_background_due(const basic_store<Traits>& st) {
  std::optional<timestamp> due;
  for (const auto* s : st.secrets()) due = earlier_due(due, next_background_due(*s));
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

}  // namespace secretstage

#endif  // SECRETSTAGE_BACKGROUND_HPP
