#ifndef SECRETSTAGE_TESTS_RC_DOCTEST_HPP
#define SECRETSTAGE_TESTS_RC_DOCTEST_HPP

// doctest <-> rapidcheck glue (Debian's rapidcheck ships no rapidcheck/doctest.h), ported from
// rapidcheck/catch.h. The number of runs and the seed come from RC_PARAMS, as with rc::check.

#include <iostream>
#include <sstream>
#include <string>
#include <utility>

#include <doctest/doctest.h>
#include <rapidcheck.h>

namespace rc {

/// Checks `testable` as a doctest subcase; a failure reports rapidcheck's message (the shrunk
/// counterexample and the RC_PARAMS reproduce string). Distributions (RC_TAG / RC_CLASSIFY) are
/// printed to stdout when present or when `verbose`.
template <typename Testable>
void doctest_prop(const std::string& description, Testable&& testable, bool verbose = false) {
  using namespace rc::detail;
  DOCTEST_SUBCASE(description.c_str()) {
    TestMetadata metadata;  // the id keys RC_PARAMS="reproduce=..." to this property
    metadata.id = description;
    metadata.description = description;
    const auto result = checkTestable(std::forward<Testable>(testable), metadata);
    if (result.template is<SuccessResult>()) {
      const auto& success = result.template get<SuccessResult>();
      if (verbose || !success.distribution.empty()) {
        std::cout << "- " << description << '\n';
        printResultMessage(result, std::cout);
        std::cout << std::endl;
      }
      DOCTEST_CHECK(true);
    } else {
      std::ostringstream ss;
      printResultMessage(result, ss);
      DOCTEST_FAIL_CHECK(description << "\n" << ss.str());
    }
  }
}

}  // namespace rc

#endif  // SECRETSTAGE_TESTS_RC_DOCTEST_HPP
