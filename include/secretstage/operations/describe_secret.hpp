#ifndef SECRETSTAGE_OPERATIONS_DESCRIBE_SECRET_HPP
#define SECRETSTAGE_OPERATIONS_DESCRIBE_SECRET_HPP

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "../context.hpp"
#include "../describe.hpp"
#include "../detail/algorithm.hpp"
#include "../detail/validate.hpp"
#include "../label_set.hpp"
#include "../replica.hpp"
#include "../result.hpp"
#include "../schedule.hpp"
#include "../secret.hpp"
#include "../store.hpp"
#include "../transition.hpp"

namespace secretstage {

/// DescribeSecret request.
template <secret_traits Traits = aws_traits>
struct basic_describe_secret {
  std::string secret_id;

  friend bool operator==(const basic_describe_secret&, const basic_describe_secret&) = default;
};

/// One entry of DescribeSecret's VersionIdsToStages (ListSecrets: SecretVersionsToStages), the
/// map AWS writes as {"<VersionId>": [labels]}.
template <secret_traits Traits = aws_traits>
struct basic_version_stages_entry {
  typename Traits::version_id_type version_id;
  label_set_for<Traits> version_stages;

  friend bool operator==(const basic_version_stages_entry&, const basic_version_stages_entry&) = default;
};

/// DescribeSecret response. Unset optional members and empty lists are the members AWS omits.
/// Not modelled: OwningService, Type, ExternalSecretRotation*.
template <secret_traits Traits = aws_traits>
struct basic_describe_secret_response {
  shared_text arn;
  shared_text name;
  /// Absent when the description is empty.
  std::optional<std::string> description;
  /// Absent for the AWS managed key (no KmsKeyId given).
  std::optional<std::string> kms_key_id;
  /// true while rotation is on; false once a rotation function was configured and rotation
  /// turned off; absent for a secret that was never configured for rotation.
  detail::deferred_t<std::optional<bool>, Traits> rotation_enabled;
  std::optional<std::string> rotation_lambda_arn;
  std::optional<::secretstage::rotation_rules> rotation_rules;
  std::optional<timestamp> last_rotated_date;
  std::optional<timestamp> last_changed_date;
  /// Day resolution (midnight UTC of the last GetSecretValue / BatchGetSecretValue).
  std::optional<timestamp> last_accessed_date;
  /// Present while the secret is scheduled for deletion.
  std::optional<timestamp> deleted_date;
  std::optional<timestamp> next_rotation_date;
  /// Absent for a secret never tagged; [] once its last tag was removed (recorded AWS answers).
  detail::deferred_t<std::optional<std::vector<tag>>, Traits> tags;
  /// Labelled versions only, oldest first; deprecated versions are not listed. Empty: absent.
  std::vector<basic_version_stages_entry<Traits>> version_ids_to_stages;
  timestamp created_date;
  /// A replica: the Region of its primary (replication.hpp).
  std::optional<std::string> primary_region;
  /// A primary: its replicas and their status. Empty: absent.
  std::vector<replication_status_type> replication_status;

  friend bool operator==(const basic_describe_secret_response&,
                         const basic_describe_secret_response&) = default;
};

/// The members DescribeSecret's response and a ListSecrets entry share (describe.hpp).
template <class T>
using secret_description_members = secret_reference<
    T, member<&T::description, wire_shape::string, quoted>,
    member<&T::kms_key_id, wire_shape::string, quoted>,
    member<&T::rotation_enabled, wire_shape::boolean>,
    member<&T::rotation_lambda_arn, wire_shape::string, quoted>,
    member<&T::rotation_rules, wire_shape::rotation_rules>,
    member<&T::last_rotated_date, wire_shape::date>,
    member<&T::last_changed_date, wire_shape::date>,
    member<&T::last_accessed_date, wire_shape::date>, member<&T::deleted_date, wire_shape::date>,
    member<&T::next_rotation_date, wire_shape::date>, member<&T::tags, wire_shape::tag_list>,
    member<&T::created_date, wire_shape::date>, member<&T::primary_region, wire_shape::string>,
    member<&T::replication_status, wire_shape::structure_list, unless_empty>>;

/// DescribeSecret's response members (describe.hpp).
template <class Traits>
struct description_of<basic_describe_secret_response<Traits>> {
  using type = basic_describe_secret_response<Traits>;
  static constexpr char names[] =
      "ARN Name Description KmsKeyId RotationEnabled RotationLambdaARN RotationRules "
      "LastRotatedDate LastChangedDate LastAccessedDate DeletedDate NextRotationDate Tags "
      "CreatedDate PrimaryRegion ReplicationStatus VersionIdsToStages";
  using members = concat_t<secret_description_members<type>,
                           type_list<member<&type::version_ids_to_stages, wire_shape::stages_map>>>;
};

using describe_secret = basic_describe_secret<>;
using describe_secret_response = basic_describe_secret_response<>;

/// What DescribeSecret is, for the wire and for printing (describe.hpp); members in the
/// service model's order.
template <class Traits>
struct description_of<basic_describe_secret<Traits>>
    : request_description<read_only, basic_describe_secret_response<Traits>> {
  static constexpr char operation[] = "DescribeSecret";
  using type = basic_describe_secret<Traits>;
  static constexpr char names[] = "SecretId";
  using members = type_list<member<&type::secret_id, wire_shape::string, required>>;
};
using version_stages_entry = basic_version_stages_entry<>;

namespace detail {

/// The labelled versions of `s` and their labels, oldest version first. O(labels · log labels):
/// it walks the label table, not the versions.
template <class Traits>
[[nodiscard]] std::vector<basic_version_stages_entry<Traits>> labelled_versions(const basic_secret<Traits>& s) {
  std::vector<const basic_version<Traits>*> holders;
  for (const auto& stage : s.stages()) {
    const auto* v = s.find_version(stage.second);
    if (detail::find(holders.begin(), holders.end(), v) == holders.end()) holders.push_back(v);
  }
  detail::stable_sort(holders.begin(), holders.end(),
            [](const auto* a, const auto* b) { return a->sequence() < b->sequence(); });
  std::vector<basic_version_stages_entry<Traits>> out;
  out.reserve(holders.size());
  for (const auto* v : holders) out.push_back({v->id(), s.labels_of(v->id())});
  return out;
}

/// Fills the members DescribeSecret and a ListSecrets entry share (everything but the
/// versions-to-stages map, which the two name differently).
/// NextRotationDate and the shown RotationRules are those at `now` (schedule.hpp).
template <class Out, class Traits>
void describe_into(Out& out, const basic_secret<Traits>& s, timestamp now) {
  out.arn = s.arn();
  out.name = s.name();
  if (!s.description().empty()) out.description = s.description();
  out.kms_key_id = s.kms_key_id();
  if (s.rotation_enabled() || s.rotation_lambda_arn()) out.rotation_enabled = s.rotation_enabled();
  out.rotation_lambda_arn = s.rotation_lambda_arn();
  out.rotation_rules = shown_rotation_rules(s);
  out.last_rotated_date = s.last_rotated_date();
  out.last_changed_date = s.last_changed_date();
  out.last_accessed_date = s.last_accessed_date();
  out.deleted_date = s.deleted_date();
  out.next_rotation_date = next_rotation_date(s, now);
  if (s.ever_tagged()) out.tags = s.tags();
  out.created_date = s.created_date();
  out.primary_region = s.primary_region();
  out.replication_status = replication_status_of(s);
}

}  // namespace detail

/// The checks of DescribeSecret that precede secret resolution.
template <class Traits>
[[nodiscard]] detail::deferred_t<result<void>, Traits> check_request(
    const basic_describe_secret<Traits>& r, const basic_context<Traits>&) {
  return detail::check_secret_id(r.secret_id);
}

/// DescribeSecret: the secret's metadata and its labelled versions.
///
/// Checks, in order:
///   SecretId 1–2048, and a valid name unless an ARN    ValidationException
///   SecretId names no secret                            ResourceNotFoundException "Secrets Manager can't find the specified secret."
/// A secret scheduled for deletion is described too, with its DeletedDate (observed on AWS).
/// Effect: none (a pure query; LastAccessedDate is not touched). The state is returned as it is.
/// Rules of the response: Description absent when empty; RotationEnabled as documented on the
/// member; NextRotationDate while rotation is enabled: the last second of the schedule's due
/// window at `now`, counted from the last rotation (schedule.hpp, docs/rotation-schedules.md);
/// RotationRules with a ScheduleExpression also carry the computed AutomaticallyAfterDays once
/// the secret has rotated; VersionIdsToStages lists labelled versions only, oldest first; Tags
/// absent for a secret never tagged, [] once its last tag was removed.
/// Cost: O(labels · log labels + tags).
template <class Traits>
[[nodiscard]] result<transition<basic_secret<Traits>, basic_describe_secret_response<Traits>>> apply(
    const basic_secret<Traits>& s, const basic_describe_secret<Traits>& r,
    const basic_context<Traits>& ctx) {
  SECRETSTAGE_TRYV(check_request(r, ctx));
  SECRETSTAGE_TRYV(detail::resolve(s, r.secret_id));
  basic_describe_secret_response<Traits> response;
  detail::describe_into(response, s, ctx.now);
  // DescribeSecret's LastRotatedDate is null once rotation is disabled (API reference); a
  // ListSecrets entry keeps it ("null if the secret hasn't ever rotated").
  if (!s.rotation_enabled()) response.last_rotated_date.reset();
  response.version_ids_to_stages = detail::labelled_versions(s);
  return transition<basic_secret<Traits>, basic_describe_secret_response<Traits>>{s, std::move(response)};
}

/// The same operation on a store; the store is returned unchanged.
template <class Traits>
[[nodiscard]] result<transition<basic_store<Traits>, basic_describe_secret_response<Traits>>> apply(
    const basic_store<Traits>& st, const basic_describe_secret<Traits>& r,
    const basic_context<Traits>& ctx) {
  SECRETSTAGE_TRYV(check_request(r, ctx));
  SECRETSTAGE_TRY(found, st.resolve(r.secret_id));
  SECRETSTAGE_TRY(described, apply(*found, r, ctx));
  return transition<basic_store<Traits>, basic_describe_secret_response<Traits>>{
      st, std::move(described.response)};
}

}  // namespace secretstage

#endif  // SECRETSTAGE_OPERATIONS_DESCRIBE_SECRET_HPP
