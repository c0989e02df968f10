#ifndef SECRETSTAGE_RESULT_HPP
#define SECRETSTAGE_RESULT_HPP

// The only header that includes Boost. std_result.hpp (not outcome.hpp or result.hpp) keeps the
// parse cost of a TU that includes the umbrella header low; see benchmarks/compile_time.
#include <utility>

#include <boost/outcome/std_result.hpp>
#include <boost/outcome/try.hpp>
#include <boost/version.hpp>

#include "detail/deferred.hpp"
#include "error.hpp"

namespace secretstage {

namespace outcome = BOOST_OUTCOME_V2_NAMESPACE;

/// Every transition returns `result<T>`: a value, or an `error` naming the AWS exception and
/// carrying AWS's exact message. Because `error` has an ADL `make_error_code` and an ADL
/// `outcome_throw_as_system_error_with_payload`, Outcome's default policy for it is
/// `error_code_throw_as_system_error`: calling `.value()` on a failure throws `std::system_error`
/// whose `what()` is the AWS message. Domain failures never throw by themselves.
template <class T>
using result = outcome::std_result<T, error>;

/// A successful `result<void>`. A template over an unused D (always void), as the messages are
/// (detail/deferred.hpp): a plain inline function would instantiate Outcome's construction of a
/// result in every translation unit that includes this header.
template <class D = void>
[[nodiscard]] detail::deferred_t<result<void>, D> ok() noexcept {
  return outcome::success();
}

}  // namespace secretstage

// The two propagation macros are plain statements rather than BOOST_OUTCOME_TRY's expansion
// (a __COUNTER__ name, try_operation_has_value / try_operation_return_as /
// try_operation_extract_value): the umbrella header's templates use them about 160 times, and
// Outcome's spelling cost the parser about 0.2M instructions more a use (benchmarks/README.md,
// header parse cost). They read the same on Outcome v2.1 and v2.2.

/// Propagates the failure of a `result<void>` expression from the enclosing function (which
/// returns a result with the same error type). One statement.
#define SECRETSTAGE_TRYV(...)                                \
  if (auto&& secretstage_tryv_ = (__VA_ARGS__); secretstage_tryv_) { \
  } else                                                     \
    return std::move(secretstage_tryv_).error()

/// `SECRETSTAGE_TRY(v, expr);` declares `v` as (a reference to) the value of the result `expr`,
/// or returns its failure from the enclosing function. Its failure path is not constexpr:
/// constexpr functions propagate by hand. Expands to more than one statement.
#define SECRETSTAGE_TRY(var, ...)                                                \
  auto&& var##_secretstage_try_ = (__VA_ARGS__);                                 \
  if (!var##_secretstage_try_) return std::move(var##_secretstage_try_).error(); \
  auto&& var = std::move(var##_secretstage_try_).value()

#endif  // SECRETSTAGE_RESULT_HPP
