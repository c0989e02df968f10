#ifndef SECRETSTAGE_CONTEXT_HPP
#define SECRETSTAGE_CONTEXT_HPP

#include <cstdint>
#include <optional>
#include <string>

#include "rotation_functions.hpp"
#include "traits.hpp"
#include "value.hpp"

namespace secretstage {

/// Everything a transition would otherwise read from the world. A transition is a function of
/// (state, request, context) alone: the same three give the same result.
template <secret_traits Traits = aws_traits>
struct basic_context {
  /// The time of the request.
  timestamp now{};
  /// The id an SDK would generate for a request that carries no ClientRequestToken. Leave it
  /// empty to model a raw HTTP request: version-creating operations then fail with AWS's
  /// missing-token error.
  std::optional<typename Traits::version_id_type> generated_token{};
  /// Randomness for anything AWS draws at random (the ARN's six characters): the transition
  /// derives its draws from this value, so a run is reproducible from its seed.
  std::uint64_t entropy = 0;
  detail::deferred_t<std::string, Traits> region = "us-east-1";
  detail::deferred_t<std::string, Traits> account_id = "123456789012";
  /// The rotation functions (Lambda ARNs) the service can invoke: RotateSecret refuses any other.
  detail::deferred_t<rotation_functions, Traits> functions{};
};

using context = basic_context<>;

}  // namespace secretstage

#endif  // SECRETSTAGE_CONTEXT_HPP
