#ifndef SECRETSTAGE_OPERATIONS_UPDATE_SECRET_HPP
#define SECRETSTAGE_OPERATIONS_UPDATE_SECRET_HPP

#include <optional>
#include <string>

#include "../context.hpp"
#include "../describe.hpp"
#include "../detail/create_version.hpp"
#include "../detail/secret_builder.hpp"
#include "../detail/validate.hpp"
#include "../result.hpp"
#include "../secret.hpp"
#include "../store.hpp"
#include "../transition.hpp"

namespace secretstage {

/// UpdateSecret request.
template <secret_traits Traits = aws_traits>
struct basic_update_secret {
  std::string secret_id;
  std::optional<typename Traits::version_id_type> client_request_token{};
  std::optional<std::string> description{};
  std::optional<std::string> kms_key_id{};
  std::optional<std::string> secret_string{};
  std::optional<binary> secret_binary{};

  friend bool operator==(const basic_update_secret&, const basic_update_secret&) = default;
};

template <secret_traits Traits = aws_traits>
struct basic_update_secret_response {
  shared_text arn;
  shared_text name;
  /// Present when the call created (or, on a retry, names) a version.
  std::optional<typename Traits::version_id_type> version_id;

  friend bool operator==(const basic_update_secret_response&,
                         const basic_update_secret_response&) = default;
};

using update_secret = basic_update_secret<>;
using update_secret_response = basic_update_secret_response<>;

/// What UpdateSecret is, for the wire and for printing (describe.hpp); members in the
/// service model's order.
template <class Traits>
struct description_of<basic_update_secret<Traits>>
    : request_description<changes_store | on_one_secret, basic_update_secret_response<Traits>> {
  static constexpr char operation[] = "UpdateSecret";
  using type = basic_update_secret<Traits>;
  static constexpr char names[] =
      "SecretId ClientRequestToken Description KmsKeyId SecretBinary SecretString Type";
  using members = type_list<member<&type::secret_id, wire_shape::string, required>,
                            member<&type::client_request_token, wire_shape::string>,
                            member<&type::description, wire_shape::string, quoted>,
                            member<&type::kms_key_id, wire_shape::string, quoted>,
                            member<&type::secret_binary, wire_shape::blob, redacted>,
                            member<&type::secret_string, wire_shape::string, redacted>,
                            member<nullptr, wire_shape::string>>;
};

/// UpdateSecret's response members (describe.hpp).
template <class Traits>
struct description_of<basic_update_secret_response<Traits>> {
  using type = basic_update_secret_response<Traits>;
  static constexpr char names[] = "ARN Name VersionId";
  using members = secret_reference<type, member<&type::version_id, wire_shape::string>>;
};

/// The checks of UpdateSecret that precede secret resolution (shape, values, token).
template <class Traits>
[[nodiscard]] detail::deferred_t<result<void>, Traits> check_request(
    const basic_update_secret<Traits>& r, const basic_context<Traits>& ctx) {
  SECRETSTAGE_TRYV(detail::check_secret_id_length(r.secret_id));
  SECRETSTAGE_TRYV(detail::check_token<Traits>(r.client_request_token));
  SECRETSTAGE_TRYV(detail::check_metadata(r.description, r.kms_key_id));
  SECRETSTAGE_TRYV(detail::check_value_lengths(r.secret_string, r.secret_binary));
  SECRETSTAGE_TRYV(detail::check_secret_id_characters(r.secret_id));
  SECRETSTAGE_TRYV(detail::check_one_value(r.secret_string, r.secret_binary, false));
  const bool has_value = r.secret_string || r.secret_binary;
  if (has_value && !r.client_request_token && !ctx.generated_token)
    return messages::missing_client_request_token();
  return ok<Traits>();
}

/// UpdateSecret: metadata, and with a value a new AWSCURRENT version.
///
/// Checks, in order:
///   SecretId 1–2048; ClientRequestToken 32–64; Description ≤ 2048; KmsKeyId ≤ 2048;
///   SecretString / SecretBinary 1–65,536                       ValidationException
///   SecretId not an ARN and not a valid name                    ValidationException "Invalid name. …"
///   both SecretString and SecretBinary                          InvalidParameterException "You can’t specify both …"
///   a value, no token and none generated (raw request)          InvalidRequestException "You must provide a ClientRequestToken value. …"
///   SecretId names another secret                               ResourceNotFoundException
///   secret scheduled for deletion                               InvalidRequestException "… marked for deletion."
///   token = a version with another value                        ResourceExistsException "You can't use ClientRequestToken …"
/// Effect:
///   with a value:    as PutSecretValue without VersionStages: AWSCURRENT * -> new version,
///                    AWSPREVIOUS * -> old current, AWSPENDING off the old current
///   same token and value again: nothing changes at all (Description included)
///   Description / KmsKeyId: replaced when given. Without a value the token is ignored.
template <class Traits>
[[nodiscard]] result<transition<basic_secret<Traits>, basic_update_secret_response<Traits>>> apply(
    const basic_secret<Traits>& s, const basic_update_secret<Traits>& r,
    const basic_context<Traits>& ctx) {
  using out = transition<basic_secret<Traits>, basic_update_secret_response<Traits>>;
  const bool has_value = r.secret_string || r.secret_binary;
  SECRETSTAGE_TRYV(check_request(r, ctx));
  std::optional<typename Traits::version_id_type> token;
  if (has_value) {
    SECRETSTAGE_TRY(t, detail::resolve_token(r.client_request_token, ctx));
    token = std::move(t);
  }
  SECRETSTAGE_TRYV(detail::resolve(s, r.secret_id));
  SECRETSTAGE_TRYV(detail::require_not_deleted(s));

  const basic_secret<Traits>* base = &s;
  std::optional<basic_secret<Traits>> with_version;
  if (token) {
    SECRETSTAGE_TRY(made, detail::create_version(s, *token, r.secret_string, r.secret_binary,
                                                 nullptr, ctx.now));
    if (made.effect == detail::version_effect::unchanged) return out{s, {s.arn(), s.name(), token}};
    with_version.emplace(std::move(made.state));
    base = &*with_version;
  }

  detail::secret_builder<Traits> b(*base);
  if (r.description || r.kms_key_id) {
    auto meta = detail::make_ref<detail::secret_meta>(base->meta());
    if (r.description) meta->description = *r.description;
    if (r.kms_key_id) meta->kms_key_id = *r.kms_key_id;
    b.set_meta(std::move(meta));
  }
  b.set_last_changed(ctx.now);
  SECRETSTAGE_TRY(next, std::move(b).finish());
  auto& state = next;
  basic_update_secret_response<Traits> response{state.arn(), state.name(), token};
  return out{std::move(state), std::move(response)};
}

}  // namespace secretstage

#endif  // SECRETSTAGE_OPERATIONS_UPDATE_SECRET_HPP
