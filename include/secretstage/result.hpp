#ifndef SECRETSTAGE_RESULT_HPP
#define SECRETSTAGE_RESULT_HPP

// The only header that includes Boost. std_result.hpp (not outcome.hpp or result.hpp) keeps the
// parse cost of a TU that includes the umbrella header low; see benchmarks/compile_time.
#include <boost/outcome/std_result.hpp>
#include <boost/outcome/try.hpp>

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

#endif  // SECRETSTAGE_RESULT_HPP
