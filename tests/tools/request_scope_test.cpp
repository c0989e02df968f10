// tools/request_scope.hpp: how secretstage-server finds the Region of an unverified request, which
// Region and account names it accepts (they become directory names under --data-dir), and which
// --listen addresses count as loopback (any other needs --credentials).
#include <optional>
#include <string>

#include <doctest/doctest.h>

#include "tools/request_scope.hpp"

// Its own namespace: the batched build (SECRETSTAGE_FAST_TEST_BUILD) joins test files.
namespace request_scope_test {

namespace tools = secretstage::tools;

TEST_CASE("scope_region: the Region of a SigV4 credential scope") {
  // As botocore writes the header.
  CHECK(tools::scope_region("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/eu-west-1/"
                            "secretsmanager/aws4_request, SignedHeaders=content-type;host;"
                            "x-amz-date;x-amz-target, Signature=abcdef") ==
        std::optional<std::string>("eu-west-1"));
  // Without the comma and space, and as the last parameter.
  CHECK(tools::scope_region("AWS4-HMAC-SHA256 SignedHeaders=host,Credential=K/20260101/"
                            "ap-south-1/secretsmanager/aws4_request") ==
        std::optional<std::string>("ap-south-1"));
  // Nothing usable: the server's --region then.
  for (const char* bad : {"", "AWS4-HMAC-SHA256 Signature=00",
                          "AWS4-HMAC-SHA256 Credential=K/20260101/us-east-1/secretsmanager",
                          "AWS4-HMAC-SHA256 Credential=K/20260101/us-east-1/secretsmanager/"
                          "aws4_request/extra",
                          "AWS4-HMAC-SHA256 Credential=K/20260101/US-EAST-1/secretsmanager/"
                          "aws4_request",
                          "AWS4-HMAC-SHA256 Credential=K/20260101/../secretsmanager/aws4_request",
                          "AWS4-HMAC-SHA256 Credential=K/20260101//secretsmanager/aws4_request"}) {
    INFO(bad);
    CHECK_FALSE(tools::scope_region(bad).has_value());
  }
}

TEST_CASE("valid_region_name and valid_account_id: safe directory names") {
  CHECK(tools::valid_region_name("us-east-1"));
  CHECK(tools::valid_region_name("us-gov-west-1"));
  CHECK(tools::valid_region_name(std::string(32, 'a')));
  CHECK_FALSE(tools::valid_region_name(std::string(33, 'a')));
  CHECK_FALSE(tools::valid_region_name(""));
  CHECK_FALSE(tools::valid_region_name("eu/west"));
  CHECK_FALSE(tools::valid_region_name("."));
  CHECK_FALSE(tools::valid_region_name(".."));
  CHECK_FALSE(tools::valid_region_name("Eu-west-1"));
  CHECK(tools::valid_account_id("123456789012"));
  CHECK_FALSE(tools::valid_account_id("12345678901"));
  CHECK_FALSE(tools::valid_account_id("1234567890123"));
  CHECK_FALSE(tools::valid_account_id("12345678901a"));
}

TEST_CASE("is_loopback: what --listen allows without --credentials") {
  for (const char* loopback : {"127.0.0.1", "127.1.2.3", "::1", "localhost"}) {
    INFO(loopback);
    CHECK(tools::is_loopback(loopback));
  }
  for (const char* other : {"0.0.0.0", "::", "10.0.0.1", "192.168.1.10", "128.0.0.1",
                            "127.example.com", "example.com", "", "::2"}) {
    INFO(other);
    CHECK_FALSE(tools::is_loopback(other));
  }
}

}  // namespace request_scope_test
