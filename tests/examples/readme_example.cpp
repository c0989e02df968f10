// The README's example, compiled and run as a test. scripts/check-readme-example.sh fails when
// the README's copy (between the markers) differs from this one.
#include <doctest/doctest.h>

// begin-example
#include <secretstage/secretstage.hpp>
namespace ss = secretstage;

TEST_CASE("README: moving AWSCURRENT drags AWSPREVIOUS along") {
  const ss::context ctx{.now = ss::timestamp::from_seconds(1'764'288'000)};
  const std::string v1(32, '1'), v2(32, '2');  // version ids are ClientRequestTokens
  const auto s0 = ss::apply(ss::create_secret{.name = "app/db", .client_request_token = v1,
                                              .secret_string = "old"}, ctx).value().state;
  const auto s1 = ss::apply(s0, ss::put_secret_value{.secret_id = "app/db", .client_request_token = v2,
                                .secret_string = "new", .version_stages = {{"AWSPENDING"}}}, ctx).value().state;
  const auto moved = ss::apply(s1, ss::update_secret_version_stage{.secret_id = "app/db",
      .version_stage = "AWSCURRENT", .remove_from_version_id = v1, .move_to_version_id = v2}, ctx);
  CHECK(moved.value().state.version_of("AWSPREVIOUS") == v1);
  CHECK(moved.value().state.labels_of(v2).contains("AWSPENDING"));  // the target keeps its labels
  const auto careless = ss::apply(s1, ss::update_secret_version_stage{.secret_id = "app/db",
      .version_stage = "AWSCURRENT", .move_to_version_id = v2}, ctx);  // no RemoveFromVersionId
  CHECK(careless.error().name() == "InvalidParameterException");
  CHECK(s1.version_of("AWSCURRENT") == v1);  // states are values: the input never changes
}
// end-example
