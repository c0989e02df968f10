#ifndef SECRETSTAGE_OPERATIONS_BACKGROUND_HPP
#define SECRETSTAGE_OPERATIONS_BACKGROUND_HPP

// The two transitions AWS runs in the background, not as API calls
// (docs/semantics.md#background-transitions).
// Each is a pure function of (state, now): the caller decides when they run, which is how the
// model makes AWS's nondeterministic timing explicit.

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

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

}  // namespace secretstage

#endif  // SECRETSTAGE_OPERATIONS_BACKGROUND_HPP
