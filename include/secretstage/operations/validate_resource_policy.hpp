#ifndef SECRETSTAGE_OPERATIONS_VALIDATE_RESOURCE_POLICY_HPP
#define SECRETSTAGE_OPERATIONS_VALIDATE_RESOURCE_POLICY_HPP

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "../context.hpp"
#include "../describe.hpp"
#include "../detail/validate.hpp"
#include "../policy.hpp"
#include "../result.hpp"
#include "../store.hpp"
#include "../transition.hpp"

namespace secretstage {

/// ValidateResourcePolicy request: a policy, and optionally the secret it is meant for.
template <secret_traits Traits = aws_traits>
struct basic_validate_resource_policy {
  std::optional<std::string> secret_id{};
  std::string resource_policy;

  friend bool operator==(const basic_validate_resource_policy&,
                         const basic_validate_resource_policy&) = default;
};

/// ValidateResourcePolicy response: PolicyValidationPassed, and one ValidationErrors entry per
/// finding (policy::validation_error: CheckName, ErrorMessage), both always present.
template <secret_traits Traits = aws_traits>
struct basic_validate_resource_policy_response {
  bool policy_validation_passed = true;
  std::vector<policy::validation_error> validation_errors;

  friend bool operator==(const basic_validate_resource_policy_response&,
                         const basic_validate_resource_policy_response&) = default;
};

using validate_resource_policy = basic_validate_resource_policy<>;
using validate_resource_policy_response = basic_validate_resource_policy_response<>;

/// A ValidationErrorsEntry on the wire (describe.hpp).
template <>
struct description_of<policy::validation_error> {
  using type = policy::validation_error;
  static constexpr char names[] = "CheckName ErrorMessage";
  using members = type_list<member<&type::check_name, wire_shape::string>,
                            member<&type::error_message, wire_shape::string>>;
};

/// What ValidateResourcePolicy is, for the wire and for printing (describe.hpp); members in the
/// service model's order.
template <class Traits>
struct description_of<basic_validate_resource_policy<Traits>>
    : request_description<read_only, basic_validate_resource_policy_response<Traits>> {
  static constexpr char operation[] = "ValidateResourcePolicy";
  using type = basic_validate_resource_policy<Traits>;
  static constexpr char names[] = "SecretId ResourcePolicy";
  using members = type_list<member<&type::secret_id, wire_shape::string>,
                            member<&type::resource_policy, wire_shape::string, required>>;
};

/// ValidateResourcePolicy's response members (describe.hpp). ValidationErrors is written even
/// when empty, as the API's example answer shows it ("ValidationErrors": []).
template <class Traits>
struct description_of<basic_validate_resource_policy_response<Traits>> {
  using type = basic_validate_resource_policy_response<Traits>;
  static constexpr char names[] = "PolicyValidationPassed ValidationErrors";
  using members =
      type_list<member<&type::policy_validation_passed, wire_shape::boolean>,
                member<&type::validation_errors, wire_shape::structure_list, listing>>;
};

/// The checks of ValidateResourcePolicy that precede secret resolution (shape): the lengths of
/// SecretId (when given) and ResourcePolicy, then SecretId's characters.
template <class Traits>
[[nodiscard]] detail::deferred_t<result<void>, Traits> check_request(
    const basic_validate_resource_policy<Traits>& r, const basic_context<Traits>&) {
  if (r.secret_id) {
    SECRETSTAGE_TRYV(detail::check_secret_id_length(*r.secret_id));
  }
  SECRETSTAGE_TRYV(policy::check_length(r.resource_policy));
  if (r.secret_id) return detail::check_secret_id_characters(*r.secret_id);
  return ok<Traits>();
}

/// ValidateResourcePolicy: whether a policy would pass Secrets Manager's checks, without storing
/// it. The secret is optional [API]; the checks do not depend on it.
///
/// Checks, in order (a failure is an error; nothing changes either way):
///   SecretId (when given) 1–2048, ResourcePolicy 1–20480 (UTF-16 units), SecretId's characters
///                                                       ValidationException [OBS for an invalid SecretId name]
///   SecretId given and names no secret                  ResourceNotFoundException "Secrets Manager can't find the specified secret." [unverified]
///   SecretId given and scheduled for deletion           InvalidRequestException "You can't perform this operation on the secret because it was marked for deletion." [unverified]
///   not a policy (JSON, the IAM grammar: policy.hpp)    MalformedPolicyDocumentException "This policy has invalid syntax." [unverified: an exception, not a ValidationErrors entry]
/// Response: PolicyValidationPassed = no finding; ValidationErrors: broad access
/// (policy::is_public_policy), then lockout (policy::locks_out), each {CheckName, ErrorMessage}
/// (policy::validate_resource_policy; texts in messages.hpp).
/// Effect: none; the store is returned unchanged. Cost: linear in the policy's length.
template <class Traits>
[[nodiscard]] result<
    transition<basic_store<Traits>, basic_validate_resource_policy_response<Traits>>>
apply(const basic_store<Traits>& st, const basic_validate_resource_policy<Traits>& r,
      const basic_context<Traits>& ctx) {
  SECRETSTAGE_TRYV(check_request(r, ctx));
  if (r.secret_id) {
    SECRETSTAGE_TRY(found, st.resolve(*r.secret_id));
    SECRETSTAGE_TRYV(detail::require_not_deleted(*found));
  }
  SECRETSTAGE_TRY(checked, policy::validate_resource_policy(r.resource_policy));
  return transition<basic_store<Traits>, basic_validate_resource_policy_response<Traits>>{
      st, {checked.passed, std::move(checked.errors)}};
}

}  // namespace secretstage

#endif  // SECRETSTAGE_OPERATIONS_VALIDATE_RESOURCE_POLICY_HPP
