#ifndef SECRETSTAGE_REPLICATION_HPP
#define SECRETSTAGE_REPLICATION_HPP

// Replication across Regions (docs/semantics.md#replication): the stores of one account by
// Region, and pure transitions over them.
//
// A primary secret records the Regions it is replicated to (basic_secret::replicas), each with
// a status; a replica lives in its Region's store under the same name, records its primary's
// Region (basic_secret::primary_region), and holds the primary's versions, labels, description,
// tags, rotation settings and resource policy, with the primary's ARN in its own Region and its
// own KmsKeyId and LastAccessedDate. A replica refuses every write but StopReplicationToReplica
// (store.hpp).
//
// The single-store operations change one Region: ReplicateSecretToRegions and CreateSecret with
// AddReplicaRegions add InProgress entries to the primary, RemoveRegionsFromReplication removes
// entries, StopReplicationToReplica makes a replica standalone, and every other write changes the
// primary alone. sync_replicas then brings the other Regions in step from the primary's record,
// and is also what heals a state where a change reached one Region and not the next (a server
// that stopped between the two, docs/durability.md):
//
//   entry InProgress    the Region has no secret of that name, or a replica of this primary, or
//                       ForceOverwriteReplicaSecret was given: the replica is (over)written and
//                       the entry is InSync; otherwise the entry is Failed with StatusMessage
//                       "Secret with this name already exists in this region"
//   entry InSync        the Region holds this primary's replica: it is rewritten from the primary
//                       (a no-op when equal); otherwise (the replica was promoted) the entry is
//                       dropped
//   entry Failed        left as it is (RemoveRegionsFromReplication, then replicate again)
//   a replica whose primary no longer lists its Region as InSync: deleted from its Region
//
// With sync_replicas after every change, a replica's versions and labels equal its primary's
// after every step (invariants.hpp, check_replication).

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "context.hpp"
#include "detail/secret_builder.hpp"
#include "messages.hpp"
#include "replica.hpp"
#include "result.hpp"
#include "secret.hpp"
#include "store.hpp"
#include "store_operation.hpp"
#include "transition.hpp"

namespace secretstage {

/// The stores of one account, by Region name.
template <secret_traits Traits = aws_traits>
using basic_region_stores = std::map<std::string, basic_store<Traits>, std::less<>>;
using region_stores = basic_region_stores<>;

namespace detail {

/// `arn` with its Region (the fourth of its colon-separated parts) replaced by `region`.
inline std::string arn_in_region(std::string_view arn, std::string_view region) {
  std::size_t at = 0;
  for (int colons = 0; colons < 3; ++colons) {
    at = arn.find(':', at);
    if (at == std::string_view::npos) return std::string(arn);
    ++at;
  }
  const std::size_t end = arn.find(':', at);
  if (end == std::string_view::npos) return std::string(arn);
  std::string out(arn.substr(0, at));
  out.append(region).append(arn.substr(end));
  return out;
}

/// The replica in `region` of `primary` (whose Region is `primary_region`): the primary's
/// state with its ARN in `region`, its PrimaryRegion set, no replicas of its own, the entry's
/// KmsKeyId, and the LastAccessedDate of `previous` when that is already this primary's replica.
template <class Traits>
result<basic_secret<Traits>> make_replica(const basic_secret<Traits>& primary,
                                          std::string_view primary_region,
                                          const replica_entry& entry,
                                          const basic_secret<Traits>* previous) {
  auto meta = make_ref<secret_meta>(primary.meta());
  meta->arn = shared_text(arn_in_region(primary.arn().view(), entry.region));
  meta->extras.edit()->primary_region = std::string(primary_region);
  meta->extras.edit()->replicas.clear();
  meta->kms_key_id = entry.kms_key_id;
  // The primary's Region runs its rotation; a replica only receives the versions and labels
  // that rotation writes (a rotation worker finds nothing to invoke on a replica).
  meta->extras.edit()->progress.reset();
  secret_builder<Traits> b(primary);
  b.set_meta(std::move(meta));
  const bool ours = previous != nullptr && previous->primary_region() &&
                    *previous->primary_region() == primary_region;
  b.set_last_accessed(ours ? previous->last_accessed_date() : std::nullopt);
  return std::move(b).finish();
}

template <class Traits>
bool lists_in_sync(const basic_secret<Traits>& primary, std::string_view region) {
  for (const replica_entry& e : primary.replicas())
    if (e.region == region && e.status == replication_state::in_sync) return true;
  return false;
}

}  // namespace detail

/// Brings every Region in step for the secrets named `name`, by the rules at the top of this
/// file: replicas (re)written from their primaries, primaries' entries InSync, Failed or dropped,
/// replicas no primary lists deleted. A Region named by an entry and absent from `stores` is
/// added. Pure; idempotent (a second call changes nothing). Fails only when a replica cannot be
/// built (the label quota, which a replica of a valid primary never exceeds).
template <class Traits>
[[nodiscard]] result<basic_region_stores<Traits>> sync_replicas(basic_region_stores<Traits> stores,
                                                                std::string_view name) {
  // Passes until nothing changes: a forced overwrite by one primary can take a Region from
  // another, whose entry is then dropped in the next pass. Each pass settles every InProgress
  // entry, so the third changes nothing.
  for (int pass = 0; pass < 8; ++pass) {
    bool any = false;
    std::vector<std::string> primaries;
    for (const auto& [region, st] : stores)
      if (const auto* s = st.find(name); s != nullptr && !s->is_replica() && !s->replicas().empty())
        primaries.push_back(region);
    for (const std::string& home : primaries) {
      const basic_secret<Traits> primary = *stores[home].find(name);
      std::vector<replica_entry> entries;
      bool changed = false;
      for (replica_entry e : primary.replicas()) {
        if (e.status == replication_state::failed) {
          entries.push_back(std::move(e));
          continue;
        }
        basic_store<Traits>& there = stores[e.region];
        const basic_secret<Traits>* existing = there.find(name);
        const bool ours = existing != nullptr && existing->primary_region() &&
                          *existing->primary_region() == home;
        if (e.status == replication_state::in_sync && !ours) {
          changed = true;  // promoted (StopReplicationToReplica): the entry goes
          continue;
        }
        if (e.status == replication_state::in_progress && existing != nullptr && !ours &&
            !e.force_overwrite) {
          e.status = replication_state::failed;
          e.status_message = std::string(messages::replica_name_taken);
          e.force_overwrite = false;
          changed = true;
          entries.push_back(std::move(e));
          continue;
        }
        if (e.status == replication_state::in_progress) {
          e.status = replication_state::in_sync;
          e.force_overwrite = false;
          changed = true;
        }
        SECRETSTAGE_TRY(replica, detail::make_replica(primary, home, e, existing));
        if (existing == nullptr || !(*existing == replica)) {
          there.put_in_place(std::move(replica));
          any = true;
        }
        if (const auto* now = there.find(name); now != nullptr && now->last_accessed_date() != e.last_accessed) {
          e.last_accessed = now->last_accessed_date();
          changed = true;
        }
        entries.push_back(std::move(e));
      }
      if (changed) {
        auto meta = detail::make_ref<detail::secret_meta>(primary.meta());
        meta->extras.edit()->replicas = std::move(entries);
        detail::secret_builder<Traits> b(primary);
        b.set_meta(std::move(meta));
        SECRETSTAGE_TRY(next, std::move(b).finish());
        stores[home].put_in_place(std::move(next));
        any = true;
      }
    }
    if (!any) break;
  }
  // Replicas that no primary lists any more.
  for (auto& [region, st] : stores) {
    const auto* s = st.find(name);
    if (s == nullptr || !s->is_replica()) continue;
    const auto home = stores.find(*s->primary_region());
    const basic_secret<Traits>* primary = home == stores.end() ? nullptr : home->second.find(name);
    if (primary == nullptr || primary->is_replica() || !detail::lists_in_sync(*primary, region))
      st = st.erase(name);
  }
  return stores;
}

/// sync_replicas for every name in every Region.
template <class Traits>
[[nodiscard]] result<basic_region_stores<Traits>> sync_all_replicas(
    basic_region_stores<Traits> stores) {
  std::vector<std::string> names;
  for (const auto& [region, st] : stores)
    for (const auto* s : st.secrets()) names.emplace_back(s->name().view());
  detail::stable_sort(names.begin(), names.end());
  names.erase(detail::unique(names.begin(), names.end()), names.end());
  for (const std::string& n : names) {
    SECRETSTAGE_TRY(next, sync_replicas(std::move(stores), n));
    stores = std::move(next);
  }
  return stores;
}

/// An operation of the service model in `region` (the context's Region is set to it), then
/// sync_replicas for every secret: the multi-Region form of apply. A failure changes nothing.
template <class Traits, class Request>
[[nodiscard]] auto apply(const basic_region_stores<Traits>& stores, std::string_view region,
                         const Request& r, const basic_context<Traits>& ctx)
    -> result<transition<basic_region_stores<Traits>, store_response_t<Traits, Request>>> {
  using out = transition<basic_region_stores<Traits>, store_response_t<Traits, Request>>;
  basic_context<Traits> here = ctx;
  here.region = std::string(region);
  const auto found = stores.find(region);
  const basic_store<Traits> st = found == stores.end() ? basic_store<Traits>{} : found->second;
  SECRETSTAGE_TRY(next, apply(st, r, here));
  basic_region_stores<Traits> changed = stores;
  changed[std::string(region)] = std::move(next.state);
  SECRETSTAGE_TRY(synced, sync_all_replicas(std::move(changed)));
  return out{std::move(synced), std::move(next.response)};
}

}  // namespace secretstage

#endif  // SECRETSTAGE_REPLICATION_HPP
