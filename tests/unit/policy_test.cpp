// policy.hpp: the checks of a resource policy document (PutResourcePolicy, ValidateResourcePolicy).
// The expected texts are typed here from their evidence (docs/resource-policies.md), never copied
// from the library, so a wrong text in messages.hpp fails a test.
#include <cstddef>
#include <string>
#include <string_view>

#include <doctest/doctest.h>

#include <secretstage/policy.hpp>

// Its own namespace: the batched build (SECRETSTAGE_FAST_TEST_BUILD) joins test files.
namespace policy_test {

namespace ss = secretstage;
namespace pol = secretstage::policy;

namespace {

// [OBS] awsdocs/aws-cloudformation-user-guide #623: PutResourcePolicy refusing Version 2019-10-19.
const std::string malformed = "This policy has invalid syntax.";
// [UG] manage_secret-policy.md, PutResourcePolicy --block-public-policy.
const std::string blocked =
    "You can't attach a resource-based policy that allows broad access to the secret.";
// [UG] manage_secret-policy.md, the console's "Broad Access" and "Lockout" cases.
const std::string broad_access =
    "This resource policy grants broad access to your secret. Secrets Manager does not allow "
    "creating and applying such policies in the console.";
const std::string lockout =
    "Your requested changes will not allow you to manage this secret in the future.";
// [OBS format] AWS's length constraint text, member resourcePolicy, NonEmptyResourcePolicyType.
const std::string too_long =
    "1 validation error detected: Value at 'resourcePolicy' failed to satisfy constraint: Member "
    "must have length less than or equal to 20480";
const std::string too_short =
    "1 validation error detected: Value at 'resourcePolicy' failed to satisfy constraint: Member "
    "must have length greater than or equal to 1";

/// A one-statement policy around `statement_members` (without braces).
std::string policy_with(std::string_view statement_members) {
  return R"({"Version":"2012-10-17","Statement":[{)" + std::string(statement_members) + "}]}";
}

/// An Allow of secretsmanager:GetSecretValue on "*" for `principal` (JSON text), with `extra`
/// members appended (e.g. a Condition).
std::string allow(std::string_view principal, std::string_view extra = {}) {
  std::string s = R"("Effect":"Allow","Principal":)" + std::string(principal) +
                  R"(,"Action":"secretsmanager:GetSecretValue","Resource":"*")";
  if (!extra.empty()) s += "," + std::string(extra);
  return policy_with(s);
}

void check_malformed(std::string_view text) {
  CAPTURE(text);
  const auto r = pol::validate_policy_document(text);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == ss::errc::malformed_policy_document);
  CHECK(r.error().name() == "MalformedPolicyDocumentException");
  CHECK(r.error().message == malformed);
  const auto v = pol::validate_resource_policy(text);
  REQUIRE_FALSE(v);
  CHECK(v.error() == r.error());
  const auto p = pol::check_put_resource_policy(text, true);
  REQUIRE_FALSE(p);
  CHECK(p.error() == r.error());
}

bool is_public(std::string_view text) {
  CAPTURE(text);
  const auto parsed = pol::parse_document(text);
  REQUIRE(parsed);
  return pol::is_public_policy(parsed.value());
}

// The example of the API reference and the AWS CLI (examples-1.json): valid, not public.
const std::string api_example =
    "{\n\"Version\":\"2012-10-17\",\n\"Statement\":[{\n\"Effect\":\"Allow\",\n\"Principal\":{\n"
    "\"AWS\":\"arn:aws:iam::123456789012:root\"\n},\n\"Action\":\"secretsmanager:GetSecretValue\","
    "\n\"Resource\":\"*\"\n}]\n}";

}  // namespace

TEST_CASE("policy: the API reference's example passes every check") {
  CHECK(pol::validate_policy_document(api_example));
  const auto v = pol::validate_resource_policy(api_example);
  REQUIRE(v);
  // [API] examples-1.json ValidateResourcePolicy: {"PolicyValidationPassed": true,
  // "ValidationErrors": []}
  CHECK(v.value().passed);
  CHECK(v.value().errors.empty());
  CHECK(pol::check_put_resource_policy(api_example, true));
  CHECK(pol::check_put_resource_policy(api_example, false));
}

TEST_CASE("policy: the parsed document keeps every element") {
  const auto d = pol::parse_document(R"({"Version":"2008-10-17","Id":"p1","Statement":{
      "Sid":"One","Effect":"Deny","NotPrincipal":{"AWS":["arn:aws:iam::111122223333:root","x"],
      "Service":"rotation.amazonaws.com"},"NotAction":"secretsmanager:Get*",
      "NotResource":["arn:aws:secretsmanager:us-east-1:111122223333:secret:a-*"],
      "Condition":{"NumericLessThan":{"aws:MultiFactorAuthAge":3600},
                   "Bool":{"aws:SecureTransport":[true,"false"]}}}})");
  REQUIRE(d);
  const pol::document& doc = d.value();
  CHECK(doc.version == "2008-10-17");
  CHECK(doc.id == "p1");
  REQUIRE(doc.statements.size() == 1);
  const pol::statement& s = doc.statements[0];
  CHECK(s.sid == "One");
  CHECK(s.effect == pol::effect::deny);
  CHECK(s.not_principal);
  CHECK_FALSE(s.principal.everyone);
  REQUIRE(s.principal.entries.size() == 3);
  CHECK(s.principal.entries[1] == std::pair<std::string, std::string>{"AWS", "x"});
  CHECK(s.principal.entries[2].first == "Service");
  CHECK(s.not_action);
  CHECK(s.actions == std::vector<std::string>{"secretsmanager:Get*"});
  CHECK(s.not_resource);
  REQUIRE(s.conditions.size() == 2);
  CHECK(s.conditions[0].op == "NumericLessThan");
  CHECK(s.conditions[0].values == std::vector<std::string>{"3600"});
  CHECK(s.conditions[1].values == std::vector<std::string>{"true", "false"});
}

TEST_CASE("policy: rule 1, the length of NonEmptyResourcePolicyType, in UTF-16 code units") {
  const auto empty = pol::validate_policy_document("");
  REQUIRE_FALSE(empty);
  CHECK(empty.error().name() == "ValidationException");
  CHECK(empty.error().message == too_short);

  // Exactly 20480 characters: the limit itself passes (padding is JSON whitespace).
  std::string at_limit = api_example;
  at_limit.append(20480 - at_limit.size(), ' ');
  CHECK(pol::validate_policy_document(at_limit));
  const auto over = pol::validate_policy_document(at_limit + " ");
  REQUIRE_FALSE(over);
  CHECK(over.error().code == ss::errc::validation);
  CHECK(over.error().message == too_long);

  // A character outside the BMP is two UTF-16 units: 20479 ASCII + one such character is over,
  // while 20478 + one is at the limit; 20479 + "é" (one unit, two bytes) is at the limit.
  std::string base = api_example;
  base.append(20478 - base.size(), ' ');
  CHECK(pol::validate_policy_document(base + "\xF0\x9F\x94\x91").error().message == malformed);
  CHECK(pol::validate_policy_document(base + " \xF0\x9F\x94\x91").error().message == too_long);
  CHECK(pol::validate_policy_document(base + " \xC3\xA9").error().message == malformed);
  // The length is checked first: an oversize non-JSON text is a length error.
  CHECK(pol::validate_policy_document(std::string(30000, 'x')).error().message == too_long);
  // And for every caller of the checks.
  CHECK(pol::check_put_resource_policy(at_limit + " ", false).error().message == too_long);
  CHECK(pol::validate_resource_policy("").error().message == too_short);
}

TEST_CASE("policy: rule 1 in the fixture of its own: UTF-16 lengths") {
  CHECK(pol::detail::utf16_length("") == 0);
  CHECK(pol::detail::utf16_length("abc") == 3);
  CHECK(pol::detail::utf16_length("\xC3\xA9") == 1);          // é
  CHECK(pol::detail::utf16_length("\xE2\x82\xAC") == 1);      // €
  CHECK(pol::detail::utf16_length("\xF0\x9F\x94\x91") == 2);  // a surrogate pair
  CHECK(pol::detail::utf16_length("\xFF\xC3") == 2);          // ill-formed parts: one each
}

TEST_CASE("policy: rule 2, one well-formed JSON object") {
  check_malformed("not json");
  check_malformed("{");
  check_malformed(R"({"Version":"2012-10-17","Statement":[]})"  // trailing garbage
                  "x");
  check_malformed(R"({"Version":"2012-10-17",})");
  check_malformed("[]");
  check_malformed("\"policy\"");
  check_malformed("null");
  check_malformed("\xEF\xBB\xBF" + api_example);            // a byte-order mark [ruling]
  check_malformed(allow("\"*\"", "\"Sid\":\"\xC3\x28\""));  // invalid UTF-8 in a string
  check_malformed(allow("\"*\"", "\"Sid\":\"\\ud800\""));   // a lone surrogate escape
  // Whitespace around the object is JSON's, and fine.
  CHECK(pol::validate_policy_document(" \n\t" + api_example + "\r\n"));
}

TEST_CASE("policy: rule 2, deep nesting is refused without recursion") {
  std::string deep = R"({"Version":"2012-10-17","Statement":[{"Sid":)";
  deep += std::string(5000, '[') + std::string(5000, ']') + "}]}";
  check_malformed(deep);
  // Nesting within the scanner's limit but outside the grammar is a grammar failure, same text.
  check_malformed(allow("\"*\"", R"("Condition":{"StringEquals":{"aws:SourceAccount":[["1"]]}})"));
}

TEST_CASE("policy: rule 3, the top level: Version, Id, Statement and nothing else") {
  // [OBS] Version "2019-10-19" is refused; the two IAM versions pass.
  check_malformed(R"({"Version":"2019-10-19","Statement":{"Effect":"Allow","Principal":"*",)"
                  R"("Action":"*","Resource":"*"}})");
  check_malformed(R"({"Version":20121017,"Statement":[]})");
  CHECK(pol::validate_policy_document(R"({"Version":"2008-10-17","Statement":{"Effect":"Allow",)"
                                      R"("Principal":"*","Action":"*","Resource":"*"}})"));
  // Version may be absent [IAM].
  CHECK(pol::validate_policy_document(R"({"Statement":{"Effect":"Allow","Principal":"*",)"
                                      R"("Action":"*","Resource":"*"}})"));
  check_malformed(R"({"Version":"2012-10-17"})");                      // no Statement
  check_malformed(R"({"Version":"2012-10-17","Statement":[]})");       // [ruling] empty
  check_malformed(R"({"Version":"2012-10-17","Statement":"Allow"})");  // not a statement
  check_malformed(R"({"Version":"2012-10-17","Statement":[1]})");
  check_malformed(R"({"Id":7,"Statement":{"Effect":"Allow","Principal":"*","Action":"*",)"
                  R"("Resource":"*"}})");
  check_malformed(R"({"Version":"2012-10-17","Policy":"x","Statement":{"Effect":"Allow",)"
                  R"("Principal":"*","Action":"*","Resource":"*"}})");
  // [ruling] a key given twice.
  check_malformed(R"({"Version":"2012-10-17","Version":"2012-10-17","Statement":{"Effect":)"
                  R"("Allow","Principal":"*","Action":"*","Resource":"*"}})");
}

TEST_CASE("policy: rule 3, the statement's elements") {
  // [UG] "AllowSomething" is a syntax error; Effect is exact.
  check_malformed(policy_with(
      R"("Effect":"AllowSomething","Principal":"*","Action":"secretsmanager:*","Resource":"*")"));
  check_malformed(policy_with(R"("Effect":"allow","Principal":"*","Action":"*","Resource":"*")"));
  // Every required element.
  check_malformed(policy_with(R"("Principal":"*","Action":"*","Resource":"*")"));
  check_malformed(policy_with(R"("Effect":"Allow","Action":"*","Resource":"*")"));
  check_malformed(policy_with(R"("Effect":"Allow","Principal":"*","Resource":"*")"));
  check_malformed(policy_with(R"("Effect":"Allow","Principal":"*","Action":"*")"));
  // An element and its Not form together.
  check_malformed(policy_with(
      R"("Effect":"Allow","Principal":"*","NotPrincipal":"*","Action":"*","Resource":"*")"));
  check_malformed(policy_with(
      R"("Effect":"Allow","Principal":"*","Action":"*","NotAction":"s3:*","Resource":"*")"));
  check_malformed(policy_with(
      R"("Effect":"Allow","Principal":"*","Action":"*","Resource":"*","NotResource":"*")"));
  // An unknown element, and a Sid that is not a string.
  check_malformed(allow("\"*\"", R"("Extra":1)"));
  check_malformed(allow("\"*\"", R"("Sid":1)"));
  // Actions: "*" or prefix:name; Resources: "*" or an ARN [ruling].
  check_malformed(
      policy_with(R"("Effect":"Allow","Principal":"*","Action":"GetSecretValue","Resource":"*")"));
  check_malformed(policy_with(R"("Effect":"Allow","Principal":"*","Action":":x","Resource":"*")"));
  check_malformed(policy_with(R"("Effect":"Allow","Principal":"*","Action":[],"Resource":"*")"));
  check_malformed(
      policy_with(R"("Effect":"Allow","Principal":"*","Action":["s3:*",1],"Resource":"*")"));
  check_malformed(
      policy_with(R"("Effect":"Allow","Principal":"*","Action":"*","Resource":"my-secret")"));
  CHECK(pol::validate_policy_document(
      policy_with(R"("Effect":"Allow","Principal":"*","NotAction":["secretsmanager:Delete*"],)"
                  R"("NotResource":"arn:aws:secretsmanager:*:*:secret:x-*")")));
}

TEST_CASE("policy: rule 3, principals") {
  CHECK(pol::validate_policy_document(allow("\"*\"")));
  CHECK(pol::validate_policy_document(allow(R"({"AWS":"*"})")));
  CHECK(pol::validate_policy_document(
      allow(R"({"Service":["a.amazonaws.com"],"AWS":"123456789012"})")));
  CHECK(pol::validate_policy_document(allow(R"({"Federated":"cognito-identity.amazonaws.com"})")));
  CHECK(pol::validate_policy_document(allow(R"({"CanonicalUser":"79a59df9"})")));
  check_malformed(allow("\"arn:aws:iam::123456789012:root\""));  // a bare string other than "*"
  check_malformed(allow(R"({"User":"x"})"));
  check_malformed(allow(R"({})"));
  check_malformed(allow(R"({"AWS":[]})"));
  check_malformed(allow(R"({"AWS":""})"));
  check_malformed(allow(R"({"AWS":["x",null]})"));
  check_malformed(allow("[\"*\"]"));
}

TEST_CASE("policy: rule 3, conditions") {
  CHECK(pol::validate_policy_document(
      allow("\"*\"", R"("Condition":{"ForAnyValue:StringLikeIfExists":{"aws:TagKeys":"a*"}})")));
  CHECK(pol::validate_policy_document(
      allow("\"*\"", R"("Condition":{"Null":{"aws:SourceVpc":"true"}})")));
  check_malformed(allow("\"*\"", R"("Condition":{"StringEqual":{"aws:SourceAccount":"1"}})"));
  check_malformed(allow("\"*\"", R"("Condition":{"NullIfExists":{"aws:SourceVpc":"true"}})"));
  check_malformed(
      allow("\"*\"", R"("Condition":{"ForAnyValue:ForAllValues:StringEquals":{"k:k":"1"}})"));
  check_malformed(allow("\"*\"", R"("Condition":{})"));
  check_malformed(allow("\"*\"", R"("Condition":{"StringEquals":{}})"));
  check_malformed(allow("\"*\"", R"("Condition":{"StringEquals":"x"})"));
  check_malformed(allow("\"*\"", R"("Condition":{"StringEquals":{"aws:SourceAccount":[]}})"));
  check_malformed(allow("\"*\"", R"("Condition":{"StringEquals":{"aws:SourceAccount":null}})"));
  check_malformed(allow("\"*\"", R"("Condition":{"StringEquals":{"aws:SourceAccount":{}}})"));
  check_malformed(allow("\"*\"", R"("Condition":[])"));
}

TEST_CASE("policy: BlockPublicPolicy, a wildcard principal is public") {
  CHECK(is_public(allow("\"*\"")));
  CHECK(is_public(allow(R"({"AWS":"*"})")));
  CHECK(is_public(allow(R"({"AWS":["arn:aws:iam::123456789012:root","*"]})")));
  CHECK_FALSE(is_public(allow(R"({"AWS":"arn:aws:iam::123456789012:role/MyRole"})")));
  CHECK_FALSE(is_public(allow(R"({"AWS":["111122223333","444455556666"]})")));
  CHECK_FALSE(is_public(allow(R"({"Service":"lambda.amazonaws.com"})")));
  // [ruling] an Allow with NotPrincipal grants everyone else.
  CHECK(is_public(policy_with(
      R"("Effect":"Allow","NotPrincipal":{"AWS":"arn:aws:iam::1:root"},"Action":"*","Resource":"*")")));
  // A public statement among private ones makes the policy public.
  CHECK(is_public(R"({"Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},)"
                  R"("Action":"*","Resource":"*"},{"Effect":"Allow","Principal":"*",)"
                  R"("Action":"secretsmanager:DescribeSecret","Resource":"*"}]})"));
}

TEST_CASE("policy: BlockPublicPolicy, Deny statements never grant") {
  CHECK_FALSE(is_public(policy_with(
      R"("Effect":"Deny","Principal":"*","Action":"secretsmanager:*","Resource":"*")")));
  CHECK_FALSE(is_public(policy_with(
      R"("Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::1:root"},"Action":"*","Resource":"*")")));
}

TEST_CASE("policy: BlockPublicPolicy, only Secrets Manager actions count") {
  const auto with_action = [](std::string_view action) {
    return policy_with(R"("Effect":"Allow","Principal":"*","Action":)" + std::string(action) +
                       R"(,"Resource":"*")");
  };
  CHECK(is_public(with_action("\"*\"")));
  CHECK(is_public(with_action("\"secretsmanager:*\"")));
  CHECK(is_public(with_action("\"SecretsManager:GetSecretValue\"")));  // case-insensitive [IAM]
  CHECK(is_public(with_action("\"secrets*:Describe*\"")));
  CHECK(is_public(with_action(R"(["s3:GetObject","secretsmanager:ListSecretVersionIds"])")));
  CHECK_FALSE(is_public(with_action("\"s3:GetObject\"")));
  CHECK_FALSE(is_public(with_action(R"(["kms:Decrypt","sns:*"])")));
  // NotAction grants what it does not list.
  const auto with_not_action = [](std::string_view action) {
    return policy_with(R"("Effect":"Allow","Principal":"*","NotAction":)" + std::string(action) +
                       R"(,"Resource":"*")");
  };
  CHECK(is_public(with_not_action("\"s3:*\"")));
  CHECK(is_public(with_not_action("\"secretsmanager:Delete*\"")));
  CHECK_FALSE(is_public(with_not_action("\"secretsmanager:*\"")));
  CHECK_FALSE(is_public(with_not_action("\"*\"")));
}

TEST_CASE("policy: BlockPublicPolicy, conditions that restrict to a fixed origin") {
  const auto cond = [](std::string_view c) {
    return allow("\"*\"", R"("Condition":)" + std::string(c));
  };
  // [UG] the four keys of the Secrets Manager User Guide, with fixed values.
  CHECK_FALSE(is_public(cond(R"({"StringEquals":{"aws:SourceAccount":"111122223333"}})")));
  CHECK_FALSE(is_public(
      cond(R"({"ArnEquals":{"aws:SourceArn":"arn:aws:lambda:us-east-1:1:function:f"}})")));
  CHECK_FALSE(is_public(cond(R"({"StringEquals":{"aws:SourceVpc":"vpc-1a2b3c4d"}})")));
  CHECK_FALSE(is_public(cond(R"({"StringEquals":{"aws:SourceVpce":["vpce-1","vpce-2"]}})")));
  // [S3] and [ruling] keys.
  CHECK_FALSE(is_public(cond(R"({"StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}})")));
  CHECK_FALSE(is_public(cond(R"({"StringEquals":{"aws:PrincipalAccount":"111122223333"}})")));
  CHECK_FALSE(is_public(cond(R"({"IpAddress":{"aws:SourceIp":["192.0.2.0/24","203.0.113.7"]}})")));
  // Condition keys are case-insensitive [IAM]; ForAnyValue: still restricts.
  CHECK_FALSE(is_public(cond(R"({"StringEquals":{"AWS:SourceAccount":"111122223333"}})")));
  CHECK_FALSE(is_public(cond(R"({"ForAnyValue:StringEquals":{"aws:SourceVpc":"vpc-1"}})")));
  // StringLike and ArnLike restrict when their values have no wildcard.
  CHECK_FALSE(is_public(cond(R"({"StringLike":{"aws:SourceAccount":"111122223333"}})")));
  // One restricting condition among others is enough.
  CHECK_FALSE(is_public(cond(R"({"Bool":{"aws:SecureTransport":"true"},)"
                             R"("StringEquals":{"aws:SourceAccount":"111122223333"}})")));

  // Conditions that do not restrict who can call.
  CHECK(is_public(cond(R"({"Bool":{"aws:SecureTransport":"true"}})")));
  CHECK(is_public(cond(R"({"StringEquals":{"secretsmanager:VersionStage":"AWSCURRENT"}})")));
  CHECK(is_public(cond(R"({"StringNotEquals":{"aws:SourceAccount":"111122223333"}})")));
  CHECK(is_public(cond(R"({"StringEqualsIfExists":{"aws:SourceAccount":"111122223333"}})")));
  CHECK(is_public(cond(R"({"ForAllValues:StringEquals":{"aws:SourceAccount":"111122223333"}})")));
  CHECK(is_public(cond(R"({"StringLike":{"aws:SourceAccount":"1111*"}})")));
  CHECK(is_public(cond(R"({"ArnLike":{"aws:SourceArn":"arn:aws:lambda:*:*:function:*"}})")));
  CHECK(is_public(cond(R"({"StringEquals":{"aws:SourceAccount":"${aws:PrincipalAccount}"}})")));
  CHECK(is_public(cond(R"({"StringEquals":{"aws:SourceAccount":["111122223333","*"]}})")));
  CHECK(is_public(cond(R"({"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}})")));
  CHECK(is_public(cond(R"({"IpAddress":{"aws:SourceIp":["192.0.2.0/24","::/0"]}})")));
  CHECK(is_public(cond(R"({"StringEquals":{"aws:SourceIp":"192.0.2.1"}})")));
  CHECK(is_public(cond(R"({"NumericLessThan":{"aws:SourceAccount":"5"}})")));
}

TEST_CASE("policy: BlockPublicPolicy, a Deny confining every request to one origin [ruling]") {
  const std::string confined =
      R"({"Version":"2012-10-17","Statement":[)"
      R"({"Effect":"Allow","Principal":"*","Action":"secretsmanager:GetSecretValue","Resource":"*"},)"
      R"({"Effect":"Deny","Principal":"*","Action":"secretsmanager:*","Resource":"*",)"
      R"("Condition":{"StringNotEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}}]})";
  CHECK_FALSE(is_public(confined));
  // Not confining: the Deny has IfExists, covers only some actions, or has a wildcard value.
  std::string if_exists = confined;
  if_exists.replace(if_exists.find("StringNotEquals"), 15, "StringNotEqualsIfExists");
  CHECK(is_public(if_exists));
  std::string some_actions = confined;
  some_actions.replace(some_actions.find("secretsmanager:*"), 16, "secretsmanager:Delete*");
  CHECK(is_public(some_actions));
  std::string wildcard = confined;
  wildcard.replace(wildcard.find("o-a1b2c3d4e5"), 12, "o-*");
  CHECK(is_public(wildcard));
}

TEST_CASE("policy: PutResourcePolicy refuses a public policy only with BlockPublicPolicy") {
  const std::string public_policy = allow("\"*\"");
  // [OBS] LocalStack test_resource_policy: AWS stored Principal "*" without BlockPublicPolicy.
  CHECK(pol::check_put_resource_policy(public_policy, false));
  const auto r = pol::check_put_resource_policy(public_policy, true);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == ss::errc::public_policy);
  CHECK(r.error().name() == "PublicPolicyException");
  CHECK(r.error().message == blocked);
  CHECK(pol::check_put_resource_policy(
      allow("\"*\"", R"("Condition":{"StringEquals":{"aws:SourceAccount":"111122223333"}})"),
      true));
}

TEST_CASE("policy: ValidateResourcePolicy reports broad access and lockout as findings") {
  const auto broad = pol::validate_resource_policy(allow(R"({"AWS":"*"})"));
  REQUIRE(broad);
  CHECK_FALSE(broad.value().passed);
  REQUIRE(broad.value().errors.size() == 1);
  CHECK(broad.value().errors[0].check_name == "BROAD_ACCESS");  // [ruling]
  CHECK(broad.value().errors[0].error_message == broad_access);

  // [UG] the "Lockout" example: Deny, everyone, secretsmanager:*, Resource "*".
  const std::string ug_lockout = R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny",)"
                                 R"("Principal":"*","Action":"secretsmanager:*","Resource":"*"}]})";
  const auto locked = pol::validate_resource_policy(ug_lockout);
  REQUIRE(locked);
  CHECK_FALSE(locked.value().passed);
  REQUIRE(locked.value().errors.size() == 1);
  CHECK(locked.value().errors[0].check_name == "LOCKOUT");  // [ruling]
  CHECK(locked.value().errors[0].error_message == lockout);
  // [ruling] PutResourcePolicy stores it.
  CHECK(pol::check_put_resource_policy(ug_lockout, true));

  // Both findings, broad access first.
  const auto both = pol::validate_resource_policy(
      R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"},)"
      R"({"Effect":"Deny","Principal":{"AWS":"*"},"Action":"secretsmanager:PutResourcePolicy",)"
      R"("Resource":"*"}]})");
  REQUIRE(both);
  REQUIRE(both.value().errors.size() == 2);
  CHECK(both.value().errors[0].check_name == "BROAD_ACCESS");
  CHECK(both.value().errors[1].check_name == "LOCKOUT");
}

TEST_CASE("policy: what is not a lockout") {
  const auto passes = [](std::string_view statement_members) {
    const auto v = pol::validate_resource_policy(policy_with(statement_members));
    REQUIRE(v);
    return v.value().passed;
  };
  // A condition, a named principal, other actions, a narrower resource, NotResource.
  CHECK(passes(R"("Effect":"Deny","Principal":"*","Action":"secretsmanager:*","Resource":"*",)"
               R"("Condition":{"Bool":{"aws:SecureTransport":"false"}})"));
  CHECK(passes(R"("Effect":"Deny","Principal":{"AWS":"arn:aws:iam::1:user/u"},)"
               R"("Action":"secretsmanager:*","Resource":"*")"));
  CHECK(passes(R"("Effect":"Deny","Principal":"*","Action":"secretsmanager:GetSecretValue",)"
               R"("Resource":"*")"));
  CHECK(passes(R"("Effect":"Deny","Principal":"*","Action":"secretsmanager:*",)"
               R"("Resource":"arn:aws:secretsmanager:us-east-1:1:secret:other-AbCdEf")"));
  CHECK(passes(R"("Effect":"Deny","Principal":"*","Action":"secretsmanager:*","NotResource":"*")"));
  // NotAction that leaves PutResourcePolicy and DeleteResourcePolicy out is no lockout; one that
  // leaves only GetSecretValue out denies both.
  CHECK(passes(R"("Effect":"Deny","Principal":"*","NotAction":"secretsmanager:*Policy",)"
               R"("Resource":"*")"));
  CHECK_FALSE(
      passes(R"("Effect":"Deny","Principal":"*","NotAction":"secretsmanager:GetSecretValue",)"
             R"("Resource":"*")"));
}

TEST_CASE("policy: to_json is canonical and parses back to the same policy") {
  const std::string text =
      R"({"Statement":{"Condition":{"StringEquals":{"aws:SourceAccount":1}},"Resource":"*",)"
      R"("Action":"secretsmanager:GetSecretValue","Principal":{"AWS":"*","Service":["a","b"]},)"
      R"("Effect":"Allow","Sid":"S\u00e9"},"Id":"i","Version":"2012-10-17"})";
  const auto d = pol::parse_document(text);
  REQUIRE(d);
  const std::string canonical = pol::to_json(d.value());
  CHECK(canonical == R"({"Id":"i","Statement":[{"Action":["secretsmanager:GetSecretValue"],)"
                     R"("Condition":{"StringEquals":{"aws:SourceAccount":["1"]}},"Effect":"Allow",)"
                     R"("Principal":{"AWS":["*"],"Service":["a","b"]},"Resource":["*"],"Sid":"S)"
                     "\xC3\xA9"
                     R"("}],"Version":"2012-10-17"})");
  const auto again = pol::parse_document(canonical);
  REQUIRE(again);
  CHECK(again.value() == d.value());
  CHECK(pol::is_public_policy(again.value()) == pol::is_public_policy(d.value()));
  CHECK(pol::to_json(again.value()) == canonical);
  // The bare "*" principal and Not forms survive.
  const auto n = pol::parse_document(
      policy_with(R"("Effect":"Deny","NotPrincipal":"*","NotAction":"s3:*","NotResource":"*")"));
  REQUIRE(n);
  const auto n2 = pol::parse_document(pol::to_json(n.value()));
  REQUIRE(n2);
  CHECK(n2.value() == n.value());
}

TEST_CASE("policy: glob_match, IAM's wildcards") {
  using pol::detail::glob_match;
  CHECK(glob_match("*", ""));
  CHECK(glob_match("secretsmanager:*", "secretsmanager:GetSecretValue"));
  CHECK(glob_match("secretsmanager:Get*Value", "SECRETSMANAGER:getsecretvalue"));
  CHECK(glob_match("s?cretsmanager:*", "secretsmanager:x"));
  CHECK(glob_match("*:*Policy", "secretsmanager:PutResourcePolicy"));
  CHECK_FALSE(glob_match("secretsmanager:Get", "secretsmanager:GetSecretValue"));
  CHECK_FALSE(glob_match("s3:*", "secretsmanager:GetSecretValue"));
  CHECK_FALSE(glob_match("?", ""));
}

}  // namespace policy_test
