#ifndef SECRETSTAGE_REPLICA_HPP
#define SECRETSTAGE_REPLICA_HPP

// What the single-store operations share about replication (replication.hpp has the rules
// across Regions): a secret's ReplicationStatus as the responses show it, the checks of a list
// of Regions, and the refusal of writes to a replica.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "describe.hpp"
#include "messages.hpp"
#include "result.hpp"
#include "secret.hpp"
#include "detail/validate.hpp"

namespace secretstage {

/// ReplicationStatusType: one replica of a primary, as DescribeSecret, ListSecrets, CreateSecret,
/// ReplicateSecretToRegions and RemoveRegionsFromReplication show it.
struct replication_status_type {
  std::string region;
  std::optional<std::string> kms_key_id;
  std::string status;  // "InProgress" | "InSync" | "Failed"
  std::optional<std::string> status_message;
  std::optional<timestamp> last_accessed_date;
  friend bool operator==(const replication_status_type&, const replication_status_type&) = default;
};

template <>
struct description_of<replication_status_type> {
  using type = replication_status_type;
  static constexpr char names[] = "Region KmsKeyId Status StatusMessage LastAccessedDate";
  using members = type_list<member<&type::region, wire_shape::string>,
                            member<&type::kms_key_id, wire_shape::string>,
                            member<&type::status, wire_shape::string>,
                            member<&type::status_message, wire_shape::string>,
                            member<&type::last_accessed_date, wire_shape::date>>;
};

/// AWS's name of a replication state.
[[nodiscard]] constexpr std::string_view replication_state_name(replication_state s) noexcept {
  switch (s) {
    case replication_state::in_progress: return "InProgress";
    case replication_state::in_sync: return "InSync";
    case replication_state::failed: return "Failed";
  }
  return "InProgress";
}

/// The replicas a primary records, as ReplicationStatus shows them (in the order they were
/// added); empty for a replica or a standalone secret.
template <class Traits>
[[nodiscard]] std::vector<replication_status_type> replication_status_of(const basic_secret<Traits>& s) {
  detail::deferred_t<std::vector<replication_status_type>, Traits> out;
  out.reserve(s.replicas().size());
  for (const auto& e : s.replicas()) {
    detail::deferred_t<replication_status_type, Traits> r;
    r.region = e.region;
    r.kms_key_id = e.kms_key_id;
    r.status = std::string(replication_state_name(e.status));
    if (!e.status_message.empty()) r.status_message = e.status_message;
    r.last_accessed_date = e.last_accessed;
    out.push_back(std::move(r));
  }
  return out;
}

namespace detail {

/// A Region name as the service model allows it in a replica list: 1–128 characters matching
/// ^([a-z]+-)+\d+$.
template <class D = void>
deferred_t<result<void>, D> check_region_name(std::string_view member, std::string_view region) {
  SECRETSTAGE_TRYV(check_length<D>(member, region.size(), 1, 128));
  // ([a-z]+-)+ then one or more digits.
  std::size_t i = 0, groups = 0;
  for (;;) {
    const std::size_t start = i;
    while (i < region.size() && region[i] >= 'a' && region[i] <= 'z') ++i;
    if (i == start || i >= region.size() || region[i] != '-') {
      i = start;
      break;
    }
    ++i;
    ++groups;
  }
  std::size_t digits = 0;
  while (i < region.size() && region[i] >= '0' && region[i] <= '9') ++i, ++digits;
  if (groups == 0 || digits == 0 || i != region.size())
    return messages::pattern_mismatch(member, region, "^([a-z]+-)+\\d+$");
  return ok<D>();
}

/// The Regions of AddReplicaRegions: each a Region name, none the secret's own Region
/// (`home`), none twice.
template <class D = void>
deferred_t<result<void>, D> check_replica_regions(const std::vector<replica_region>& regions,
                                                  std::string_view home) {
  for (std::size_t i = 0; i < regions.size(); ++i) {
    SECRETSTAGE_TRYV(check_region_name<D>("addReplicaRegions.member.region", regions[i].region));
    if (regions[i].kms_key_id) {
      SECRETSTAGE_TRYV(check_length<D>("addReplicaRegions.member.kmsKeyId",
                                       regions[i].kms_key_id->size(), 0, max_kms_key_id));
    }
  }
  for (std::size_t i = 0; i < regions.size(); ++i) {
    if (regions[i].region == home) return messages::invalid_replica_region();
    for (std::size_t j = 0; j < i; ++j)
      if (regions[j].region == regions[i].region)
        return messages::replica_region_listed(regions[i].region);
  }
  return ok<D>();
}

/// The new replica entries of a primary for `regions` (checked): InProgress, until
/// replication.hpp's sync_replicas makes each InSync or Failed.
template <class D = void>
deferred_t<std::vector<replica_entry>, D> entries_for(const std::vector<replica_region>& regions,
                                                      bool force) {
  deferred_t<std::vector<replica_entry>, D> out;
  for (const replica_region& r : regions)
    out.push_back(replica_entry{r.region, r.kms_key_id, replication_state::in_progress, {}, force,
                                std::nullopt});
  return out;
}

/// Every write but StopReplicationToReplica is refused on a replica.
template <class Traits>
[[nodiscard]] detail::deferred_t<result<void>, Traits> require_not_replica(
    const basic_secret<Traits>& s) {
  if (s.is_replica()) return messages::replica_write();
  return ok<Traits>();
}

}  // namespace detail

}  // namespace secretstage

#endif  // SECRETSTAGE_REPLICA_HPP
