// Bad input: every class of it gets AWS's exception type and exact text (messages.hpp cites the
// evidence and tags the rulings), never an exception out of the adapter, and handle() then
// answers with the store it was given, unchanged.
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <secretstage/aws_json.hpp>

#include "support/aws_text.hpp"
#include "wire/wire_support.hpp"

// Its own namespace: the batched build (SECRETSTAGE_FAST_TEST_BUILD) joins test files.
namespace errors_test {

namespace ss = secretstage;
namespace aj = secretstage::aws_json;
namespace text = secretstage::testing::aws_text;
using ss::testing::vid;
using ss::testing::wire::enum_at;
using ss::testing::wire::filter_keys;
using ss::testing::wire::null_at;
using ss::testing::wire::one_violation;
using ss::testing::wire::parse_error;

namespace {

struct bad_request {
  std::string operation;
  std::string body;
  std::string type;     // the exception's __type
  std::string message;  // its exact Message ("" = none)
};

const std::string serialization = "SerializationException";
const std::string validation = "ValidationException";

std::string two_violations(std::string_view a, std::string_view b) {
  return "2 validation errors detected: " + std::string(a) + "; " + std::string(b);
}

/// Bodies that are not one readable JSON value: SerializationException without a message.
std::vector<bad_request> malformed() {
  std::vector<bad_request> out;
  for (std::string body : {"{",
                           "}",
                           "{\"SecretId\":",
                           "{\"SecretId\":\"a\"",
                           "{\"SecretId\":\"a\",}",
                           "{'SecretId':'a'}",
                           "{SecretId:\"a\"}",
                           "{\"SecretId\":\"a\"} x",
                           "{\"SecretId\":\"a\"}{}",
                           "/* c */{}",
                           "{\"SecretId\":\"\\x\"}",
                           "{\"SecretId\":\"\\ud800\"}",
                           "{\"SecretId\":\"a\tb\"}",
                           "{\"SecretId\":\"\xff\"}",
                           "{\"SecretId\":\"\xc0\xaf\"}",
                           "{\"SecretId\":\"\xed\xa0\x80\"}",
                           "\xff{}",
                           "{\"SecretId\":NaN}",
                           "{\"SecretId\":01}",
                           "[",
                           "nul"}) {
    out.push_back({"GetSecretValue", body, serialization, ""});
  }
  out.push_back({"GetSecretValue", std::string("{\"SecretId\":\"a\"}\0", 17), serialization, ""});
  return out;
}

/// A member of the wrong JSON type, for every model type: AWS's deserializer texts.
std::vector<bad_request> wrong_types() {
  const auto ser = [](std::string op, std::string body, std::string message) {
    return bad_request{std::move(op), std::move(body), serialization, std::move(message)};
  };
  const std::string start = "Start of structure or map found where not expected";
  const std::string field = "Unexpected field type";
  return {
      // string
      ser("GetSecretValue", R"({"SecretId": 5})", "NUMBER_VALUE cannot be converted to String"),
      ser("GetSecretValue", R"({"SecretId": -5.5})", "DECIMAL_VALUE cannot be converted to String"),
      ser("GetSecretValue", R"({"SecretId": 1e3})", "DECIMAL_VALUE cannot be converted to String"),
      ser("GetSecretValue", R"({"SecretId": true})", "TRUE_VALUE cannot be converted to String"),
      ser("GetSecretValue", R"({"SecretId": false})", "FALSE_VALUE cannot be converted to String"),
      ser("GetSecretValue", R"({"SecretId": ["a"]})",
          "Unrecognized collection type class java.lang.String"),
      ser("GetSecretValue", R"({"SecretId": {}})", start),
      ser("GetSecretValue", R"({"SecretId": "a", "VersionStage": 1})",
          "NUMBER_VALUE cannot be converted to String"),
      // boolean
      ser("ListSecretVersionIds", R"({"SecretId": "a", "IncludeDeprecated": "true"})",
          "Unexpected token received from parser"),
      ser("ListSecretVersionIds", R"({"SecretId": "a", "IncludeDeprecated": 1})",
          "NUMBER_VALUE cannot be converted to Boolean"),
      ser("ListSecretVersionIds", R"({"SecretId": "a", "IncludeDeprecated": 0.5})",
          "DECIMAL_VALUE cannot be converted to Boolean"),
      ser("ListSecretVersionIds", R"({"SecretId": "a", "IncludeDeprecated": []})",
          "Unrecognized collection type class java.lang.Boolean"),
      ser("ListSecretVersionIds", R"({"SecretId": "a", "IncludeDeprecated": {}})", start),
      ser("GetRandomPassword", R"({"RequireEachIncludedType": "false"})",
          "Unexpected token received from parser"),
      // integer
      ser("ListSecrets", R"({"MaxResults": "5"})", "STRING_VALUE cannot be converted to Integer"),
      ser("ListSecrets", R"({"MaxResults": true})", "TRUE_VALUE cannot be converted to Integer"),
      ser("ListSecrets", R"({"MaxResults": false})", "FALSE_VALUE cannot be converted to Integer"),
      ser("ListSecrets", R"({"MaxResults": [5]})",
          "Unrecognized collection type class java.lang.Integer"),
      ser("ListSecrets", R"({"MaxResults": {}})", start),
      // long
      ser("DeleteSecret", R"({"SecretId": "a", "RecoveryWindowInDays": "7"})",
          "STRING_VALUE cannot be converted to Long"),
      ser("DeleteSecret", R"({"SecretId": "a", "RecoveryWindowInDays": true})",
          "TRUE_VALUE cannot be converted to Long"),
      ser("DeleteSecret", R"({"SecretId": "a", "RecoveryWindowInDays": []})",
          "Unrecognized collection type class java.lang.Long"),
      ser("GetRandomPassword", R"({"PasswordLength": {"n": 1}})", start),
      ser("RotateSecret", R"({"SecretId": "a", "RotationRules": {"AutomaticallyAfterDays": "30"}})",
          "STRING_VALUE cannot be converted to Long"),
      // blob
      ser("PutSecretValue", R"({"SecretId": "a", "SecretBinary": true})",
          "only base-64-encoded strings are convertible to bytes"),
      ser("PutSecretValue", R"({"SecretId": "a", "SecretBinary": 5})",
          "only base-64-encoded strings are convertible to bytes"),
      ser("PutSecretValue", R"({"SecretId": "a", "SecretBinary": 5.5})",
          "only base-64-encoded strings are convertible to bytes"),
      ser("PutSecretValue", R"({"SecretId": "a", "SecretBinary": []})",
          "Unrecognized collection type class java.nio.ByteBuffer"),
      ser("PutSecretValue", R"({"SecretId": "a", "SecretBinary": {}})", start),
      ser("PutSecretValue", R"({"SecretId": "a", "SecretBinary": "23456"})",
          "Base64 encoded length is expected a multiple of 4 bytes but found: 5"),
      ser("PutSecretValue", R"({"SecretId": "a", "SecretBinary": "=+/="})",
          "Invalid last non-pad Base64 character dectected"),
      ser("PutSecretValue", R"({"SecretId": "a", "SecretBinary": "+/+="})",
          "Invalid last non-pad Base64 character dectected"),
      ser("UpdateSecret", R"({"SecretId": "a", "SecretBinary": "ab!d"})",
          "Invalid Base64 character: '!'"),
      ser("CreateSecret", R"({"Name": "a", "SecretBinary": "a\u00e9cd"})",
          "Invalid Base64 character: '\xc3\xa9'"),
      ser("CreateSecret", R"({"Name": "a", "SecretBinary": "a\u00e9c"})",
          "Base64 encoded length is expected a multiple of 4 bytes but found: 3"),
      // list
      ser("PutSecretValue", R"({"SecretId": "a", "VersionStages": "AWSCURRENT"})", field),
      ser("PutSecretValue", R"({"SecretId": "a", "VersionStages": 5})", field),
      ser("PutSecretValue", R"({"SecretId": "a", "VersionStages": true})", field),
      ser("PutSecretValue", R"({"SecretId": "a", "VersionStages": {}})", start),
      ser("PutSecretValue", R"({"SecretId": "a", "VersionStages": ["A", 5]})",
          "NUMBER_VALUE cannot be converted to String"),
      ser("PutSecretValue", R"({"SecretId": "a", "VersionStages": [[]]})",
          "Unrecognized collection type class java.lang.String"),
      ser("UntagResource", R"({"SecretId": "a", "TagKeys": [{}]})", start),
      ser("BatchGetSecretValue", R"({"SecretIdList": "a"})", field),
      // structure, and lists of structures
      ser("RotateSecret", R"({"SecretId": "a", "RotationRules": "x"})", field),
      ser("RotateSecret", R"({"SecretId": "a", "RotationRules": 30})", field),
      ser("RotateSecret", R"({"SecretId": "a", "RotationRules": []})",
          "Unrecognized collection type class com.amazonaws.secretsmanager.RotationRulesType"),
      ser("TagResource", R"({"SecretId": "a", "Tags": [5]})", field),
      ser("TagResource", R"({"SecretId": "a", "Tags": [[]]})",
          "Unrecognized collection type class com.amazonaws.secretsmanager.Tag"),
      ser("TagResource", R"({"SecretId": "a", "Tags": [{"Key": 5}]})",
          "NUMBER_VALUE cannot be converted to String"),
      ser("TagResource", R"({"SecretId": "a", "Tags": {"Key": "k"}})", start),
      ser("ListSecrets", R"({"Filters": [[]]})",
          "Unrecognized collection type class com.amazonaws.secretsmanager.Filter"),
      ser("ListSecrets", R"({"Filters": [{"Key": "name", "Values": "x"}]})", field),
      ser("ListSecrets", R"({"Filters": [{"Key": "name", "Values": [true]}]})",
          "TRUE_VALUE cannot be converted to String"),
      ser("ListSecrets", R"({"SortOrder": 1})", "NUMBER_VALUE cannot be converted to String"),
      // members of the service the model does not implement are still type-checked
      ser("CreateSecret", R"({"Name": "a", "AddReplicaRegions": [{"Region": 5}]})",
          "NUMBER_VALUE cannot be converted to String"),
      ser("CreateSecret", R"({"Name": "a", "AddReplicaRegions": [[]]})",
          "Unrecognized collection type class com.amazonaws.secretsmanager.ReplicaRegionType"),
      ser("CreateSecret", R"({"Name": "a", "ForceOverwriteReplicaSecret": "yes"})",
          "Unexpected token received from parser"),
      ser("CreateSecret", R"({"Name": "a", "Type": 5})",
          "NUMBER_VALUE cannot be converted to String"),
      ser("PutSecretValue", R"({"SecretId": "a", "RotationToken": true})",
          "TRUE_VALUE cannot be converted to String"),
      ser("RotateSecret", R"({"SecretId": "a", "ExternalSecretRotationMetadata": "x"})", field),
      ser("ListSecrets", R"({"SortBy": 5})", "NUMBER_VALUE cannot be converted to String"),
      // the first mismatch in the model's member order decides; any beats a missing member
      ser("PutSecretValue", R"({"SecretString": true, "SecretId": 5})",
          "NUMBER_VALUE cannot be converted to String"),
      ser("PutSecretValue", R"({"VersionStages": 5})", field),
      ser("UpdateSecretVersionStage", R"({"MoveToVersionId": []})",
          "Unrecognized collection type class java.lang.String"),
      // a body that is JSON but not an object
      ser("GetSecretValue", "[]",
          "Unrecognized collection type class com.amazonaws.secretsmanager.GetSecretValueRequest"),
      ser("ListSecrets", "[{}]",
          "Unrecognized collection type class com.amazonaws.secretsmanager.ListSecretsRequest"),
      ser("GetSecretValue", "\"SecretId\"", field),
      ser("GetSecretValue", "5", field),
      ser("GetSecretValue", "true", field),
  };
}

/// Constraint violations the adapter reports (missing members, enum values), all together.
std::vector<bad_request> violations() {
  const auto val = [](std::string op, std::string body, std::string message) {
    return bad_request{std::move(op), std::move(body), validation, std::move(message)};
  };
  return {
      val("CreateSecret", "{}", one_violation(null_at("name"))),
      val("PutSecretValue", "{}", one_violation(null_at("secretId"))),
      val("UpdateSecret", R"({"SecretString": "x"})", one_violation(null_at("secretId"))),
      val("UpdateSecretVersionStage", "{}",
          two_violations(null_at("secretId"), null_at("versionStage"))),
      val("UpdateSecretVersionStage", R"({"SecretId": "a", "VersionStage": null})",
          one_violation(null_at("versionStage"))),
      val("RotateSecret", "{}", one_violation(null_at("secretId"))),
      val("CancelRotateSecret", "{}", one_violation(null_at("secretId"))),
      val("DeleteSecret", R"({"ForceDeleteWithoutRecovery": true})",
          one_violation(null_at("secretId"))),
      val("RestoreSecret", "", one_violation(null_at("secretId"))),
      val("GetSecretValue", R"({"SecretId": null})", one_violation(null_at("secretId"))),
      val("GetSecretValue", "null", one_violation(null_at("secretId"))),
      val("GetSecretValue", R"({"secretId": "a"})", one_violation(null_at("secretId"))),
      val("ListSecretVersionIds", "{}", one_violation(null_at("secretId"))),
      val("DescribeSecret", R"({"Unknown": {"SecretId": "a"}})",
          one_violation(null_at("secretId"))),
      val("TagResource", "{}", two_violations(null_at("secretId"), null_at("tags"))),
      val("UntagResource", R"({"SecretId": "a"})", one_violation(null_at("tagKeys"))),
      // inside lists and structures
      val("PutSecretValue", R"({"SecretId": "a", "VersionStages": ["A", null]})",
          one_violation(null_at("versionStages.2.member"))),
      val("TagResource",
          R"({"SecretId": "a", "Tags": [{"Key": "k", "Value": "v"}, {"Value": "v"}]})",
          one_violation(null_at("tags.2.member.key"))),
      val("TagResource", R"({"SecretId": "a", "Tags": [null]})",
          one_violation(null_at("tags.1.member"))),
      val("BatchGetSecretValue", R"({"SecretIdList": [null]})",
          one_violation(null_at("secretIdList.1.member"))),
      val("ListSecrets", R"({"Filters": [{"Values": ["a"]}]})",
          one_violation(null_at("filters.1.member.key"))),
      val("ListSecrets", R"({"Filters": [{"Key": "name"}]})",
          one_violation(null_at("filters.1.member.values"))),
      val("ListSecrets", R"({"Filters": [{"Key": "name", "Values": ["a", null]}]})",
          one_violation(null_at("filters.1.member.values.2.member"))),
      // enums
      val("ListSecrets", R"({"SortOrder": "ASC"})",
          one_violation(enum_at("sortOrder", "ASC", "asc, desc"))),
      val("ListSecrets", R"({"SortBy": "size"})",
          one_violation(enum_at("sortBy", "size",
                                "created-date, last-accessed-date, last-changed-date, name"))),
      val("BatchGetSecretValue", R"({"Filters": [{"Key": "Name", "Values": ["a"]}]})",
          one_violation(enum_at("filters.1.member.key", "Name", filter_keys))),
      val("ListSecrets",
          R"({"SortOrder": "x", "Filters": [{"Key": "y\"", "Values": ["a"]}, {"Key": "name"}]})",
          "3 validation errors detected: " + enum_at("filters.1.member.key", "y\"", filter_keys) +
              "; " + null_at("filters.2.member.values") + "; " +
              enum_at("sortOrder", "x", "asc, desc")),
  };
}

/// What the model itself rejects, with AWS's lowerCamelCase member names.
std::vector<bad_request> model_checks() {
  const std::string token = vid(7);
  const std::string big(65537, 'x');
  std::string big_binary;  // base64 of 65537 zero bytes
  for (int i = 0; i < 65535 / 3; ++i) big_binary += "AAAA";
  big_binary += "AAA=";  // 2 more bytes: 65535 + 2 = 65537
  const auto range = [](std::string_view member, std::string_view value, std::string_view bound) {
    return "1 validation error detected: Value '" + std::string(value) + "' at '" +
           std::string(member) + "' failed to satisfy constraint: Member must have value " +
           std::string(bound);
  };
  return {
      {"PutSecretValue",
       R"({"SecretId": "a", "SecretString": ")" + big + R"(", "ClientRequestToken": ")" + token +
           "\"}",
       validation, text::at_most("secretString", 65536)},
      {"PutSecretValue",
       R"({"SecretId": "a", "SecretBinary": ")" + big_binary + R"(", "ClientRequestToken": ")" +
           token + "\"}",
       validation, text::at_most("secretBinary", 65536)},
      {"PutSecretValue",
       R"({"SecretId": "a", "SecretBinary": "", "ClientRequestToken": ")" + token + "\"}",
       validation, text::at_least("secretBinary", 1)},
      {"PutSecretValue",
       R"({"SecretId": "a", "SecretString": "x", "ClientRequestToken": ")" + std::string(65, 't') +
           "\"}",
       validation, text::at_most("clientRequestToken", 64)},
      {"PutSecretValue",
       R"({"SecretId": "a", "SecretString": "x", "VersionStages": [")" + std::string(257, 'L') +
           R"("], "ClientRequestToken": ")" + token + "\"}",
       validation, text::at_most("versionStages", 256)},
      {"UpdateSecretVersionStage",
       R"({"SecretId": "a", "VersionStage": ")" + std::string(257, 'L') + "\"}", validation,
       text::at_most("versionStage", 256)},
      {"UpdateSecretVersionStage",
       R"({"SecretId": "a", "VersionStage": "L", "MoveToVersionId": "short"})", validation,
       text::at_least("moveToVersionId", 32)},
      {"CreateSecret", R"({"Name": ")" + std::string(513, 'n') + "\"}", validation,
       text::at_most("name", 512)},
      {"CreateSecret", R"({"Name": "n", "Description": ")" + std::string(2049, 'd') + "\"}",
       validation, text::at_most("description", 2048)},
      {"GetSecretValue", R"({"SecretId": ""})", validation, text::at_least("secretId", 1)},
      {"GetSecretValue", R"({"SecretId": "bad name"})", validation, text::invalid_name},
      {"ListSecrets", R"({"MaxResults": 2147483648})", validation,
       range("maxResults", "2147483647", "less than or equal to 100")},
      {"ListSecrets", R"({"MaxResults": 0.5})", validation,
       range("maxResults", "0", "greater than or equal to 1")},
      {"RotateSecret",
       R"({"SecretId": "a", "RotationRules": {"AutomaticallyAfterDays": 1001}, "ClientRequestToken": ")" +
           token + "\"}",
       validation,
       range("rotationRules.automaticallyAfterDays", "1001", "less than or equal to 1000")},
      {"GetSecretValue", R"({"SecretId": "nope"})", "ResourceNotFoundException", text::not_found},
      {"PutSecretValue", R"({"SecretId": "a", "SecretString": "x"})", "InvalidRequestException",
       text::missing_token},
      {"RotateSecret", R"({"SecretId": "a"})", "InvalidParameterException", text::missing_token},
  };
}

std::vector<bad_request> everything() {
  std::vector<bad_request> all;
  for (auto* group : {&malformed, &wrong_types, &violations})
    for (auto& r : (*group)()) all.push_back(std::move(r));
  // Every one of the 23 operations is served: only names that are none answer this.
  for (std::string_view op : {"secretsmanager.GetSecretValue", "getSecretValue", "GetSecretValues",
                              "", "replicateSecretToRegions", "ReplicateSecretToRegion"})
    all.push_back({std::string(op), "{}", "UnknownOperationException", ""});
  return all;
}

std::string expected_body(const bad_request& r) {
  std::string out = "{\"__type\":\"" + r.type + "\"";
  if (!r.message.empty()) out += ",\"Message\":" + nlohmann::json(r.message).dump();
  return out + "}";
}

ss::store populated() {
  ss::store st;
  auto ctx = ss::testing::wire::at_ms(ss::testing::wire::example_ms);
  auto made = aj::handle(
      st, "CreateSecret",
      R"({"Name": "a", "SecretString": "v", "ClientRequestToken": ")" + vid(1) + "\"}", ctx);
  REQUIRE(made.answer.status == 200);
  return made.store;
}

}  // namespace

TEST_CASE("parse_request: the exact error for every class of bad input") {
  for (const auto& r : everything()) {
    CAPTURE(r.operation);
    CAPTURE(r.body);
    const ss::error e = parse_error(r.operation, r.body);
    CHECK(std::string(e.name()) == r.type);
    CHECK(e.message == r.message);
  }
}

TEST_CASE("handle: the store is unchanged on every error, the answer is the error body") {
  const ss::store st = populated();
  auto ctx = ss::testing::wire::at_ms(ss::testing::wire::example_ms + 1000);
  std::vector<bad_request> all = everything();
  for (auto& r : model_checks()) all.push_back(std::move(r));
  for (const auto& r : all) {
    CAPTURE(r.operation);
    CAPTURE(r.body.substr(0, 200));
    const auto x = aj::handle(st, r.operation, r.body, ctx);
    CHECK(x.store == st);
    CHECK(x.answer.status == 400);
    CHECK(x.answer.body == expected_body(r));
  }
}

TEST_CASE("an X-Amz-Target that names no operation") {
  for (std::string_view target :
       {"", "secretsmanager.", "secretsmanager.Unknown", "SecretsManager.GetSecretValue",
        "secretsmanager.getSecretValue", "secretsmanager.GetSecretValue ", "kms.Decrypt",
        "GetSecretValue", "secretsmanager.ReplicateSecretToRegion"}) {
    CAPTURE(target);
    auto op = aj::operation_from_target(target);
    REQUIRE_FALSE(op.has_value());
    CHECK(op.error().code == ss::errc::unknown_operation);
    CHECK(aj::error_body(op.error()) == R"({"__type":"UnknownOperationException"})");
    CHECK(aj::http_status(op.error()) == 400);
  }
}

TEST_CASE("Content-Type: application/x-amz-json-1.1 only, as AWS's JSON front end dispatches") {
  for (std::string_view accepted :
       {"application/x-amz-json-1.1", "Application/X-Amz-JSON-1.1", "application/x-amz-json-1.1; charset=utf-8",
        " application/x-amz-json-1.1 "}) {
    CAPTURE(accepted);
    CHECK(aj::check_content_type(accepted).has_value());
  }
  for (std::string_view refused : {"", "application/json", "application/x-amz-json-1.0", "text/plain",
                                   "application/x-amz-json-1.10", "application/x-amz-json-1", ";application/x-amz-json-1.1"}) {
    CAPTURE(refused);
    auto checked = aj::check_content_type(refused);
    REQUIRE_FALSE(checked.has_value());
    CHECK(aj::error_body(checked.error()) == R"({"__type":"UnknownOperationException"})");
    CHECK(aj::http_status(checked.error()) == 400);
  }
}

TEST_CASE("deep nesting is rejected before it is read, at any size") {
  const auto nested = [](std::size_t depth) {
    return std::string(depth, '[') + std::string(depth, ']');
  };
  CHECK(parse_error("GetSecretValue", std::string(10u << 20, '[')).code == ss::errc::serialization);
  CHECK(parse_error("GetSecretValue", std::string(10u << 20, '{')).code == ss::errc::serialization);
  // 64 levels in all are read (the unknown member is ignored); 65 are not.
  CHECK(aj::parse_request("GetSecretValue", R"({"SecretId": "a", "X": )" + nested(63) + "}")
            .has_value());
  const ss::error e =
      parse_error("GetSecretValue", R"({"SecretId": "a", "X": )" + nested(64) + "}");
  CHECK(e.code == ss::errc::serialization);
  CHECK(aj::error_body(e) == R"({"__type":"SerializationException"})");
}

TEST_CASE("ClientRequestToken: the caller's generated token, or AWS's raw-request error") {
  const ss::store st = populated();
  auto ctx = ss::testing::wire::at_ms(ss::testing::wire::example_ms + 1000);
  const std::string body = R"({"SecretId": "a", "SecretString": "v2"})";
  auto raw = aj::handle(st, "PutSecretValue", body, ctx);
  CHECK(raw.answer.body ==
        R"({"__type":"InvalidRequestException","Message":")" + text::missing_token + "\"}");
  ctx.generated_token = vid(2);
  auto sdk = aj::handle(st, "PutSecretValue", body, ctx);
  CHECK(sdk.answer.status == 200);
  CHECK(sdk.answer.body.find("\"VersionId\":\"" + vid(2) + "\"") != std::string::npos);
  CHECK(sdk.store.find("a")->find_version(vid(2)) != nullptr);
  CHECK(st.find("a")->find_version(vid(2)) == nullptr);  // the input store is untouched
}

TEST_CASE("error_body escapes the message; http_status is 400 but for InternalServiceError") {
  CHECK(aj::error_body({ss::errc::invalid_parameter, "a\"b\\c\nd\xe2\x80\x99"}) ==
        "{\"__type\":\"InvalidParameterException\",\"Message\":\"a\\\"b\\\\c\\nd\xe2\x80\x99\"}");
  CHECK(aj::error_body({ss::errc::invalid_request, "x\xff\x01"}) ==
        "{\"__type\":\"InvalidRequestException\",\"Message\":\"x\xef\xbf\xbd\\u0001\"}");
  CHECK(
      aj::error_body({ss::errc::resource_not_found, text::not_found}) ==
      R"({"__type":"ResourceNotFoundException","Message":"Secrets Manager can't find the specified secret."})");
  CHECK(aj::error_body({ss::errc::serialization, ""}) == R"({"__type":"SerializationException"})");
  for (int c = 1; c <= 16; ++c) {
    const auto code = static_cast<ss::errc>(c);
    CAPTURE(ss::exception_name(code));
    CHECK(aj::http_status({code, "m"}) == (code == ss::errc::internal_service_error ? 500 : 400));
  }
}

TEST_CASE("mutated AWS CLI bodies: nothing throws, every answer is JSON, errors change nothing") {
  const std::vector<std::pair<std::string, std::string>> seeds = {
      {"CreateSecret",
       R"({"Name": "b", "Description": "d", "SecretString": "{\"u\":\"x\"}", "Tags": [{"Key": "team", "Value": "blue"}], "ClientRequestToken": "39750de9-e007-4b70-be47-da25f7f32d2f"})"},
      {"CreateSecret",
       R"({"Name": "c", "SecretBinary": "AAH+/w==", "ClientRequestToken": "4153205b-f684-44d4-b904-b4fd40ae6ad9"})"},
      {"PutSecretValue",
       R"({"SecretId": "a", "SecretString": "v2", "VersionStages": ["AWSPENDING", "CUSTOM"], "ClientRequestToken": "e1027fb0-175a-4c31-8f2a-893315385fe7"})"},
      {"UpdateSecret",
       R"({"SecretId": "a", "Description": "new", "SecretString": "v3", "ClientRequestToken": "a063255b-c627-40e3-8fbc-58205047043e"})"},
      {"UpdateSecretVersionStage",
       R"({"SecretId": "a", "VersionStage": "AWSCURRENT", "RemoveFromVersionId": ")" + vid(1) +
           R"(", "MoveToVersionId": ")" + vid(1) + "\"}"},
      {"RotateSecret",
       R"({"SecretId": "a", "RotationLambdaARN": "arn:aws:lambda:us-east-1:123456789012:function:r", "RotationRules": {"AutomaticallyAfterDays": 30, "Duration": "2h"}, "RotateImmediately": false, "ClientRequestToken": "a5b56feb-3529-4392-8f2d-c63ef489d284"})"},
      {"CancelRotateSecret", R"({"SecretId": "a"})"},
      {"DeleteSecret", R"({"SecretId": "a", "RecoveryWindowInDays": 7})"},
      {"RestoreSecret", R"({"SecretId": "a"})"},
      {"GetSecretValue", R"({"SecretId": "a", "VersionStage": "AWSCURRENT"})"},
      {"BatchGetSecretValue",
       R"({"Filters": [{"Key": "name", "Values": ["a", "b"]}, {"Key": "tag-key", "Values": ["!team"]}], "MaxResults": 5})"},
      {"ListSecretVersionIds", R"({"SecretId": "a", "MaxResults": 10, "IncludeDeprecated": true})"},
      {"DescribeSecret", R"({"SecretId": "a"})"},
      {"ListSecrets",
       R"({"IncludePlannedDeletion": true, "MaxResults": 3, "Filters": [{"Key": "description", "Values": ["test"]}], "SortOrder": "desc"})"},
      {"TagResource",
       R"({"SecretId": "a", "Tags": [{"Key": "team", "Value": "red"}, {"Key": "empty", "Value": ""}]})"},
      {"UntagResource", R"({"SecretId": "a", "TagKeys": ["team", "env"]})"},
      {"GetRandomPassword",
       R"({"PasswordLength": 20, "ExcludeCharacters": "abc\"\\", "ExcludePunctuation": true, "IncludeSpace": true, "RequireEachIncludedType": false})"},
  };
  const ss::store st = populated();
  auto ctx = ss::testing::wire::at_ms(ss::testing::wire::example_ms + 1000);
  ctx.generated_token = vid(9);
  ctx.functions = ss::rotation_functions{"arn:aws:lambda:us-east-1:123456789012:function:r"};
  std::mt19937 rng(4);
  const std::string alphabet = "{}[]\":,0123456789.eE-+ tfn\\u\xff\xc3\xa9";
  std::size_t ok = 0, failed = 0;
  for (const auto& entry : seeds) {
    const std::string& operation = entry.first;
    const std::string& seed = entry.second;
    for (int i = 0; i < 400; ++i) {
      std::string body = seed;
      for (int edits = 1 + static_cast<int>(rng() % 3); edits > 0; --edits) {
        const std::size_t at = rng() % (body.size() + 1);
        switch (rng() % 3) {
          case 0:
            body.insert(at, 1, alphabet[rng() % alphabet.size()]);
            break;
          case 1:
            if (at < body.size()) body.erase(at, 1 + rng() % 4);
            break;
          default:
            if (at < body.size()) body[at] = alphabet[rng() % alphabet.size()];
            break;
        }
      }
      CAPTURE(operation);
      CAPTURE(body);
      aj::exchange<> x{st, {}};
      CHECK_NOTHROW(x = aj::handle(st, operation, body, ctx));
      if (x.answer.status == 200) {
        ++ok;
        CHECK((x.answer.body.empty() || nlohmann::json::accept(x.answer.body)));
      } else {
        ++failed;
        CHECK(x.store == st);
        REQUIRE(nlohmann::json::accept(x.answer.body));
        CHECK(nlohmann::json::parse(x.answer.body).contains("__type"));
      }
    }
  }
  CHECK(ok > 100);
  CHECK(failed > 1000);
}

}  // namespace errors_test
