#ifndef SECRETSTAGE_OPERATIONS_PUT_SECRET_VALUE_HPP
#define SECRETSTAGE_OPERATIONS_PUT_SECRET_VALUE_HPP

#include <optional>
#include <string>
#include <vector>

#include "../context.hpp"
#include "../describe.hpp"
#include "../detail/create_version.hpp"
#include "../detail/validate.hpp"
#include "../label_set.hpp"
#include "../result.hpp"
#include "../secret.hpp"
#include "../store.hpp"
#include "../transition.hpp"

namespace secretstage {

/// PutSecretValue request (AWS field names in snake_case).
template <secret_traits Traits = aws_traits>
struct basic_put_secret_value {
  std::string secret_id;
  std::optional<typename Traits::version_id_type> client_request_token{};
  std::optional<std::string> secret_string{};
  std::optional<binary> secret_binary{};
  /// Absent: [AWSCURRENT]. Duplicates collapse.
  std::optional<std::vector<typename Traits::label_type>> version_stages{};

  friend bool operator==(const basic_put_secret_value&, const basic_put_secret_value&) = default;
};

template <secret_traits Traits = aws_traits>
struct basic_put_secret_value_response {
  shared_text arn;
  shared_text name;
  typename Traits::version_id_type version_id;
  /// The labels on the version after the call.
  label_set_for<Traits> version_stages;

  friend bool operator==(const basic_put_secret_value_response&,
                         const basic_put_secret_value_response&) = default;
};

using put_secret_value = basic_put_secret_value<>;
using put_secret_value_response = basic_put_secret_value_response<>;

/// What PutSecretValue is, for the wire and for printing (describe.hpp); members in the
/// service model's order.
template <class Traits>
struct description_of<basic_put_secret_value<Traits>>
    : request_description<changes_store | on_one_secret, basic_put_secret_value_response<Traits>> {
  static constexpr char operation[] = "PutSecretValue";
  using type = basic_put_secret_value<Traits>;
  static constexpr char names[] =
      "SecretId ClientRequestToken SecretBinary SecretString VersionStages RotationToken";
  using members = type_list<member<&type::secret_id, wire_shape::string, required>,
                            member<&type::client_request_token, wire_shape::string>,
                            member<&type::secret_binary, wire_shape::blob, redacted>,
                            member<&type::secret_string, wire_shape::string, redacted>,
                            member<&type::version_stages, wire_shape::string_list>,
                            member<nullptr, wire_shape::string>>;
};

/// PutSecretValue's response members (describe.hpp).
template <class Traits>
struct description_of<basic_put_secret_value_response<Traits>> {
  using type = basic_put_secret_value_response<Traits>;
  static constexpr char names[] = "ARN Name VersionId VersionStages";
  using members = secret_reference<type, member<&type::version_id, wire_shape::string>,
                                   member<&type::version_stages, wire_shape::string_list>>;
};

/// The checks of PutSecretValue that precede secret resolution (shape, values, token).
template <class Traits>
[[nodiscard]] detail::deferred_t<result<void>, Traits> check_request(
    const basic_put_secret_value<Traits>& r, const basic_context<Traits>& ctx) {
  SECRETSTAGE_TRYV(detail::check_secret_id_length(r.secret_id));
  SECRETSTAGE_TRYV(detail::check_token<Traits>(r.client_request_token));
  SECRETSTAGE_TRYV(detail::check_value_lengths(r.secret_string, r.secret_binary));
  SECRETSTAGE_TRYV(detail::check_stage_list<Traits>(r.version_stages));
  SECRETSTAGE_TRYV(detail::check_secret_id_characters(r.secret_id));
  SECRETSTAGE_TRYV(detail::check_one_value(r.secret_string, r.secret_binary, true));
  if (!r.client_request_token && !ctx.generated_token) return messages::missing_client_request_token();
  return ok<Traits>();
}

/// PutSecretValue: a new version with VersionId = ClientRequestToken.
///
/// Checks, in order (the first failure decides; nothing changes on failure):
///   SecretId 1–2048                                          ValidationException
///   ClientRequestToken 32–64                                 ValidationException
///   SecretString / SecretBinary 1–65,536                     ValidationException
///   VersionStages 1–20 items, each 1–256                     ValidationException
///   SecretId not an ARN and not a valid name                 ValidationException "Invalid name. …"
///   both SecretString and SecretBinary                       InvalidParameterException "You can’t specify both …"
///   neither                                                  InvalidRequestException "You must provide either SecretString or SecretBinary." [unverified]
///   no token and none generated (raw request)                InvalidRequestException "You must provide a ClientRequestToken value. …"
///   SecretId names another secret                            ResourceNotFoundException "Secrets Manager can't find the specified secret."
///   secret scheduled for deletion                            InvalidRequestException "… it was marked for deletion."
///   token = a version with another value                     ResourceExistsException "You can't use ClientRequestToken <token> …"
///   more than 20 labels attached across the secret           LimitExceededException [unverified]
/// Effect on labels:
///   token = a version with the same value:  nothing changes (response: that version, its labels)
///   each listed label (default AWSCURRENT):  * -> new version
///   AWSCURRENT moved from A:                 AWSPREVIOUS * -> A (unless listed); AWSPENDING off A (unless listed)
///   no AWSCURRENT anywhere afterwards:       AWSCURRENT -> new version
///   token = the value-less placeholder:      it is filled instead of a new version being made
/// Cost: O(labels) plus one insertion into the version trie (O(log32 versions)); no value is copied
/// but the request's.
template <class Traits>
[[nodiscard]] result<transition<basic_secret<Traits>, basic_put_secret_value_response<Traits>>> apply(
    const basic_secret<Traits>& s, const basic_put_secret_value<Traits>& r,
    const basic_context<Traits>& ctx) {
  SECRETSTAGE_TRYV(check_request(r, ctx));
  SECRETSTAGE_TRY(token, detail::resolve_token(r.client_request_token, ctx));
  SECRETSTAGE_TRYV(detail::resolve(s, r.secret_id));
  SECRETSTAGE_TRYV(detail::require_not_deleted(s));

  SECRETSTAGE_TRY(made,
                  detail::create_version(s, token, r.secret_string, r.secret_binary,
                                         r.version_stages ? &*r.version_stages : nullptr, ctx.now));
  auto& next = made.state;
  basic_put_secret_value_response<Traits> response{next.arn(), next.name(), token,
                                                   next.labels_of(token)};
  return transition<basic_secret<Traits>, basic_put_secret_value_response<Traits>>{
      std::move(next), std::move(response)};
}

}  // namespace secretstage

#endif  // SECRETSTAGE_OPERATIONS_PUT_SECRET_VALUE_HPP
