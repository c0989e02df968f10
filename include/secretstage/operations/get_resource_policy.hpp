#ifndef SECRETSTAGE_OPERATIONS_GET_RESOURCE_POLICY_HPP
#define SECRETSTAGE_OPERATIONS_GET_RESOURCE_POLICY_HPP

#include <optional>
#include <string>
#include <utility>

#include "../context.hpp"
#include "../describe.hpp"
#include "../detail/validate.hpp"
#include "../result.hpp"
#include "../secret.hpp"
#include "../store.hpp"
#include "../transition.hpp"

namespace secretstage {

/// GetResourcePolicy request.
template <secret_traits Traits = aws_traits>
struct basic_get_resource_policy {
  std::string secret_id;

  friend bool operator==(const basic_get_resource_policy&,
                         const basic_get_resource_policy&) = default;
};

/// GetResourcePolicy response: ResourcePolicy only while a policy is attached.
template <secret_traits Traits = aws_traits>
struct basic_get_resource_policy_response {
  shared_text arn;
  shared_text name;
  std::optional<std::string> resource_policy;

  friend bool operator==(const basic_get_resource_policy_response&,
                         const basic_get_resource_policy_response&) = default;
};

using get_resource_policy = basic_get_resource_policy<>;
using get_resource_policy_response = basic_get_resource_policy_response<>;

/// What GetResourcePolicy is, for the wire and for printing (describe.hpp).
template <class Traits>
struct description_of<basic_get_resource_policy<Traits>>
    : request_description<read_only, basic_get_resource_policy_response<Traits>> {
  static constexpr char operation[] = "GetResourcePolicy";
  using type = basic_get_resource_policy<Traits>;
  static constexpr char names[] = "SecretId";
  using members = type_list<member<&type::secret_id, wire_shape::string, required>>;
};

/// GetResourcePolicy's response members (describe.hpp).
template <class Traits>
struct description_of<basic_get_resource_policy_response<Traits>> {
  using type = basic_get_resource_policy_response<Traits>;
  static constexpr char names[] = "ARN Name ResourcePolicy";
  using members = secret_reference<type, member<&type::resource_policy, wire_shape::string>>;
};

/// The checks of GetResourcePolicy that precede secret resolution (shape).
template <class Traits>
[[nodiscard]] detail::deferred_t<result<void>, Traits> check_request(
    const basic_get_resource_policy<Traits>& r, const basic_context<Traits>&) {
  return detail::check_secret_id(r.secret_id);
}

/// GetResourcePolicy: the secret's resource-based policy, as it was put.
///
/// Checks, in order:
///   SecretId 1–2048, and a valid name unless an ARN    ValidationException
///   SecretId names another secret                       ResourceNotFoundException "Secrets Manager can't find the specified secret."
///   secret scheduled for deletion                       InvalidRequestException "You can't perform this operation on the secret because it was marked for deletion." [OBS: Terraform's provider matches this text from this call]
/// Response: ARN, Name, and ResourcePolicy (the text exactly as put) only when a policy is
/// attached: a secret without one answers ARN and Name alone (Terraform's provider reads an
/// absent ResourcePolicy as "no policy").
/// Effect: none (a pure query). Cost: one copy of the policy text.
template <class Traits>
[[nodiscard]] result<transition<basic_secret<Traits>, basic_get_resource_policy_response<Traits>>>
apply(const basic_secret<Traits>& s, const basic_get_resource_policy<Traits>& r,
      const basic_context<Traits>& ctx) {
  SECRETSTAGE_TRYV(check_request(r, ctx));
  SECRETSTAGE_TRYV(detail::resolve(s, r.secret_id));
  SECRETSTAGE_TRYV(detail::require_not_deleted(s));
  return transition<basic_secret<Traits>, basic_get_resource_policy_response<Traits>>{
      s, {s.arn(), s.name(), s.resource_policy()}};
}

/// The same operation on a store; the store is returned unchanged.
template <class Traits>
[[nodiscard]] result<transition<basic_store<Traits>, basic_get_resource_policy_response<Traits>>>
apply(const basic_store<Traits>& st, const basic_get_resource_policy<Traits>& r,
      const basic_context<Traits>& ctx) {
  SECRETSTAGE_TRYV(check_request(r, ctx));
  SECRETSTAGE_TRY(found, st.resolve(r.secret_id));
  SECRETSTAGE_TRY(read, apply(*found, r, ctx));
  return transition<basic_store<Traits>, basic_get_resource_policy_response<Traits>>{
      st, std::move(read.response)};
}

}  // namespace secretstage

#endif  // SECRETSTAGE_OPERATIONS_GET_RESOURCE_POLICY_HPP
