#ifndef SECRETSTAGE_OPERATION_HPP
#define SECRETSTAGE_OPERATION_HPP

#include <string_view>
#include <utility>
#include <variant>

#include "describe.hpp"
#include "operations/create_secret.hpp"
#include "operations/put_secret_value.hpp"
#include "operations/update_secret.hpp"
#include "operations/update_secret_version_stage.hpp"

namespace secretstage {

namespace detail {

template <class List>
struct variant_of;
template <class... T>
struct variant_of<type_list<T...>> {
  using type = std::variant<T...>;
};
/// The std::variant of a type_list's types.
template <class List>
using variant_of_t = typename variant_of<List>::type;

template <class List>
struct responses_of;
template <class... Request>
struct responses_of<type_list<Request...>> {
  using type = type_list<typename description_of<Request>::response...>;
};
/// The responses of a type_list of requests, in the same order.
template <class List>
using responses_of_t = typename responses_of<List>::type;

/// The operations on one existing secret.
template <class Traits>
using secret_requests = type_list<basic_put_secret_value<Traits>, basic_update_secret<Traits>,
                                  basic_update_secret_version_stage<Traits>>;

}  // namespace detail

/// The closed set of operations on one existing secret. A named type (not a bare
/// std::variant) keeps diagnostics and symbols short.
template <secret_traits Traits = aws_traits>
struct basic_operation : detail::variant_of_t<detail::secret_requests<Traits>> {
  using base = detail::variant_of_t<detail::secret_requests<Traits>>;
  using base::base;
};

template <secret_traits Traits = aws_traits>
struct basic_operation_response
    : detail::variant_of_t<detail::responses_of_t<detail::secret_requests<Traits>>> {
  using base = detail::variant_of_t<detail::responses_of_t<detail::secret_requests<Traits>>>;
  using base::base;
};

using operation = basic_operation<>;
using operation_response = basic_operation_response<>;

/// The AWS name of the operation ("PutSecretValue", …); for one request, describe.hpp's
/// operation_name.
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
        SECRETSTAGE_TRY(r, apply(s, request, ctx));
        return out{std::move(r.state), std::move(r.response)};
      },
      static_cast<const typename basic_operation<Traits>::variant&>(op));
}

}  // namespace secretstage

#endif  // SECRETSTAGE_OPERATION_HPP
