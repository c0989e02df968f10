#ifndef SECRETSTAGE_OPERATIONS_PUT_RESOURCE_POLICY_HPP
#define SECRETSTAGE_OPERATIONS_PUT_RESOURCE_POLICY_HPP

#include <string>
#include <utility>

#include "../context.hpp"
#include "../describe.hpp"
#include "../detail/secret_builder.hpp"
#include "../detail/validate.hpp"
#include "../policy.hpp"
#include "../result.hpp"
#include "../secret.hpp"
#include "../store.hpp"
#include "../transition.hpp"

namespace secretstage {

/// PutResourcePolicy request.
template <secret_traits Traits = aws_traits>
struct basic_put_resource_policy {
  std::string secret_id;
  /// The policy document, JSON text; stored exactly as given.
  std::string resource_policy;
  /// Refuse a policy that grants broad access (policy::is_public_policy). Default false [API].
  bool block_public_policy = false;

  friend bool operator==(const basic_put_resource_policy&,
                         const basic_put_resource_policy&) = default;
};

template <secret_traits Traits = aws_traits>
struct basic_put_resource_policy_response {
  shared_text arn;
  shared_text name;

  friend bool operator==(const basic_put_resource_policy_response&,
                         const basic_put_resource_policy_response&) = default;
};

using put_resource_policy = basic_put_resource_policy<>;
using put_resource_policy_response = basic_put_resource_policy_response<>;

/// What PutResourcePolicy is, for the wire and for printing (describe.hpp); members in the
/// service model's order.
template <class Traits>
struct description_of<basic_put_resource_policy<Traits>>
    : request_description<changes_store | on_one_secret,
                          basic_put_resource_policy_response<Traits>> {
  static constexpr char operation[] = "PutResourcePolicy";
  using type = basic_put_resource_policy<Traits>;
  static constexpr char names[] = "SecretId ResourcePolicy BlockPublicPolicy";
  using members = type_list<member<&type::secret_id, wire_shape::string, required>,
                            member<&type::resource_policy, wire_shape::string, required>,
                            member<&type::block_public_policy, wire_shape::boolean>>;
};

/// PutResourcePolicy's response members (describe.hpp).
template <class Traits>
struct description_of<basic_put_resource_policy_response<Traits>> {
  using type = basic_put_resource_policy_response<Traits>;
  static constexpr char names[] = "ARN Name";
  using members = secret_reference<type>;
};

/// The checks of PutResourcePolicy that precede secret resolution (shape): the lengths of
/// SecretId and ResourcePolicy, then SecretId's characters.
template <class Traits>
[[nodiscard]] detail::deferred_t<result<void>, Traits> check_request(
    const basic_put_resource_policy<Traits>& r, const basic_context<Traits>&) {
  SECRETSTAGE_TRYV(detail::check_secret_id_length(r.secret_id));
  SECRETSTAGE_TRYV(policy::check_length(r.resource_policy));
  return detail::check_secret_id_characters(r.secret_id);
}

/// PutResourcePolicy: attaches a resource-based policy to the secret, replacing any other.
///
/// Checks, in order (the first failure decides; nothing changes on failure):
///   SecretId 1–2048, ResourcePolicy 1–20480 (UTF-16 units), SecretId's characters
///                                                       ValidationException
///   SecretId names another secret                       ResourceNotFoundException "Secrets Manager can't find the specified secret."
///   secret scheduled for deletion                       InvalidRequestException "You can't perform this operation on the secret because it was marked for deletion." [unverified]
///   not a policy (JSON, the IAM grammar: policy.hpp)    MalformedPolicyDocumentException "This policy has invalid syntax."
///   BlockPublicPolicy and the policy grants broad access (policy::is_public_policy)
///                                                       PublicPolicyException "You can't attach a resource-based policy that allows broad access to the secret."
/// Effect:
///   the policy text is stored exactly as given (GetResourcePolicy returns it), replacing any
///   earlier one; without BlockPublicPolicy a public policy is stored too [OBS]
///   when the text differs from the stored one: LastChangedDate = now ("modified in any way"
///   [API], as for tags) [unverified]; the same text again changes nothing
/// Versions and labels never change. Cost: linear in the policy's length (the scan); the
/// metadata is copied once, no version is.
template <class Traits>
[[nodiscard]] result<transition<basic_secret<Traits>, basic_put_resource_policy_response<Traits>>>
apply(const basic_secret<Traits>& s, const basic_put_resource_policy<Traits>& r,
      const basic_context<Traits>& ctx) {
  using out = transition<basic_secret<Traits>, basic_put_resource_policy_response<Traits>>;
  SECRETSTAGE_TRYV(check_request(r, ctx));
  SECRETSTAGE_TRYV(detail::resolve(s, r.secret_id));
  SECRETSTAGE_TRYV(detail::require_not_deleted(s));
  SECRETSTAGE_TRYV(policy::check_put_resource_policy(r.resource_policy, r.block_public_policy));

  basic_put_resource_policy_response<Traits> response{s.arn(), s.name()};
  if (s.resource_policy() == r.resource_policy) return out{s, std::move(response)};
  auto meta = detail::make_ref<detail::secret_meta>(s.meta());
  meta->extras.edit()->resource_policy = r.resource_policy;
  detail::secret_builder<Traits> b(s);
  b.set_meta(std::move(meta));
  b.set_last_changed(ctx.now);
  SECRETSTAGE_TRY(next, std::move(b).finish());
  return out{std::move(next), std::move(response)};
}

}  // namespace secretstage

#endif  // SECRETSTAGE_OPERATIONS_PUT_RESOURCE_POLICY_HPP
