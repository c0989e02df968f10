// operation.hpp: the closed variant of requests, their AWS names, and dispatch.
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <doctest/doctest.h>

#include <secretstage/operation.hpp>

#include "support/aws_text.hpp"
#include "support/given.hpp"

// Its own namespace: the batched build (SECRETSTAGE_FAST_TEST_BUILD) joins test files.
namespace operation_test {

namespace ss = secretstage;
using ss::testing::given;
using ss::testing::vid;

TEST_CASE("operation_name gives the AWS operation name") {
  CHECK(ss::operation_name(ss::create_secret{}) == "CreateSecret");
  CHECK(ss::operation_name(ss::put_secret_value{}) == "PutSecretValue");
  CHECK(ss::operation_name(ss::update_secret{}) == "UpdateSecret");
  CHECK(ss::operation_name(ss::update_secret_version_stage{}) == "UpdateSecretVersionStage");
  CHECK(ss::operation_name(ss::operation{ss::put_secret_value{}}) == "PutSecretValue");
  CHECK(ss::operation_name(ss::operation{ss::update_secret{}}) == "UpdateSecret");
  CHECK(ss::operation_name(ss::operation{ss::update_secret_version_stage{}}) == "UpdateSecretVersionStage");
}

TEST_CASE("apply on an operation dispatches to the request's own transition") {
  const auto s = given(ss::create_secret{.name = "app", .client_request_token = vid(1), .secret_string = "a"});
  const auto ctx = ss::testing::at(77);
  const std::vector<ss::operation> ops = {
      ss::put_secret_value{.secret_id = "app", .client_request_token = vid(2), .secret_string = "b",
                           .version_stages = std::vector<std::string>{"AWSPENDING"}},
      ss::update_secret{.secret_id = "app", .client_request_token = vid(3), .description = "d", .secret_string = "c"},
      ss::update_secret_version_stage{.secret_id = "app", .version_stage = "L", .move_to_version_id = vid(1)}};
  for (const auto& op : ops) {
    CAPTURE(ss::operation_name(op));
    const auto via_variant = ss::testing::step(s, op, ctx);
    std::visit(
        [&](const auto& request) {
          const auto direct = ss::testing::step(s, request, ctx);
          CHECK(via_variant.state == direct.state);
          using response_t = std::decay_t<decltype(direct.response)>;
          REQUIRE(std::holds_alternative<response_t>(via_variant.response));
          CHECK(std::get<response_t>(via_variant.response) == direct.response);
        },
        static_cast<const ss::operation::variant&>(op));
  }
}

TEST_CASE("apply on an operation passes errors through unchanged") {
  const auto s = given(ss::create_secret{.name = "app", .client_request_token = vid(1), .secret_string = "a"});
  const ss::operation op = ss::update_secret_version_stage{.secret_id = "app", .version_stage = "AWSCURRENT",
                                                           .remove_from_version_id = vid(1)};
  CHECK_AWS_ERROR(ss::testing::fail(s, op), ss::errc::invalid_parameter,
                  ss::testing::aws_text::current_not_removable);
  const ss::operation missing = ss::put_secret_value{.secret_id = "nope", .client_request_token = vid(2),
                                                     .secret_string = "x"};
  CHECK_AWS_ERROR(ss::testing::fail(s, missing), ss::errc::resource_not_found, ss::testing::aws_text::not_found);
}

}  // namespace operation_test
