#ifndef SECRETSTAGE_STORE_OPERATION_HPP
#define SECRETSTAGE_STORE_OPERATION_HPP

#include <string_view>
#include <utility>
#include <variant>

#include "operation.hpp"
#include "operations/batch_get_secret_value.hpp"
#include "operations/cancel_rotate_secret.hpp"
#include "operations/create_secret.hpp"
#include "operations/delete_secret.hpp"
#include "operations/describe_secret.hpp"
#include "operations/get_random_password.hpp"
#include "operations/get_secret_value.hpp"
#include "operations/list_secret_version_ids.hpp"
#include "operations/list_secrets.hpp"
#include "operations/put_secret_value.hpp"
#include "operations/restore_secret.hpp"
#include "operations/rotate_secret.hpp"
#include "operations/tag_resource.hpp"
#include "operations/untag_resource.hpp"
#include "operations/update_secret.hpp"
#include "operations/update_secret_version_stage.hpp"
#include "store.hpp"

namespace secretstage {

// operation_name for the requests that operation.hpp does not name.
template <class Traits>
[[nodiscard]] constexpr std::string_view operation_name(const basic_rotate_secret<Traits>&) noexcept {
  return "RotateSecret";
}
template <class Traits>
[[nodiscard]] constexpr std::string_view operation_name(const basic_cancel_rotate_secret<Traits>&) noexcept {
  return "CancelRotateSecret";
}
template <class Traits>
[[nodiscard]] constexpr std::string_view operation_name(const basic_delete_secret<Traits>&) noexcept {
  return "DeleteSecret";
}
template <class Traits>
[[nodiscard]] constexpr std::string_view operation_name(const basic_restore_secret<Traits>&) noexcept {
  return "RestoreSecret";
}
template <class Traits>
[[nodiscard]] constexpr std::string_view operation_name(const basic_get_secret_value<Traits>&) noexcept {
  return "GetSecretValue";
}
template <class Traits>
[[nodiscard]] constexpr std::string_view operation_name(const basic_batch_get_secret_value<Traits>&) noexcept {
  return "BatchGetSecretValue";
}
template <class Traits>
[[nodiscard]] constexpr std::string_view operation_name(const basic_list_secret_version_ids<Traits>&) noexcept {
  return "ListSecretVersionIds";
}
template <class Traits>
[[nodiscard]] constexpr std::string_view operation_name(const basic_describe_secret<Traits>&) noexcept {
  return "DescribeSecret";
}
template <class Traits>
[[nodiscard]] constexpr std::string_view operation_name(const basic_list_secrets<Traits>&) noexcept {
  return "ListSecrets";
}
template <class Traits>
[[nodiscard]] constexpr std::string_view operation_name(const basic_tag_resource<Traits>&) noexcept {
  return "TagResource";
}
template <class Traits>
[[nodiscard]] constexpr std::string_view operation_name(const basic_untag_resource<Traits>&) noexcept {
  return "UntagResource";
}
template <class Traits>
[[nodiscard]] constexpr std::string_view operation_name(const basic_get_random_password<Traits>&) noexcept {
  return "GetRandomPassword";
}

namespace detail {
// The requests and their responses, in the same order.
template <class Traits>
using store_request_variant = std::variant<
    basic_create_secret<Traits>,
    basic_put_secret_value<Traits>,
    basic_update_secret<Traits>,
    basic_update_secret_version_stage<Traits>,
    basic_rotate_secret<Traits>,
    basic_cancel_rotate_secret<Traits>,
    basic_delete_secret<Traits>,
    basic_restore_secret<Traits>,
    basic_get_secret_value<Traits>,
    basic_batch_get_secret_value<Traits>,
    basic_list_secret_version_ids<Traits>,
    basic_describe_secret<Traits>,
    basic_list_secrets<Traits>,
    basic_tag_resource<Traits>,
    basic_untag_resource<Traits>,
    basic_get_random_password<Traits>>;
template <class Traits>
using store_response_variant = std::variant<
    basic_create_secret_response<Traits>,
    basic_put_secret_value_response<Traits>,
    basic_update_secret_response<Traits>,
    basic_update_secret_version_stage_response<Traits>,
    basic_rotate_secret_response<Traits>,
    basic_cancel_rotate_secret_response<Traits>,
    basic_delete_secret_response<Traits>,
    basic_restore_secret_response<Traits>,
    basic_get_secret_value_response<Traits>,
    basic_batch_get_secret_value_response<Traits>,
    basic_list_secret_version_ids_response<Traits>,
    basic_describe_secret_response<Traits>,
    basic_list_secrets_response<Traits>,
    basic_tag_resource_response<Traits>,
    basic_untag_resource_response<Traits>,
    basic_get_random_password_response<Traits>>;
static_assert(std::variant_size_v<store_request_variant<aws_traits>> ==
              std::variant_size_v<store_response_variant<aws_traits>>);
}  // namespace detail

/// Every operation of the service model on a store (AWS traits: rotation and BatchGet rely on
/// the reserved labels). `apply(store, op, ctx)` dispatches to the operation's own transition.
template <class Traits = aws_traits>
struct basic_store_operation : detail::store_request_variant<Traits> {
  using detail::store_request_variant<Traits>::store_request_variant;
};

template <class Traits = aws_traits>
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
        auto r = apply(st, request, ctx);
        if (!r) return r.error();
        return out{std::move(r.value().state), std::move(r.value().response)};
      },
      static_cast<const detail::store_request_variant<Traits>&>(op));
}

}  // namespace secretstage

#endif  // SECRETSTAGE_STORE_OPERATION_HPP
