// io.hpp: printing requests (secret values never appear), errors, and the versions × labels table.
#include <algorithm>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include <secretstage/io.hpp>
#include <secretstage/secretstage.hpp>

#include "support/given.hpp"

// Its own namespace: the batched build (SECRETSTAGE_FAST_TEST_BUILD) joins test files.
namespace io_test {

namespace ss = secretstage;
using ss::testing::given;
using ss::testing::step;
using ss::testing::vid;
using labels = std::vector<std::string>;

namespace {
const std::string sentinel = "SENTINEL-b7e1c0de-do-not-print";
const ss::binary binary_sentinel(sentinel.begin(), sentinel.end());

template <class T>
std::string print(const T& x) {
  std::ostringstream os;
  os << x;
  return os.str();
}
bool contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}
std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream is(text);
  for (std::string line; std::getline(is, line);) out.push_back(line);
  return out;
}
}  // namespace

TEST_CASE("CreateSecret prints its fields but never the value") {
  const auto s = print(ss::create_secret{.name = "app/db", .client_request_token = vid(1),
                                         .description = "the password", .secret_string = sentinel});
  CHECK_FALSE(contains(s, sentinel));
  CHECK(contains(s, "CreateSecret"));
  CHECK(contains(s, "app/db"));
  CHECK(contains(s, vid(1)));
  CHECK(contains(s, "the password"));
  CHECK(contains(s, std::to_string(sentinel.size())));  // the size is shown instead
  const auto b = print(ss::create_secret{.name = "app/db", .client_request_token = vid(1),
                                         .secret_binary = binary_sentinel});
  CHECK_FALSE(contains(b, sentinel));
  CHECK(contains(b, "SecretBinary"));
}

TEST_CASE("PutSecretValue prints SecretId, token and stages but never the value") {
  const auto s = print(ss::put_secret_value{.secret_id = "app", .client_request_token = vid(2),
                                            .secret_string = sentinel, .version_stages = labels{"AWSPENDING", "L1"}});
  CHECK_FALSE(contains(s, sentinel));
  CHECK(contains(s, "PutSecretValue"));
  CHECK(contains(s, "app"));
  CHECK(contains(s, vid(2)));
  CHECK(contains(s, "AWSPENDING"));
  CHECK(contains(s, "L1"));
  CHECK_FALSE(contains(print(ss::put_secret_value{.secret_id = "app", .client_request_token = vid(2),
                                                  .secret_binary = binary_sentinel}),
                       sentinel));
  // both at once: neither printed
  const auto both = print(ss::put_secret_value{.secret_id = "app", .secret_string = sentinel,
                                               .secret_binary = ss::binary{'Q', 'Z', 'X', 'Q'}});
  CHECK_FALSE(contains(both, sentinel));
  CHECK_FALSE(contains(both, "QZXQ"));
}

TEST_CASE("UpdateSecret prints its metadata but never the value") {
  const auto s = print(ss::update_secret{.secret_id = "app", .client_request_token = vid(3),
                                         .description = "new description", .kms_key_id = "alias/k",
                                         .secret_string = sentinel});
  CHECK_FALSE(contains(s, sentinel));
  CHECK(contains(s, "UpdateSecret"));
  CHECK(contains(s, "new description"));
  CHECK(contains(s, "alias/k"));
  CHECK_FALSE(contains(print(ss::update_secret{.secret_id = "app", .secret_binary = binary_sentinel}), sentinel));
}

TEST_CASE("UpdateSecretVersionStage prints every field") {
  const auto s = print(ss::update_secret_version_stage{.secret_id = "app", .version_stage = "AWSCURRENT",
                                                       .remove_from_version_id = vid(1), .move_to_version_id = vid(2)});
  CHECK(contains(s, "UpdateSecretVersionStage"));
  CHECK(contains(s, "AWSCURRENT"));
  CHECK(contains(s, vid(1)));
  CHECK(contains(s, vid(2)));
  CHECK(s.find(vid(1)) < s.find(vid(2)));  // RemoveFromVersionId, then MoveToVersionId
}

TEST_CASE("an operation prints as the request it holds, still redacted") {
  const ss::operation op = ss::put_secret_value{.secret_id = "app", .client_request_token = vid(2),
                                                .secret_string = sentinel};
  const auto s = print(op);
  CHECK(s == print(std::get<ss::put_secret_value>(op)));
  CHECK_FALSE(contains(s, sentinel));
  const ss::operation up = ss::update_secret{.secret_id = "app", .secret_string = sentinel};
  CHECK_FALSE(contains(print(up), sentinel));
  CHECK(contains(print(up), "UpdateSecret"));
}

TEST_CASE("tiny-traits requests print their labels and ids") {
  using tiny = ss::testing::tiny_traits;
  const auto s = print(ss::basic_update_secret_version_stage<tiny>{.secret_id = "t", .version_stage = 'q',
                                                                   .remove_from_version_id = 41, .move_to_version_id = 42});
  CHECK(contains(s, "q"));
  CHECK(contains(s, "41"));
  CHECK(contains(s, "42"));
  const auto p = print(ss::basic_put_secret_value<tiny>{.secret_id = "t", .client_request_token = 7,
                                                        .secret_string = sentinel,
                                                        .version_stages = std::vector<char>{'x', 'y'}});
  CHECK_FALSE(contains(p, sentinel));
  CHECK(contains(p, "x"));
}

TEST_CASE("an error prints as '<ExceptionName>: <message>'") {
  CHECK(print(ss::error{ss::errc::resource_not_found, "Secrets Manager can't find the specified secret."}) ==
        "ResourceNotFoundException: Secrets Manager can't find the specified secret.");
}

TEST_CASE("the versions × labels table") {
  // {v1:[], v2:[AWSPREVIOUS, X], v3:[AWSCURRENT, AWSPENDING]}
  const auto s = given(ss::create_secret{.name = "app", .client_request_token = vid(1), .secret_string = sentinel},
                       ss::put_secret_value{.secret_id = "app", .client_request_token = vid(2), .secret_string = sentinel,
                                            .version_stages = labels{"X", "AWSCURRENT"}},
                       ss::put_secret_value{.secret_id = "app", .client_request_token = vid(3), .secret_string = sentinel,
                                            .version_stages = labels{"AWSPENDING"}},
                       ss::update_secret_version_stage{.secret_id = "app", .version_stage = "AWSCURRENT",
                                                       .remove_from_version_id = vid(2), .move_to_version_id = vid(3)});
  REQUIRE(ss::testing::version_labels(s) ==
          ss::testing::aws_map{{vid(1), {}}, {vid(2), {"AWSPREVIOUS", "X"}}, {vid(3), {"AWSCURRENT", "AWSPENDING"}}});
  const std::string table = ss::format_table(s);
  CHECK_FALSE(contains(table, sentinel));
  const auto lines = lines_of(table);
  REQUIRE(lines.size() == 4);  // header + one row per version, deprecated included

  // header: "version", then the attached labels, reserved ones first in the order C, PREVIOUS, PENDING
  const std::string& header = lines[0];
  CHECK(header.rfind("version", 0) == 0);
  const std::vector<std::string> columns{"AWSCURRENT", "AWSPREVIOUS", "AWSPENDING", "X"};
  std::vector<std::size_t> at;
  for (const auto& c : columns) {
    CAPTURE(c);
    REQUIRE(contains(header, c));
    at.push_back(header.find(c));
  }
  CHECK(std::is_sorted(at.begin(), at.end()));

  // rows: oldest first; an x under each label the version carries, nothing under the others
  const std::vector<std::pair<std::string, std::vector<bool>>> expected{
      {vid(1), {false, false, false, false}},
      {vid(2), {false, true, false, true}},
      {vid(3), {true, false, true, false}}};
  for (std::size_t r = 0; r < expected.size(); ++r) {
    const std::string& row = lines[r + 1];
    CAPTURE(row);
    CHECK(row.rfind(expected[r].first, 0) == 0);
    for (std::size_t c = 0; c < columns.size(); ++c) {
      const bool marked = at[c] < row.size() && row.find('x', at[c]) < at[c] + columns[c].size();
      CHECK(marked == expected[r].second[c]);
    }
  }
  CHECK(contains(lines[1], "deprecated"));
  CHECK_FALSE(contains(lines[2], "deprecated"));
  CHECK_FALSE(contains(lines[3], "deprecated"));
  SUBCASE("write_table writes the same text to a stream") {
    std::ostringstream os;
    ss::write_table(os, s);
    CHECK(os.str() == table);
  }
  SUBCASE("a rotation placeholder is marked as having no value") {
    const auto p = ss::testing::with_rotation_placeholder(s, vid(4), ss::timestamp{});
    const auto pl = lines_of(ss::format_table(p));
    REQUIRE(pl.size() == 5);
    CHECK(contains(pl[4], "no value"));
    CHECK_FALSE(contains(pl[3], "no value"));
  }
}

TEST_CASE("the table of a secret without versions is just the header") {
  const auto lines = lines_of(ss::format_table(given(ss::create_secret{.name = "app"})));
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].rfind("version", 0) == 0);
}

// The four listing responses. Expected text written from the printing rules (AWS member names,
// unset members left out, lists in brackets, entries in their own form), not from the output.
namespace {
ss::label_set_for<ss::aws_traits> stages(std::initializer_list<std::string> l) {
  return ss::label_set_for<ss::aws_traits>::from(l).value();
}
ss::timestamp ms(std::int64_t v) { return ss::timestamp{v}; }
}  // namespace

TEST_CASE("ListSecretVersionIds prints each version as id, labels and dates, then the token, ARN and Name") {
  ss::list_secret_version_ids_response r;
  r.arn = ss::shared_text("arn:a");
  r.name = ss::shared_text("n");
  r.versions.push_back({.version_id = "v1", .version_stages = stages({"x", "AWSCURRENT"}),
                        .last_accessed_date = ms(86'400'000), .created_date = ms(1500),
                        .kms_key_ids = {"DefaultEncryptionKey"}});
  r.versions.push_back({.version_id = "v2", .version_stages = {}, .last_accessed_date = std::nullopt,
                        .created_date = ms(2000), .kms_key_ids = {"DefaultEncryptionKey"}});
  r.next_token = "tok";
  CHECK(print(r) ==
        "ListSecretVersionIdsResponse{Versions=[v1 [AWSCURRENT, x] created 1.500 accessed 86400.000, "
        "v2 [] created 2.000], NextToken=tok, ARN=arn:a, Name=n}");
  r.versions.clear();
  r.next_token.reset();
  CHECK(print(r) == "ListSecretVersionIdsResponse{Versions=[], ARN=arn:a, Name=n}");
}

TEST_CASE("DescribeSecret prints the set members, Tags when there are some, and VersionIdsToStages always") {
  ss::describe_secret_response r;
  r.arn = ss::shared_text("arn:a");
  r.name = ss::shared_text("n");
  r.description = "d";
  r.rotation_enabled = false;
  r.rotation_lambda_arn = "lam";
  r.rotation_rules = ss::rotation_rules{.automatically_after_days = 30, .duration = std::nullopt,
                                        .schedule_expression = "rate(1 day)"};
  r.last_changed_date = ms(5000);
  r.created_date = ms(1000);
  r.version_ids_to_stages = {{"v1", stages({"AWSCURRENT"})}, {"v2", stages({"AWSPREVIOUS"})}};
  CHECK(print(r) ==
        "DescribeSecretResponse{ARN=arn:a, Name=n, Description=\"d\", RotationEnabled=false, "
        "RotationLambdaARN=\"lam\", RotationRules={AutomaticallyAfterDays=30, ScheduleExpression=rate(1 day)}, "
        "LastChangedDate=5.000, CreatedDate=1.000, VersionIdsToStages={v1: [AWSCURRENT], v2: [AWSPREVIOUS]}}");
  ss::describe_secret_response bare;
  bare.arn = ss::shared_text("arn:b");
  bare.name = ss::shared_text("b");
  bare.kms_key_id = "key";
  bare.tags = {{"k", "v"}, {"a", "b"}};
  bare.deleted_date = ms(9000);
  bare.created_date = ms(2000);
  CHECK(print(bare) ==
        "DescribeSecretResponse{ARN=arn:b, Name=b, KmsKeyId=\"key\", DeletedDate=9.000, Tags=[k=v, a=b], "
        "CreatedDate=2.000, VersionIdsToStages={}}");
}

TEST_CASE("ListSecrets prints each entry in braces, as DescribeSecret prints its members") {
  ss::list_secrets_response r;
  CHECK(print(r) == "ListSecretsResponse{SecretList=[]}");
  ss::secret_list_entry a;
  a.arn = ss::shared_text("arn:a");
  a.name = ss::shared_text("a");
  a.tags = std::vector<ss::tag>{{"k", "v"}};
  a.created_date = ms(1000);
  a.secret_versions_to_stages = {{"v1", stages({"AWSCURRENT"})}};
  ss::secret_list_entry b;
  b.arn = ss::shared_text("arn:b");
  b.name = ss::shared_text("b");
  b.kms_key_id = "key";
  b.deleted_date = ms(9000);
  b.created_date = ms(2000);
  r.secret_list = {a, b};
  r.next_token = "t";
  CHECK(print(r) ==
        "ListSecretsResponse{SecretList=[{ARN=arn:a, Name=a, Tags=[k=v], CreatedDate=1.000, "
        "SecretVersionsToStages={v1: [AWSCURRENT]}}, {ARN=arn:b, Name=b, KmsKeyId=\"key\", DeletedDate=9.000, "
        "CreatedDate=2.000, SecretVersionsToStages={}}], NextToken=t}");
}

TEST_CASE("BatchGetSecretValue prints each value as GetSecretValue's response, then Errors when there are some") {
  ss::batch_get_secret_value_response r;
  CHECK(print(r) == "BatchGetSecretValueResponse{SecretValues=[]}");
  ss::secret_value_entry e;
  e.arn = ss::shared_text("arn:a");
  e.name = ss::shared_text("a");
  e.version_id = "v1";
  e.version_stages = stages({"AWSCURRENT"});
  e.created_date = ms(1000);
  r.secret_values = {e};
  r.errors = {{"missing", ss::errc::resource_not_found, "Secrets Manager can't find the specified secret."}};
  CHECK(print(r) ==
        "BatchGetSecretValueResponse{SecretValues=[GetSecretValueResponse{ARN=arn:a, Name=a, VersionId=v1, "
        "VersionStages=[AWSCURRENT], CreatedDate=1.000}], Errors=[missing: ResourceNotFoundException: "
        "Secrets Manager can't find the specified secret.]}");
  r.errors.clear();
  r.next_token = "t";
  CHECK(print(r) == "BatchGetSecretValueResponse{SecretValues=[GetSecretValueResponse{ARN=arn:a, Name=a, "
                    "VersionId=v1, VersionStages=[AWSCURRENT], CreatedDate=1.000}], NextToken=t}");
}

}  // namespace io_test
