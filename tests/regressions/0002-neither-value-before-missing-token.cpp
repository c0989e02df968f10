// Regression 0002: PutSecretValue as a raw request (no ClientRequestToken, none generated) with
// no value at all.
//
// Ruling (see 0001): the value checks are part of the request's validation and come before the
// missing-token check, so the answer is InvalidRequestException "You must provide either
// SecretString or SecretBinary." [unverified text, docs/semantics.md#putsecretvalue]. Shrunk
// counterexamples of tests/property/stateful_secret_test.cpp, "PutSecretValue / UpdateSecret /
// UpdateSecretVersionStage sequences".

#include "support/regression.hpp"

// Its own namespace: the batched build (SECRETSTAGE_FAST_TEST_BUILD) joins test files.
namespace regression_0002_neither_value_before_missing_token {

using namespace regression;

namespace {
const std::string neither_value_message = "You must provide either SecretString or SecretBinary.";
}

TEST_CASE("regression 0002a: PutSecretValue by name, raw request without a value") {
  // Found while exploring with an earlier revision of the test (seed not recorded).
  const auto ctx = context("us-east-1", "000000000042", token_e);
  ss::create_secret create;
  create.name = "db";
  create.description = "a secret";
  create.secret_string = "v1";
  const ss::secret s = created(create, ctx);

  ss::put_secret_value put;
  put.secret_id = "db";
  put.version_stages = std::vector<std::string>{"AWSPENDING"};
  check_error(ss::apply(s, put, raw(ctx)), "InvalidRequestException", neither_value_message);
}

TEST_CASE("regression 0002b: PutSecretValue by ARN, raw request without a value") {
  // Found while exploring with an earlier revision of the test (seed not recorded).
  const auto ctx = context("us-east-1", "123456789012", token_b);
  ss::create_secret create;
  create.name = "prod/app_1+x=y.z@w-q";
  create.kms_key_id = "alias/k0";
  create.secret_binary = ss::binary{'v', '1'};
  const ss::secret s = created(create, ctx);

  ss::put_secret_value put;
  put.secret_id = s.arn().str();
  put.version_stages = std::vector<std::string>{"AWSCURRENT"};
  check_error(ss::apply(s, put, raw(ctx)), "InvalidRequestException", neither_value_message);
}

TEST_CASE(
    "regression 0002c: PutSecretValue by ARN on a secret without versions, raw request without a "
    "value") {
  // RC_PARAMS="reproduce=BIEU1R3UlNmclRnVhxWdlByLgUFckFGdlNVZjJXZ0ByLgUFckFGdlNVZjJXZ0ZVZyNXav52U0F2ZlByclFXdl52YlNXUZCkP5i1sYBnFYfWk0MOYEhr52NfhjrrkkhP7c1v9AKAACEEAAAABAAQ_BIA"
  const auto ctx = context("us-east-1", "123456789012", token_d);
  ss::create_secret create;
  create.name = "svc-a1b2c3";
  create.client_request_token = token_b;
  create.kms_key_id = "alias/k0";
  const ss::secret s = created(create, ctx);

  ss::put_secret_value put;
  put.secret_id = s.arn().str();
  put.version_stages = std::vector<std::string>{"AWSCURRENT"};
  check_error(ss::apply(s, put, raw(ctx)), "InvalidRequestException", neither_value_message);
}

}  // namespace regression_0002_neither_value_before_missing_token
