// Regression 0003: a SecretId with characters outside [A-Za-z0-9/_+=.@-] (and not an ARN) in a
// request that also breaks a length constraint of a later member.
//
// Expected: the length error — the property-test brief's order (lengths; then name characters),
// which is also how AWS answers: its framework validates every member's length before the service
// reads the request; CreateSecret already checks Name's characters after every length.
// [the lead's ruling, docs/semantics.md#validation; refmodel::ruling::name_chars_after_all_lengths]
// Library at a05e811: ValidationException "Invalid name. …" — PutSecretValue, UpdateSecret and
// UpdateSecretVersionStage checked the SecretId's characters right after its length; the working
// tree after a05e811 checks them after every length, and these pass.
//
// Shrunk counterexamples of tests/property/stateful_secret_test.cpp,
// "PutSecretValue / UpdateSecret / UpdateSecretVersionStage sequences".

#include "support/regression.hpp"

// Its own namespace: the batched build (SECRETSTAGE_FAST_TEST_BUILD) joins test files.
namespace regression_0003_lengths_before_secret_id_characters {

using namespace regression;

TEST_CASE("regression 0003a: UpdateSecret, invalid SecretId characters and a 31-character token") {
  // Found while exploring with an earlier revision of the test (seed not recorded).
  const auto ctx = context("eu-west-3", "000000000042", token_e);
  ss::create_secret create;
  create.name = "svc-a1b2c3";
  create.client_request_token = token_c;
  const ss::secret s = created(create, ctx);

  ss::update_secret update;
  update.secret_id = "svc-a1b2c3!";
  update.client_request_token = std::string(31, 's');
  update.description = "second";
  update.kms_key_id = "alias/k2";
  check_error(ss::apply(s, update, ctx), "ValidationException",
              validation("clientRequestToken", "greater than or equal to 32"));
}

TEST_CASE("regression 0003b: UpdateSecret, invalid SecretId characters and a 65-character token") {
  // RC_PARAMS="reproduce=BIEU1R3UlNmclRnVhxWdlByLgUFckFGdlNVZjJXZ0ByLgUFckFGdlNVZjJXZ0ZVZyNXav52U0F2ZlByclFXdl52YlN3FRV0IE258DeRUFNChdO_gXEVRjQYnzP4FRV0IE258DCIgACIgACYAAITMAAAAEAAAUEA"
  const auto ctx = context("us-east-1", "123456789012", token_b);
  ss::create_secret create;
  create.name = "svc-a1b2c3";
  create.client_request_token = token_e;
  create.secret_string = "v1";
  const ss::secret s = created(create, ctx);

  ss::update_secret update;
  update.secret_id = "a*b";
  update.client_request_token = std::string(65, 'l');
  update.secret_string = "";
  auto with_sdk = ctx;
  with_sdk.generated_token = "36000000-0000-4000-8000-000000000036";
  check_error(ss::apply(s, update, with_sdk), "ValidationException",
              validation("clientRequestToken", "less than or equal to 64"));
}

TEST_CASE(
    "regression 0003c: PutSecretValue, invalid SecretId characters and a 257-character label") {
  // RC_PARAMS="reproduce=BIEU1R3UlNmclRnVhxWdlByLgUFckFGdlNVZjJXZ0ByLgUFckFGdlNVZjJXZ0ZVZyNXav52U0F2ZlByclFXdl52YlNnKK4TGugnkkqiC+khL4JJpqogPZ4CeSSqKK4TGugnkkCIgACIEAECIAAAAFAAAVIQA"
  const auto ctx = context("us-east-1", "000000000042", token_d);
  ss::create_secret create;
  create.name = "prod/app_1+x=y.z@w-q";
  create.secret_binary = ss::binary{'v', '1'};
  const ss::secret s = created(create, ctx);

  ss::put_secret_value put;
  put.secret_id = "prod/app_1+x=y.z@w-q!";
  put.client_request_token = "30000000-0000-4000-8000-000000000030";
  put.secret_binary = ss::binary{0x7f};
  put.version_stages = std::vector<std::string>{std::string(257, 'x')};
  check_error(ss::apply(s, put, raw(ctx)), "ValidationException",
              validation("versionStages", "less than or equal to 256"));
}

}  // namespace regression_0003_lengths_before_secret_id_characters
