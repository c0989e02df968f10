// Regression 0005: PutSecretValue whose VersionStages holds a 257-character label.
//
// Expected: ValidationException "1 validation error detected: Value at 'versionStages' failed to
// satisfy constraint: Member must have length less than or equal to 256". docs/semantics.md fixes
// the text and lowerCamelCase member names but not how a list item is named; the library reports
// the list's member name. The first reference model said 'versionStages.1.member' (a model bug, now
// aligned with the library) — reported as a question: real AWS words list-item violations as
// "Value '[…]' at 'versionStages' failed to satisfy constraint: Member must satisfy constraint:
// [Member must have length less than or equal to 256, …]".
//
// Shrunk counterexamples of tests/property/stateful_secret_test.cpp,
// "PutSecretValue / UpdateSecret / UpdateSecretVersionStage sequences".

#include "support/regression.hpp"

// Its own namespace: the batched build (SECRETSTAGE_FAST_TEST_BUILD) joins test files.
namespace regression_0005_version_stages_item_member_name {

using namespace regression;

namespace {
const std::string too_long_label_message = validation("versionStages", "less than or equal to 256");
}

TEST_CASE("regression 0005a: PutSecretValue by partial ARN with a 257-character label") {
  // First run of the property (an earlier revision of the test), seed=7758254401968721587.
  const auto ctx = context("us-east-1", "000000000042", token_c);
  ss::create_secret create;
  create.name = "prod/app_1+x=y.z@w-q";
  create.client_request_token = token_d;
  create.kms_key_id = "alias/k0";
  create.secret_string = "v1";
  const ss::secret s = created(create, ctx);

  ss::put_secret_value put;
  put.secret_id = partial_arn(s);
  put.client_request_token = token_b;
  put.secret_string = "v3";
  put.version_stages = std::vector<std::string>{std::string(257, 'x')};
  check_error(ss::apply(s, put, raw(ctx)), "ValidationException", too_long_label_message);
}

TEST_CASE("regression 0005b: PutSecretValue by partial ARN with a 257-character label") {
  // RC_PARAMS="reproduce=BIEU1R3UlNmclRnVhxWdlByLgUFckFGdlNVZjJXZ0ByLgUFckFGdlNVZjJXZ0ZVZyNXav52U0F2ZlByclFXdl52YlNnXqMjcNhxIA5lKzIXTYMCQepyMy1EGjAkXqMjcNhxIABIBAoQCAAAAEAAAGIA"
  const auto ctx = context("eu-west-3", "123456789012", token_c);
  ss::create_secret create;
  create.name = "prod/app_1+x=y.z@w-q";
  create.client_request_token = token_e;
  create.description = "";
  create.secret_binary = ss::binary{'v', '1'};
  const ss::secret s = created(create, ctx);

  ss::put_secret_value put;
  put.secret_id = partial_arn(s);
  put.client_request_token = token_c;
  put.secret_string = "v2";
  put.version_stages = std::vector<std::string>{std::string(257, 'x')};
  check_error(ss::apply(s, put, raw(ctx)), "ValidationException", too_long_label_message);
}

TEST_CASE("regression 0005c: PutSecretValue without a value and with a 257-character label") {
  // RC_PARAMS="reproduce=BIEU1R3UlNmclRnVhxWdlByLgUFckFGdlNVZjJXZ0ByLgUFckFGdlNVZjJXZ0ZVZyNXav52U0F2ZlByclFXdl52YlNHc905nCzlgjAXPd+pwcJ4Iw1TnfKMXCOCc905nCzlgjAIgBAwDOAAAAQAAAogA"
  const auto ctx = context("us-east-1", "000000000042", token_a);
  ss::create_secret create;
  create.name = "db";
  create.secret_string = "v1";
  const ss::secret s = created(create, ctx);

  ss::put_secret_value put;
  put.secret_id = partial_arn(s);
  put.client_request_token = "35000000-0000-4000-8000-000000000035";
  put.version_stages = std::vector<std::string>{std::string(257, 'x')};
  check_error(ss::apply(s, put, raw(ctx)), "ValidationException", too_long_label_message);
}

}  // namespace regression_0005_version_stages_item_member_name
