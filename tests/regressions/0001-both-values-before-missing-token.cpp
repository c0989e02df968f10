// Regression 0001: a raw request (no ClientRequestToken, none generated) that carries both
// SecretString and SecretBinary.
//
// Ruling (the lead's, recorded in the closing note of issue 2): the request's own validation
// comes first — lengths, name characters, exactly one of SecretString/SecretBinary — and the
// missing-token check after it, still before secret resolution as docs/semantics.md#validation
// requires. So the answer is InvalidParameterException "You can’t specify both …". The first
// reference model checked the token first; these shrunk counterexamples of
// tests/property/stateful_secret_test.cpp (values: "v1" and the bytes {'v','1'}) pin the ruling for
// CreateSecret, UpdateSecret and PutSecretValue.

#include "support/regression.hpp"

// Its own namespace: the batched build (SECRETSTAGE_FAST_TEST_BUILD) joins test files.
namespace regression_0001_both_values_before_missing_token {

using namespace regression;

namespace {
const std::string both_values_message =
    "You can\u2019t specify both a binary secret value and a string secret value in the same "
    "secret.";
}

TEST_CASE("regression 0001a: CreateSecret, raw request with both values") {
  // First run of the property (an earlier revision of the test), seed=7758254401968721587.
  ss::create_secret create;
  create.name = "db";
  create.description = "";
  create.secret_string = "v1";
  create.secret_binary = ss::binary{'v', '1'};
  check_error(ss::apply(create, context("eu-west-3", "000000000042", std::nullopt)),
              "InvalidParameterException", both_values_message);
}

TEST_CASE("regression 0001b: CreateSecret, raw request with both values") {
  // "single CreateSecret requests",
  // RC_PARAMS="reproduce=Bwxcp52ZsVGIDJXZhRXZTV2YyVGdgIXZxVXZzR3cUQUttzRvn1UOVQRpb_y9f86ZDTHJRVm54hr42PK0IiFIAYAOAAAACAAA"
  ss::create_secret create;
  create.name = "prod/app_1+x=y.z@w-q";
  create.kms_key_id = "alias/k0";
  create.secret_string = "v1";
  create.secret_binary = ss::binary{'v', '1'};
  check_error(ss::apply(create, context("eu-west-3", "123456789012", std::nullopt)),
              "InvalidParameterException", both_values_message);
}

TEST_CASE("regression 0001c: UpdateSecret by full ARN, raw request with both values") {
  // RC_PARAMS="max_success=1000 seed=7798443850799356055"
  const auto ctx = context("eu-west-3", "123456789012", token_a);
  ss::create_secret create;
  create.name = "prod/app_1+x=y.z@w-q";
  create.client_request_token = token_e;
  const ss::secret s = created(create, ctx);

  ss::update_secret update;
  update.secret_id = s.arn().str();
  update.description = "second";
  update.secret_string = "v1";
  update.secret_binary = ss::binary{'v', '1'};
  check_error(ss::apply(s, update, raw(ctx)), "InvalidParameterException", both_values_message);
}

TEST_CASE("regression 0001d: PutSecretValue, raw request with both values") {
  // Found while exploring with an earlier revision of the test (seed not recorded).
  const auto ctx = context("us-east-1", "000000000042", token_e);
  ss::create_secret create;
  create.name = "db";
  create.client_request_token = token_e;
  const ss::secret s = created(create, ctx);

  ss::put_secret_value put;
  put.secret_id = "db";
  put.secret_string = "v1";
  put.secret_binary = ss::binary{'v', '1'};
  put.version_stages = std::vector<std::string>{"AWSCURRENT"};
  check_error(ss::apply(s, put, raw(ctx)), "InvalidParameterException", both_values_message);
}

TEST_CASE("regression 0001e: PutSecretValue, raw request with both values") {
  // RC_PARAMS="reproduce=BIEU1R3UlNmclRnVhxWdlByLgUFckFGdlNVZjJXZ0ByLgUFckFGdlNVZjJXZ0ZVZyNXav52U0F2ZlByclFXdl52YlN3Qz48A3hIjhP0MOPwdIyY4DNjzDcHiMG+Qz48A3hIjhDIgACIgABgKpAAAAQAAA4QA"
  const auto ctx = context("eu-west-3", "123456789012", token_c);
  ss::create_secret create;
  create.name = "prod/app_1+x=y.z@w-q";
  create.client_request_token = token_d;
  const ss::secret s = created(create, ctx);

  ss::put_secret_value put;
  put.secret_id = "prod/app_1+x=y.z@w-q";
  put.secret_string = "v1";
  put.secret_binary = ss::binary{'v', '1'};
  put.version_stages = std::vector<std::string>{"AWSPENDING"};
  check_error(ss::apply(s, put, raw(ctx)), "InvalidParameterException", both_values_message);
}

TEST_CASE("regression 0001f: UpdateSecret, raw request with both values") {
  // RC_PARAMS="reproduce=BIEU1R3UlNmclRnVhxWdlByLgUFckFGdlNVZjJXZ0ByLgUFckFGdlNVZjJXZ0ZVZyNXav52U0F2ZlByclFXdl52YlNnJADKk05VFU36XUyIibc22+i8dSftXUwhFjnhsCeVpSDIgIAgEsAAAAQAAAcXA"
  const auto ctx = context("eu-west-3", "000000000042", token_c);
  ss::create_secret create;
  create.name = "prod/app_1+x=y.z@w-q";
  create.client_request_token = token_d;
  const ss::secret s = created(create, ctx);

  ss::update_secret update;
  update.secret_id = "prod/app_1+x=y.z@w-q";
  update.description = "first";
  update.secret_string = "v1";
  update.secret_binary = ss::binary{'v', '1'};
  check_error(ss::apply(s, update, raw(ctx)), "InvalidParameterException", both_values_message);
}

}  // namespace regression_0001_both_values_before_missing_token
