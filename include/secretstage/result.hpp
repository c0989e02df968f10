#ifndef SECRETSTAGE_RESULT_HPP
#define SECRETSTAGE_RESULT_HPP

// The only header that includes Boost. std_result.hpp (not outcome.hpp or result.hpp) keeps the
// parse cost of a TU that includes the umbrella header low; see benchmarks/compile_time.
#include <boost/outcome/std_result.hpp>
#include <boost/outcome/try.hpp>
#include <boost/version.hpp>

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

/// A successful `result<void>`.
[[nodiscard]] inline result<void> ok() noexcept { return outcome::success(); }

}  // namespace secretstage

/// Propagates the failure of a `result<void>` expression. Spelled the same on Outcome v2.1 and
/// v2.2 (the variable-declaring form of BOOST_OUTCOME_TRY differs between them). Always use it as
/// a braced statement: it expands to more than one statement.
#define SECRETSTAGE_TRYV(...) BOOST_OUTCOME_TRYV(__VA_ARGS__)

/// `SECRETSTAGE_TRY(v, expr);` declares `v` as (a reference to) the value of the result `expr`,
/// or returns its failure from the enclosing function. Outcome v2.2 (Boost 1.76+) spells the
/// declaration `auto &&v`, v2.1 (Boost 1.74) plain `v`. Its failure path is not constexpr:
/// constexpr functions propagate by hand. Expands to more than one statement.
#if BOOST_VERSION >= 107600
#define SECRETSTAGE_TRY(var, ...) BOOST_OUTCOME_TRY(auto&& var, __VA_ARGS__)
#else
#define SECRETSTAGE_TRY(var, ...) BOOST_OUTCOME_TRY(var, __VA_ARGS__)
#endif

#endif  // SECRETSTAGE_RESULT_HPP
