#ifndef SECRETSTAGE_OPERATION_HPP
#define SECRETSTAGE_OPERATION_HPP

#include <string_view>
#include <utility>
#include <variant>

#include "operations/create_secret.hpp"
#include "operations/put_secret_value.hpp"
#include "operations/update_secret.hpp"
#include "operations/update_secret_version_stage.hpp"

namespace secretstage {

/// The closed set of operations on one existing secret. A named type (not a bare
/// std::variant) keeps diagnostics and symbols short.
template <secret_traits Traits = aws_traits>
struct basic_operation
    : std::variant<basic_put_secret_value<Traits>, basic_update_secret<Traits>,
                   basic_update_secret_version_stage<Traits>> {
  using std::variant<basic_put_secret_value<Traits>, basic_update_secret<Traits>,
                     basic_update_secret_version_stage<Traits>>::variant;
};

template <secret_traits Traits = aws_traits>
struct basic_operation_response
    : std::variant<basic_put_secret_value_response<Traits>, basic_update_secret_response<Traits>,
                   basic_update_secret_version_stage_response<Traits>> {
  using std::variant<basic_put_secret_value_response<Traits>, basic_update_secret_response<Traits>,
                     basic_update_secret_version_stage_response<Traits>>::variant;
};

using operation = basic_operation<>;
using operation_response = basic_operation_response<>;

/// The AWS name of an operation ("PutSecretValue", …).
template <class Traits>
[[nodiscard]] constexpr std::string_view operation_name(const basic_put_secret_value<Traits>&) noexcept {
  return "PutSecretValue";
}
template <class Traits>
[[nodiscard]] constexpr std::string_view operation_name(const basic_update_secret<Traits>&) noexcept {
  return "UpdateSecret";
}
template <class Traits>
[[nodiscard]] constexpr std::string_view operation_name(
    const basic_update_secret_version_stage<Traits>&) noexcept {
  return "UpdateSecretVersionStage";
}
template <class Traits>
[[nodiscard]] constexpr std::string_view operation_name(const basic_create_secret<Traits>&) noexcept {
  return "CreateSecret";
}
template <class Traits>
[[nodiscard]] std::string_view operation_name(const basic_operation<Traits>& op) noexcept {
  return std::visit([](const auto& r) { return operation_name(r); }, op);
}

/// Dispatches to the operation's own transition.
template <class Traits>
[[nodiscard]] result<transition<basic_secret<Traits>, basic_operation_response<Traits>>> apply(
    const basic_secret<Traits>& s, const basic_operation<Traits>& op,
    const basic_context<Traits>& ctx) {
  using out = transition<basic_secret<Traits>, basic_operation_response<Traits>>;
  return std::visit(
      [&](const auto& request) -> result<out> {
        auto r = apply(s, request, ctx);
        if (!r) return r.error();
        return out{std::move(r.value().state), std::move(r.value().response)};
      },
      static_cast<const typename basic_operation<Traits>::variant&>(op));
}

}  // namespace secretstage

#endif  // SECRETSTAGE_OPERATION_HPP
