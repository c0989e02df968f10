#ifndef SECRETSTAGE_OPERATIONS_REPLICATE_SECRET_TO_REGIONS_HPP
#define SECRETSTAGE_OPERATIONS_REPLICATE_SECRET_TO_REGIONS_HPP

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

/// ReplicateSecretToRegions request.
template <secret_traits Traits = aws_traits>
struct basic_replicate_secret_to_regions {
  std::string secret_id;
  std::vector<replica_region> add_replica_regions;
  /// Overwrite a secret of the same name in a Region replicated to. Default false [API].
  bool force_overwrite_replica_secret = false;

  friend bool operator==(const basic_replicate_secret_to_regions&,
                         const basic_replicate_secret_to_regions&) = default;
};

template <secret_traits Traits = aws_traits>
struct basic_replicate_secret_to_regions_response {
  shared_text arn;
  std::vector<replication_status_type> replication_status;

  friend bool operator==(const basic_replicate_secret_to_regions_response&,
                         const basic_replicate_secret_to_regions_response&) = default;
};

using replicate_secret_to_regions = basic_replicate_secret_to_regions<>;
using replicate_secret_to_regions_response = basic_replicate_secret_to_regions_response<>;

/// What ReplicateSecretToRegions is, for the wire and for printing (describe.hpp).
template <class Traits>
struct description_of<basic_replicate_secret_to_regions<Traits>>
    : request_description<changes_store | on_one_secret,
                          basic_replicate_secret_to_regions_response<Traits>> {
  static constexpr char operation[] = "ReplicateSecretToRegions";
  using type = basic_replicate_secret_to_regions<Traits>;
  static constexpr char names[] = "SecretId AddReplicaRegions ForceOverwriteReplicaSecret";
  using members = type_list<member<&type::secret_id, wire_shape::string, required>,
                            member<&type::add_replica_regions, wire_shape::replica_regions, required>,
                            member<&type::force_overwrite_replica_secret, wire_shape::boolean>>;
};

template <class Traits>
struct description_of<basic_replicate_secret_to_regions_response<Traits>> {
  using type = basic_replicate_secret_to_regions_response<Traits>;
  static constexpr char names[] = "ARN ReplicationStatus";
  using members = type_list<member<&type::arn, wire_shape::string>,
                            member<&type::replication_status, wire_shape::structure_list>>;
};

/// The checks of ReplicateSecretToRegions that precede secret resolution: SecretId's length,
/// AddReplicaRegions (at least one; each a Region name, not the request's own Region, none
/// twice), then SecretId's characters.
template <class Traits>
[[nodiscard]] detail::deferred_t<result<void>, Traits> check_request(
    const basic_replicate_secret_to_regions<Traits>& r, const basic_context<Traits>& ctx) {
  SECRETSTAGE_TRYV(detail::check_secret_id_length(r.secret_id));
  if (r.add_replica_regions.empty()) return messages::length_at_least("addReplicaRegions", 1);
  SECRETSTAGE_TRYV(detail::check_replica_regions(r.add_replica_regions, ctx.region));
  return detail::check_secret_id_characters(r.secret_id);
}

/// ReplicateSecretToRegions, in the primary's Region: records the new replica Regions on the
/// secret, each InProgress. replication.hpp's sync_replicas then makes the replicas in their
/// Regions' stores and each entry InSync, or Failed ("Secret with this name already exists in
/// this region") when the Region holds another secret of that name and ForceOverwriteReplicaSecret
/// was not given; apply over a region_stores does both (docs/semantics.md#replication).
///
/// Checks, in order (the first failure decides; nothing changes on failure):
///   SecretId 1–2048; AddReplicaRegions empty; a Region not 1–128 of ^([a-z]+-)+\d+$
///                                                       ValidationException
///   a Region that is the request's own                  InvalidParameterException "Invalid replica region."
///   a Region listed twice                               InvalidParameterException [unverified]
///   SecretId names another secret                       ResourceNotFoundException
///   the secret is a replica                             InvalidParameterException "Operation not permitted on a replica secret. …"
///   secret scheduled for deletion                       InvalidRequestException "… marked for deletion."
///   a Region the secret is already replicated to        InvalidParameterException [unverified]
/// Effect: the entries are appended; versions, labels and dates are unchanged [unverified: AWS
/// may move LastChangedDate]. Response: the ARN and every replica's status.
template <class Traits>
[[nodiscard]] result<
    transition<basic_secret<Traits>, basic_replicate_secret_to_regions_response<Traits>>>
apply(const basic_secret<Traits>& s, const basic_replicate_secret_to_regions<Traits>& r,
      const basic_context<Traits>& ctx) {
  using out = transition<basic_secret<Traits>, basic_replicate_secret_to_regions_response<Traits>>;
  SECRETSTAGE_TRYV(check_request(r, ctx));
  SECRETSTAGE_TRYV(detail::resolve(s, r.secret_id));
  SECRETSTAGE_TRYV(detail::require_not_replica(s));
  SECRETSTAGE_TRYV(detail::require_not_deleted(s));
  for (const auto& add : r.add_replica_regions)
    for (const auto& e : s.replicas())
      if (e.region == add.region) return messages::replica_region_listed(add.region);
  auto meta = detail::make_ref<detail::secret_meta>(s.meta());
  for (auto& e : detail::entries_for(r.add_replica_regions, r.force_overwrite_replica_secret))
    meta->extras.edit()->replicas.push_back(std::move(e));
  detail::secret_builder<Traits> b(s);
  b.set_meta(std::move(meta));
  SECRETSTAGE_TRY(next, std::move(b).finish());
  basic_replicate_secret_to_regions_response<Traits> response{next.arn(),
                                                              replication_status_of(next)};
  return out{std::move(next), std::move(response)};
}

}  // namespace secretstage

#endif  // SECRETSTAGE_OPERATIONS_REPLICATE_SECRET_TO_REGIONS_HPP
