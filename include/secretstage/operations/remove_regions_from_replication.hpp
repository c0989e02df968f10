#ifndef SECRETSTAGE_OPERATIONS_REMOVE_REGIONS_FROM_REPLICATION_HPP
#define SECRETSTAGE_OPERATIONS_REMOVE_REGIONS_FROM_REPLICATION_HPP

#include <string>
#include <utility>
#include <vector>

#include "../context.hpp"
#include "../describe.hpp"
#include "../detail/secret_builder.hpp"
#include "../detail/validate.hpp"
#include "../replica.hpp"
#include "../result.hpp"
#include "../secret.hpp"
#include "../store.hpp"
#include "../transition.hpp"

namespace secretstage {

/// RemoveRegionsFromReplication request.
template <secret_traits Traits = aws_traits>
struct basic_remove_regions_from_replication {
  std::string secret_id;
  std::vector<std::string> remove_replica_regions;

  friend bool operator==(const basic_remove_regions_from_replication&,
                         const basic_remove_regions_from_replication&) = default;
};

template <secret_traits Traits = aws_traits>
struct basic_remove_regions_from_replication_response {
  shared_text arn;
  std::vector<replication_status_type> replication_status;

  friend bool operator==(const basic_remove_regions_from_replication_response&,
                         const basic_remove_regions_from_replication_response&) = default;
};

using remove_regions_from_replication = basic_remove_regions_from_replication<>;
using remove_regions_from_replication_response = basic_remove_regions_from_replication_response<>;

/// What RemoveRegionsFromReplication is, for the wire and for printing (describe.hpp).
template <class Traits>
struct description_of<basic_remove_regions_from_replication<Traits>>
    : request_description<changes_store | on_one_secret,
                          basic_remove_regions_from_replication_response<Traits>> {
  static constexpr char operation[] = "RemoveRegionsFromReplication";
  using type = basic_remove_regions_from_replication<Traits>;
  static constexpr char names[] = "SecretId RemoveReplicaRegions";
  using members = type_list<member<&type::secret_id, wire_shape::string, required>,
                            member<&type::remove_replica_regions, wire_shape::string_list, required>>;
};

template <class Traits>
struct description_of<basic_remove_regions_from_replication_response<Traits>> {
  using type = basic_remove_regions_from_replication_response<Traits>;
  static constexpr char names[] = "ARN ReplicationStatus";
  using members = type_list<member<&type::arn, wire_shape::string>,
                            member<&type::replication_status, wire_shape::structure_list, listing>>;
};

/// The checks of RemoveRegionsFromReplication that precede secret resolution: SecretId's
/// length, RemoveReplicaRegions (at least one, each a Region name), SecretId's characters.
template <class Traits>
[[nodiscard]] detail::deferred_t<result<void>, Traits> check_request(
    const basic_remove_regions_from_replication<Traits>& r, const basic_context<Traits>&) {
  SECRETSTAGE_TRYV(detail::check_secret_id_length(r.secret_id));
  if (r.remove_replica_regions.empty())
    return messages::length_at_least("removeReplicaRegions", 1);
  for (const auto& region : r.remove_replica_regions)
    SECRETSTAGE_TRYV(detail::check_region_name("removeReplicaRegions.member", region));
  return detail::check_secret_id_characters(r.secret_id);
}

/// RemoveRegionsFromReplication, in the primary's Region: the Regions leave the secret's replica
/// list; replication.hpp's sync_replicas then deletes each replica from its Region at once (a
/// replica is "deleted immediately" [API], no recovery window).
///
/// Checks, in order (the first failure decides; nothing changes on failure):
///   SecretId 1–2048; RemoveReplicaRegions empty; a Region not 1–128 of ^([a-z]+-)+\d+$
///                                                       ValidationException
///   SecretId names another secret                       ResourceNotFoundException
///   the secret is a replica                             InvalidParameterException "Operation not permitted on a replica secret. …"
///   a Region the secret is not replicated to            InvalidParameterException [unverified]
/// A secret scheduled for deletion has no replicas (DeleteSecret refuses a primary with them),
/// so the Region check answers for it. Effect: the entries leave the list; versions, labels and
/// dates are unchanged. Response: the ARN and the remaining replicas' status.
template <class Traits>
[[nodiscard]] result<
    transition<basic_secret<Traits>, basic_remove_regions_from_replication_response<Traits>>>
apply(const basic_secret<Traits>& s, const basic_remove_regions_from_replication<Traits>& r,
      const basic_context<Traits>& ctx) {
  using out =
      transition<basic_secret<Traits>, basic_remove_regions_from_replication_response<Traits>>;
  SECRETSTAGE_TRYV(check_request(r, ctx));
  SECRETSTAGE_TRYV(detail::resolve(s, r.secret_id));
  SECRETSTAGE_TRYV(detail::require_not_replica(s));
  for (const auto& region : r.remove_replica_regions) {
    bool listed = false;
    for (const auto& e : s.replicas()) listed = listed || e.region == region;
    if (!listed) return messages::replica_region_not_listed(region);
  }
  auto meta = detail::make_ref<detail::secret_meta>(s.meta());
  std::vector<replica_entry> kept;
  for (const auto& e : s.replicas()) {
    bool removed = false;
    for (const auto& region : r.remove_replica_regions) removed = removed || e.region == region;
    if (!removed) kept.push_back(e);
  }
  meta->extras.edit()->replicas = std::move(kept);
  detail::secret_builder<Traits> b(s);
  b.set_meta(std::move(meta));
  SECRETSTAGE_TRY(next, std::move(b).finish());
  basic_remove_regions_from_replication_response<Traits> response{next.arn(),
                                                                  replication_status_of(next)};
  return out{std::move(next), std::move(response)};
}

}  // namespace secretstage

#endif  // SECRETSTAGE_OPERATIONS_REMOVE_REGIONS_FROM_REPLICATION_HPP
