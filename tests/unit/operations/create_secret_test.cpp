// operations/create_secret.hpp: CreateSecret from no state (docs/semantics.md#createsecret).
#include <cctype>
#include <set>
#include <string>

#include <doctest/doctest.h>

#include <secretstage/operations/create_secret.hpp>

#include "support/operation_test.hpp"

// Its own namespace: the batched build (SECRETSTAGE_FAST_TEST_BUILD) joins test files.
namespace create_secret_test {

namespace ss = secretstage;
using namespace ss::testing::operation_test;

namespace {
const std::string v1 = vid(1);

bool is_arn_suffix(std::string_view s) {
  if (s.size() != 6) return false;
  for (char c : s)
    if (!std::isalnum(static_cast<unsigned char>(c))) return false;
  return true;
}
}  // namespace

TEST_CASE("CreateSecret with a value: one version, VersionId = token, carrying AWSCURRENT") {
  const auto ctx = ss::testing::at(1'700'000'000);
  const auto t = ss::testing::create(
      ss::create_secret{.name = "app/db", .client_request_token = v1, .secret_string = "s3cr3t"}, ctx);
  const auto& s = t.state;
  CHECK(ss::testing::version_labels(s) == aws_map{{v1, {"AWSCURRENT"}}});
  CHECK(s.version_count() == 1);
  REQUIRE(s.find_version(v1) != nullptr);
  REQUIRE(s.find_version(v1)->value() != nullptr);
  REQUIRE(s.find_version(v1)->value()->string() != nullptr);
  CHECK(*s.find_version(v1)->value()->string() == "s3cr3t");
  CHECK(s.find_version(v1)->created_date() == ctx.now);
  CHECK(s.created_date() == ctx.now);
  CHECK(s.name().view() == "app/db");
  SUBCASE("response: ARN, Name, VersionId") {
    CHECK(t.response.arn == s.arn());
    CHECK(t.response.name.view() == "app/db");
    REQUIRE(t.response.version_id.has_value());
    CHECK(*t.response.version_id == v1);
  }
}

TEST_CASE("CreateSecret with a binary value") {
  const ss::binary bytes{0x00, 0xff, 0x10};
  const auto s = ss::testing::create(
      ss::create_secret{.name = "bin", .client_request_token = v1, .secret_binary = bytes}).state;
  REQUIRE(s.find_version(v1) != nullptr);
  const auto* value = s.find_version(v1)->value();
  REQUIRE(value != nullptr);
  CHECK(value->is_binary());
  CHECK_FALSE(value->is_string());
  CHECK(value->string() == nullptr);
  REQUIRE(value->bytes() != nullptr);
  CHECK(*value->bytes() == bytes);
  CHECK(s.version_of("AWSCURRENT") == v1);
}

TEST_CASE("CreateSecret without a value: no version, no label, no VersionId; the token is ignored") {
  SUBCASE("no token") {
    const auto t = ss::testing::create(ss::create_secret{.name = "empty"});
    CHECK(t.state.version_count() == 0);
    CHECK(t.state.label_count() == 0);
    CHECK_FALSE(t.response.version_id.has_value());
    CHECK(t.response.name.view() == "empty");
    CHECK(t.response.arn == t.state.arn());
  }
  SUBCASE("a token, and an SDK-generated one") {
    ss::context ctx;
    ctx.generated_token = vid(9);
    const auto t = ss::testing::create(ss::create_secret{.name = "empty", .client_request_token = v1}, ctx);
    CHECK(t.state.version_count() == 0);
    CHECK(t.state.label_count() == 0);
    CHECK_FALSE(t.response.version_id.has_value());
  }
}

TEST_CASE("CreateSecret stores Description and KmsKeyId") {
  const auto s = ss::testing::create(ss::create_secret{
      .name = "meta", .description = "the db password", .kms_key_id = "alias/mine"}).state;
  CHECK(s.description() == "the db password");
  REQUIRE(s.kms_key_id().has_value());
  CHECK(*s.kms_key_id() == "alias/mine");
  const auto plain = ss::testing::create(ss::create_secret{.name = "plain"}).state;
  CHECK(plain.description().empty());
  CHECK_FALSE(plain.kms_key_id().has_value());
}

TEST_CASE("the ARN is arn:aws:secretsmanager:<region>:<account>:secret:<name>-<6 alphanumerics>") {
  ss::context ctx;
  ctx.region = "eu-west-3";
  ctx.account_id = "210987654321";
  ctx.entropy = 42;
  const auto s = ss::testing::create(ss::create_secret{.name = "Valid/_+=.@-Name"}, ctx).state;
  const std::string prefix = "arn:aws:secretsmanager:eu-west-3:210987654321:secret:Valid/_+=.@-Name-";
  const std::string arn = s.arn().str();
  REQUIRE(arn.size() == prefix.size() + 6);
  CHECK(arn.substr(0, prefix.size()) == prefix);
  CHECK(is_arn_suffix(std::string_view(arn).substr(prefix.size())));
  SUBCASE("the default context gives us-east-1 and account 123456789012") {
    const auto d = ss::testing::create(ss::create_secret{.name = "n"}).state;
    const std::string p = "arn:aws:secretsmanager:us-east-1:123456789012:secret:n-";
    CHECK(d.arn().str().substr(0, p.size()) == p);
    CHECK(d.arn().size() == p.size() + 6);
  }
  SUBCASE("the suffix is a function of the entropy: reproducible, and varies with it") {
    CHECK(ss::testing::create(ss::create_secret{.name = "Valid/_+=.@-Name"}, ctx).state.arn() == s.arn());
    std::set<std::string> suffixes;
    for (std::uint64_t e = 0; e < 20; ++e) {
      ss::context c;
      c.entropy = e;
      const auto a = ss::testing::create(ss::create_secret{.name = "x"}, c).state.arn().str();
      CHECK(is_arn_suffix(std::string_view(a).substr(a.size() - 6)));
      suffixes.insert(a.substr(a.size() - 6));
    }
    CHECK(suffixes.size() > 15);
  }
}

TEST_CASE("CreateSecret is a function of (request, context): the same twice gives equal states") {
  const auto ctx = ss::testing::at(5);
  const ss::create_secret r{.name = "same", .client_request_token = v1, .secret_string = "v"};
  const auto a = ss::testing::create(r, ctx);
  const auto b = ss::testing::create(r, ctx);
  CHECK(a.state == b.state);
  CHECK(a.response == b.response);  // an idempotent retry gets the same response
}

TEST_CASE("Name length 1–512: ValidationException at 0 and 513") {
  CHECK_AWS_ERROR(ss::testing::fail(ss::create_secret{.name = ""}), ss::errc::validation,
                  text::at_least("name", 1));
  CHECK(ss::testing::create(ss::create_secret{.name = "a"}).state.name().view() == "a");
  CHECK(ss::testing::create(ss::create_secret{.name = std::string(512, 'n')}).state.name().size() == 512);
  CHECK_AWS_ERROR(ss::testing::fail(ss::create_secret{.name = std::string(513, 'n')}),
                  ss::errc::validation, text::at_most("name", 512));
}

TEST_CASE("Name characters: [A-Za-z0-9/_+=.@-] accepted, anything else is Invalid name") {
  for (const std::string name : {"abcXYZ019", "a/b", "a_b", "a+b", "a=b", "a.b", "a@b", "a-b",
                                 "/_+=.@-", "MySecret-abcdef"}) {
    CAPTURE(name);
    CHECK(ss::apply(ss::create_secret{.name = name}, ss::context{}).has_value());
  }
  for (const std::string name : {"Inv Name", " Inv*Name? ", "a!b", "a#b", "a:b", "a,b", "a\\b",
                                 "caf\xC3\xA9", "tab\there", "a%b", "a$b", "a~b"}) {
    CAPTURE(name);
    CHECK_AWS_ERROR(ss::testing::fail(ss::create_secret{.name = name}), ss::errc::validation,
                    text::invalid_name);
  }
}

TEST_CASE("ClientRequestToken length 32–64") {
  auto with_token = [](std::string tok) {
    return ss::create_secret{.name = "t", .client_request_token = std::move(tok), .secret_string = "v"};
  };
  CHECK_AWS_ERROR(ss::testing::fail(with_token(std::string(31, 't'))), ss::errc::validation,
                  text::at_least("clientRequestToken", 32));
  CHECK(ss::testing::create(with_token(std::string(32, 't'))).state.version_of("AWSCURRENT") ==
        std::string(32, 't'));
  CHECK(ss::testing::create(with_token(std::string(64, 't'))).state.version_of("AWSCURRENT") ==
        std::string(64, 't'));
  CHECK_AWS_ERROR(ss::testing::fail(with_token(std::string(65, 't'))), ss::errc::validation,
                  text::at_most("clientRequestToken", 64));
}

TEST_CASE("SecretString / SecretBinary length 1–65,536") {
  auto str = [](std::size_t n) {
    return ss::create_secret{.name = "t", .client_request_token = v1, .secret_string = std::string(n, 's')};
  };
  auto bin = [](std::size_t n) {
    return ss::create_secret{.name = "t", .client_request_token = v1, .secret_binary = ss::binary(n, 7)};
  };
  CHECK_AWS_ERROR(ss::testing::fail(str(0)), ss::errc::validation, text::at_least("secretString", 1));
  CHECK(ss::testing::create(str(1)).state.version_count() == 1);
  CHECK(ss::testing::create(str(65536)).state.find_version(v1)->value()->size() == 65536);
  CHECK_AWS_ERROR(ss::testing::fail(str(65537)), ss::errc::validation,
                  text::at_most("secretString", 65536));
  CHECK_AWS_ERROR(ss::testing::fail(bin(0)), ss::errc::validation, text::at_least("secretBinary", 1));
  CHECK(ss::testing::create(bin(1)).state.version_count() == 1);
  CHECK(ss::testing::create(bin(65536)).state.find_version(v1)->value()->size() == 65536);
  CHECK_AWS_ERROR(ss::testing::fail(bin(65537)), ss::errc::validation,
                  text::at_most("secretBinary", 65536));
}

TEST_CASE("Description and KmsKeyId up to 2048 characters") {
  CHECK(ss::testing::create(ss::create_secret{.name = "d", .description = std::string(2048, 'd')})
            .state.description().size() == 2048);
  CHECK_AWS_ERROR(ss::testing::fail(ss::create_secret{.name = "d", .description = std::string(2049, 'd')}),
                  ss::errc::validation, text::at_most("description", 2048));
  CHECK(ss::testing::create(ss::create_secret{.name = "k", .kms_key_id = std::string(2048, 'k')})
            .state.kms_key_id()->size() == 2048);
  CHECK_AWS_ERROR(ss::testing::fail(ss::create_secret{.name = "k", .kms_key_id = std::string(2049, 'k')}),
                  ss::errc::validation, text::at_most("kmsKeyId", 2048));
}

TEST_CASE("both SecretString and SecretBinary: InvalidParameterException") {
  CHECK_AWS_ERROR(ss::testing::fail(ss::create_secret{.name = "b", .client_request_token = v1,
                                                      .secret_string = "s", .secret_binary = ss::binary{1}}),
                  ss::errc::invalid_parameter, text::both_values);
}

TEST_CASE("a value with no token: raw request fails, an SDK-generated token becomes the VersionId") {
  const ss::create_secret r{.name = "tok", .secret_string = "v"};
  SUBCASE("raw HTTP request (no token, none generated)") {
    CHECK_AWS_ERROR(ss::testing::fail(r), ss::errc::invalid_request, text::missing_token);
  }
  SUBCASE("SDK-generated token") {
    ss::context ctx;
    ctx.generated_token = vid(7);
    const auto t = ss::testing::create(r, ctx);
    CHECK(ss::testing::version_labels(t.state) == aws_map{{vid(7), {"AWSCURRENT"}}});
    CHECK(t.response.version_id == vid(7));
  }
  SUBCASE("an explicit token wins over the generated one") {
    ss::context ctx;
    ctx.generated_token = vid(7);
    auto with = r;
    with.client_request_token = v1;
    CHECK(ss::testing::create(with, ctx).state.version_of("AWSCURRENT") == v1);
  }
}

TEST_CASE("check order: the first failing check decides") {
  SUBCASE("name length before name characters") {
    CHECK_AWS_ERROR(ss::testing::fail(ss::create_secret{.name = std::string(513, '*')}),
                    ss::errc::validation, text::at_most("name", 512));
  }
  SUBCASE("lengths before name characters") {
    CHECK_AWS_ERROR(ss::testing::fail(ss::create_secret{.name = "bad name", .secret_string = ""}),
                    ss::errc::validation, text::at_least("secretString", 1));
  }
  SUBCASE("request shape (name) before the missing token") {
    CHECK_AWS_ERROR(ss::testing::fail(ss::create_secret{.name = "bad name", .secret_string = "v"}),
                    ss::errc::validation, text::invalid_name);
  }
  SUBCASE("value lengths before both-values") {
    CHECK_AWS_ERROR(ss::testing::fail(ss::create_secret{.name = "n", .client_request_token = v1,
                                                        .secret_string = "",
                                                        .secret_binary = ss::binary{1}}),
                    ss::errc::validation, text::at_least("secretString", 1));
  }
}

TEST_CASE("CreateSecret for the tiny traits: a version with no reserved label is deprecated at once") {
  using tiny = ss::testing::tiny_traits;
  const auto t = ss::testing::create(ss::basic_create_secret<tiny>{
      .name = "t", .client_request_token = 3, .secret_string = "v"});
  CHECK(t.state.version_count() == 1);
  CHECK(t.state.label_count() == 0);
  CHECK(t.state.is_deprecated(3));
  CHECK(t.response.version_id == 3);
}

}  // namespace create_secret_test
