#ifndef SECRETSTAGE_OPERATIONS_CREATE_SECRET_HPP
#define SECRETSTAGE_OPERATIONS_CREATE_SECRET_HPP

#include <optional>
#include <string>
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

/// CreateSecret request (the part that makes one secret and its first version).
template <secret_traits Traits = aws_traits>
struct basic_create_secret {
  std::string name;
  std::optional<typename Traits::version_id_type> client_request_token{};
  std::optional<std::string> description{};
  std::optional<std::string> kms_key_id{};
  std::optional<std::string> secret_string{};
  std::optional<binary> secret_binary{};
  detail::deferred_t<std::optional<std::vector<tag>>, Traits> tags{};
  /// Regions to replicate the new secret to (replication.hpp), each with its KMS key.
  detail::deferred_t<std::optional<std::vector<replica_region>>, Traits> add_replica_regions{};
  /// Overwrite a secret of the same name in those Regions. Default false [API].
  bool force_overwrite_replica_secret = false;

  friend bool operator==(const basic_create_secret&, const basic_create_secret&) = default;
};

template <secret_traits Traits = aws_traits>
struct basic_create_secret_response {
  shared_text arn;
  shared_text name;
  /// Present when a value was given, and so a first version created.
  std::optional<typename Traits::version_id_type> version_id;
  /// The replicas asked for (AddReplicaRegions), each InProgress; absent without.
  std::vector<replication_status_type> replication_status{};

  friend bool operator==(const basic_create_secret_response&,
                         const basic_create_secret_response&) = default;
};

using create_secret = basic_create_secret<>;
using create_secret_response = basic_create_secret_response<>;

/// What CreateSecret is, for the wire and for printing (describe.hpp); members in the
/// service model's order.
template <class Traits>
struct description_of<basic_create_secret<Traits>>
    : request_description<changes_store, basic_create_secret_response<Traits>> {
  static constexpr char operation[] = "CreateSecret";
  using type = basic_create_secret<Traits>;
  static constexpr char names[] =
      "Name ClientRequestToken Description KmsKeyId SecretBinary SecretString Tags "
      "AddReplicaRegions ForceOverwriteReplicaSecret Type";
  using members =
      type_list<member<&type::name, wire_shape::string, required>,
                member<&type::client_request_token, wire_shape::string>,
                member<&type::description, wire_shape::string, quoted>,
                member<&type::kms_key_id, wire_shape::string, quoted>,
                member<&type::secret_binary, wire_shape::blob, redacted>,
                member<&type::secret_string, wire_shape::string, redacted>,
                member<&type::tags, wire_shape::tag_list>,
                member<&type::add_replica_regions, wire_shape::replica_regions>,
                member<&type::force_overwrite_replica_secret, wire_shape::boolean>,
                member<nullptr, wire_shape::string>>;
};

/// CreateSecret's response members (describe.hpp).
template <class Traits>
struct description_of<basic_create_secret_response<Traits>> {
  using type = basic_create_secret_response<Traits>;
  static constexpr char names[] = "ARN Name VersionId ReplicationStatus";
  using members = secret_reference<type, member<&type::version_id, wire_shape::string>,
                                   member<&type::replication_status, wire_shape::structure_list, unless_empty>>;
};

/// The ARN AWS gives a secret: arn:aws:secretsmanager:<region>:<account>:secret:<name>-<6 chars>,
/// the six characters drawn from the context's entropy.
template <class Traits>
[[nodiscard]] std::string make_arn(const basic_context<Traits>& ctx, std::string_view name) {
  std::string arn = "arn:aws:secretsmanager:";
  arn.append(ctx.region).append(":").append(ctx.account_id).append(":secret:").append(name);
  arn.append("-").append(detail::arn_suffix(ctx.entropy));
  return arn;
}

/// The checks of CreateSecret that need no state (shape, name, values, token).
template <class Traits>
[[nodiscard]] detail::deferred_t<result<void>, Traits> check_request(
    const basic_create_secret<Traits>& r, const basic_context<Traits>& ctx) {
  SECRETSTAGE_TRYV(detail::check_length("name", r.name.size(), 1, detail::max_name));
  SECRETSTAGE_TRYV(detail::check_token<Traits>(r.client_request_token));
  SECRETSTAGE_TRYV(detail::check_metadata(r.description, r.kms_key_id));
  SECRETSTAGE_TRYV(detail::check_value_lengths(r.secret_string, r.secret_binary));
  if (r.tags) {
    SECRETSTAGE_TRYV(detail::check_tags(*r.tags));
  }
  if (r.add_replica_regions) {
    SECRETSTAGE_TRYV(detail::check_replica_regions(*r.add_replica_regions, ctx.region));
  }
  SECRETSTAGE_TRYV(detail::check_name(r.name));
  SECRETSTAGE_TRYV(detail::check_one_value(r.secret_string, r.secret_binary, false));
  const bool has_value = r.secret_string || r.secret_binary;
  if (has_value && !r.client_request_token && !ctx.generated_token)
    return messages::missing_client_request_token();
  return ok<Traits>();
}

/// CreateSecret: a new secret, from no state (the account-wide store and its name checks build
/// on this). Checks, in order:
///   Name 1–512; ClientRequestToken 32–64; Description ≤ 2048; KmsKeyId ≤ 2048;
///   SecretString / SecretBinary 1–65,536                       ValidationException
///   Name outside [A-Za-z0-9/_+=.@-]                             ValidationException "Invalid name. …"
///   both SecretString and SecretBinary                          InvalidParameterException "You can’t specify both …"
///   AddReplicaRegions: a Region not 1–128 of ^([a-z]+-)+\d+$     ValidationException
///   … the request's own Region                                  InvalidParameterException "Invalid replica region."
///   … a Region twice                                            InvalidParameterException [unverified]
///   a value, no token and none generated (raw request)          InvalidRequestException "You must provide a ClientRequestToken value. …"
/// Effect: metadata created `now`; with a value, version <token> carrying AWSCURRENT; without,
/// no version and no label (the token is ignored); with AddReplicaRegions, one InProgress replica
/// entry per Region (replication.hpp's sync_replicas makes the replicas).
template <class Traits>
[[nodiscard]] result<transition<basic_secret<Traits>, basic_create_secret_response<Traits>>> apply(
    const basic_create_secret<Traits>& r, const basic_context<Traits>& ctx) {
  using out = transition<basic_secret<Traits>, basic_create_secret_response<Traits>>;
  const bool has_value = r.secret_string || r.secret_binary;
  SECRETSTAGE_TRYV(check_request(r, ctx));
  std::optional<typename Traits::version_id_type> token;
  if (has_value) {
    SECRETSTAGE_TRY(t, detail::resolve_token(r.client_request_token, ctx));
    token = std::move(t);
  }

  auto meta = detail::make_ref<detail::secret_meta>();
  meta->name = shared_text(r.name);
  meta->arn = shared_text(make_arn(ctx, r.name));
  meta->description = r.description.value_or(std::string());
  meta->kms_key_id = r.kms_key_id;
  meta->created_date = ctx.now;
  if (r.tags) {
    meta->tags = detail::merge_tags({}, *r.tags);
    meta->tagged = !meta->tags.empty();
  }
  if (r.add_replica_regions)
    meta->extras.edit()->replicas = detail::entries_for(*r.add_replica_regions, r.force_overwrite_replica_secret);
  detail::secret_builder<Traits> b(std::move(meta));
  b.set_last_changed(ctx.now);
  if (token) {
    const auto* v = b.put_version(detail::make_ref<const basic_version<Traits>>(
        *token, detail::make_value(r.secret_string, r.secret_binary), ctx.now, b.take_sequence()));
    if constexpr (Traits::has_reserved_labels) b.attach(Traits::current(), v);
  }
  SECRETSTAGE_TRY(next, std::move(b).finish());
  auto& state = next;
  basic_create_secret_response<Traits> response{state.arn(), state.name(), token,
                                                replication_status_of(state)};
  return out{std::move(state), std::move(response)};
}

/// CreateSecret in a store. After the request's own checks:
///   the name belongs to a secret scheduled for deletion   InvalidRequestException "You can't create this secret because a secret with this name is already scheduled for deletion."
///   the name is taken, the token names a version of it with the same value: success, the same
///   response as the first call, nothing changes (an SDK's retry)
///   … with another value                                  ResourceExistsException "You can't use ClientRequestToken <token> …"
///   the name is taken otherwise                           ResourceExistsException "The operation failed because the secret <Name> already exists."
/// The ARN's six characters mix the context's entropy with the store's creation count.
template <class Traits>
[[nodiscard]] result<transition<basic_store<Traits>, basic_create_secret_response<Traits>>> apply(
    const basic_store<Traits>& st, const basic_create_secret<Traits>& r,
    const basic_context<Traits>& ctx) {
  using out = transition<basic_store<Traits>, basic_create_secret_response<Traits>>;
  SECRETSTAGE_TRYV(check_request(r, ctx));
  if (const auto* existing = st.find(r.name)) {
    if (existing->deleted_date()) return messages::name_scheduled_for_deletion();
    if (r.secret_string || r.secret_binary) {
      const auto& token = r.client_request_token ? *r.client_request_token : *ctx.generated_token;
      if (const auto* v = existing->find_version(token); v != nullptr && !v->is_placeholder()) {
        if (!detail::same_value(*v->value(), r.secret_string, r.secret_binary))
          return messages::client_request_token_in_use(Traits::text(token), existing->arn());
        return out{st, {existing->arn(), existing->name(), token, replication_status_of(*existing)}};
      }
    }
    return messages::secret_already_exists(r.name);
  }
  basic_context<Traits> drawn = ctx;
  drawn.entropy = detail::mix_entropy(ctx.entropy, st.creations());
  SECRETSTAGE_TRY(made, apply(r, drawn));
  return out{st.with_creation_counted().put(std::move(made.state)), std::move(made.response)};
}

}  // namespace secretstage

#endif  // SECRETSTAGE_OPERATIONS_CREATE_SECRET_HPP
