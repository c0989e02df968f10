#ifndef SECRETSTAGE_OPERATIONS_STOP_REPLICATION_TO_REPLICA_HPP
#define SECRETSTAGE_OPERATIONS_STOP_REPLICATION_TO_REPLICA_HPP

#include <string>
#include <utility>

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

/// StopReplicationToReplica request.
template <secret_traits Traits = aws_traits>
struct basic_stop_replication_to_replica {
  std::string secret_id;

  friend bool operator==(const basic_stop_replication_to_replica&,
                         const basic_stop_replication_to_replica&) = default;
};

template <secret_traits Traits = aws_traits>
struct basic_stop_replication_to_replica_response {
  shared_text arn;

  friend bool operator==(const basic_stop_replication_to_replica_response&,
                         const basic_stop_replication_to_replica_response&) = default;
};

using stop_replication_to_replica = basic_stop_replication_to_replica<>;
using stop_replication_to_replica_response = basic_stop_replication_to_replica_response<>;

/// What StopReplicationToReplica is, for the wire and for printing (describe.hpp). The one
/// write a replica accepts (`on_replica`).
template <class Traits>
struct description_of<basic_stop_replication_to_replica<Traits>>
    : request_description<changes_store | on_one_secret,
                          basic_stop_replication_to_replica_response<Traits>> {
  static constexpr char operation[] = "StopReplicationToReplica";
  static constexpr bool on_replica = true;
  using type = basic_stop_replication_to_replica<Traits>;
  static constexpr char names[] = "SecretId";
  using members = type_list<member<&type::secret_id, wire_shape::string, required>>;
};

template <class Traits>
struct description_of<basic_stop_replication_to_replica_response<Traits>> {
  using type = basic_stop_replication_to_replica_response<Traits>;
  static constexpr char names[] = "ARN";
  using members = type_list<member<&type::arn, wire_shape::string>>;
};

/// The checks of StopReplicationToReplica that precede secret resolution (shape).
template <class Traits>
[[nodiscard]] detail::deferred_t<result<void>, Traits> check_request(
    const basic_stop_replication_to_replica<Traits>& r, const basic_context<Traits>&) {
  return detail::check_secret_id(r.secret_id);
}

/// StopReplicationToReplica, in the replica's Region: "removes the link between the replica
/// secret and the primary secret and promotes the replica to a primary secret in the replica
/// Region" [API]. replication.hpp's sync_replicas then drops the Region from the primary's list.
///
/// Checks, in order (the first failure decides; nothing changes on failure):
///   SecretId 1–2048, and a valid name unless an ARN    ValidationException
///   SecretId names another secret                       ResourceNotFoundException
///   the secret is not a replica                         InvalidParameterException "The secret is not a replica secret." [unverified]
/// Effect: the secret is standalone (no PrimaryRegion); its ARN (the primary's with this Region),
/// versions, labels and dates are kept. Response: the ARN.
template <class Traits>
[[nodiscard]] result<
    transition<basic_secret<Traits>, basic_stop_replication_to_replica_response<Traits>>>
apply(const basic_secret<Traits>& s, const basic_stop_replication_to_replica<Traits>& r,
      const basic_context<Traits>& ctx) {
  using out = transition<basic_secret<Traits>, basic_stop_replication_to_replica_response<Traits>>;
  SECRETSTAGE_TRYV(check_request(r, ctx));
  SECRETSTAGE_TRYV(detail::resolve(s, r.secret_id));
  if (!s.is_replica()) return messages::not_a_replica();
  auto meta = detail::make_ref<detail::secret_meta>(s.meta());
  meta->extras.edit()->primary_region.reset();
  detail::secret_builder<Traits> b(s);
  b.set_meta(std::move(meta));
  SECRETSTAGE_TRY(next, std::move(b).finish());
  basic_stop_replication_to_replica_response<Traits> response{next.arn()};
  return out{std::move(next), std::move(response)};
}

}  // namespace secretstage

#endif  // SECRETSTAGE_OPERATIONS_STOP_REPLICATION_TO_REPLICA_HPP
