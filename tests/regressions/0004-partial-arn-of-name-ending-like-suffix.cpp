// Regression 0004: a partial ARN (the ARN without "-XXXXXX") of a secret whose name itself ends in
// a hyphen and six letters or digits ("svc-a1b2c3").
//
// Expected: ResourceNotFoundException "Secrets Manager can't find the specified secret." — AWS
// reads such a SecretId as a complete ARN [OBS: docs/semantics.md#secretid-resolution, localstack
// test_create_and_update_secret, name "Invalid/_+=.@-Name-a1b2c3"; UG troubleshoot.md].
// The library resolved it to the secret before a05e811 ("Partial ARNs whose name ends like an ARN
// suffix no longer match"); 0004b is the same case seen from a deliberately wrong model variant.

#include "support/regression.hpp"

// Its own namespace: the batched build (SECRETSTAGE_FAST_TEST_BUILD) joins test files.
namespace regression_0004_partial_arn_of_name_ending_like_suffix {

using namespace regression;

TEST_CASE("regression 0004a: UpdateSecretVersionStage by the partial ARN of svc-a1b2c3") {
  // RC_PARAMS="max_success=1000 seed=10133544265026966850" with an earlier revision of the test,
  // against the library before a05e811.
  const auto ctx = context("us-east-1", "000000000042", token_a);
  ss::create_secret create;
  create.name = "svc-a1b2c3";
  create.client_request_token = token_b;
  create.description = "";
  create.secret_string = "v1";
  const ss::secret s = created(create, ctx);

  ss::update_secret_version_stage stage;
  stage.secret_id = partial_arn(s);
  stage.version_stage = "AWSPREVIOUS";
  stage.remove_from_version_id = token_b;
  stage.move_to_version_id = token_b;
  check_error(ss::apply(s, stage, ctx), "ResourceNotFoundException",
              "Secrets Manager can't find the specified secret.");
  // Its name and its full ARN still resolve (the request then fails on the label rules).
  for (const std::string& id : {std::string("svc-a1b2c3"), s.arn().str()}) {
    stage.secret_id = id;
    const auto r = ss::apply(s, stage, ctx);
    REQUIRE_FALSE(r.has_value());
    CHECK(std::string(r.error().name()) == "InvalidParameterException");
  }
}

TEST_CASE(
    "regression 0004b: UpdateSecretVersionStage by the partial ARN of svc-a1b2c3, label attached "
    "nowhere") {
  // RC_PARAMS="reproduce=BIEU1R3UlNmclRnVhxWdlByLgUFckFGdlNVZjJXZ0ByLgUFckFGdlNVZjJXZ0ZVZyNXav52U0F2ZlByclFXdl52YlNncNlArAef1vJXTJwKg3X9by1UCsC49V_mcNlArAef1vBCAGUAAAAABAAQBBA"
  // (hit while a model variant without the suffix rule was being tried; the library was right).
  const auto ctx = context("us-east-1", "000000000042", token_e);
  ss::create_secret create;
  create.name = "svc-a1b2c3";
  create.client_request_token = token_d;
  const ss::secret s = created(create, ctx);

  ss::update_secret_version_stage stage;
  stage.secret_id = partial_arn(s);
  stage.version_stage = "L2";
  stage.move_to_version_id = token_e;
  check_error(ss::apply(s, stage, ctx), "ResourceNotFoundException",
              "Secrets Manager can't find the specified secret.");
}

}  // namespace regression_0004_partial_arn_of_name_ending_like_suffix
