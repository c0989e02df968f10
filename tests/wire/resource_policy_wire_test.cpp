// The four resource-policy operations on the wire (aws_json.hpp): reading their requests,
// writing their responses, and one exchange each end to end. Expected bodies are typed from the
// API model's shapes and docs/semantics.md#resource-policies, never from the library.
#include <string>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <secretstage/aws_json.hpp>

#include "wire/wire_support.hpp"

// Its own namespace: the batched build (SECRETSTAGE_FAST_TEST_BUILD) joins test files.
namespace resource_policy_wire_test {

namespace ss = secretstage;
namespace aj = ss::aws_json;
using ss::testing::wire::at_ms;
using ss::testing::wire::null_at;
using ss::testing::wire::one_violation;
using ss::testing::wire::parse_error;
using ss::testing::wire::parsed;
using json = nlohmann::json;

namespace {
const std::string policy =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"secretsmanager:GetSecretValue","Resource":"*"}]})";
const std::string everyone =
    R"({"Statement":{"Effect":"Allow","Principal":"*","Action":"secretsmanager:GetSecretValue","Resource":"*"}})";

std::string body(const json& j) { return j.dump(); }

/// A store with secret "app", through the wire.
ss::store with_app() {
  const auto made = aj::handle(ss::store{}, "CreateSecret",
                               R"({"Name":"app","SecretString":"v","ClientRequestToken":"11111111-1111-4111-8111-111111111111"})",
                               at_ms(1'000));
  REQUIRE(made.answer.status == 200);
  return made.store;
}
}  // namespace

TEST_CASE("wire: the four operations are known by their AWS names") {
  for (const char* op : {"PutResourcePolicy", "GetResourcePolicy", "DeleteResourcePolicy", "ValidateResourcePolicy"}) {
    CAPTURE(op);
    CHECK(aj::operation_from_target(std::string("secretsmanager.") + op).has_value());
  }
  CHECK(ss::operation_mutates("PutResourcePolicy"));
  CHECK(ss::operation_mutates("DeleteResourcePolicy"));
  CHECK_FALSE(ss::operation_mutates("GetResourcePolicy"));
  CHECK_FALSE(ss::operation_mutates("ValidateResourcePolicy"));
}

TEST_CASE("wire: reading PutResourcePolicy and ValidateResourcePolicy") {
  const auto put = parsed<ss::put_resource_policy>(
      "PutResourcePolicy", body({{"SecretId", "app"}, {"ResourcePolicy", policy}, {"BlockPublicPolicy", true}}));
  CHECK(put.secret_id == "app");
  CHECK(put.resource_policy == policy);
  CHECK(put.block_public_policy);
  CHECK_FALSE(parsed<ss::put_resource_policy>("PutResourcePolicy", body({{"SecretId", "a"}, {"ResourcePolicy", "x"}}))
                  .block_public_policy);
  const auto v = parsed<ss::validate_resource_policy>("ValidateResourcePolicy", body({{"ResourcePolicy", "x"}}));
  CHECK_FALSE(v.secret_id.has_value());
  CHECK(parsed<ss::validate_resource_policy>("ValidateResourcePolicy",
                                             body({{"ResourcePolicy", "x"}, {"SecretId", "s"}}))
            .secret_id == std::optional<std::string>("s"));
  SUBCASE("required members, all violations together") {
    const auto e = parse_error("PutResourcePolicy", "{}");
    CHECK(e.code == ss::errc::validation);
    CHECK(e.message == "2 validation errors detected: " + null_at("secretId") + "; " + null_at("resourcePolicy"));
    CHECK(parse_error("ValidateResourcePolicy", R"({"SecretId":"a"})").message ==
          one_violation(null_at("resourcePolicy")));
  }
  SUBCASE("types: a string for BlockPublicPolicy, a number for ResourcePolicy") {
    const auto b = parse_error("PutResourcePolicy", R"({"SecretId":"a","ResourcePolicy":"x","BlockPublicPolicy":"true"})");
    CHECK(b.code == ss::errc::serialization);
    CHECK(b.message == "Unexpected token received from parser");
    const auto n = parse_error("PutResourcePolicy", R"({"SecretId":"a","ResourcePolicy":1})");
    CHECK(n.message == "NUMBER_VALUE cannot be converted to String");
  }
}

TEST_CASE("wire: GetResourcePolicy has ResourcePolicy only while a policy is attached") {
  ss::store st = with_app();
  const std::string arn = st.find("app")->arn().str();
  auto got = aj::handle(st, "GetResourcePolicy", R"({"SecretId":"app"})", at_ms(2'000));
  CHECK(got.answer.status == 200);
  CHECK(json::parse(got.answer.body) == json({{"ARN", arn}, {"Name", "app"}}));
  auto put = aj::handle(st, "PutResourcePolicy", body({{"SecretId", "app"}, {"ResourcePolicy", policy}}), at_ms(3'000));
  CHECK(put.answer.status == 200);
  CHECK(json::parse(put.answer.body) == json({{"ARN", arn}, {"Name", "app"}}));
  got = aj::handle(put.store, "GetResourcePolicy", R"({"SecretId":"app"})", at_ms(4'000));
  CHECK(json::parse(got.answer.body) == json({{"ARN", arn}, {"Name", "app"}, {"ResourcePolicy", policy}}));
  auto deleted = aj::handle(put.store, "DeleteResourcePolicy", R"({"SecretId":"app"})", at_ms(5'000));
  CHECK(json::parse(deleted.answer.body) == json({{"ARN", arn}, {"Name", "app"}}));
  got = aj::handle(deleted.store, "GetResourcePolicy", R"({"SecretId":"app"})", at_ms(6'000));
  CHECK(json::parse(got.answer.body) == json({{"ARN", arn}, {"Name", "app"}}));
}

TEST_CASE("wire: ValidateResourcePolicy's answer always has both members") {
  const ss::store st = with_app();
  auto passed = aj::handle(st, "ValidateResourcePolicy", body({{"ResourcePolicy", policy}}), at_ms(2'000));
  CHECK(passed.answer.status == 200);
  CHECK(passed.answer.body == R"({"PolicyValidationPassed":true,"ValidationErrors":[]})");
  auto broad = aj::handle(st, "ValidateResourcePolicy", body({{"SecretId", "app"}, {"ResourcePolicy", everyone}}),
                          at_ms(2'000));
  CHECK(json::parse(broad.answer.body) ==
        json({{"PolicyValidationPassed", false},
              {"ValidationErrors",
               {{{"CheckName", "BROAD_ACCESS"},
                 {"ErrorMessage",
                  "This resource policy grants broad access to your secret. Secrets Manager does not allow "
                  "creating and applying such policies in the console."}}}}}));
}

TEST_CASE("wire: the policy errors as AWS sends them") {
  const ss::store st = with_app();
  auto blocked = aj::handle(st, "PutResourcePolicy",
                            body({{"SecretId", "app"}, {"ResourcePolicy", everyone}, {"BlockPublicPolicy", true}}),
                            at_ms(2'000));
  CHECK(blocked.answer.status == 400);
  CHECK(json::parse(blocked.answer.body) ==
        json({{"__type", "PublicPolicyException"},
              {"Message", "You can't attach a resource-based policy that allows broad access to the secret."}}));
  CHECK(blocked.store == st);
  auto malformed = aj::handle(st, "ValidateResourcePolicy", body({{"ResourcePolicy", "{"}}), at_ms(2'000));
  CHECK(malformed.answer.status == 400);
  CHECK(json::parse(malformed.answer.body) ==
        json({{"__type", "MalformedPolicyDocumentException"}, {"Message", "This policy has invalid syntax."}}));
}

}  // namespace resource_policy_wire_test
