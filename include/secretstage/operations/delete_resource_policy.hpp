#ifndef SECRETSTAGE_OPERATIONS_DELETE_RESOURCE_POLICY_HPP
#define SECRETSTAGE_OPERATIONS_DELETE_RESOURCE_POLICY_HPP

#include <string>
#include <utility>

#include "../context.hpp"
#include "../describe.hpp"
#include "../detail/secret_builder.hpp"
#include "../detail/validate.hpp"
#include "../result.hpp"
#include "../secret.hpp"
#include "../store.hpp"
#include "../transition.hpp"

namespace secretstage {

/// DeleteResourcePolicy request.
template <secret_traits Traits = aws_traits>
struct basic_delete_resource_policy {
  std::string secret_id;

  friend bool operator==(const basic_delete_resource_policy&,
                         const basic_delete_resource_policy&) = default;
};

template <secret_traits Traits = aws_traits>
struct basic_delete_resource_policy_response {
  shared_text arn;
  shared_text name;

  friend bool operator==(const basic_delete_resource_policy_response&,
                         const basic_delete_resource_policy_response&) = default;
};

using delete_resource_policy = basic_delete_resource_policy<>;
using delete_resource_policy_response = basic_delete_resource_policy_response<>;

/// What DeleteResourcePolicy is, for the wire and for printing (describe.hpp).
template <class Traits>
struct description_of<basic_delete_resource_policy<Traits>>
    : request_description<changes_store | on_one_secret,
                          basic_delete_resource_policy_response<Traits>> {
  static constexpr char operation[] = "DeleteResourcePolicy";
  using type = basic_delete_resource_policy<Traits>;
  static constexpr char names[] = "SecretId";
  using members = type_list<member<&type::secret_id, wire_shape::string, required>>;
};

/// DeleteResourcePolicy's response members (describe.hpp).
template <class Traits>
struct description_of<basic_delete_resource_policy_response<Traits>> {
  using type = basic_delete_resource_policy_response<Traits>;
  static constexpr char names[] = "ARN Name";
  using members = secret_reference<type>;
};

/// The checks of DeleteResourcePolicy that precede secret resolution (shape).
template <class Traits>
[[nodiscard]] detail::deferred_t<result<void>, Traits> check_request(
    const basic_delete_resource_policy<Traits>& r, const basic_context<Traits>&) {
  return detail::check_secret_id(r.secret_id);
}

/// DeleteResourcePolicy: removes the secret's resource-based policy.
///
/// Checks, in order (the first failure decides; nothing changes on failure):
///   SecretId 1–2048, and a valid name unless an ARN    ValidationException
///   SecretId names another secret                       ResourceNotFoundException "Secrets Manager can't find the specified secret."
///   secret scheduled for deletion                       InvalidRequestException "You can't perform this operation on the secret because it was marked for deletion." [OBS: Terraform's provider matches this text from this call]
/// Effect:
///   the policy is removed; LastChangedDate = now (as PutResourcePolicy) [unverified]
///   a secret without a policy: success with ARN and Name, nothing changes (idempotent, so a
///   retried or repeated delete succeeds) [unverified]
/// Versions and labels never change. Cost: one copy of the metadata when a policy is removed.
template <class Traits>
[[nodiscard]] result<
    transition<basic_secret<Traits>, basic_delete_resource_policy_response<Traits>>>
apply(const basic_secret<Traits>& s, const basic_delete_resource_policy<Traits>& r,
      const basic_context<Traits>& ctx) {
  using out = transition<basic_secret<Traits>, basic_delete_resource_policy_response<Traits>>;
  SECRETSTAGE_TRYV(check_request(r, ctx));
  SECRETSTAGE_TRYV(detail::resolve(s, r.secret_id));
  SECRETSTAGE_TRYV(detail::require_not_deleted(s));

  basic_delete_resource_policy_response<Traits> response{s.arn(), s.name()};
  if (!s.resource_policy()) return out{s, std::move(response)};
  auto meta = detail::make_ref<detail::secret_meta>(s.meta());
  meta->extras.edit()->resource_policy.reset();
  detail::secret_builder<Traits> b(s);
  b.set_meta(std::move(meta));
  b.set_last_changed(ctx.now);
  SECRETSTAGE_TRY(next, std::move(b).finish());
  return out{std::move(next), std::move(response)};
}

}  // namespace secretstage

#endif  // SECRETSTAGE_OPERATIONS_DELETE_RESOURCE_POLICY_HPP
