// tools/rotation_function_spec.hpp: the --rotation-function argument of secretstage-replay and
// secretstage-server, its accepted forms and the ones refused.
#include <optional>
#include <string>
#include <string_view>

#include <doctest/doctest.h>

#include "tools/rotation_function_spec.hpp"

// Its own namespace: the batched build (SECRETSTAGE_FAST_TEST_BUILD) joins test files.
namespace rotation_function_spec_test {

namespace ss = secretstage;

namespace {
const std::string FN = "arn:aws:lambda:us-east-1:123456789012:function:rotate-app";
}  // namespace

TEST_CASE("parse_rotation_function_spec") {
  using spec = ss::tools::rotation_function_spec;
  CHECK(ss::tools::parse_rotation_function_spec(FN + "=remove-pending") ==
        spec{FN, {ss::finish_variant::remove_pending, std::nullopt}});
  CHECK(ss::tools::parse_rotation_function_spec(FN + "=keep-pending") ==
        spec{FN, {ss::finish_variant::keep_pending, std::nullopt}});
  CHECK(ss::tools::parse_rotation_function_spec(FN + "=keep-pending,value=a,b=c") ==
        spec{FN, {ss::finish_variant::keep_pending, "a,b=c"}});
  CHECK(ss::tools::parse_rotation_function_spec(FN + "=remove-pending,value=") ==
        spec{FN, {ss::finish_variant::remove_pending, ""}});
  for (std::string_view bad :
       {"", "=remove-pending", "arn", "arn=", "arn=remove", "arn=keep-pending,",
        "arn=keep-pending,valu=x", "arn=keep-pendingx"}) {
    INFO(bad);
    CHECK(!ss::tools::parse_rotation_function_spec(bad));
  }
}

}  // namespace rotation_function_spec_test
