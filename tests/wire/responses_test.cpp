// Every response's exact body. The expected JSON is written from the API reference's response
// syntax (members in its order, which is byte order), its example dates (1.523477145713E9) and
// docs/semantics.md#wire-adapter (what is omitted when empty). Values (ARNs, tokens) come from the
// model's state; the shape, order, notation and escaping are what is checked.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <doctest/doctest.h>

#include <secretstage/aws_json.hpp>

#include "wire/wire_support.hpp"

// Its own namespace: the batched build (SECRETSTAGE_FAST_TEST_BUILD) joins test files.
namespace responses_test {

namespace ss = secretstage;
namespace aj = secretstage::aws_json;
using ss::testing::vid;

namespace {

/// A client of the adapter: each request one second after the previous one.
struct session {
  ss::store st;
  ss::context ctx = ss::testing::wire::at_ms(ss::testing::wire::example_ms);

  aj::reply send(std::string_view operation, std::string_view body) {
    auto x = aj::handle(st, operation, body, ctx);
    st = std::move(x.store);
    ctx.now.epoch_ms += 1000;
    return x.answer;
  }
  std::string arn(std::string_view name) const { return st.find(name)->arn().str(); }
};

/// `"<s>"` (test values need no escaping).
std::string q(std::string_view s) { return "\"" + std::string(s) + "\""; }

const std::string T1 = vid(1), T2 = vid(2), T3 = vid(3), T4 = vid(4);
const std::string all_bytes_base64 =
    "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+P0BBQkNE"
    "RUZHSElKS0xNTk9QUVJTVFVWV1hZWltcXV5fYGFiY2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl6e3x9fn+AgYKDhIWGh4iJ"
    "iouMjY6PkJGSk5SVlpeYmZqbnJ2en6ChoqOkpaanqKmqq6ytrq+wsbKztLW2t7i5uru8vb6/wMHCw8TFxsfIycrLzM3O"
    "z9DR0tPU1dbX2Nna29zd3t/g4eLj5OXm5+jp6uvs7e7v8PHy8/T19vf4+fr7/P3+/w==";

}  // namespace

TEST_CASE("format_date writes epoch seconds as Java's Double.toString does") {
  CHECK(aj::format_date({1'523'477'145'713}) == "1.523477145713E9");  // the API reference's example
  CHECK(aj::format_date({1'524'085'349'095}) == "1.524085349095E9");
  CHECK(aj::format_date({1'525'747'253'720}) == "1.52574725372E9");
  CHECK(aj::format_date({1'523'404'800'000}) == "1.5234048E9");  // a LastAccessedDate (midnight)
  CHECK(aj::format_date({1'000'000'000'000}) == "1.0E9");
  CHECK(aj::format_date({10'000'000'000'000}) == "1.0E10");
  CHECK(aj::format_date({10'000'000'000}) == "1.0E7");
  CHECK(aj::format_date({9'999'999'999}) == "9999999.999");  // below 10^7: plain notation
  CHECK(aj::format_date({1500}) == "1.5");
  CHECK(aj::format_date({1000}) == "1.0");
  CHECK(aj::format_date({1}) == "0.001");
  CHECK(aj::format_date({0}) == "0.0");
  CHECK(aj::format_date({-1500}) == "-1.5");
}

TEST_CASE("a story through the adapter: each answer's exact body") {
  session s;
  // t0 = 1.523477145713E9
  auto r = s.send(
      "CreateSecret",
      R"({"Name": "MyTestSecret", "SecretString": "v1", "ClientRequestToken": ")" + T1 + "\"}");
  const std::string A = s.arn("MyTestSecret");
  CHECK(r.status == 200);
  CHECK(r.body == R"({"ARN":)" + q(A) + R"(,"Name":"MyTestSecret","VersionId":)" + q(T1) + "}");

  // t1: a secret without a value has no version: no VersionId.
  r = s.send("CreateSecret", R"({"Name": "Empty"})");
  const std::string A2 = s.arn("Empty");
  CHECK(r.body == R"({"ARN":)" + q(A2) + R"(,"Name":"Empty"})");

  // t2
  r = s.send(
      "PutSecretValue",
      R"({"SecretId": "MyTestSecret", "SecretString": "v2", "VersionStages": ["AWSPENDING", "CUSTOM"], "ClientRequestToken": ")" +
          T2 + "\"}");
  CHECK(r.body == R"({"ARN":)" + q(A) + R"(,"Name":"MyTestSecret","VersionId":)" + q(T2) +
                      R"(,"VersionStages":["AWSPENDING","CUSTOM"]})");

  // t3
  r = s.send(
      "UpdateSecretVersionStage",
      R"({"SecretId": "MyTestSecret", "VersionStage": "AWSCURRENT", "RemoveFromVersionId": ")" +
          T1 + R"(", "MoveToVersionId": ")" + T2 + "\"}");
  CHECK(r.body == R"({"ARN":)" + q(A) + R"(,"Name":"MyTestSecret"})");

  // t4: T2 was created at t2.
  r = s.send("GetSecretValue", R"({"SecretId": "MyTestSecret"})");
  CHECK(
      r.body ==
      R"({"ARN":)" + q(A) +
          R"(,"CreatedDate":1.523477147713E9,"Name":"MyTestSecret","SecretString":"v2","VersionId":)" +
          q(T2) + R"(,"VersionStages":["AWSCURRENT","AWSPENDING","CUSTOM"]})");

  // t5: a new version; t6: metadata only, no VersionId.
  r = s.send(
      "UpdateSecret",
      R"({"SecretId": "MyTestSecret", "Description": "d", "SecretString": "v3", "ClientRequestToken": ")" +
          T3 + "\"}");
  CHECK(r.body == R"({"ARN":)" + q(A) + R"(,"Name":"MyTestSecret","VersionId":)" + q(T3) + "}");
  r = s.send("UpdateSecret", R"({"SecretId": "MyTestSecret", "KmsKeyId": "alias/k"})");
  CHECK(r.body == R"({"ARN":)" + q(A) + R"(,"Name":"MyTestSecret"})");

  // t7: T1 is deprecated: listed without VersionStages; T2 was read on day 1.5234048E9.
  r = s.send("ListSecretVersionIds", R"({"SecretId": "MyTestSecret", "IncludeDeprecated": true})");
  CHECK(
      r.body ==
      R"({"ARN":)" + q(A) + R"(,"Name":"MyTestSecret","Versions":[)" +
          R"({"CreatedDate":1.523477150713E9,"KmsKeyIds":["alias/k"],"VersionId":)" + q(T3) +
          R"(,"VersionStages":["AWSCURRENT"]},)" +
          R"({"CreatedDate":1.523477147713E9,"KmsKeyIds":["alias/k"],"LastAccessedDate":1.5234048E9,"VersionId":)" +
          q(T2) + R"(,"VersionStages":["AWSPREVIOUS","CUSTOM"]},)" +
          R"({"CreatedDate":1.523477145713E9,"KmsKeyIds":["alias/k"],"VersionId":)" + q(T1) +
          "}]}");

  // t8: labelled versions only, oldest first.
  r = s.send("DescribeSecret", R"({"SecretId": "MyTestSecret"})");
  CHECK(
      r.body ==
      R"({"ARN":)" + q(A) +
          R"(,"CreatedDate":1.523477145713E9,"Description":"d","KmsKeyId":"alias/k","LastAccessedDate":1.5234048E9,"LastChangedDate":1.523477151713E9,"Name":"MyTestSecret","VersionIdsToStages":{)" +
          q(T2) + R"(:["AWSPREVIOUS","CUSTOM"],)" + q(T3) + R"(:["AWSCURRENT"]}})");
  // No version, no description: no VersionIdsToStages, no Description.
  r = s.send("DescribeSecret", R"({"SecretId": "Empty"})");
  CHECK(
      r.body ==
      R"({"ARN":)" + q(A2) +
          R"(,"CreatedDate":1.523477146713E9,"LastChangedDate":1.523477146713E9,"Name":"Empty"})");

  // A deprecated version read by VersionId has no VersionStages member.
  r = s.send("GetSecretValue", R"({"SecretId": "MyTestSecret", "VersionId": ")" + T1 + "\"}");
  CHECK(
      r.body ==
      R"({"ARN":)" + q(A) +
          R"(,"CreatedDate":1.523477145713E9,"Name":"MyTestSecret","SecretString":"v1","VersionId":)" +
          q(T1) + "}");

  // The top-level lists of a listing are always written, even empty.
  r = s.send("ListSecretVersionIds", R"({"SecretId": "Empty"})");
  CHECK(r.body == R"({"ARN":)" + q(A2) + R"(,"Name":"Empty","Versions":[]})");
  r = s.send("BatchGetSecretValue", R"({"SecretIdList": ["MyTestSecret", "Nope"]})");
  CHECK(
      r.body ==
      R"({"Errors":[{"ErrorCode":"ResourceNotFoundException","Message":"Secrets Manager can't find the specified secret.","SecretId":"Nope"}],"SecretValues":[{"ARN":)" +
          q(A) +
          R"(,"CreatedDate":1.523477150713E9,"Name":"MyTestSecret","SecretString":"v3","VersionId":)" +
          q(T3) + R"(,"VersionStages":["AWSCURRENT"]}]})");
  r = s.send("BatchGetSecretValue", R"({"SecretIdList": ["MyTestSecret"]})");
  CHECK(
      r.body ==
      R"({"Errors":[],"SecretValues":[{"ARN":)" + q(A) +
          R"(,"CreatedDate":1.523477150713E9,"Name":"MyTestSecret","SecretString":"v3","VersionId":)" +
          q(T3) + R"(,"VersionStages":["AWSCURRENT"]}]})");

  // TagResource and UntagResource have no output: 200 with an empty body.
  r = s.send("TagResource",
             R"({"SecretId": "MyTestSecret", "Tags": [{"Key": "k", "Value": "v"}]})");
  CHECK(r.status == 200);
  CHECK(r.body.empty());
  r = s.send("UntagResource", R"({"SecretId": "MyTestSecret", "TagKeys": ["k"]})");
  CHECK(r.status == 200);
  CHECK(r.body.empty());

  // A rotation with a registered function; the cancel reports the pending version.
  s.ctx.functions = ss::rotation_functions{"arn:aws:lambda:us-east-1:123456789012:function:rot"};
  r = s.send(
      "RotateSecret",
      R"({"SecretId": "MyTestSecret", "RotationLambdaARN": "arn:aws:lambda:us-east-1:123456789012:function:rot", "ClientRequestToken": ")" +
          T4 + "\"}");
  CHECK(r.body == R"({"ARN":)" + q(A) + R"(,"Name":"MyTestSecret","VersionId":)" + q(T4) + "}");
  r = s.send("CancelRotateSecret", R"({"SecretId": "MyTestSecret"})");
  CHECK(r.body == R"({"ARN":)" + q(A) + R"(,"Name":"MyTestSecret","VersionId":)" + q(T4) + "}");

  // Deletion date = request time + 7 days: t + 604800 s.
  const std::int64_t t = s.ctx.now.epoch_ms;
  r = s.send("DeleteSecret", R"({"SecretId": "Empty", "RecoveryWindowInDays": 7})");
  CHECK(r.body == R"({"ARN":)" + q(A2) + R"(,"DeletionDate":)" +
                      aj::format_date({t + 604'800'000}) + R"(,"Name":"Empty"})");
  CHECK(aj::format_date({t + 604'800'000}) == "1.524081963713E9");
  r = s.send("RestoreSecret", R"({"SecretId": "Empty"})");
  CHECK(r.body == R"({"ARN":)" + q(A2) + R"(,"Name":"Empty"})");
}

// LocalStack's AWS-validated test_secret_tags: DescribeSecret of a secret never tagged has no
// Tags member; once its last tag is removed it has "Tags":[].
TEST_CASE("Tags on the wire: absent until tagged, [] after the last tag is removed") {
  session s;
  s.send("CreateSecret", R"({"Name": "t"})");
  auto has = [&](std::string_view op, std::string_view needle) {
    const auto r = s.send(op, op == "ListSecrets" ? "{}" : R"({"SecretId": "t"})");
    CHECK(r.status == 200);
    return r.body.find(needle) != std::string::npos;
  };
  CHECK_FALSE(has("DescribeSecret", "\"Tags\""));
  CHECK_FALSE(has("ListSecrets", "\"Tags\""));
  CHECK(s.send("TagResource", R"({"SecretId": "t", "Tags": [{"Key": "tag1", "Value": "value1"}]})").status == 200);
  CHECK(has("DescribeSecret", R"("Tags":[{"Key":"tag1","Value":"value1"}])"));
  CHECK(s.send("UntagResource", R"({"SecretId": "t", "TagKeys": ["tag1"]})").status == 200);
  CHECK(has("DescribeSecret", R"("Tags":[])"));
  CHECK(has("ListSecrets", R"("Tags":[])"));
}

TEST_CASE("SecretBinary round-trips every byte value as base64") {
  session s;
  auto r = s.send("CreateSecret", R"({"Name": "bin", "SecretBinary": ")" + all_bytes_base64 +
                                      R"(", "ClientRequestToken": ")" + T1 + "\"}");
  REQUIRE(r.status == 200);
  const auto* secret = s.st.find("bin");
  REQUIRE(secret != nullptr);
  const auto* version = secret->find_version(T1);
  REQUIRE(version != nullptr);
  ss::binary all;
  for (int b = 0; b < 256; ++b) all.push_back(static_cast<std::uint8_t>(b));
  REQUIRE(version->value()->bytes() != nullptr);
  CHECK(*version->value()->bytes() == all);
  r = s.send("GetSecretValue", R"({"SecretId": "bin"})");
  CHECK(r.body == R"({"ARN":)" + q(s.arn("bin")) +
                      R"(,"CreatedDate":1.523477145713E9,"Name":"bin","SecretBinary":)" +
                      q(all_bytes_base64) + R"(,"VersionId":)" + q(T1) +
                      R"(,"VersionStages":["AWSCURRENT"]})");
}

TEST_CASE("strings are escaped; ill-formed UTF-8 from a state is replaced, never thrown") {
  session s;
  auto r = s.send(
      "CreateSecret",
      R"({"Name": "esc", "SecretString": "q\"b\\s/\n\t\u0001\u00e9\u2019\ud83d\ude00", "ClientRequestToken": ")" +
          T1 + "\"}");
  REQUIRE(r.status == 200);
  r = s.send("GetSecretValue", R"({"SecretId": "esc"})");
  CHECK(r.body.find(R"("SecretString":"q\"b\\s/\n\t\u0001)"
                    "\xc3\xa9\xe2\x80\x99\xf0\x9f\x98\x80\",") != std::string::npos);

  // A value set through the library (not the wire) may hold any bytes.
  ss::get_secret_value_response raw;
  raw.arn = ss::shared_text("arn:aws:secretsmanager:us-east-1:123456789012:secret:x-AbCdEf");
  raw.name = ss::shared_text("x");
  raw.version_id = T1;
  raw.value = ss::detail::make_ref<const ss::secret_value>(ss::secret_value::string_tag{},
                                                       "a\xff"
                                                       "b\xe2\x82");
  raw.created_date = {0};
  CHECK(
      aj::to_json(raw) ==
      R"({"ARN":"arn:aws:secretsmanager:us-east-1:123456789012:secret:x-AbCdEf","CreatedDate":0.0,"Name":"x","SecretString":"a)"
      "\xef\xbf\xbd"
      "b"
      "\xef\xbf\xbd"
      R"(","VersionId":)" +
          q(T1) + "}");

  CHECK(aj::to_json(ss::get_random_password_response{"a\"b\\c"}) ==
        R"({"RandomPassword":"a\"b\\c"})");
}

TEST_CASE("DescribeSecret and a ListSecrets entry with every member") {
  ss::describe_secret_response d;
  d.arn = ss::shared_text(
      "arn:aws:secretsmanager:us-west-2:123456789012:secret:MyTestDatabaseSecret-a1b2c3");
  d.name = ss::shared_text("MyTestDatabaseSecret");
  d.description = "My test database secret";
  d.kms_key_id = "arn:aws:kms:us-west-2:123456789012:key/EXAMPLE1-90ab-cdef-fedc-ba987KMSKEY1";
  d.rotation_enabled = true;
  d.rotation_lambda_arn =
      "arn:aws:lambda:us-west-2:123456789012:function:MyTestDatabaseRotationLambda";
  d.rotation_rules = ss::rotation_rules{30, "2h", std::nullopt};
  d.last_rotated_date = ss::timestamp{1'525'747'253'720};
  d.last_changed_date = ss::timestamp{1'523'477'145'729};
  d.last_accessed_date = ss::timestamp{1'524'572'133'000};
  d.deleted_date = ss::timestamp{1'524'085'349'095};
  d.next_rotation_date = ss::timestamp{1'528'339'253'720};
  d.tags = {{"SecondTag", "AnotherValue"}, {"FirstTag", "SomeValue"}};
  d.version_ids_to_stages = {{"EXAMPLE1-90ab-cdef-fedc-ba987EXAMPLE", {}},
                             {"EXAMPLE2-90ab-cdef-fedc-ba987EXAMPLE", {}}};
  d.version_ids_to_stages[0].version_stages =
      ss::label_set_for<ss::aws_traits>::from({"AWSPREVIOUS"}).value();
  d.version_ids_to_stages[1].version_stages =
      ss::label_set_for<ss::aws_traits>::from({"AWSCURRENT"}).value();
  d.created_date = ss::timestamp{1'523'477'145'713};
  const std::string members =
      R"("ARN":"arn:aws:secretsmanager:us-west-2:123456789012:secret:MyTestDatabaseSecret-a1b2c3",)"
      R"("CreatedDate":1.523477145713E9,)"
      R"("DeletedDate":1.524085349095E9,)"
      R"("Description":"My test database secret",)"
      R"("KmsKeyId":"arn:aws:kms:us-west-2:123456789012:key/EXAMPLE1-90ab-cdef-fedc-ba987KMSKEY1",)"
      R"("LastAccessedDate":1.524572133E9,)"
      R"("LastChangedDate":1.523477145729E9,)"
      R"("LastRotatedDate":1.52574725372E9,)"
      R"("Name":"MyTestDatabaseSecret",)"
      R"("NextRotationDate":1.52833925372E9,)"
      R"("RotationEnabled":true,)"
      R"("RotationLambdaARN":"arn:aws:lambda:us-west-2:123456789012:function:MyTestDatabaseRotationLambda",)"
      R"("RotationRules":{"AutomaticallyAfterDays":30,"Duration":"2h"},)";
  const std::string tags =
      R"("Tags":[{"Key":"SecondTag","Value":"AnotherValue"},{"Key":"FirstTag","Value":"SomeValue"}])";
  const std::string stages =
      R"({"EXAMPLE1-90ab-cdef-fedc-ba987EXAMPLE":["AWSPREVIOUS"],"EXAMPLE2-90ab-cdef-fedc-ba987EXAMPLE":["AWSCURRENT"]})";
  CHECK(aj::to_json(d) == "{" + members + tags + R"(,"VersionIdsToStages":)" + stages + "}");

  ss::secret_list_entry e;
  e.arn = d.arn;
  e.name = d.name;
  e.description = d.description;
  e.kms_key_id = d.kms_key_id;
  e.rotation_enabled = d.rotation_enabled;
  e.rotation_lambda_arn = d.rotation_lambda_arn;
  e.rotation_rules = d.rotation_rules;
  e.last_rotated_date = d.last_rotated_date;
  e.last_changed_date = d.last_changed_date;
  e.last_accessed_date = d.last_accessed_date;
  e.deleted_date = d.deleted_date;
  e.next_rotation_date = d.next_rotation_date;
  e.tags = d.tags;
  e.secret_versions_to_stages = d.version_ids_to_stages;
  e.created_date = d.created_date;
  ss::list_secrets_response l;
  l.secret_list = {e};
  l.next_token = "tok";
  CHECK(aj::to_json(l) == R"({"NextToken":"tok","SecretList":[{)" + members +
                              R"("SecretVersionsToStages":)" + stages + "," + tags + "}]}");
  CHECK(aj::to_json(ss::list_secrets_response{}) == R"({"SecretList":[]})");

  // A secret whose rotation was turned off, with a ScheduleExpression rule.
  ss::describe_secret_response off;
  off.arn = ss::shared_text("arn:aws:secretsmanager:us-east-1:123456789012:secret:a-AbCdEf");
  off.name = ss::shared_text("a");
  off.rotation_enabled = false;
  off.rotation_rules = ss::rotation_rules{std::nullopt, std::nullopt, "rate(10 days)"};
  off.created_date = ss::timestamp{1'000'000'000'000};
  CHECK(
      aj::to_json(off) ==
      R"json({"ARN":"arn:aws:secretsmanager:us-east-1:123456789012:secret:a-AbCdEf","CreatedDate":1.0E9,"Name":"a","RotationEnabled":false,"RotationRules":{"ScheduleExpression":"rate(10 days)"}})json");
}

TEST_CASE("the remaining response shapes, built directly") {
  const ss::shared_text arn("arn:aws:secretsmanager:us-east-1:123456789012:secret:n-AbCdEf");
  const ss::shared_text name("n");
  const std::string head =
      R"({"ARN":"arn:aws:secretsmanager:us-east-1:123456789012:secret:n-AbCdEf","Name":"n")";
  CHECK(aj::to_json(ss::cancel_rotate_secret_response{arn, name, std::nullopt}) == head + "}");
  CHECK(aj::to_json(ss::cancel_rotate_secret_response{arn, name, T1}) ==
        head + R"(,"VersionId":)" + q(T1) + "}");
  CHECK(aj::to_json(ss::rotate_secret_response{arn, name, T1}) ==
        head + R"(,"VersionId":)" + q(T1) + "}");
  CHECK(aj::to_json(ss::restore_secret_response{arn, name}) == head + "}");
  CHECK(aj::to_json(ss::update_secret_version_stage_response{arn, name}) == head + "}");
  CHECK(aj::to_json(ss::update_secret_response{arn, name, std::nullopt}) == head + "}");
  CHECK(aj::to_json(ss::create_secret_response{arn, name, std::nullopt}) == head + "}");
  CHECK(
      aj::to_json(ss::delete_secret_response{arn, name, {1'524'085'349'095}}) ==
      R"({"ARN":"arn:aws:secretsmanager:us-east-1:123456789012:secret:n-AbCdEf","DeletionDate":1.524085349095E9,"Name":"n"})");
  // A PutSecretValue retry on a version that has since become deprecated: no VersionStages.
  CHECK(aj::to_json(ss::put_secret_value_response{arn, name, T1, {}}) ==
        head + R"(,"VersionId":)" + q(T1) + "}");

  ss::list_secret_version_ids_response v;
  v.arn = arn;
  v.name = name;
  v.next_token = "next";
  v.versions = {{T1, {}, std::nullopt, {1'000}, {}}};
  CHECK(aj::to_json(v) == head +
                              R"(,"NextToken":"next","Versions":[{"CreatedDate":1.0,"VersionId":)" +
                              q(T1) + "}]}");

  ss::batch_get_secret_value_response b;
  b.next_token = "more";
  b.errors = {{"arn:x", ss::errc::invalid_request, "m\"q"}};
  CHECK(
      aj::to_json(b) ==
      R"({"Errors":[{"ErrorCode":"InvalidRequestException","Message":"m\"q","SecretId":"arn:x"}],"NextToken":"more","SecretValues":[]})");

  // response_body dispatches to the same writers.
  CHECK(aj::response_body(ss::store_operation_response(ss::restore_secret_response{arn, name})) ==
        head + "}");
  CHECK(aj::response_body(ss::store_operation_response(ss::tag_resource_response{})).empty());
  CHECK(aj::response_body(ss::store_operation_response(ss::untag_resource_response{})).empty());
}

}  // namespace responses_test
