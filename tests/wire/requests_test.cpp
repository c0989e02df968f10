// Every operation's request, read from the body the AWS CLI sends. The bodies below were captured
// from Debian's AWS CLI v2 (aws-cli/2.9.19; BatchGetSecretValue, which it predates, from the
// AWS CLI v1 with botocore 1.43) against a stub that logged them; only the secret data is ours.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include <secretstage/aws_json.hpp>

#include "wire/wire_support.hpp"

// Its own namespace: the batched build (SECRETSTAGE_FAST_TEST_BUILD) joins test files.
namespace requests_test {

namespace ss = secretstage;
using ss::testing::wire::parsed;

namespace {
const std::string example_token = "EXAMPLE1-90ab-cdef-fedc-ba987EXAMPLE";
}

TEST_CASE("operation_from_target maps X-Amz-Target to the operation") {
  for (std::string_view name : ss::aws_json::operation_names) {
    const std::string target = "secretsmanager." + std::string(name);
    auto op = ss::aws_json::operation_from_target(target);
    REQUIRE(op.has_value());
    CHECK(op.value() == name);
  }
}

TEST_CASE("CreateSecret") {
  const auto r = parsed<ss::create_secret>(
      "CreateSecret",
      R"json({"Name": "MyTestSecret", "Description": "My test secret", "KmsKeyId": "alias/mykey", "SecretString": "{\"user\":\"diego\",\"password\":\"EXAMPLE-PASSWORD\"}", "Tags": [{"Key": "team", "Value": "blue"}, {"Key": "env", "Value": "prod"}], "ClientRequestToken": "39750de9-e007-4b70-be47-da25f7f32d2f"})json");
  const ss::create_secret expected{
      .name = "MyTestSecret",
      .client_request_token = "39750de9-e007-4b70-be47-da25f7f32d2f",
      .description = "My test secret",
      .kms_key_id = "alias/mykey",
      .secret_string = R"({"user":"diego","password":"EXAMPLE-PASSWORD"})",
      .secret_binary = std::nullopt,
      .tags = std::vector<ss::tag>{{"team", "blue"}, {"env", "prod"}}};
  CHECK(r == expected);

  // --secret-binary fileb:// of the bytes 00 01 FE FF
  const auto b = parsed<ss::create_secret>(
      "CreateSecret",
      R"json({"Name": "MyBinarySecret", "SecretBinary": "AAH+/w==", "ClientRequestToken": "4153205b-f684-44d4-b904-b4fd40ae6ad9"})json");
  CHECK(b.name == "MyBinarySecret");
  CHECK(b.secret_binary == ss::binary{0x00, 0x01, 0xFE, 0xFF});
  CHECK_FALSE(b.secret_string.has_value());
  CHECK_FALSE(b.tags.has_value());
  CHECK(b.client_request_token == "4153205b-f684-44d4-b904-b4fd40ae6ad9");

  // The replication members are read (replication.hpp); Type, which the model does not
  // implement, is type-checked and left.
  const auto all = parsed<ss::create_secret>(
      "CreateSecret",
      R"json({"Name": "n", "AddReplicaRegions": [{"Region": "eu-west-1", "KmsKeyId": "k"}], "ForceOverwriteReplicaSecret": true, "Type": "x"})json");
  ss::create_secret want{.name = "n"};
  want.add_replica_regions = std::vector<ss::replica_region>{{"eu-west-1", "k"}};
  want.force_overwrite_replica_secret = true;
  CHECK(all == want);
}

TEST_CASE("PutSecretValue") {
  const auto r = parsed<ss::put_secret_value>(
      "PutSecretValue",
      R"json({"SecretId": "MyTestSecret", "SecretString": "v2", "VersionStages": ["AWSPENDING", "CUSTOM"], "ClientRequestToken": "e1027fb0-175a-4c31-8f2a-893315385fe7"})json");
  CHECK(r ==
        ss::put_secret_value{.secret_id = "MyTestSecret",
                             .client_request_token = "e1027fb0-175a-4c31-8f2a-893315385fe7",
                             .secret_string = "v2",
                             .secret_binary = std::nullopt,
                             .version_stages = std::vector<std::string>{"AWSPENDING", "CUSTOM"}});
  const auto b = parsed<ss::put_secret_value>(
      "PutSecretValue",
      R"json({"SecretId": "MyTestSecret", "ClientRequestToken": "EXAMPLE1-90ab-cdef-fedc-ba987EXAMPLE", "SecretBinary": "AAH+/w=="})json");
  CHECK(b == ss::put_secret_value{.secret_id = "MyTestSecret",
                                  .client_request_token = example_token,
                                  .secret_string = std::nullopt,
                                  .secret_binary = ss::binary{0x00, 0x01, 0xFE, 0xFF}});
  // RotationToken (cross-account rotation) has no effect in the model.
  CHECK(
      parsed<ss::put_secret_value>(
          "PutSecretValue",
          R"json({"SecretId": "s", "RotationToken": "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111"})json") ==
      ss::put_secret_value{.secret_id = "s"});
}

TEST_CASE("UpdateSecret") {
  const auto r = parsed<ss::update_secret>(
      "UpdateSecret",
      R"json({"SecretId": "MyTestSecret", "Description": "new", "SecretString": "v3", "ClientRequestToken": "a063255b-c627-40e3-8fbc-58205047043e"})json");
  CHECK(r == ss::update_secret{.secret_id = "MyTestSecret",
                               .client_request_token = "a063255b-c627-40e3-8fbc-58205047043e",
                               .description = "new",
                               .kms_key_id = std::nullopt,
                               .secret_string = "v3"});
  const auto k = parsed<ss::update_secret>(
      "UpdateSecret",
      R"json({"SecretId": "s", "KmsKeyId": "", "Type": "t", "SecretBinary": ""})json");
  CHECK(k == ss::update_secret{.secret_id = "s", .kms_key_id = "", .secret_binary = ss::binary{}});
}

TEST_CASE("UpdateSecretVersionStage") {
  const auto r = parsed<ss::update_secret_version_stage>(
      "UpdateSecretVersionStage",
      R"json({"SecretId": "MyTestSecret", "VersionStage": "AWSCURRENT", "RemoveFromVersionId": "EXAMPLE2-90ab-cdef-fedc-ba987EXAMPLE", "MoveToVersionId": "EXAMPLE1-90ab-cdef-fedc-ba987EXAMPLE"})json");
  CHECK(r == ss::update_secret_version_stage{
                 .secret_id = "MyTestSecret",
                 .version_stage = "AWSCURRENT",
                 .remove_from_version_id = "EXAMPLE2-90ab-cdef-fedc-ba987EXAMPLE",
                 .move_to_version_id = example_token});
}

TEST_CASE("RotateSecret") {
  const auto r = parsed<ss::rotate_secret>(
      "RotateSecret",
      R"json({"SecretId": "MyTestSecret", "RotationLambdaARN": "arn:aws:lambda:us-east-1:123456789012:function:MyRotation", "RotationRules": {"AutomaticallyAfterDays": 30, "Duration": "2h"}, "RotateImmediately": false, "ClientRequestToken": "a5b56feb-3529-4392-8f2d-c63ef489d284"})json");
  CHECK(r == ss::rotate_secret{
                 .secret_id = "MyTestSecret",
                 .client_request_token = "a5b56feb-3529-4392-8f2d-c63ef489d284",
                 .rotation_lambda_arn = "arn:aws:lambda:us-east-1:123456789012:function:MyRotation",
                 .rotation_rules = ss::rotation_rules{30, "2h", std::nullopt},
                 .rotate_immediately = false});
  const auto s = parsed<ss::rotate_secret>(
      "RotateSecret",
      R"json({"SecretId": "MyTestSecret", "RotationRules": {"ScheduleExpression": "cron(0 16 1,15 * ? *)"}, "ClientRequestToken": "a8b9f42c-5fd2-4c2b-b26e-223cab51acc7"})json");
  CHECK(s == ss::rotate_secret{.secret_id = "MyTestSecret",
                               .client_request_token = "a8b9f42c-5fd2-4c2b-b26e-223cab51acc7",
                               .rotation_lambda_arn = std::nullopt,
                               .rotation_rules = ss::rotation_rules{std::nullopt, std::nullopt,
                                                                    "cron(0 16 1,15 * ? *)"}});
  // External rotation members are not modelled.
  CHECK(
      parsed<ss::rotate_secret>(
          "RotateSecret",
          R"json({"SecretId": "x", "ExternalSecretRotationMetadata": [{"Key": "k", "Value": "v"}], "ExternalSecretRotationRoleArn": "arn:aws:iam::123456789012:role/r"})json") ==
      ss::rotate_secret{.secret_id = "x"});
}

TEST_CASE("CancelRotateSecret, RestoreSecret, DescribeSecret") {
  const std::string body = R"json({"SecretId": "MyTestSecret"})json";
  CHECK(parsed<ss::cancel_rotate_secret>("CancelRotateSecret", body) ==
        ss::cancel_rotate_secret{.secret_id = "MyTestSecret"});
  CHECK(parsed<ss::restore_secret>("RestoreSecret", body) ==
        ss::restore_secret{.secret_id = "MyTestSecret"});
  CHECK(parsed<ss::describe_secret>("DescribeSecret", body) ==
        ss::describe_secret{.secret_id = "MyTestSecret"});
}

TEST_CASE("DeleteSecret") {
  CHECK(parsed<ss::delete_secret>(
            "DeleteSecret", R"json({"SecretId": "MyTestSecret", "RecoveryWindowInDays": 7})json") ==
        ss::delete_secret{.secret_id = "MyTestSecret", .recovery_window_in_days = 7});
  CHECK(parsed<ss::delete_secret>(
            "DeleteSecret",
            R"json({"SecretId": "MyTestSecret", "ForceDeleteWithoutRecovery": true})json") ==
        ss::delete_secret{.secret_id = "MyTestSecret", .force_delete_without_recovery = true});
}

TEST_CASE("GetSecretValue") {
  CHECK(parsed<ss::get_secret_value>(
            "GetSecretValue",
            R"json({"SecretId": "MyTestSecret", "VersionStage": "AWSPREVIOUS"})json") ==
        ss::get_secret_value{.secret_id = "MyTestSecret", .version_stage = "AWSPREVIOUS"});
  CHECK(
      parsed<ss::get_secret_value>(
          "GetSecretValue",
          R"json({"SecretId": "MyTestSecret", "VersionId": "EXAMPLE1-90ab-cdef-fedc-ba987EXAMPLE"})json") ==
      ss::get_secret_value{.secret_id = "MyTestSecret", .version_id = example_token});
}

TEST_CASE("BatchGetSecretValue") {
  CHECK(parsed<ss::batch_get_secret_value>(
            "BatchGetSecretValue", R"json({"SecretIdList": ["MySecret1", "MySecret2"]})json") ==
        ss::batch_get_secret_value{.secret_id_list =
                                       std::vector<std::string>{"MySecret1", "MySecret2"}});
  const auto f = parsed<ss::batch_get_secret_value>(
      "BatchGetSecretValue",
      R"json({"Filters": [{"Key": "name", "Values": ["MySecret", "Other"]}, {"Key": "tag-key", "Values": ["!team"]}], "MaxResults": 5})json");
  CHECK(f == ss::batch_get_secret_value{
                 .secret_id_list = std::nullopt,
                 .filters = std::vector<ss::filter>{{ss::filter_key::name, {"MySecret", "Other"}},
                                                    {ss::filter_key::tag_key, {"!team"}}},
                 .max_results = 5});
  // Present but empty stays present: the model tells "neither" from "empty".
  CHECK(parsed<ss::batch_get_secret_value>("BatchGetSecretValue",
                                           R"json({"SecretIdList": []})json") ==
        ss::batch_get_secret_value{.secret_id_list = std::vector<std::string>{}});
}

TEST_CASE("ListSecretVersionIds") {
  CHECK(
      parsed<ss::list_secret_version_ids>(
          "ListSecretVersionIds",
          R"json({"SecretId": "MyTestSecret", "MaxResults": 10, "IncludeDeprecated": true})json") ==
      ss::list_secret_version_ids{.secret_id = "MyTestSecret",
                                  .max_results = 10,
                                  .next_token = std::nullopt,
                                  .include_deprecated = true});
  CHECK(parsed<ss::list_secret_version_ids>("ListSecretVersionIds",
                                            R"json({"SecretId": "MyTestSecret"})json") ==
        ss::list_secret_version_ids{.secret_id = "MyTestSecret"});
  CHECK(parsed<ss::list_secret_version_ids>("ListSecretVersionIds",
                                            R"json({"SecretId": "s", "NextToken": "tok"})json")
            .next_token == "tok");
}

TEST_CASE("ListSecrets") {
  CHECK(
      parsed<ss::list_secrets>(
          "ListSecrets",
          R"json({"IncludePlannedDeletion": true, "MaxResults": 3, "Filters": [{"Key": "description", "Values": ["test"]}], "SortOrder": "desc"})json") ==
      ss::list_secrets{.include_planned_deletion = true,
                       .max_results = 3,
                       .next_token = std::nullopt,
                       .filters = std::vector<ss::filter>{{ss::filter_key::description, {"test"}}},
                       .sort_order = ss::sort_order::desc});
  CHECK(parsed<ss::list_secrets>("ListSecrets", "{}") == ss::list_secrets{});
  // Every filter key of the model, and SortBy (checked, not modelled).
  const auto k = parsed<ss::list_secrets>(
      "ListSecrets",
      R"json({"SortOrder": "asc", "SortBy": "name", "Filters": [{"Key": "description", "Values": ["a"]}, {"Key": "name", "Values": ["b"]}, {"Key": "tag-key", "Values": ["c"]}, {"Key": "tag-value", "Values": ["d"]}, {"Key": "primary-region", "Values": ["e"]}, {"Key": "owning-service", "Values": ["f"]}, {"Key": "all", "Values": ["g"]}]})json");
  CHECK(k.sort_order == ss::sort_order::asc);
  REQUIRE(k.filters.has_value());
  const std::vector<ss::filter_key> keys = {
      ss::filter_key::description, ss::filter_key::name,           ss::filter_key::tag_key,
      ss::filter_key::tag_value,   ss::filter_key::primary_region, ss::filter_key::owning_service,
      ss::filter_key::all};
  REQUIRE(k.filters->size() == keys.size());
  for (std::size_t i = 0; i < keys.size(); ++i) CHECK((*k.filters)[i].key == keys[i]);
}

TEST_CASE("TagResource and UntagResource") {
  CHECK(
      parsed<ss::tag_resource>(
          "TagResource",
          R"json({"SecretId": "MyTestSecret", "Tags": [{"Key": "team", "Value": "red"}, {"Key": "empty", "Value": ""}]})json") ==
      ss::tag_resource{.secret_id = "MyTestSecret", .tags = {{"team", "red"}, {"empty", ""}}});
  CHECK(
      parsed<ss::untag_resource>(
          "UntagResource", R"json({"SecretId": "MyTestSecret", "TagKeys": ["team", "env"]})json") ==
      ss::untag_resource{.secret_id = "MyTestSecret", .tag_keys = {"team", "env"}});
  // A Tag without Value reads as the empty value (ruling).
  CHECK(parsed<ss::tag_resource>("TagResource",
                                 R"json({"SecretId": "s", "Tags": [{"Key": "k"}]})json") ==
        ss::tag_resource{.secret_id = "s", .tags = {{"k", ""}}});
}

TEST_CASE("GetRandomPassword") {
  CHECK(
      parsed<ss::get_random_password>(
          "GetRandomPassword",
          R"json({"PasswordLength": 20, "ExcludeCharacters": "abc\"\\", "ExcludePunctuation": true, "IncludeSpace": true, "RequireEachIncludedType": false})json") ==
      ss::get_random_password{.password_length = 20,
                              .exclude_characters = "abc\"\\",
                              .exclude_numbers = false,
                              .exclude_punctuation = true,
                              .exclude_uppercase = false,
                              .exclude_lowercase = false,
                              .include_space = true,
                              .require_each_included_type = false});
  CHECK(parsed<ss::get_random_password>("GetRandomPassword", "{}") == ss::get_random_password{});
  CHECK(
      parsed<ss::get_random_password>(
          "GetRandomPassword",
          R"json({"ExcludeNumbers": true, "ExcludeUppercase": true, "ExcludeLowercase": true})json") ==
      ss::get_random_password{
          .exclude_numbers = true, .exclude_uppercase = true, .exclude_lowercase = true});
}

TEST_CASE("JSON forms the CLI never sends are read all the same") {
  // Compact, escaped keys and values, a BOM, surrounding whitespace, non-ASCII text.
  CHECK(parsed<ss::get_secret_value>("GetSecretValue",
                                     "\xEF\xBB\xBF \n{\"Secret\\u0049d\":\"a\\/b\"}\n") ==
        ss::get_secret_value{.secret_id = "a/b"});
  CHECK(
      parsed<ss::put_secret_value>(
          "PutSecretValue", R"json({"SecretId":"s","SecretString":"\u00e9\ud83d\ude00\u0000"})json")
          .secret_string == std::string("\xc3\xa9\xf0\x9f\x98\x80\0", 7));
  // null reads as absent; a repeated member counts once, the last one.
  CHECK(parsed<ss::get_secret_value>(
            "GetSecretValue",
            R"json({"SecretId": "a", "VersionId": null, "VersionStage": null})json") ==
        ss::get_secret_value{.secret_id = "a"});
  CHECK(parsed<ss::get_secret_value>("GetSecretValue",
                                     R"json({"SecretId": "a", "SecretId": "b"})json") ==
        ss::get_secret_value{.secret_id = "b"});
  CHECK(parsed<ss::get_secret_value>(
            "GetSecretValue",
            R"json({"VersionStage": "x", "SecretId": "a", "VersionStage": null})json") ==
        ss::get_secret_value{.secret_id = "a"});
  // Unknown members, of any type and depth, are ignored; names are case-sensitive.
  CHECK(
      parsed<ss::get_secret_value>(
          "GetSecretValue",
          R"json({"secretId": 5, "SecretId": "a", "Extra": {"deep": [1, 2.5, {"x": null}], "t": true}, "versionStage": []})json") ==
      ss::get_secret_value{.secret_id = "a"});
  // Numbers: a fraction is truncated, an exponent applied.
  CHECK(parsed<ss::list_secrets>("ListSecrets", R"json({"MaxResults": 7.9})json").max_results == 7);
  CHECK(parsed<ss::list_secrets>("ListSecrets", R"json({"MaxResults": 1e2})json").max_results ==
        100);
  CHECK(parsed<ss::delete_secret>("DeleteSecret",
                                  R"json({"SecretId": "s", "RecoveryWindowInDays": -7.5})json")
            .recovery_window_in_days == -7);
  // An empty body, all whitespace, or null: no members.
  CHECK(parsed<ss::list_secrets>("ListSecrets", "") == ss::list_secrets{});
  CHECK(parsed<ss::list_secrets>("ListSecrets", " \r\n\t") == ss::list_secrets{});
  CHECK(parsed<ss::list_secrets>("ListSecrets", "null") == ss::list_secrets{});
  CHECK(parsed<ss::get_random_password>("GetRandomPassword", "") == ss::get_random_password{});
}

}  // namespace requests_test
