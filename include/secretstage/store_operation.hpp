#ifndef SECRETSTAGE_STORE_OPERATION_HPP
#define SECRETSTAGE_STORE_OPERATION_HPP

#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

#include "operation.hpp"
#include "operations/batch_get_secret_value.hpp"
#include "operations/cancel_rotate_secret.hpp"
#include "operations/create_secret.hpp"
#include "operations/delete_resource_policy.hpp"
#include "operations/delete_secret.hpp"
#include "operations/describe_secret.hpp"
#include "operations/get_random_password.hpp"
#include "operations/get_resource_policy.hpp"
#include "operations/get_secret_value.hpp"
#include "operations/list_secret_version_ids.hpp"
#include "operations/list_secrets.hpp"
#include "operations/put_resource_policy.hpp"
#include "operations/put_secret_value.hpp"
#include "operations/remove_regions_from_replication.hpp"
#include "operations/replicate_secret_to_regions.hpp"
#include "operations/restore_secret.hpp"
#include "operations/rotate_secret.hpp"
#include "operations/stop_replication_to_replica.hpp"
#include "operations/tag_resource.hpp"
#include "operations/untag_resource.hpp"
#include "operations/update_secret.hpp"
#include "operations/update_secret_version_stage.hpp"
#include "operations/validate_resource_policy.hpp"
#include "store.hpp"

namespace secretstage {

namespace detail {

/// Every operation of the service model, in the order of the wire adapter's table
/// (aws_json::operation_names). Adding an operation: its description, its transition, and one
/// entry here.
template <class Traits>
using store_requests =
    type_list<basic_create_secret<Traits>, basic_put_secret_value<Traits>,
              basic_update_secret<Traits>, basic_update_secret_version_stage<Traits>,
              basic_rotate_secret<Traits>, basic_cancel_rotate_secret<Traits>,
              basic_delete_secret<Traits>, basic_restore_secret<Traits>,
              basic_get_secret_value<Traits>, basic_batch_get_secret_value<Traits>,
              basic_list_secret_version_ids<Traits>, basic_describe_secret<Traits>,
              basic_list_secrets<Traits>, basic_tag_resource<Traits>, basic_untag_resource<Traits>,
              basic_get_random_password<Traits>, basic_put_resource_policy<Traits>,
              basic_get_resource_policy<Traits>, basic_delete_resource_policy<Traits>,
              basic_validate_resource_policy<Traits>, basic_replicate_secret_to_regions<Traits>,
              basic_remove_regions_from_replication<Traits>,
              basic_stop_replication_to_replica<Traits>>;

// The requests and their responses, in the same order.
template <class Traits>
using store_request_variant = variant_of_t<store_requests<Traits>>;
template <class Traits>
using store_response_variant = variant_of_t<responses_of_t<store_requests<Traits>>>;

template <class... Request>
[[nodiscard]] constexpr bool mutates(std::string_view name, type_list<Request...>) noexcept {
  return ((description_of<Request>::mutates && description_of<Request>::operation == name) || ...);
}

}  // namespace detail

/// Whether the operation of this AWS name changes the store (CreateSecret, PutSecretValue, …);
/// false for the reads and for a name that is no operation. A template only so that the
/// descriptions are instantiated where it is called, not in every file that includes this header
/// (parse time).
template <secret_traits Traits = aws_traits>
[[nodiscard]] constexpr bool operation_mutates(std::string_view name) noexcept {
  return detail::mutates(name, detail::store_requests<Traits>{});
}

/// Every operation of the service model on a store (AWS traits: rotation and BatchGet rely on
/// the reserved labels). `apply(store, op, ctx)` dispatches to the operation's own transition.
template <secret_traits Traits = aws_traits>
struct basic_store_operation : detail::store_request_variant<Traits> {
  using detail::store_request_variant<Traits>::store_request_variant;
};

template <secret_traits Traits = aws_traits>
struct basic_store_operation_response : detail::store_response_variant<Traits> {
  using detail::store_response_variant<Traits>::store_response_variant;
};

using store_operation = basic_store_operation<>;
using store_operation_response = basic_store_operation_response<>;

/// The AWS name of the operation ("CreateSecret", …).
template <class Traits>
[[nodiscard]] std::string_view operation_name(const basic_store_operation<Traits>& op) noexcept {
  return std::visit([](const auto& r) { return operation_name(r); },
                    static_cast<const detail::store_request_variant<Traits>&>(op));
}

template <class Traits>
[[nodiscard]] result<transition<basic_store<Traits>, basic_store_operation_response<Traits>>>
apply(const basic_store<Traits>& st, const basic_store_operation<Traits>& op,
      const basic_context<Traits>& ctx) {
  using out = transition<basic_store<Traits>, basic_store_operation_response<Traits>>;
  return std::visit(
      [&](const auto& request) -> result<out> {
        SECRETSTAGE_TRY(r, apply(st, request, ctx));
        return out{std::move(r.state), std::move(r.response)};
      },
      static_cast<const detail::store_request_variant<Traits>&>(op));
}

namespace detail {

// The operations whose store form is apply_in_store: one secret resolved, changed, put back.
template <class Request>
struct changes_one_secret : std::bool_constant<acts_on_one_secret<Request>> {};

template <class T>
struct response_of;
template <class State, class Response>
struct response_of<transition<State, Response>> {
  using type = Response;
};

}  // namespace detail

/// The response type of `apply(store, request, ctx)`.
template <class Traits, class Request>
using store_response_t = typename detail::response_of<typename decltype(apply(
    std::declval<const basic_store<Traits>&>(), std::declval<const Request&>(),
    std::declval<const basic_context<Traits>&>()))::value_type>::type;

/// `apply` for a service that moves its store on from request to request: on success `st`
/// becomes exactly the store `apply(st, r, ctx)` returns and the response is returned; on a
/// failure — an error result, or std::bad_alloc thrown — `st` is unchanged. The difference is the
/// cost: where `apply` copies the trie path to the changed secret (and so takes a reference on
/// every sibling in each copied node, cold memory in a large store), this changes in place the
/// nodes that `st` alone holds (basic_store::put_in_place). A copy of `st` taken earlier shares
/// its nodes, so it is never changed: the first step after a copy copies the path, as `apply`
/// does. Pointers into `st` to the changed secret are not valid afterwards.
template <class Traits, class Request>
[[nodiscard]] result<store_response_t<Traits, Request>> apply_in_place(basic_store<Traits>& st,
                                                                       const Request& r,
                                                                       const basic_context<Traits>& ctx) {
  if constexpr (detail::changes_one_secret<Request>::value) {
    SECRETSTAGE_TRY(next, detail::apply_to_secret(st, r, ctx));
    st.put_in_place(std::move(next.state));
    return std::move(next.response);
  } else {
    SECRETSTAGE_TRY(next, apply(st, r, ctx));
    st = std::move(next.state);
    return std::move(next.response);
  }
}

/// The same for any operation of the service model.
template <class Traits>
[[nodiscard]] result<basic_store_operation_response<Traits>> apply_in_place(
    basic_store<Traits>& st, const basic_store_operation<Traits>& op, const basic_context<Traits>& ctx) {
  return std::visit(
      [&](const auto& request) -> result<basic_store_operation_response<Traits>> {
        SECRETSTAGE_TRY(r, apply_in_place(st, request, ctx));
        return basic_store_operation_response<Traits>{std::move(r)};
      },
      static_cast<const detail::store_request_variant<Traits>&>(op));
}

}  // namespace secretstage

#endif  // SECRETSTAGE_STORE_OPERATION_HPP
