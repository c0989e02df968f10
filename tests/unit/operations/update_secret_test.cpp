// operations/update_secret.hpp: UpdateSecret, metadata only or with a new AWSCURRENT value
// (docs/semantics.md#updatesecret, trace T1).
#include <optional>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include <secretstage/operations/update_secret.hpp>

#include "support/operation_test.hpp"

// Its own namespace: the batched build (SECRETSTAGE_FAST_TEST_BUILD) joins test files.
namespace update_secret_test {

namespace ss = secretstage;
using namespace ss::testing::operation_test;

namespace {
const std::string v1 = vid(1), v2 = vid(2), v3 = vid(3);
const std::string C = "AWSCURRENT", P = "AWSPREVIOUS", N = "AWSPENDING";

ss::create_secret create_v1() {
  return {.name = "app", .client_request_token = v1, .description = "first", .secret_string = "s1"};
}
ss::update_secret with_value(const std::string& token, std::string value) {
  return {.secret_id = "app", .client_request_token = token, .secret_string = std::move(value)};
}
ss::update_secret_version_stage uvs(std::string label, std::optional<std::string> from,
                                    std::optional<std::string> to) {
  return {.secret_id = "app", .version_stage = std::move(label),
          .remove_from_version_id = std::move(from), .move_to_version_id = std::move(to)};
}
}  // namespace

TEST_CASE("metadata only: Description / KmsKeyId change, no version, no VersionId, labels untouched") {
  const auto s = given(create_v1(), uvs("L1", std::nullopt, v1));
  const auto t = step(s, ss::update_secret{.secret_id = "app", .description = "second"});
  CHECK(t.state.description() == "second");
  CHECK_FALSE(t.state.kms_key_id().has_value());
  CHECK(version_labels(t.state) == version_labels(s));
  CHECK(t.state.version_count() == 1);
  CHECK(t.state.find_version(v1) == s.find_version(v1));  // the version object is shared
  CHECK(t.response.arn == s.arn());
  CHECK(t.response.name == s.name());
  CHECK_FALSE(t.response.version_id.has_value());
  CHECK(s.description() == "first");
  SUBCASE("KmsKeyId only: the Description stays") {
    const auto u = step(s, ss::update_secret{.secret_id = "app", .kms_key_id = "alias/k"});
    CHECK(u.state.kms_key_id() == std::optional<std::string>("alias/k"));
    CHECK(u.state.description() == "first");
  }
  SUBCASE("an empty Description is stored as empty") {
    const auto u = step(s, ss::update_secret{.secret_id = "app", .description = ""});
    CHECK(u.state.description().empty());
  }
  SUBCASE("name and ARN never change") {
    CHECK(t.state.arn() == s.arn());
    CHECK(t.state.name() == s.name());
  }
}

TEST_CASE("without a value the token is ignored, even a raw request's missing one") {
  const auto s = given(create_v1());
  SUBCASE("no token, none generated") {
    const auto t = step(s, ss::update_secret{.secret_id = "app", .description = "d"});
    CHECK(t.state.version_count() == 1);
  }
  SUBCASE("a token naming an existing version") {
    const auto t = step(s, ss::update_secret{.secret_id = "app", .client_request_token = v1, .description = "d"});
    CHECK(t.state.version_count() == 1);
    CHECK_FALSE(t.response.version_id.has_value());
    CHECK(t.state.description() == "d");
  }
  SUBCASE("a new token") {
    const auto t = step(s, ss::update_secret{.secret_id = "app", .client_request_token = v2, .description = "d"});
    CHECK(t.state.version_count() == 1);
    CHECK(t.state.find_version(v2) == nullptr);
    CHECK_FALSE(t.response.version_id.has_value());
  }
  SUBCASE("nothing at all but the SecretId") {
    const auto t = step(s, ss::update_secret{.secret_id = "app"});
    CHECK(version_labels(t.state) == version_labels(s));
    CHECK(t.state.description() == "first");
  }
}

TEST_CASE("with a value: a new version takes AWSCURRENT, the old current gets AWSPREVIOUS (T1)") {
  const auto s = given(create_v1());
  const auto ctx = ss::testing::at(1'900'000'000);
  const auto t = step(s, with_value(v2, "s2"), ctx);
  CHECK(version_labels(t.state) == aws_map{{v1, {P}}, {v2, {C}}});
  CHECK(t.response.version_id == v2);
  CHECK(t.response.arn == s.arn());
  CHECK(*t.state.find_version(v2)->value()->string() == "s2");
  CHECK(t.state.find_version(v2)->created_date() == ctx.now);
  SUBCASE("a second update: the first version is deprecated") {
    const auto u = step(t.state, with_value(v3, "s3"));
    CHECK(version_labels(u.state) == aws_map{{v1, {}}, {v2, {P}}, {v3, {C}}});
  }
  SUBCASE("a binary value") {
    const auto u = step(s, ss::update_secret{.secret_id = "app", .client_request_token = v2,
                                             .secret_binary = ss::binary{9}});
    CHECK(u.state.find_version(v2)->value()->is_binary());
    CHECK(u.state.version_of(C) == v2);
  }
  SUBCASE("value and Description together") {
    const auto u = step(s, ss::update_secret{.secret_id = "app", .client_request_token = v2,
                                             .description = "new", .secret_string = "s2"});
    CHECK(u.state.description() == "new");
    CHECK(version_labels(u.state) == aws_map{{v1, {P}}, {v2, {C}}});
  }
}

TEST_CASE("with a value: the old current loses AWSPENDING and keeps its custom labels") {
  const auto s = given(create_v1(), ss::put_secret_value{.secret_id = "app", .client_request_token = v2,
                                                         .secret_string = "s2", .version_stages = std::vector<std::string>{"Y"}},
                       uvs(N, std::nullopt, v1), uvs("X", std::nullopt, v1), uvs(P, std::nullopt, v2));
  REQUIRE(version_labels(s) == aws_map{{v1, {C, N, "X"}}, {v2, {P, "Y"}}});
  const auto t = step(s, with_value(v3, "s3"));
  CHECK(version_labels(t.state) == aws_map{{v1, {P, "X"}}, {v2, {"Y"}}, {v3, {C}}});
}

TEST_CASE("with a value on a secret without versions: AWSCURRENT, no AWSPREVIOUS") {
  const auto s = given(ss::create_secret{.name = "app"});
  const auto t = step(s, with_value(v1, "s1"));
  CHECK(version_labels(t.state) == aws_map{{v1, {C}}});
}

TEST_CASE("ClientRequestToken naming an existing version") {
  const auto s = given(create_v1(), with_value(v2, "s2"));
  SUBCASE("same value: success, nothing changes at all, Description included") {
    const auto t = step(s, ss::update_secret{.secret_id = "app", .client_request_token = v1,
                                             .description = "changed?", .kms_key_id = "alias/x",
                                             .secret_string = "s1"});
    CHECK(snapshot_of(t.state) == snapshot_of(s));
    CHECK(t.state == s);
    CHECK(t.state.description() == "first");
    CHECK_FALSE(t.state.kms_key_id().has_value());
    CHECK(t.response.version_id == v1);
    CHECK(t.response.arn == s.arn());
  }
  SUBCASE("same value as the current version: still nothing changes") {
    const auto t = step(s, with_value(v2, "s2"));
    CHECK(snapshot_of(t.state) == snapshot_of(s));
    CHECK(t.response.version_id == v2);
  }
  SUBCASE("different value: ResourceExistsException") {
    CHECK_AWS_ERROR(fail(s, with_value(v1, "other")), ss::errc::resource_exists,
                    text::token_in_use(v1, s.arn().view()));
  }
  SUBCASE("different value with a Description: the error wins, the Description is not stored") {
    CHECK_AWS_ERROR(fail(s, ss::update_secret{.secret_id = "app", .client_request_token = v2,
                                              .description = "new", .secret_string = "other"}),
                    ss::errc::resource_exists, text::token_in_use(v2, s.arn().view()));
  }
}

TEST_CASE("a value without a token: raw request fails (before resolution); SDK token is used") {
  const auto s = given(create_v1());
  const ss::update_secret r{.secret_id = "app", .secret_string = "s2"};
  CHECK_AWS_ERROR(fail(s, r), ss::errc::invalid_request, text::missing_token);
  CHECK_AWS_ERROR(fail(s, ss::update_secret{.secret_id = "nope", .secret_string = "s2"}),
                  ss::errc::invalid_request, text::missing_token);
  ss::context ctx;
  ctx.generated_token = vid(5);
  const auto t = step(s, r, ctx);
  CHECK(version_labels(t.state) == aws_map{{v1, {P}}, {vid(5), {C}}});
  CHECK(t.response.version_id == vid(5));
}

TEST_CASE("both SecretString and SecretBinary: InvalidParameterException, before resolution") {
  const auto s = given(create_v1());
  for (const std::string id : {"app", "nope"}) {
    CAPTURE(id);
    CHECK_AWS_ERROR(fail(s, ss::update_secret{.secret_id = id, .client_request_token = v2,
                                              .secret_string = "s", .secret_binary = ss::binary{1}}),
                    ss::errc::invalid_parameter, text::both_values);
  }
}

TEST_CASE("validation: lengths at min-1 / min / max / max+1") {
  const auto s = given(create_v1());
  SUBCASE("Description up to 2048") {
    CHECK(step(s, ss::update_secret{.secret_id = "app", .description = std::string(2048, 'd')})
              .state.description().size() == 2048);
    CHECK_AWS_ERROR(fail(s, ss::update_secret{.secret_id = "app", .description = std::string(2049, 'd')}),
                    ss::errc::validation, text::at_most("description", 2048));
  }
  SUBCASE("KmsKeyId up to 2048") {
    CHECK(step(s, ss::update_secret{.secret_id = "app", .kms_key_id = std::string(2048, 'k')})
              .state.kms_key_id()->size() == 2048);
    CHECK_AWS_ERROR(fail(s, ss::update_secret{.secret_id = "app", .kms_key_id = std::string(2049, 'k')}),
                    ss::errc::validation, text::at_most("kmsKeyId", 2048));
  }
  SUBCASE("ClientRequestToken 32–64") {
    CHECK_AWS_ERROR(fail(s, with_value(std::string(31, 't'), "v")), ss::errc::validation,
                    text::at_least("clientRequestToken", 32));
    CHECK(step(s, with_value(std::string(32, 't'), "v")).state.version_of(C) == std::string(32, 't'));
    CHECK(step(s, with_value(std::string(64, 't'), "v")).state.version_of(C) == std::string(64, 't'));
    CHECK_AWS_ERROR(fail(s, with_value(std::string(65, 't'), "v")), ss::errc::validation,
                    text::at_most("clientRequestToken", 64));
  }
  SUBCASE("SecretString 1–65,536") {
    CHECK_AWS_ERROR(fail(s, with_value(v2, "")), ss::errc::validation, text::at_least("secretString", 1));
    CHECK(step(s, with_value(v2, "x")).state.version_of(C) == v2);
    CHECK(step(s, with_value(v2, std::string(65536, 'x'))).state.version_of(C) == v2);
    CHECK_AWS_ERROR(fail(s, with_value(v2, std::string(65537, 'x'))), ss::errc::validation,
                    text::at_most("secretString", 65536));
  }
  SUBCASE("SecretBinary 1–65,536") {
    auto bin = [](std::size_t n) {
      return ss::update_secret{.secret_id = "app", .client_request_token = v2, .secret_binary = ss::binary(n, 1)};
    };
    CHECK_AWS_ERROR(fail(s, bin(0)), ss::errc::validation, text::at_least("secretBinary", 1));
    CHECK(step(s, bin(1)).state.version_of(C) == v2);
    CHECK(step(s, bin(65536)).state.version_of(C) == v2);
    CHECK_AWS_ERROR(fail(s, bin(65537)), ss::errc::validation, text::at_most("secretBinary", 65536));
  }
  SUBCASE("SecretId 1–2048, name alphabet") {
    CHECK_AWS_ERROR(fail(s, ss::update_secret{.secret_id = ""}), ss::errc::validation,
                    text::at_least("secretId", 1));
    CHECK_AWS_ERROR(fail(s, ss::update_secret{.secret_id = std::string(2048, 'a')}),
                    ss::errc::resource_not_found, text::not_found);
    CHECK_AWS_ERROR(fail(s, ss::update_secret{.secret_id = std::string(2049, 'a')}), ss::errc::validation,
                    text::at_most("secretId", 2048));
    CHECK_AWS_ERROR(fail(s, ss::update_secret{.secret_id = "a?b"}), ss::errc::validation, text::invalid_name);
  }
}

TEST_CASE("SecretId resolution: name, full ARN, partial ARN, unknown") {
  const auto s = given(create_v1());
  const std::string arn = s.arn().str();
  for (const std::string& id : {std::string("app"), arn, arn.substr(0, arn.size() - 7)}) {
    CAPTURE(id);
    CHECK(step(s, ss::update_secret{.secret_id = id, .description = "x"}).state.description() == "x");
  }
  for (const std::string& id : {std::string("other"), arn + "1", arn.substr(0, arn.size() - 3)}) {
    CAPTURE(id);
    CHECK_AWS_ERROR(fail(s, ss::update_secret{.secret_id = id, .description = "x"}),
                    ss::errc::resource_not_found, text::not_found);
  }
}

TEST_CASE("check order: validation before resolution, resolution before the token conflict") {
  const auto s = given(create_v1());
  CHECK_AWS_ERROR(fail(s, ss::update_secret{.secret_id = "nope", .description = std::string(2049, 'd')}),
                  ss::errc::validation, text::at_most("description", 2048));
  CHECK_AWS_ERROR(fail(s, ss::update_secret{.secret_id = "nope", .client_request_token = v1,
                                            .secret_string = "other"}),
                  ss::errc::resource_not_found, text::not_found);
}

TEST_CASE("UpdateSecret for the tiny traits: metadata and an unlabelled new version") {
  using tiny = ss::testing::tiny_traits;
  const auto s = given(ss::basic_create_secret<tiny>{.name = "t", .client_request_token = 1, .secret_string = "v"},
                       ss::basic_put_secret_value<tiny>{.secret_id = "t", .client_request_token = 2,
                                                        .secret_string = "w", .version_stages = std::vector<char>{'a'}});
  const auto t = step(s, ss::basic_update_secret<tiny>{.secret_id = "t", .client_request_token = 3,
                                                       .description = "d", .secret_string = "x"});
  CHECK(t.state.description() == "d");
  CHECK(version_labels(t.state) == ss::testing::version_map<tiny>{{1, {}}, {2, {'a'}}, {3, {}}});
  CHECK(t.response.version_id == 3);
}

}  // namespace update_secret_test
