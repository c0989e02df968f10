// sigv4.hpp: known answers published by AWS, canonicalization edge cases, every error text with
// its type and status, and the credentials table. The independent check against botocore's signer
// is tests/sigv4/botocore_oracle.py.
#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <doctest/doctest.h>

#include <secretstage/sigv4.hpp>

namespace sv = secretstage::sigv4;
using namespace std::chrono_literals;

namespace {

constexpr std::string_view example_secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

/// A request that owns its text, viewed as sigv4::request.
struct owned_request {
  std::string method = "POST";
  std::string path = "/";
  std::string query;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::vector<sv::header> views;

  sv::request view() {
    views.clear();
    for (const auto& [name, value] : headers) views.push_back({name, value});
    return {method, path, query, views, body};
  }
  void set(const std::string& name, std::string value) {
    for (auto& h : headers) {
      if (h.first == name) {
        h.second = std::move(value);
        return;
      }
    }
    headers.emplace_back(name, std::move(value));
  }
  void erase(const std::string& name) {
    std::erase_if(headers, [&](const auto& h) { return h.first == name; });
  }
};

std::chrono::system_clock::time_point at(std::string_view amz_date) {
  const auto t = sv::parse_amz_date(amz_date);
  REQUIRE(t.has_value());
  return std::chrono::system_clock::time_point{t->time_since_epoch()};
}

sv::credentials table(std::string_view text) {
  auto parsed = sv::credentials::parse(text);
  REQUIRE(parsed.has_value());
  return std::move(parsed).value();
}

const sv::credentials& example_keys() {
  static const sv::credentials keys = table(
      "# the documentation's example key, and a second account\n"
      "AKIDEXAMPLE wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY 111122223333\n"
      "AKIDOTHER\tsecondsecret\t444455556666\n");
  return keys;
}

/// Signs `r` as an SDK would for the given scope, with the building blocks of sigv4.hpp (their
/// own correctness is pinned by the published vectors below and by the botocore oracle).
void sign(owned_request& r, std::string_view key_id, std::string_view secret,
          std::string_view amz_date, std::string_view region = "us-east-1",
          std::string_view service = "secretsmanager", std::string_view signed_list = "") {
  r.set("X-Amz-Date", std::string(amz_date));
  std::string list(signed_list);
  if (list.empty()) {
    for (const auto& h : r.headers) {
      std::string lower;
      for (char c : h.first) lower += sv::detail::lower(c);
      if (lower != "authorization") list += (list.empty() ? "" : ";") + lower;
    }
  }
  const auto names = sv::canonical_signed_headers(list);
  r.erase("Authorization");
  const std::string date(amz_date.substr(0, 8));
  const std::string scope =
      date + "/" + std::string(region) + "/" + std::string(service) + "/aws4_request";
  const std::string to_sign =
      sv::string_to_sign(amz_date, scope, sv::canonical_request(r.view(), names));
  std::string joined;
  for (const auto& n : names) joined += (joined.empty() ? "" : ";") + n;
  r.set("Authorization",
        "AWS4-HMAC-SHA256 Credential=" + std::string(key_id) + "/" + scope +
            ", SignedHeaders=" + joined + ", Signature=" +
            sv::signature(sv::signing_key(secret, date, region, service), to_sign));
}

/// What the AWS CLI sends (toolchain.md §8), signed with the example key.
owned_request cli_request(std::string_view amz_date = "20261128T001447Z") {
  owned_request r;
  r.headers = {{"Host", "127.0.0.1:8080"},
               {"Content-Type", "application/x-amz-json-1.1"},
               {"X-Amz-Target", "secretsmanager.ListSecrets"},
               {"Accept-Encoding", "identity"},
               {"User-Agent", "aws-cli/2.9.19 command/secretsmanager.list-secrets"},
               {"Content-Length", "2"}};
  r.body = "{}";
  sign(r, "AKIDEXAMPLE", example_secret, amz_date, "us-east-1", "secretsmanager",
       "content-type;host;x-amz-date;x-amz-target");
  return r;
}

sv::auth_error failure(owned_request& r, std::string_view now = "20261128T001447Z") {
  const auto result = sv::verify(r.view(), example_keys(), at(now));
  REQUIRE(result.has_error());
  CHECK(result.error().status() == 400);
  return result.error();
}

}  // namespace

TEST_SUITE("sigv4") {
  // ---- published known answers ----------------------------------------------------------------

  TEST_CASE("signing key: AWS's documented derivation example (20150830, us-east-1, iam)") {
    // AWS General Reference, "Calculate the signature", example signing key.
    CHECK(sv::detail::to_hex(sv::signing_key(example_secret, "20150830", "us-east-1", "iam")) ==
          "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9");
  }

  TEST_CASE(
      "the documented IAM ListUsers request verifies, with its canonical hash and signature") {
    owned_request r;
    r.method = "GET";
    r.query = "Action=ListUsers&Version=2010-05-08";
    r.headers = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"},
                 {"Host", "iam.amazonaws.com"},
                 {"X-Amz-Date", "20150830T123600Z"},
                 {"Authorization",
                  "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, "
                  "SignedHeaders=content-type;host;x-amz-date, "
                  "Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"}};
    const auto canonical = sv::canonical_request(
        r.view(), sv::canonical_signed_headers("content-type;host;x-amz-date"));
    CHECK(sv::hex_sha256(canonical) ==
          "f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59");
    const auto result = sv::verify(r.view(), example_keys(), at("20150830T123600Z"), {"iam", 300s});
    REQUIRE(result.has_value());
    CHECK(result.value() == sv::identity{"AKIDEXAMPLE", "111122223333", "us-east-1"});
  }

  TEST_CASE(
      "aws-c-auth's SigV4 test suite: canonicalization cases verify under service 'service'") {
    // awslabs/aws-c-auth tests/aws-signing-test-suite/v4/<case>/header-signed-request.txt
    struct vector_case {
      const char* name;
      std::string method, path, query;
      std::vector<std::pair<std::string, std::string>> extra;
      std::string signed_headers, body, signature;
    };
    const std::vector<vector_case> cases = {
        {"get-header-value-trim (folding inside quotes)",
         "GET",
         "/",
         "",
         {{"My-Header1", " value1"}, {"My-Header2", " \"a   b   c\""}},
         "host;my-header1;my-header2;x-amz-date",
         "",
         "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736"},
        {"get-vanilla-query-unreserved",
         "GET",
         "/",
         "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz=-._~"
         "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
         {},
         "host;x-amz-date",
         "",
         "9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197"},
        {"get-slash-dot-slash-normalized",
         "GET",
         "/./",
         "",
         {},
         "host;x-amz-date",
         "",
         "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
        {"get-space-normalized",
         "GET",
         "/example space/",
         "",
         {},
         "host;x-amz-date",
         "",
         "652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741"},
        {"post-x-www-form-urlencoded (body and x-amz-content-sha256)",
         "POST",
         "/",
         "",
         {{"Content-Type", "application/x-www-form-urlencoded"},
          {"Content-Length", "13"},
          {"x-amz-content-sha256",
           "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e"}},
         "content-length;content-type;host;x-amz-content-sha256;x-amz-date",
         "Param1=value1",
         "d3875051da38690788ef43de4db0d8f280229d82040bfac253562e56c3f20e0b"},
    };
    for (const auto& c : cases) {
      CAPTURE(c.name);
      owned_request r;
      r.method = c.method;
      r.path = c.path;
      r.query = c.query;
      r.body = c.body;
      r.headers = {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}};
      for (const auto& h : c.extra) r.headers.push_back(h);
      r.headers.emplace_back("Authorization",
                             "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/"
                             "aws4_request, SignedHeaders=" +
                                 c.signed_headers + ", Signature=" + c.signature);
      const auto result =
          sv::verify(r.view(), example_keys(), at("20150830T123600Z"), {"service", 300s});
      CHECK_MESSAGE(result.has_value(), (result.has_error() ? result.error().message : ""));
    }
  }

  // ---- canonicalization
  // ---------------------------------------------------------------------------

  TEST_CASE("header values: trimmed, runs of spaces and tabs folded to one space") {
    CHECK(sv::canonical_header_value("  a   b \t c  ") == "a b c");
    CHECK(sv::canonical_header_value("\"a   b\"") == "\"a b\"");
    CHECK(sv::canonical_header_value("") == "");
    CHECK(sv::canonical_header_value(" \t ") == "");
  }

  TEST_CASE("signed header list: lower-cased, sorted, without repeats or empty names") {
    CHECK(sv::canonical_signed_headers("X-Amz-Date;host;;Content-Type;host") ==
          std::vector<std::string>{"content-type", "host", "x-amz-date"});
  }

  TEST_CASE("repeated headers join with ',' in arrival order; a signed header absent is empty") {
    owned_request r;
    r.method = "GET";
    r.headers = {{"Host", "h"}, {"My", " b "}, {"my", "a"}};
    CHECK(sv::canonical_request(r.view(), {"host", "missing", "my"}) ==
          "GET\n/\n\nhost:h\nmissing:\nmy:b,a\n\nhost;missing;my\n" + sv::hex_sha256(""));
  }

  TEST_CASE("canonical URI: dot and empty segments removed, encoded a second time") {
    CHECK(sv::canonical_uri("") == "/");
    CHECK(sv::canonical_uri("/") == "/");
    CHECK(sv::canonical_uri("//a//b/") == "/a/b/");
    CHECK(sv::canonical_uri("/a/./b/../c") == "/a/c");
    CHECK(sv::canonical_uri("/..") == "/");
    CHECK(sv::canonical_uri("/a%20b") == "/a%2520b");
    CHECK(sv::canonical_uri("/a b~") == "/a%20b~");
  }

  TEST_CASE("canonical query: decoded, strictly re-encoded, sorted by name then value") {
    CHECK(sv::canonical_query("") == "");
    CHECK(sv::canonical_query("b=2&a=1") == "a=1&b=2");
    CHECK(sv::canonical_query("a=1&a=0") == "a=0&a=1");
    CHECK(sv::canonical_query("flag") == "flag=");
    CHECK(sv::canonical_query("a=1&&b=") == "a=1&b=");
    CHECK(sv::canonical_query("q=a+b") == "q=a%2Bb");
    CHECK(sv::canonical_query("q=%7e%2f") == "q=~%2F");
    CHECK(sv::canonical_query("q=%zz%4") == "q=%25zz%254");
    CHECK(sv::canonical_query("k=a b") == "k=a%20b");
  }

  TEST_CASE("X-Amz-Date: parsed only in its exact form, formatted back") {
    CHECK(sv::format_amz_date(*sv::parse_amz_date("20150830T123600Z")) == "20150830T123600Z");
    CHECK(sv::format_amz_date(*sv::parse_amz_date("20240229T235959Z")) == "20240229T235959Z");
    for (std::string_view bad :
         {"20150230T123600Z", "20150830T243600Z", "20150830T126000Z", "20150830 123600Z",
          "20150830T123600", "2015-08-30T12:36:00Z", "2015083OT123600Z", ""}) {
      CAPTURE(bad);
      CHECK_FALSE(sv::parse_amz_date(bad).has_value());
    }
  }

  // ---- verify: success and every failure, in order
  // ------------------------------------------------

  TEST_CASE("a CLI-shaped request verifies: the key's account and the scope's Region") {
    owned_request r = cli_request();
    const auto result = sv::verify(r.view(), example_keys(), at("20261128T001447Z"));
    REQUIRE(result.has_value());
    CHECK(result.value() == sv::identity{"AKIDEXAMPLE", "111122223333", "us-east-1"});

    owned_request other = cli_request();
    sign(other, "AKIDOTHER", "secondsecret", "20261128T001447Z", "eu-west-3");
    const auto second = sv::verify(other.view(), example_keys(), at("20261128T001447Z"));
    REQUIRE(second.has_value());
    CHECK(second.value() == sv::identity{"AKIDOTHER", "444455556666", "eu-west-3"});
  }

  TEST_CASE("no Authorization header (or an empty one): MissingAuthenticationTokenException") {
    owned_request r = cli_request();
    r.erase("Authorization");
    auto e = failure(r);
    CHECK(e.name() == "MissingAuthenticationTokenException");
    CHECK(e.message == "Request is missing Authentication Token");
    r.set("Authorization", "   ");
    CHECK(failure(r).name() == "MissingAuthenticationTokenException");
  }

  TEST_CASE("a parameter without '=': IncompleteSignatureException quoting the header") {
    owned_request r = cli_request();
    const std::string bad =
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE /20261128/us-east-1/secretsmanager/aws4_request, "
        "SignedHeaders=host;x-amz-date, Signature=abc";
    r.set("Authorization", bad);
    const auto e = failure(r);
    CHECK(e.name() == "IncompleteSignatureException");
    CHECK(e.message ==
          "'/20261128/us-east-1/secretsmanager/aws4_request' not a valid key=value pair "
          "(missing equal-sign) in Authorization header: '" +
              bad + "'.");
  }

  TEST_CASE("missing parameters and date: one sentence each, then the header") {
    owned_request r = cli_request();
    r.erase("X-Amz-Date");
    r.set("Authorization", "AWS4-HMAC-SHA256 Credential=ABCDEF");
    auto e = failure(r);
    CHECK(e.name() == "IncompleteSignatureException");
    CHECK(e.message ==
          "Authorization header requires 'Signature' parameter. Authorization header requires "
          "'SignedHeaders' parameter. Authorization header requires existence of either a "
          "'X-Amz-Date' or a 'Date' header. Authorization=AWS4-HMAC-SHA256 Credential=ABCDEF");

    r.set("Authorization", "Bearer");
    CHECK(failure(r).message ==
          "Authorization header requires 'Credential' parameter. Authorization header requires "
          "'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. "
          "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. "
          "Authorization=Bearer");

    owned_request malformed_date = cli_request();
    malformed_date.set("X-Amz-Date", "2026-11-28T00:14:47Z");
    e = failure(malformed_date);
    CHECK(e.name() == "IncompleteSignatureException");
    CHECK(
        e.message.starts_with("Authorization header requires existence of either a 'X-Amz-Date' "
                              "or a 'Date' header. Authorization=AWS4-HMAC-SHA256 Credential="));
  }

  TEST_CASE("another algorithm: IncompleteSignatureException") {
    owned_request r = cli_request();
    std::string authorization = r.headers.back().second;
    r.set("Authorization", "AWS4-ECDSA-P256-SHA256" + authorization.substr(16));
    const auto e = failure(r);
    CHECK(e.name() == "IncompleteSignatureException");
    CHECK(e.message == "Unsupported AWS 'algorithm': 'AWS4-ECDSA-P256-SHA256'.");
  }

  TEST_CASE("a credential of other than five elements: IncompleteSignatureException") {
    owned_request r = cli_request();
    r.set("Authorization",
          "AWS4-HMAC-SHA256 Credential=AK/ID/20261128/us-east-1/secretsmanager/aws4_request, "
          "SignedHeaders=host;x-amz-date, Signature=00");
    const auto e = failure(r);
    CHECK(e.name() == "IncompleteSignatureException");
    CHECK(e.message ==
          "Credential must have exactly 5 slash-delimited elements, e.g. "
          "keyid/date/region/service/term, got "
          "'AK/ID/20261128/us-east-1/secretsmanager/aws4_request'");
  }

  TEST_CASE("host and x-amz-date must be signed") {
    owned_request r = cli_request();
    sign(r, "AKIDEXAMPLE", example_secret, "20261128T001447Z", "us-east-1", "secretsmanager",
         "content-type;x-amz-date");
    auto e = failure(r);
    CHECK(e.name() == "IncompleteSignatureException");
    CHECK(e.message == "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");

    sign(r, "AKIDEXAMPLE", example_secret, "20261128T001447Z", "us-east-1", "secretsmanager",
         "host;content-type");
    e = failure(r);
    CHECK(e.name() == "IncompleteSignatureException");
    CHECK(e.message == "'X-Amz-Date' must be a 'SignedHeader' in the AWS Authorization.");
  }

  TEST_CASE("an unknown access key id: UnrecognizedClientException") {
    owned_request r = cli_request();
    sign(r, "AKIDUNKNOWN", example_secret, "20261128T001447Z");
    const auto e = failure(r);
    CHECK(e.name() == "UnrecognizedClientException");
    CHECK(e.message == "The security token included in the request is invalid.");
  }

  TEST_CASE("the credential scope: Region, service, terminator, date") {
    owned_request r = cli_request();
    sign(r, "AKIDEXAMPLE", example_secret, "20261128T001447Z", "", "secretsmanager");
    auto e = failure(r);
    CHECK(e.name() == "InvalidSignatureException");
    CHECK(e.message == "Credential should be scoped to a valid region, not ''. ");

    sign(r, "AKIDEXAMPLE", example_secret, "20261128T001447Z", "us-east-1", "kms");
    e = failure(r);
    CHECK(e.name() == "InvalidSignatureException");
    CHECK(e.message == "Credential should be scoped to correct service: 'secretsmanager'. ");

    r = cli_request();
    std::string authorization = r.headers.back().second;
    authorization.replace(authorization.find("aws4_request"), 12, "aws5_request");
    r.set("Authorization", authorization);
    e = failure(r);
    CHECK(e.name() == "InvalidSignatureException");
    CHECK(e.message ==
          "Credential should be scoped with a valid terminator: 'aws4_request', not "
          "'aws5_request'. ");

    r = cli_request();
    authorization = r.headers.back().second;
    authorization.replace(authorization.find("/20261128/"), 10, "/20261127/");
    r.set("Authorization", authorization);
    e = failure(r);
    CHECK(e.name() == "InvalidSignatureException");
    CHECK(e.message ==
          "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from "
          "HTTP. ");
  }

  TEST_CASE("request time: five minutes either side, inclusive; AWS's expiry texts beyond") {
    owned_request r = cli_request("20150830T123600Z");
    CHECK(sv::verify(r.view(), example_keys(), at("20150830T124100Z")).has_value());
    CHECK(sv::verify(r.view(), example_keys(), at("20150830T123100Z")).has_value());

    auto e = failure(r, "20150830T124101Z");
    CHECK(e.name() == "InvalidSignatureException");
    CHECK(e.message ==
          "Signature expired: 20150830T123600Z is now earlier than 20150830T123601Z "
          "(20150830T124101Z - 5 min.)");

    e = failure(r, "20150830T123059Z");
    CHECK(e.name() == "InvalidSignatureException");
    CHECK(e.message ==
          "Signature not yet current: 20150830T123600Z is still later than 20150830T123559Z "
          "(20150830T123059Z + 5 min.)");

    // Sub-second parts of `now` are dropped, as in AWS's second-resolution texts.
    CHECK(sv::verify(r.view(), example_keys(), at("20150830T124100Z") + 999ms).has_value());
    // A configured skew shows in the text.
    const auto fifteen =
        sv::verify(r.view(), example_keys(), at("20150830T125101Z"), {"secretsmanager", 900s});
    REQUIRE(fifteen.has_error());
    CHECK(fifteen.error().message ==
          "Signature expired: 20150830T123600Z is now earlier than 20150830T123601Z "
          "(20150830T125101Z - 15 min.)");
  }

  TEST_CASE(
      "a wrong signature: InvalidSignatureException with AWS's canonical string and "
      "string to sign, never the secret") {
    owned_request r = cli_request();
    sign(r, "AKIDEXAMPLE", "not-the-secret", "20261128T001447Z", "us-east-1", "secretsmanager",
         "content-type;host;x-amz-date;x-amz-target");
    const auto e = failure(r);
    CHECK(e.name() == "InvalidSignatureException");
    const std::string canonical =
        "POST\n/\n\ncontent-type:application/x-amz-json-1.1\nhost:127.0.0.1:8080\n"
        "x-amz-date:20261128T001447Z\nx-amz-target:secretsmanager.ListSecrets\n\n"
        "content-type;host;x-amz-date;x-amz-target\n" +
        sv::hex_sha256("{}");
    CHECK(e.message ==
          "The request signature we calculated does not match the signature you provided. Check "
          "your AWS Secret Access Key and signing method. Consult the service documentation for "
          "details.\n\nThe Canonical String for this request should have been\n'" +
              canonical +
              "'\n\nThe String-to-Sign should have been\n'AWS4-HMAC-SHA256\n20261128T001447Z\n"
              "20261128/us-east-1/secretsmanager/aws4_request\n" +
              sv::hex_sha256(canonical) + "'\n");
    CHECK(e.message.find(example_secret) == std::string::npos);
    CHECK(e.message.find("not-the-secret") == std::string::npos);
  }

  TEST_CASE("after signing: a changed body, header, path, query or upper-case hex fails") {
    owned_request r = cli_request();
    r.body = "{\"MaxResults\": 1}";
    CHECK(failure(r).name() == "InvalidSignatureException");

    r = cli_request();
    r.set("X-Amz-Target", "secretsmanager.DeleteSecret");
    CHECK(failure(r).name() == "InvalidSignatureException");

    r = cli_request();
    r.path = "/other";
    CHECK(failure(r).name() == "InvalidSignatureException");

    r = cli_request();
    r.query = "a=b";
    CHECK(failure(r).name() == "InvalidSignatureException");

    r = cli_request();
    r.headers.emplace_back("x-amz-target", "secretsmanager.DeleteSecret");  // a second value
    CHECK(failure(r).name() == "InvalidSignatureException");

    r = cli_request();
    std::string authorization = r.headers.back().second;
    for (std::size_t i = authorization.find("Signature=") + 10; i < authorization.size(); ++i) {
      authorization[i] =
          static_cast<char>(std::toupper(static_cast<unsigned char>(authorization[i])));
    }
    r.set("Authorization", authorization);
    CHECK(failure(r).name() == "InvalidSignatureException");

    r = cli_request();
    authorization = r.headers.back().second;
    r.set("Authorization", authorization.substr(0, authorization.size() - 1));
    CHECK(failure(r).name() == "InvalidSignatureException");
  }

  TEST_CASE("unsigned headers may change; header names match in any case") {
    owned_request r = cli_request();
    r.set("User-Agent", "something else");
    r.headers.emplace_back("X-Extra", "1");
    for (auto& h : r.headers) {
      if (h.first == "Content-Type") h.first = "CONTENT-TYPE";
    }
    CHECK(sv::verify(r.view(), example_keys(), at("20261128T001447Z")).has_value());
  }

  TEST_CASE("auth_error plugs into std::error_code") {
    const std::error_code ec = sv::make_error_code(sv::messages::unrecognized_client());
    CHECK(std::string(ec.category().name()) == "sigv4");
    CHECK(ec.message() == "UnrecognizedClientException");
  }

  // ---- the credentials table
  // ----------------------------------------------------------------------

  TEST_CASE("credentials: comments, blank lines, tabs, CRLF") {
    const auto keys = table(
        "# team keys\r\n"
        "\r\n"
        "AKIDA  secretA/+=  111111111111   # alice\r\n"
        "\tAKIDB\tsecretB\t222222222222\n"
        "   # indented comment\n"
        "AKIDC secretC 333333333333");
    CHECK(keys.size() == 3);
    REQUIRE(keys.find("AKIDA") != nullptr);
    CHECK(keys.find("AKIDA")->secret_access_key == "secretA/+=");
    CHECK(keys.find("AKIDB")->account_id == "222222222222");
    CHECK(keys.find("AKIDC")->account_id == "333333333333");
    CHECK(keys.find("AKIDD") == nullptr);
    CHECK(keys.find("akida") == nullptr);
    CHECK(table("").size() == 0);
  }

  TEST_CASE("credentials: a malformed line is named by number, its secret never echoed") {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"AKIDA secretA 111111111111\nAKIDB TOPSECRETB\n",
         "credentials line 2: expected ACCESS_KEY_ID SECRET_ACCESS_KEY ACCOUNT_ID, found 2 fields"},
        {"\n# c\nAKIDB TOPSECRETB 222222222222 extra\n",
         "credentials line 3: expected ACCESS_KEY_ID SECRET_ACCESS_KEY ACCOUNT_ID, found 4 fields"},
        {"AKID/B TOPSECRETB 222222222222\n",
         "credentials line 1: the access key id must be 1 to 128 letters and digits, got 'AKID/B'"},
        {"AKIDB TOPSECRETB 2222\n",
         "credentials line 1: the account id must be 12 digits, got '2222'"},
        {"AKIDB TOPSECRETB 222222222222\nAKIDB TOPSECRETB2 333333333333\n",
         "credentials line 2: the access key id 'AKIDB' appears twice"},
    };
    for (const auto& [text, message] : cases) {
      const std::string& shown = text;
      CAPTURE(shown);
      const auto parsed = sv::credentials::parse(text);
      REQUIRE(parsed.has_error());
      CHECK(parsed.error().message == message);
      CHECK(parsed.error().message.find("TOPSECRET") == std::string::npos);
    }
    CHECK(sv::credentials::parse("\n\nAKIDB TOPSECRETB\n").error().line == 3);
  }
}
