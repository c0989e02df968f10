// service.hpp: the service around the pure model, driven through its AWS JSON interface.
// Determinism by seed, raw mode, built-in rotation (both finish variants, fixed and generated
// values, the stored function), external functions (the rotation starts, no step runs;
// RotateImmediately false: the test of the configuration, testSecret alone), unknown
// functions (AWS's AccessDeniedException, nothing changes),
// background collection and purge on the service's clock, commit sequence numbers and the
// observer, and 8 threads of concurrent PutSecretValue losing nothing. Expected error texts are
// typed from docs/semantics.md (tests/support/aws_text.hpp), not from the library.
#include <algorithm>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <secretstage/invariants.hpp>
#include <secretstage/service.hpp>

#include "support/aws_text.hpp"
#include "support/given.hpp"

// Its own namespace: the batched build (SECRETSTAGE_FAST_TEST_BUILD) joins test files.
namespace service_test {

namespace ss = secretstage;
namespace text = ss::testing::aws_text;
using json = nlohmann::json;
using ss::testing::vid;

namespace {

const std::string C = "AWSCURRENT", PREV = "AWSPREVIOUS", P = "AWSPENDING";
const std::string FN = "arn:aws:lambda:us-east-1:123456789012:function:rotate-app";
const std::string KEEP = "arn:aws:lambda:us-east-1:123456789012:function:rotate-keep";
const std::string UNKNOWN = "arn:aws:lambda:us-east-1:123456789012:function:not-registered";
/// A function the service starts rotations with and never invokes (--external-rotation-function).
const std::string EXT = "arn:aws:lambda:us-east-1:123456789012:function:rotate-outside";
const std::string cannot_invoke =
    "Secrets Manager cannot invoke the specified Lambda function. Ensure that the function policy "
    "grants access to the principal secretsmanager.amazonaws.com.";
const std::string no_value_for_version =
    "Secrets Manager can't find the specified secret value for VersionId: ";

constexpr std::int64_t t0 = 1'767'258'000;  // 2026-01-01T09:00:00Z
constexpr std::int64_t hour = 3600, day = 86400;

ss::timestamp at(std::int64_t seconds) { return ss::timestamp::from_seconds(seconds); }

json body(const ss::service_reply& r) { return json::parse(r.body); }

/// A successful reply's body.
json ok(const ss::service_reply& r) {
  INFO(r.body);
  REQUIRE(r.status == 200);
  return body(r);
}

/// An error reply's type and message.
void check_error(const ss::service_reply& r, std::string_view type, std::string_view message) {
  INFO(r.body);
  CHECK(r.status == 400);
  const json b = body(r);
  CHECK(b.at("__type").get<std::string>() == type);
  CHECK(b.at("Message").get<std::string>() == message);
  CHECK(r.sequence == 0);
}

bool is_uuid_v4(std::string_view s) {
  if (s.size() != 36) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash != (s[i] == '-')) return false;
    if (!dash && !((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) return false;
  }
  return s[14] == '4' && (s[19] == '8' || s[19] == '9' || s[19] == 'a' || s[19] == 'b');
}

ss::service_options with_external_function() {
  ss::service_options options;
  options.external_rotation_functions = {EXT};
  return options;
}

std::string create(std::string_view name, std::string_view value) {
  return json{{"Name", name}, {"SecretString", value}}.dump();
}
std::string put(std::string_view id, std::string_view value) {
  return json{{"SecretId", id}, {"SecretString", value}}.dump();
}

/// The labels of every version of a secret, deprecated ones included (empty set).
ss::testing::aws_map labels_of(const ss::service& s, std::string_view name) {
  const ss::store st = s.store();
  const auto* secret = st.find(name);
  REQUIRE(secret != nullptr);
  CHECK(ss::check_store_invariants(st).empty());
  return ss::testing::version_labels(*secret);
}

std::string value_of(const ss::service& s, std::string_view name, const std::string& version) {
  const ss::store st = s.store();
  const auto* v = st.find(name)->find_version(version);
  REQUIRE(v != nullptr);
  REQUIRE(v->value() != nullptr);
  REQUIRE(v->value()->string() != nullptr);
  return *v->value()->string();
}

/// A fixed sequence of requests, one of every kind that draws something.
std::vector<std::string> run_story(ss::service& s) {
  std::vector<std::string> out;
  auto record = [&](const ss::service_reply& r) {
    out.push_back(std::to_string(r.status) + " " + r.request_id + " " + r.body);
  };
  record(s.handle("CreateSecret", create("app/db", "v1"), at(t0)));
  record(s.handle("PutSecretValue", put("app/db", "v2"), at(t0 + 60)));
  record(s.handle("RotateSecret", json{{"SecretId", "app/db"}, {"RotationLambdaARN", FN}}.dump(),
                  at(t0 + 120)));
  record(s.handle("GetRandomPassword", "{}", at(t0 + 180)));
  record(s.handle("ListSecretVersionIds", json{{"SecretId", "app/db"}}.dump(), at(t0 + 240)));
  record(s.handle("GetSecretValue", "not json", at(t0 + 300)));
  return out;
}

}  // namespace

TEST_CASE("service: the same seed and requests give the same replies; another seed differs") {
  ss::service_options options;
  options.seed = 7;
  options.rotation_functions[FN] = {};
  ss::service a(options), b(options);
  const auto first = run_story(a);
  CHECK(first == run_story(b));

  options.seed = 8;
  ss::service c(options);
  const auto other = run_story(c);
  REQUIRE(other.size() == first.size());
  for (std::size_t i = 0; i < first.size(); ++i) CHECK(other[i] != first[i]);  // ids differ
  // ...but the model's answers are the same in kind.
  for (std::size_t i = 0; i < first.size(); ++i)
    CHECK(other[i].substr(0, 3) == first[i].substr(0, 3));
}

TEST_CASE("service: generated ClientRequestTokens and request ids are distinct UUIDv4s") {
  ss::service s;
  std::set<std::string> seen;
  const json created = ok(s.handle("CreateSecret", create("app/db", "v1"), at(t0)));
  const std::string arn = created.at("ARN").get<std::string>();
  CHECK(arn.rfind("arn:aws:secretsmanager:us-east-1:123456789012:secret:app/db-", 0) == 0);
  CHECK(arn.size() ==
        std::string("arn:aws:secretsmanager:us-east-1:123456789012:secret:app/db-").size() + 6);
  seen.insert(created.at("VersionId").get<std::string>());
  for (int i = 0; i < 20; ++i) {
    const ss::service_reply r =
        s.handle("PutSecretValue", put("app/db", "v" + std::to_string(i)), at(t0));
    const std::string version = ok(r).at("VersionId").get<std::string>();
    CHECK(is_uuid_v4(version));
    CHECK(is_uuid_v4(r.request_id));
    CHECK(seen.insert(version).second);
    CHECK(seen.insert(r.request_id).second);
  }
  const ss::service_reply failed =
      s.handle("GetSecretValue", json{{"SecretId", "nope"}}.dump(), at(t0));
  CHECK(is_uuid_v4(failed.request_id));
  CHECK(seen.insert(failed.request_id).second);
}

TEST_CASE("service: region and account go into every ARN") {
  ss::service_options options;
  options.region = "eu-west-3";
  options.account_id = "000011112222";
  ss::service s(options);
  const json created = ok(s.handle("CreateSecret", create("x", "v"), at(t0)));
  CHECK(created.at("ARN").get<std::string>().rfind(
            "arn:aws:secretsmanager:eu-west-3:000011112222:secret:x-", 0) == 0);
}

TEST_CASE("service: raw mode generates no token, so version-creating requests need one") {
  ss::service_options options;
  options.raw = true;
  options.rotation_functions[FN] = {};
  ss::service s(options);
  check_error(s.handle("CreateSecret", create("app/db", "v1"), at(t0)), "InvalidRequestException",
              text::missing_token);
  CHECK(s.store().empty());
  // The token check comes before the secret lookup: the secret does not exist.
  check_error(s.handle("PutSecretValue", put("app/db", "v1"), at(t0)), "InvalidRequestException",
              text::missing_token);
  // A metadata-only CreateSecret needs no token.
  ok(s.handle("CreateSecret", json{{"Name", "app/empty"}}.dump(), at(t0)));

  ok(s.handle(
      "CreateSecret",
      json{{"Name", "app/db"}, {"SecretString", "v1"}, {"ClientRequestToken", vid(1)}}.dump(),
      at(t0)));
  check_error(s.handle("PutSecretValue", put("app/db", "v2"), at(t0)), "InvalidRequestException",
              text::missing_token);
  check_error(s.handle("UpdateSecret", put("app/db", "v2"), at(t0)), "InvalidRequestException",
              text::missing_token);
  // RotateSecret's missing token is an InvalidParameterException (docs/semantics.md#validation).
  check_error(s.handle("RotateSecret",
                       json{{"SecretId", "app/db"}, {"RotationLambdaARN", FN}}.dump(), at(t0)),
              "InvalidParameterException", text::missing_token);
  CHECK(labels_of(s, "app/db") == ss::testing::aws_map{{vid(1), {C}}});
  // Reads need no token.
  CHECK(ok(s.handle("GetSecretValue", json{{"SecretId", "app/db"}}.dump(), at(t0)))
            .at("SecretString") == "v1");
}

TEST_CASE("service: a built-in remove-pending function rotates at once, with its fixed value") {
  ss::service_options options;
  options.rotation_functions[FN] = {ss::finish_variant::remove_pending, "rotated value"};
  ss::service s(options);
  const std::string v1 =
      ok(s.handle("CreateSecret", create("app/db", "first"), at(t0))).at("VersionId");
  const json rotated =
      ok(s.handle("RotateSecret", json{{"SecretId", "app/db"}, {"RotationLambdaARN", FN}}.dump(),
                  at(t0 + hour)));
  const std::string v2 = rotated.at("VersionId");
  CHECK(is_uuid_v4(v2));
  CHECK(v2 != v1);
  // Trace T10: {v1:[AWSPREVIOUS], v2:[AWSCURRENT]}; the rotation function wrote its value.
  CHECK(labels_of(s, "app/db") == ss::testing::aws_map{{v1, {PREV}}, {v2, {C}}});
  CHECK(value_of(s, "app/db", v2) == "rotated value");
  const json got =
      ok(s.handle("GetSecretValue", json{{"SecretId", "app/db"}}.dump(), at(t0 + hour)));
  CHECK(got.at("VersionId") == v2);
  CHECK(got.at("SecretString") == "rotated value");
  const json described =
      ok(s.handle("DescribeSecret", json{{"SecretId", "app/db"}}.dump(), at(t0 + hour)));
  CHECK(described.at("RotationEnabled") == true);
  CHECK(described.at("RotationLambdaARN") == FN);
  CHECK(described.at("LastRotatedDate") == t0 + hour);

  // A second RotateSecret without RotationLambdaARN uses the stored (built-in) function.
  const std::string v3 =
      ok(s.handle("RotateSecret", json{{"SecretId", "app/db"}}.dump(), at(t0 + 2 * hour)))
          .at("VersionId");
  CHECK(labels_of(s, "app/db") == ss::testing::aws_map{{v1, {}}, {v2, {PREV}}, {v3, {C}}});
}

TEST_CASE("service: a built-in keep-pending function leaves AWSPENDING on the new version") {
  ss::service_options options;
  options.rotation_functions[KEEP] = {ss::finish_variant::keep_pending, std::nullopt};
  options.seed = 3;
  ss::service s(options);
  const std::string v1 =
      ok(s.handle("CreateSecret", create("app/db", "first"), at(t0))).at("VersionId");
  const std::string v2 =
      ok(s.handle("RotateSecret", json{{"SecretId", "app/db"}, {"RotationLambdaARN", KEEP}}.dump(),
                  at(t0)))
          .at("VersionId");
  CHECK(labels_of(s, "app/db") == ss::testing::aws_map{{v1, {PREV}}, {v2, {C, P}}});
  // No fixed value: a password with GetRandomPassword's defaults, 32 characters with an upper-case
  // letter, a lower-case letter, a digit and punctuation, and no space.
  const std::string password = value_of(s, "app/db", v2);
  CHECK(password.size() == 32);
  auto has = [&](auto pred) { return std::any_of(password.begin(), password.end(), pred); };
  CHECK(has([](char c) { return c >= 'A' && c <= 'Z'; }));
  CHECK(has([](char c) { return c >= 'a' && c <= 'z'; }));
  CHECK(has([](char c) { return c >= '0' && c <= '9'; }));
  CHECK(has([](char c) {
    return std::string_view("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~").find(c) != std::string_view::npos;
  }));
  CHECK(!has([](char c) { return c == ' '; }));
  // AWSPENDING sits with AWSCURRENT, which does not block the next rotation.
  const std::string v3 =
      ok(s.handle("RotateSecret", json{{"SecretId", "app/db"}}.dump(), at(t0 + 60)))
          .at("VersionId");
  CHECK(labels_of(s, "app/db") == ss::testing::aws_map{{v1, {}}, {v2, {PREV}}, {v3, {C, P}}});
  CHECK(value_of(s, "app/db", v3) != password);
}

TEST_CASE("service: RotateSecret with an unregistered function is denied and changes nothing") {
  ss::service_options options;
  options.rotation_functions[FN] = {};
  std::vector<std::uint64_t> observed;
  ss::service s(options, [&](std::uint64_t seq, std::string_view, std::string_view) {
    observed.push_back(seq);
  });
  ok(s.handle("CreateSecret", create("app/db", "first"), at(t0)));
  const ss::store before = s.store();
  check_error(s.handle("RotateSecret",
                       json{{"SecretId", "app/db"}, {"RotationLambdaARN", UNKNOWN}}.dump(), at(t0)),
              "AccessDeniedException", cannot_invoke);
  CHECK(s.store() == before);
  CHECK(s.commits() == 1);
  CHECK(observed == std::vector<std::uint64_t>{1});
  // Nor is the unknown ARN stored: the secret still has no rotation function.
  check_error(s.handle("RotateSecret", json{{"SecretId", "app/db"}}.dump(), at(t0)),
              "InvalidRequestException",
              "No Lambda rotation function ARN is associated with this secret.");
  CHECK(s.store() == before);
}

TEST_CASE("service: an external function's rotation starts as AWS's does and runs no step") {
  ss::service_options options = with_external_function();
  ss::service s(options);
  const std::string v1 =
      ok(s.handle("CreateSecret", create("app/db", "first"), at(t0))).at("VersionId");
  const std::string token = "33333333-3333-4333-8333-333333333333";
  const json started = ok(s.handle(
      "RotateSecret",
      json{{"SecretId", "app/db"}, {"RotationLambdaARN", EXT}, {"ClientRequestToken", token}}
          .dump(),
      at(t0 + hour)));
  CHECK(started.at("VersionId") == token);
  // The placeholder: a version without a value carrying AWSPENDING; AWSCURRENT has not moved.
  CHECK(labels_of(s, "app/db") == ss::testing::aws_map{{v1, {C}}, {token, {P}}});
  check_error(s.handle("GetSecretValue",
                       json{{"SecretId", "app/db"}, {"VersionId", token}}.dump(), at(t0 + hour)),
              "ResourceNotFoundException", no_value_for_version + token);
  const json described =
      ok(s.handle("DescribeSecret", json{{"SecretId", "app/db"}}.dump(), at(t0 + hour)));
  CHECK(described.at("RotationEnabled") == true);
  CHECK(described.at("RotationLambdaARN") == EXT);
  CHECK(!described.contains("LastRotatedDate"));
  // Nothing runs the steps, so the rotation stays incomplete and blocks the next one.
  check_error(s.handle("RotateSecret", json{{"SecretId", "app/db"}}.dump(), at(t0 + 2 * hour)),
              "InvalidRequestException",
              "A previous rotation isn't complete. That rotation will be reattempted.");
  // The caller plays the function: createSecret fills the placeholder, finishSecret moves the
  // labels, as the template's calls do.
  ok(s.handle("PutSecretValue",
              json{{"SecretId", "app/db"}, {"ClientRequestToken", token}, {"SecretString", "next"},
                   {"VersionStages", {P}}}
                  .dump(),
              at(t0 + 2 * hour)));
  ok(s.handle("UpdateSecretVersionStage",
              json{{"SecretId", "app/db"}, {"VersionStage", C}, {"MoveToVersionId", token},
                   {"RemoveFromVersionId", v1}}
                  .dump(),
              at(t0 + 2 * hour)));
  ok(s.handle("UpdateSecretVersionStage",
              json{{"SecretId", "app/db"}, {"VersionStage", P}, {"RemoveFromVersionId", token}}
                  .dump(),
              at(t0 + 2 * hour)));
  CHECK(labels_of(s, "app/db") == ss::testing::aws_map{{v1, {PREV}}, {token, {C}}});
  CHECK(value_of(s, "app/db", token) == "next");
  // Any other ARN is still denied.
  check_error(s.handle("RotateSecret",
                       json{{"SecretId", "app/db"}, {"RotationLambdaARN", UNKNOWN}}.dump(),
                       at(t0 + 2 * hour)),
              "AccessDeniedException", cannot_invoke);
}

TEST_CASE("service: a scheduled secret with an invoked function starts on the service's clock") {
  // The service starts scheduled rotations of functions it invokes as it starts RotateSecret's:
  // the AWSPENDING placeholder and the progress, due at once; the worker's part (invoking the
  // steps) is played here through rotation_steps_due and record_rotation_step.
  ss::service_options options = with_external_function();
  ss::service s(options);
  const std::string v1 =
      ok(s.handle("CreateSecret", create("app/db", "first"), at(t0))).at("VersionId");
  ok(s.handle("RotateSecret",
              json{{"SecretId", "app/db"}, {"RotationLambdaARN", EXT}, {"RotateImmediately", false},
                   {"RotationRules", {{"ScheduleExpression", "rate(1 days)"}}}}
                  .dump(),
              at(t0)));
  const json described = ok(s.handle("DescribeSecret", json{{"SecretId", "app/db"}}.dump(), at(t0)));
  CHECK(described.contains("NextRotationDate"));
  // RotateImmediately = false: no rotation starts, only the test of the configuration (its
  // testSecret alone), which succeeds here and leaves nothing behind.
  const auto test = s.rotation_steps_due(at(t0));
  REQUIRE(test.size() == 1);
  CHECK(test[0].step == ss::rotation_step::test_secret);
  s.record_rotation_step(test[0], true, "", at(t0));
  CHECK(s.rotation_steps_due(at(t0)).empty());
  CHECK(labels_of(s, "app/db") == ss::testing::aws_map{{v1, {C}}});
  // Three days on, past several windows: one rotation starts (the placeholder blocks the next).
  CHECK(ok(s.handle("GetSecretValue", json{{"SecretId", "app/db"}}.dump(), at(t0 + 3 * day)))
            .at("SecretString") == "first");
  const auto labels = labels_of(s, "app/db");
  REQUIRE(labels.size() == 2);
  std::string token;
  for (const auto& [id, stages] : labels)
    if (id != v1) token = id;
  CHECK(labels == ss::testing::aws_map{{v1, {C}}, {token, {P}}});
  const ss::store started = s.store();
  const auto& progress = started.find("app/db")->rotation_progress();
  REQUIRE(progress);
  CHECK(progress->version_id == token);
  CHECK(progress->function_arn == EXT);
  CHECK(progress->next_step == ss::rotation_step::create_secret);
  CHECK(progress->attempts == 0);
  // It started at the first window (midnight UTC after t0), not at the read.
  REQUIRE(progress->next_attempt);
  CHECK(progress->next_attempt->epoch_ms < at(t0 + 3 * day).epoch_ms);

  const ss::timestamp now = at(t0 + 3 * day);
  const std::vector<std::string> steps = {"createSecret", "setSecret", "testSecret",
                                          "finishSecret"};
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const auto due = s.rotation_steps_due(now);
    REQUIRE(due.size() == 1);
    CHECK(due[0].secret_name == "app/db");
    CHECK(due[0].version_id == token);
    CHECK(due[0].function_arn == EXT);
    CHECK(ss::rotation_step_name(due[0].step) == steps[i]);
    if (i == 0) {
      ok(s.handle("PutSecretValue",
                  json{{"SecretId", "app/db"}, {"ClientRequestToken", token},
                       {"SecretString", "next"}, {"VersionStages", {P}}}
                      .dump(),
                  now));
    }
    if (i == 3) {
      ok(s.handle("UpdateSecretVersionStage",
                  json{{"SecretId", "app/db"}, {"VersionStage", C}, {"MoveToVersionId", token},
                       {"RemoveFromVersionId", v1}}
                      .dump(),
                  now));
      ok(s.handle("UpdateSecretVersionStage",
                  json{{"SecretId", "app/db"}, {"VersionStage", P}, {"RemoveFromVersionId", token}}
                      .dump(),
                  now));
    }
    // finishSecret's outcome arrives a little after its calls.
    s.record_rotation_step(due[0], true, "", i == 3 ? at(t0 + 3 * day + 5) : now);
  }
  CHECK(s.rotation_steps_due(now).empty());
  CHECK(labels_of(s, "app/db") == ss::testing::aws_map{{v1, {PREV}}, {token, {C}}});
  CHECK_FALSE(s.store().find("app/db")->rotation_progress());
  // LastRotatedDate: the request that made the version current, not the step's report.
  CHECK(s.store().find("app/db")->last_rotated_date() == std::optional<ss::timestamp>(now));
}

TEST_CASE("service: RotateImmediately false with an invoked function runs testSecret alone") {
  // AWS: "Secrets Manager tests the rotation configuration by running the testSecret step of the
  // Lambda rotation function. The test creates an AWSPENDING version of the secret and then
  // removes it." (API reference, RotateSecret). The version holds AWSCURRENT's value (ruling,
  // docs/semantics.md#rotation-progress).
  ss::service_options options = with_external_function();
  options.rotation_retry = {3, 5000};
  ss::service s(options);
  const std::string v1 =
      ok(s.handle("CreateSecret", create("app/db", "first"), at(t0))).at("VersionId");
  const std::string token = "55555555-5555-4555-8555-555555555555";
  const json before =
      ok(s.handle("DescribeSecret", json{{"SecretId", "app/db"}}.dump(), at(t0)));
  const auto start = [&](std::int64_t when) {
    const json r = ok(s.handle("RotateSecret",
                               json{{"SecretId", "app/db"}, {"RotationLambdaARN", EXT},
                                    {"ClientRequestToken", token}, {"RotateImmediately", false}}
                                   .dump(),
                               at(when)));
    // The response is RotateSecret's as ever: ARN, Name, VersionId = the token.
    CHECK(r.at("VersionId") == token);
    CHECK(r.at("Name") == "app/db");
    CHECK(r.size() == 3);
  };
  const auto check_test_running = [&](std::int64_t when) {
    CHECK(labels_of(s, "app/db") == ss::testing::aws_map{{v1, {C}}, {token, {P}}});
    const json pending = ok(s.handle(
        "GetSecretValue", json{{"SecretId", "app/db"}, {"VersionStage", P}}.dump(), at(when)));
    CHECK(pending.at("VersionId") == token);
    CHECK(pending.at("SecretString") == "first");
    const auto due = s.rotation_steps_due(at(when));
    REQUIRE(due.size() == 1);
    CHECK(due[0].secret_name == "app/db");
    CHECK(due[0].version_id == token);
    CHECK(due[0].function_arn == EXT);
    CHECK(due[0].step == ss::rotation_step::test_secret);
    return due[0];
  };
  const auto check_back = [&](std::int64_t when) {
    CHECK(labels_of(s, "app/db") == ss::testing::aws_map{{v1, {C}}});
    CHECK(s.rotation_steps_due(at(when)).empty());
    CHECK(s.store().find("app/db")->find_version(token) == nullptr);
    const json described =
        ok(s.handle("DescribeSecret", json{{"SecretId", "app/db"}}.dump(), at(when)));
    CHECK(described.at("VersionIdsToStages") == before.at("VersionIdsToStages"));
    CHECK(described.at("RotationEnabled") == true);
    CHECK(!described.contains("LastRotatedDate"));
    check_error(s.handle("GetSecretValue",
                         json{{"SecretId", "app/db"}, {"VersionStage", P}}.dump(), at(when)),
                "ResourceNotFoundException",
                "Secrets Manager can't find the specified secret value for staging label: "
                "AWSPENDING");
  };
  SUBCASE("testSecret succeeds") {
    start(t0 + hour);
    const json configured =
        ok(s.handle("DescribeSecret", json{{"SecretId", "app/db"}}.dump(), at(t0 + hour)));
    const auto job = check_test_running(t0 + hour);
    // Another RotateSecret meanwhile: AWS's error; the test is not turned into a rotation.
    check_error(s.handle("RotateSecret", json{{"SecretId", "app/db"}}.dump(), at(t0 + hour + 1)),
                "InvalidRequestException",
                "A previous rotation isn't complete. That rotation will be reattempted.");
    check_test_running(t0 + hour + 1);
    CHECK_FALSE(s.record_rotation_step(job, true, "", at(t0 + hour + 2)));
    check_back(t0 + hour + 3);
    const json after =
        ok(s.handle("DescribeSecret", json{{"SecretId", "app/db"}}.dump(), at(t0 + hour + 3)));
    CHECK(after.at("LastChangedDate") == configured.at("LastChangedDate"));
  }
  SUBCASE("testSecret fails: no retry") {
    start(t0 + hour);
    const auto job = check_test_running(t0 + hour);
    CHECK_FALSE(s.record_rotation_step(job, false, "exit status 1", at(t0 + hour + 2)));
    check_back(t0 + hour + 3);
    // Nothing is due later either (no retry after the delay).
    CHECK(s.rotation_steps_due(at(t0 + day)).empty());
  }
  SUBCASE("a test is no rotation for the schedule: NextRotationDate does not move") {
    // Created 2026-01-01T09:00Z; every 10 days: the window is the whole day of 2026-01-11
    // (docs/rotation-schedules.md), counted from the creation. The test a day later creates a
    // version, which must not count as the last rotation (it would move the window a day on).
    ok(s.handle("RotateSecret",
                json{{"SecretId", "app/db"}, {"RotationLambdaARN", EXT},
                     {"ClientRequestToken", token}, {"RotateImmediately", false},
                     {"RotationRules", {{"AutomaticallyAfterDays", 10}}}}
                    .dump(),
                at(t0 + day)));
    const auto job = check_test_running(t0 + day);
    const json during =
        ok(s.handle("DescribeSecret", json{{"SecretId", "app/db"}}.dump(), at(t0 + day)));
    // 2026-01-11T23:59:59Z, the end of the window.
    CHECK(during.at("NextRotationDate").get<double>() == 1'768'175'999);
    s.record_rotation_step(job, true, "", at(t0 + day + 1));
    const json after =
        ok(s.handle("DescribeSecret", json{{"SecretId", "app/db"}}.dump(), at(t0 + day + 2)));
    CHECK(after.at("NextRotationDate") == during.at("NextRotationDate"));
    CHECK(!after.contains("LastRotatedDate"));
  }
  SUBCASE("CancelRotateSecret while it runs") {
    start(t0 + hour);
    check_test_running(t0 + hour);
    const json cancelled =
        ok(s.handle("CancelRotateSecret", json{{"SecretId", "app/db"}}.dump(), at(t0 + hour + 1)));
    CHECK(!cancelled.contains("VersionId"));
    CHECK(labels_of(s, "app/db") == ss::testing::aws_map{{v1, {C}}});
    CHECK(s.rotation_steps_due(at(t0 + hour + 1)).empty());
  }
  SUBCASE("DeleteSecret while it runs") {
    start(t0 + hour);
    check_test_running(t0 + hour);
    ok(s.handle("DeleteSecret", json{{"SecretId", "app/db"}, {"RecoveryWindowInDays", 7}}.dump(),
                at(t0 + hour + 1)));
    CHECK(labels_of(s, "app/db") == ss::testing::aws_map{{v1, {C}}});
    ok(s.handle("RestoreSecret", json{{"SecretId", "app/db"}}.dump(), at(t0 + hour + 2)));
    CHECK(s.rotation_steps_due(at(t0 + hour + 2)).empty());
  }
  for (const auto& violation : ss::check_store_invariants(s.store())) FAIL(violation);
}

TEST_CASE("service: an invoked function's failed steps: retries, giving up, the reattempt, cancel") {
  ss::service_options options = with_external_function();
  options.rotation_retry = {2, 5000};  // two attempts in all, 5 s apart
  ss::service s(options);
  const std::string v1 =
      ok(s.handle("CreateSecret", create("app/db", "first"), at(t0))).at("VersionId");
  const std::string token = "44444444-4444-4444-8444-444444444444";
  ok(s.handle("RotateSecret",
              json{{"SecretId", "app/db"}, {"RotationLambdaARN", EXT}, {"ClientRequestToken", token}}
                  .dump(),
              at(t0)));
  auto due = s.rotation_steps_due(at(t0));
  REQUIRE(due.size() == 1);
  s.record_rotation_step(due[0], true, "", at(t0));  // createSecret
  due = s.rotation_steps_due(at(t0));
  REQUIRE(due.size() == 1);
  CHECK(due[0].step == ss::rotation_step::set_secret);
  auto after = s.record_rotation_step(due[0], false, "exit status 1", at(t0 + 1));
  REQUIRE(after);
  CHECK(after->attempts == 1);
  CHECK(after->next_step == ss::rotation_step::create_secret);  // the whole rotation again
  CHECK(after->last_failure == std::optional<std::string>("setSecret: exit status 1"));
  CHECK(after->next_attempt == std::optional<ss::timestamp>(at(t0 + 6)));
  std::optional<ss::timestamp> next;
  CHECK(s.rotation_steps_due(at(t0 + 5), &next).empty());
  CHECK(next == std::optional<ss::timestamp>(at(t0 + 6)));
  // An outcome for a step the progress is not waiting for changes nothing.
  CHECK(s.record_rotation_step(due[0], true, "", at(t0 + 5)) == after);
  due = s.rotation_steps_due(at(t0 + 6));
  REQUIRE(due.size() == 1);
  CHECK(due[0].step == ss::rotation_step::create_secret);
  after = s.record_rotation_step(due[0], false, "timed out after 3000 ms", at(t0 + 7));
  REQUIRE(after);
  CHECK(after->given_up());
  CHECK(after->attempts == 2);
  CHECK(s.rotation_steps_due(at(t0 + day)).empty());
  CHECK(labels_of(s, "app/db") == ss::testing::aws_map{{v1, {C}}, {token, {P}}});
  // RotateSecret: AWS's error, and the rotation of the same version starts again.
  check_error(s.handle("RotateSecret", json{{"SecretId", "app/db"}}.dump(), at(t0 + day)),
              "InvalidRequestException",
              "A previous rotation isn't complete. That rotation will be reattempted.");
  due = s.rotation_steps_due(at(t0 + day));
  REQUIRE(due.size() == 1);
  CHECK(due[0].version_id == token);
  CHECK(due[0].step == ss::rotation_step::create_secret);
  const auto& reattempted = s.store().find("app/db")->rotation_progress();
  REQUIRE(reattempted);
  CHECK(reattempted->attempts == 0);
  // CancelRotateSecret: no further step.
  ok(s.handle("CancelRotateSecret", json{{"SecretId", "app/db"}}.dump(), at(t0 + day)));
  CHECK(s.rotation_steps_due(at(t0 + day)).empty());
  CHECK_FALSE(s.store().find("app/db")->rotation_progress());
  CHECK(labels_of(s, "app/db") == ss::testing::aws_map{{v1, {C}}, {token, {P}}});
  for (const auto& violation : ss::check_store_invariants(s.store())) FAIL(violation);
}

TEST_CASE("service: a failed built-in rotation changes nothing") {
  ss::service_options options;
  options.rotation_functions[FN] = {ss::finish_variant::remove_pending, "new"};
  ss::service s(options);
  const std::string v1 =
      ok(s.handle("CreateSecret", create("app/db", "first"), at(t0))).at("VersionId");
  const std::string v2 =
      ok(s.handle(
             "PutSecretValue",
             json{{"SecretId", "app/db"}, {"SecretString", "half"}, {"VersionStages", {P}}}.dump(),
             at(t0)))
          .at("VersionId");
  const ss::store before = s.store();
  check_error(s.handle("RotateSecret",
                       json{{"SecretId", "app/db"}, {"RotationLambdaARN", FN}}.dump(), at(t0)),
              "InvalidRequestException",
              "A previous rotation isn't complete. That rotation will be reattempted.");
  CHECK(s.store() == before);
  CHECK(labels_of(s, "app/db") == ss::testing::aws_map{{v1, {C}}, {v2, {P}}});
}

TEST_CASE("service: deprecated versions are collected on the service's clock") {
  ss::service s;
  const std::string first =
      ok(s.handle("CreateSecret", create("app/db", "v0"), at(t0))).at("VersionId");
  // 100 more puts an hour later: 101 versions, 99 of them deprecated, none 24 h old but the first.
  for (int i = 1; i <= 100; ++i)
    ok(s.handle("PutSecretValue", put("app/db", "v" + std::to_string(i)), at(t0 + hour)));
  // Above 100 versions, the oldest deprecated one at least 24 h old goes right after the request
  // that crossed the line (the first version, once the clock reaches t0 + 24 h).
  CHECK(labels_of(s, "app/db").size() == 101);
  const json get_first = json{{"SecretId", "app/db"}, {"VersionId", first}};
  ok(s.handle("GetSecretValue", get_first.dump(), at(t0 + day - 1)));
  CHECK(labels_of(s, "app/db").size() == 101);
  // The background runs before the request at the new time: the first version is gone already.
  check_error(s.handle("GetSecretValue", get_first.dump(), at(t0 + day)),
              "ResourceNotFoundException", no_value_for_version + first);
  const auto remaining = labels_of(s, "app/db");
  CHECK(remaining.size() == 100);
  CHECK(remaining.count(first) == 0);
}

TEST_CASE("service: a scheduled rotation runs when the clock reaches its window, not before") {
  // Clock injected request by request. cron(0 12 * * ? *) with Duration 2h, configured on
  // 2026-01-01 at 09:00 without rotating: the first window after the creation (09:00) is
  // 2026-01-01 12:00–14:00 (docs/rotation-schedules.md); the service rotates at its start.
  ss::service_options options;
  options.rotation_functions[FN] = {ss::finish_variant::remove_pending, "scheduled value"};
  struct owned_entry {
    std::string op, body;
    ss::timestamp now;
    std::uint64_t entropy;
    std::optional<std::string> token, value;
    ss::finish_variant finish;
    bool before, succeeded, after;
  };
  std::vector<owned_entry> journal;
  ss::service s(options, {}, {}, [&](const ss::journal_entry& e, const ss::store&) -> std::uint64_t {
    journal.push_back({std::string(e.op_name), std::string(e.body), e.now, e.entropy,
                       e.generated_token ? std::optional<std::string>(*e.generated_token) : std::nullopt,
                       e.rotation_value ? std::optional<std::string>(*e.rotation_value) : std::nullopt,
                       e.finish, e.background_before, e.succeeded, e.background_after});
    return 1;
  });
  const std::string get = json{{"SecretId", "app"}}.dump();
  const std::string describe = json{{"SecretId", "app"}}.dump();
  ok(s.handle("CreateSecret", create("app", "initial"), at(t0)));
  ok(s.handle("RotateSecret",
              json{{"SecretId", "app"}, {"RotationLambdaARN", FN}, {"RotateImmediately", false},
                   {"RotationRules", {{"ScheduleExpression", "cron(0 12 * * ? *)"}, {"Duration", "2h"}}}}
                  .dump(),
              at(t0)));
  const json before = ok(s.handle("DescribeSecret", describe, at(t0 + 1)));
  CHECK(before.at("NextRotationDate").get<double>() == t0 + 5 * hour - 1);  // 13:59:59
  CHECK_FALSE(before.contains("LastRotatedDate"));

  // 11:59:59: not yet.
  CHECK(ok(s.handle("GetSecretValue", get, at(t0 + 3 * hour - 1))).at("SecretString") == "initial");
  CHECK(labels_of(s, "app").size() == 1);
  // 12:00:00: the window opens; the rotation runs before this request, at 12:00.
  CHECK(ok(s.handle("GetSecretValue", get, at(t0 + 3 * hour))).at("SecretString") == "scheduled value");
  const json after = ok(s.handle("DescribeSecret", describe, at(t0 + 3 * hour + 30 * 60)));
  CHECK(after.at("LastRotatedDate").get<double>() == t0 + 3 * hour);
  // The next window: 2026-01-02 12:00–14:00.
  CHECK(after.at("NextRotationDate").get<double>() == t0 + day + 5 * hour - 1);
  CHECK(after.at("RotationRules").at("AutomaticallyAfterDays") == 1);
  const auto stages = labels_of(s, "app");
  CHECK(stages.size() == 2);
  // Nothing more until the next window: a read an hour before it changes nothing.
  ok(s.handle("GetSecretValue", get, at(t0 + day + 3 * hour - 1)));
  CHECK(labels_of(s, "app") == stages);
  // Two days later: the windows of 01-02 and 01-03 have both opened; two rotations, each at its window.
  ok(s.handle("GetSecretValue", get, at(t0 + 2 * day + 4 * hour)));
  const json later = ok(s.handle("DescribeSecret", describe, at(t0 + 2 * day + 4 * hour)));
  CHECK(later.at("LastRotatedDate").get<double>() == t0 + 2 * day + 3 * hour);
  CHECK(labels_of(s, "app").size() == 4);

  // The journal holds each scheduled rotation as a RotateSecret at its window; redoing the journal
  // gives the service's store.
  std::vector<std::int64_t> rotated_at;
  for (const auto& e : journal)
    // A scheduled rotation's record has no generated token (the configuring request has one).
    if (e.op == "RotateSecret" && !e.token && e.value == std::optional<std::string>("scheduled value"))
      rotated_at.push_back(e.now.epoch_ms / 1000);
  CHECK(rotated_at == std::vector<std::int64_t>{t0 + 3 * hour, t0 + day + 3 * hour, t0 + 2 * day + 3 * hour});
  ss::store replica;
  const auto header = s.journal_context();
  const ss::rotation_functions functions(header.functions);
  for (const auto& e : journal) {
    ss::journal_entry view{e.op, e.body, e.now, e.entropy};
    if (e.token) view.generated_token = std::string_view(*e.token);
    if (e.value) view.rotation_value = std::string_view(*e.value);
    view.finish = e.finish;
    view.background_before = e.before;
    view.succeeded = e.succeeded;
    view.background_after = e.after;
    REQUIRE(ss::journal::redo(replica, header, functions, view, 0));
  }
  CHECK(replica == s.store());
}

TEST_CASE("service: a secret past its deletion date is purged, and its name is free again") {
  ss::service s;
  const std::string arn = ok(s.handle("CreateSecret", create("app/db", "v0"), at(t0))).at("ARN");
  ok(s.handle("DeleteSecret", json{{"SecretId", "app/db"}, {"RecoveryWindowInDays", 7}}.dump(),
              at(t0)));
  ok(s.handle("DescribeSecret", json{{"SecretId", "app/db"}}.dump(), at(t0 + 7 * day - 1)));
  check_error(s.handle("DescribeSecret", json{{"SecretId", "app/db"}}.dump(), at(t0 + 7 * day)),
              "ResourceNotFoundException", text::not_found);
  CHECK(s.store().empty());
  const std::string again =
      ok(s.handle("CreateSecret", create("app/db", "v1"), at(t0 + 7 * day))).at("ARN");
  CHECK(again != arn);  // I19: a new secret with the same name gets another ARN
}

/// The service next to a naive reference: background → apply → background at every request.
/// After each request the two stores must hold the same secrets, versions and labels.
struct against_reference {
  ss::service s;
  ss::store reference;
  std::size_t step = 0;

  void send(std::string_view op, const json& request, std::int64_t seconds) {
    ++step;
    CAPTURE(step);
    const ss::service_reply r = s.handle(op, request.dump(), at(seconds));
    ss::context ctx = ss::testing::at(seconds);
    auto parsed = ss::aws_json::parse_request(op, request.dump());
    REQUIRE(parsed);
    auto background = [&](const ss::store& st) {
      return ss::purge_deleted_secrets(ss::collect_deprecated_versions(st, ctx.now).state, ctx.now)
          .state;
    };
    reference = background(reference);
    auto applied = ss::apply(reference, parsed.value(), ctx);
    CHECK((r.status == 200) == static_cast<bool>(applied));
    if (applied) reference = background(applied.value().state);
    const ss::store actual = s.store();
    REQUIRE(actual.size() == reference.size());
    for (const auto* secret : reference.secrets()) {
      const auto* mine = actual.find(secret->name());
      REQUIRE(mine != nullptr);
      CHECK(ss::testing::version_labels(*mine) == ss::testing::version_labels(*secret));
      CHECK(mine->deleted_date() == secret->deleted_date());
    }
  }
};

TEST_CASE("service: background work happens as if it ran before and after every request") {
  against_reference r;
  auto send = [&](std::string_view op, const json& request, std::int64_t seconds) {
    r.send(op, request, seconds);
  };
  send("CreateSecret", {{"Name", "a"}, {"SecretString", "0"}, {"ClientRequestToken", vid(1)}}, t0);
  send("CreateSecret", {{"Name", "b"}, {"SecretString", "0"}, {"ClientRequestToken", vid(1)}}, t0);
  for (int i = 1; i <= 110; ++i)
    send("PutSecretValue",
         {{"SecretId", "a"},
          {"SecretString", std::to_string(i)},
          {"ClientRequestToken", vid(100 + i)}},
         t0 + i * 600);
  send("PutSecretValue",
       {{"SecretId", "b"},
        {"SecretString", "x"},
        {"ClientRequestToken", vid(2)},
        {"VersionStages", {"X"}}},
       t0 + 20 * hour);
  send("DeleteSecret", {{"SecretId", "b"}, {"RecoveryWindowInDays", 7}}, t0 + 20 * hour);
  // Label moves above 100 versions: an old deprecated version is labelled, then left again.
  send("UpdateSecretVersionStage",
       {{"SecretId", "a"}, {"VersionStage", "KEEP"}, {"MoveToVersionId", vid(103)}},
       t0 + 21 * hour);
  send("UpdateSecretVersionStage",
       {{"SecretId", "a"},
        {"VersionStage", "KEEP"},
        {"RemoveFromVersionId", vid(103)},
        {"MoveToVersionId", vid(104)}},
       t0 + 21 * hour);
  // Scheduled and restored above 100 versions: collection resumes.
  send("DeleteSecret", {{"SecretId", "a"}, {"RecoveryWindowInDays", 7}}, t0 + 22 * hour);
  send("RestoreSecret", {{"SecretId", "a"}}, t0 + 22 * hour);
  // a's deprecated versions turn 24 h old one by one; reads at those times see them go.
  for (std::int64_t m = 0; m <= 120; m += 7)
    send("GetSecretValue", {{"SecretId", "a"}}, t0 + day + m * 60);
  // KEEP moves on: the (old) version it leaves is deprecated again, and goes with the next puts.
  send("UpdateSecretVersionStage",
       {{"SecretId", "a"},
        {"VersionStage", "KEEP"},
        {"RemoveFromVersionId", vid(104)},
        {"MoveToVersionId", vid(150)}},
       t0 + day + 2 * hour);
  for (int i = 1; i <= 5; ++i)
    send("PutSecretValue",
         {{"SecretId", "a"},
          {"SecretString", "late" + std::to_string(i)},
          {"ClientRequestToken", vid(300 + i)}},
         t0 + 2 * day + i);
  send("GetSecretValue", {{"SecretId", "a"}}, t0 + 20 * hour + 7 * day - 1);
  send("GetSecretValue", {{"SecretId", "a"}}, t0 + 20 * hour + 7 * day);
  CHECK(r.s.store().find("b") == nullptr);
  CHECK(r.s.store().find("a")->version_count() == 100);
}

TEST_CASE("service: a write that leaves an old version without a label above 100 versions") {
  // c keeps two old versions labelled, then 101 young puts: nothing is collectable until the
  // label leaves the old version OLD was on, which must go at once.
  against_reference r;
  r.send("CreateSecret", {{"Name", "c"}, {"SecretString", "1"}, {"ClientRequestToken", vid(1)}},
         t0);
  r.send("UpdateSecretVersionStage",
         {{"SecretId", "c"}, {"VersionStage", "KEEP"}, {"MoveToVersionId", vid(1)}}, t0);
  r.send("PutSecretValue",
         {{"SecretId", "c"},
          {"SecretString", "2"},
          {"ClientRequestToken", vid(2)},
          {"VersionStages", {"OLD"}}},
         t0);
  for (int i = 3; i <= 103; ++i)
    r.send("PutSecretValue",
           {{"SecretId", "c"}, {"SecretString", std::to_string(i)}, {"ClientRequestToken", vid(i)}},
           t0 + 30 * hour);
  CHECK(r.s.store().find("c")->version_count() == 103);
  r.send("UpdateSecretVersionStage",
         {{"SecretId", "c"}, {"VersionStage", "OLD"}, {"RemoveFromVersionId", vid(2)}},
         t0 + 31 * hour);
  CHECK(r.s.store().find("c")->find_version(vid(2)) == nullptr);
  CHECK(r.s.store().find("c")->version_count() == 102);
}

TEST_CASE("service: collection resumes when a secret above 100 versions is restored") {
  // d is scheduled for deletion before its versions are 24 h old, so collection skips it; a
  // full background run (at d's first due time) forgets it; restoring it must bring it back.
  against_reference r;
  r.send("CreateSecret", {{"Name", "d"}, {"SecretString", "1"}, {"ClientRequestToken", vid(1)}},
         t0);
  for (int i = 2; i <= 102; ++i)
    r.send("PutSecretValue",
           {{"SecretId", "d"}, {"SecretString", std::to_string(i)}, {"ClientRequestToken", vid(i)}},
           t0);
  r.send("DeleteSecret", {{"SecretId", "d"}, {"RecoveryWindowInDays", 7}}, t0 + hour);
  r.send("DescribeSecret", {{"SecretId", "d"}}, t0 + day);
  CHECK(r.s.store().find("d")->version_count() == 102);
  r.send("RestoreSecret", {{"SecretId", "d"}}, t0 + day + hour);
  CHECK(r.s.store().find("d")->version_count() == 100);
}

TEST_CASE("service: mutating requests get commit sequence numbers; reads and failures do not") {
  std::vector<std::string> log;
  ss::service s({}, [&](std::uint64_t seq, std::string_view request_id, std::string_view op) {
    log.push_back(std::to_string(seq) + " " + std::string(request_id) + " " + std::string(op));
  });
  const auto r1 = s.handle("CreateSecret", create("app/db", "v1"), at(t0));
  const auto r2 = s.handle("GetSecretValue", json{{"SecretId", "app/db"}}.dump(), at(t0));
  const auto r3 = s.handle("PutSecretValue", put("nope", "v"), at(t0));
  const auto r4 = s.handle(
      "TagResource",
      json{{"SecretId", "app/db"}, {"Tags", {{{"Key", "team"}, {"Value", "a"}}}}}.dump(), at(t0));
  const auto r5 = s.handle("GetSecretValue", "{", at(t0));
  const auto r6 = s.handle("PutSecretValue", put("app/db", "v2"), at(t0));
  CHECK(r1.sequence == 1);
  CHECK(r2.sequence == 0);
  CHECK(r3.sequence == 0);
  CHECK(r4.sequence == 2);
  CHECK(r5.sequence == 0);
  CHECK(r5.status == 400);
  CHECK(r6.sequence == 3);
  CHECK(s.commits() == 3);
  CHECK(log == std::vector<std::string>{"1 " + r1.request_id + " CreateSecret",
                                        "2 " + r4.request_id + " TagResource",
                                        "3 " + r6.request_id + " PutSecretValue"});
}

TEST_CASE("service: X-Amz-Target") {
  ss::service s;
  ok(s.handle_target("secretsmanager.CreateSecret", create("app/db", "v1"), at(t0)));
  for (std::string_view target : {"", "secretsmanager.", "kms.CreateKey", "CreateSecret"}) {
    INFO(target);
    const ss::service_reply r = s.handle_target(target, "{}", at(t0));
    CHECK(r.status == 400);
    CHECK(body(r).at("__type") == "UnknownOperationException");
    CHECK(is_uuid_v4(r.request_id));
  }
  CHECK(s.store().size() == 1);
}

TEST_CASE("service: bodies that do not parse change nothing") {
  ss::service s;
  ok(s.handle("CreateSecret", create("app/db", "v1"), at(t0)));
  const ss::store before = s.store();
  for (std::string_view bad : {"", "{", "[]", "{\"SecretId\": 5, \"SecretString\": \"x\"}"}) {
    INFO(bad);
    const ss::service_reply r = s.handle("PutSecretValue", bad, at(t0));
    CHECK(r.status == 400);
    CHECK(r.sequence == 0);
  }
  CHECK(s.store() == before);
}

TEST_CASE("service: 8 threads putting at once lose no version and no commit") {
  constexpr int threads = 8, puts_per_thread = 50;
  std::mutex observed_mutex;
  std::vector<std::uint64_t> observed;
  ss::service s({}, [&](std::uint64_t seq, std::string_view, std::string_view) {
    std::lock_guard<std::mutex> lock(observed_mutex);  // called under the service's lock already
    observed.push_back(seq);
  });
  ok(s.handle("CreateSecret", create("app/db", "v0"), at(t0)));

  std::vector<std::vector<std::string>> versions(threads);
  std::vector<std::vector<int>> statuses(threads);
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      for (int i = 0; i < puts_per_thread; ++i) {
        // Half with the generated token, half with their own.
        json request = {{"SecretId", "app/db"},
                        {"SecretString", std::to_string(t) + "/" + std::to_string(i)}};
        if (i % 2 == 1) request["ClientRequestToken"] = vid(1000 * (t + 1) + i);
        const ss::service_reply r = s.handle("PutSecretValue", request.dump(), at(t0));
        statuses[static_cast<std::size_t>(t)].push_back(r.status);
        if (r.status == 200)
          versions[static_cast<std::size_t>(t)].push_back(json::parse(r.body).at("VersionId"));
      }
    });
  }
  for (auto& th : pool) th.join();

  std::set<std::string> all;
  for (int t = 0; t < threads; ++t) {
    for (int status : statuses[static_cast<std::size_t>(t)]) CHECK(status == 200);
    all.insert(versions[static_cast<std::size_t>(t)].begin(),
               versions[static_cast<std::size_t>(t)].end());
  }
  CHECK(all.size() == threads * puts_per_thread);
  const auto labels = labels_of(s, "app/db");
  CHECK(labels.size() == 1 + threads * puts_per_thread);  // none 24 h old: nothing collected
  for (const auto& v : all) CHECK(labels.count(v) == 1);
  // Exactly one AWSCURRENT and one AWSPREVIOUS after 400 moves; the last commit holds AWSCURRENT.
  CHECK(s.commits() == 1 + threads * puts_per_thread);
  REQUIRE(observed.size() == 1 + threads * puts_per_thread);
  for (std::size_t i = 0; i < observed.size(); ++i) CHECK(observed[i] == i + 1);
  std::size_t current = 0, previous = 0;
  for (const auto& [id, set] : labels) {
    current += set.count(C);
    previous += set.count(PREV);
  }
  CHECK(current == 1);
  CHECK(previous == 1);
}

TEST_CASE(
    "service: a read that changes nothing leaves the very same store; the day's first read records "
    "it") {
  ss::service s;
  ok(s.handle("CreateSecret", create("app/db", "v0"), at(t0)));
  const json get = json{{"SecretId", "app/db"}};
  ok(s.handle("GetSecretValue", get.dump(), at(t0)));  // the day's first read: LastAccessedDate
  const ss::store first = s.store();
  REQUIRE(first.find("app/db")->last_accessed_date() == at(t0).start_of_day());
  const auto r = s.handle("GetSecretValue", get.dump(), at(t0 + hour));
  CHECK(ok(r).at("SecretString") == "v0");
  CHECK(r.sequence == 0);
  CHECK(s.store().find("app/db")->is_same_state(*first.find("app/db")));
  ok(s.handle("GetSecretValue", get.dump(), at(t0 + day)));  // the next day's first read
  CHECK(s.store().find("app/db")->last_accessed_date() == at(t0 + day).start_of_day());
  CHECK(s.commits() == 1);
}

TEST_CASE("service: readers and writers at once: reads see whole commits, writes lose nothing") {
  constexpr int readers = 4, reads_per_reader = 100, writers = 2, puts_per_writer = 50;
  std::atomic<int> observed{0};
  ss::service s({}, [&](std::uint64_t, std::string_view, std::string_view) { ++observed; });
  ok(s.handle("CreateSecret", create("app/db", "w-1"), at(t0 + 15 * hour)));  // none 24 h old
  std::vector<std::thread> pool;
  std::vector<int> bad_reads(readers, 0);
  for (int t = 0; t < readers; ++t) {
    pool.emplace_back([&, t] {
      for (int i = 0; i < reads_per_reader; ++i) {
        // Across a midnight, so that some reads change LastAccessedDate and go exclusive.
        const ss::service_reply r = s.handle("GetSecretValue", json{{"SecretId", "app/db"}}.dump(),
                                             at(t0 + 15 * hour + i * 600));
        const bool whole =
            r.status == 200 && r.sequence == 0 &&
            json::parse(r.body).at("SecretString").get<std::string>().rfind("w", 0) == 0;
        if (!whole) ++bad_reads[static_cast<std::size_t>(t)];
      }
    });
  }
  for (int t = 0; t < writers; ++t) {
    pool.emplace_back([&, t] {
      for (int i = 0; i < puts_per_writer; ++i)
        (void)s.handle("PutSecretValue", put("app/db", "w" + std::to_string(t * 1000 + i)),
                       at(t0 + 15 * hour));
    });
  }
  for (auto& th : pool) th.join();
  for (int bad : bad_reads) CHECK(bad == 0);
  CHECK(s.commits() == 1 + writers * puts_per_writer);
  CHECK(observed.load() == 1 + writers * puts_per_writer);
  CHECK(labels_of(s, "app/db").size() == 1 + writers * puts_per_writer);
}

}  // namespace service_test
