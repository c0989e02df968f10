// tools/builtin_function.hpp: a built-in rotation function run step by step, each step calling a
// service through its AWS JSON requests, as secretstage-server's rotation workers run it. The
// service here is in process; its rotation_steps_due and record_rotation_step play the worker.
#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "tools/builtin_function.hpp"

// Its own namespace: the batched build (SECRETSTAGE_FAST_TEST_BUILD) joins test files.
namespace builtin_function_test {

namespace ss = secretstage;
using json = nlohmann::json;

namespace {

const std::string FN = "arn:aws:lambda:us-east-1:123456789012:function:builtin-async";
const std::string T1 = "11111111-1111-4111-8111-111111111111";
const std::string T2 = "22222222-2222-4222-8222-222222222222";
const std::string T3 = "33333333-3333-4333-8333-333333333333";
constexpr std::int64_t t0 = 1'700'000'000;

/// A service that invokes FN (the server's configuration of a built-in function) and a clock.
struct fixture {
  ss::service svc{[] {
    ss::service_options o;
    o.external_rotation_functions = {FN};
    return o;
  }()};
  std::int64_t now = t0;
  /// Every call the function made, by operation.
  std::vector<std::string> calls;

  ss::timestamp at() const { return ss::timestamp::from_seconds(now); }
  ss::tools::endpoint_call call() {
    return [this](std::string_view op, const std::string& body) {
      calls.emplace_back(op);
      return svc.handle(op, body, at());
    };
  }
  json request(std::string_view op, const json& body) {
    const ss::service_reply r = svc.handle(op, body.dump(), at());
    json out = json::parse(r.body);
    out["_status"] = r.status;
    return out;
  }
  /// UpdateSecretVersionStage of app/db: `label` with `how` (MoveToVersionId or
  /// RemoveFromVersionId) `version`; the HTTP status.
  int stage(const std::string& label, const std::string& how, const std::string& version) {
    return request("UpdateSecretVersionStage",
                   {{"SecretId", "app/db"}, {"VersionStage", label}, {how, version}})["_status"];
  }
  /// Version id → its labels.
  std::map<std::string, std::set<std::string>> labels(const std::string& name) {
    std::map<std::string, std::set<std::string>> out;
    const json d = request("DescribeSecret", {{"SecretId", name}});
    if (d.contains("VersionIdsToStages"))
      for (const auto& [id, stages] : d.at("VersionIdsToStages").items())
        out[id] = stages.get<std::set<std::string>>();
    return out;
  }
  std::string arn(const std::string& name) {
    return request("DescribeSecret", {{"SecretId", name}}).at("ARN").get<std::string>();
  }
  /// Runs the steps due, one at a time as the worker does, recording each outcome; returns each
  /// step's name and failure reason ("" on success).
  std::vector<std::pair<std::string, std::string>> run_due(const ss::builtin_rotation_function& f,
                                                           int limit = 8) {
    std::vector<std::pair<std::string, std::string>> out;
    for (int i = 0; i < limit; ++i) {
      const auto due = svc.rotation_steps_due(at());
      if (due.empty()) break;
      const auto& job = due.front();
      const auto failure = ss::tools::run_builtin_step(static_cast<ss::invoker::step>(job.step),
                                                       job.secret_arn, job.version_id, f, call());
      out.emplace_back(std::string(ss::rotation_step_name(job.step)), failure.value_or(""));
      svc.record_rotation_step(job, !failure, failure.value_or(""), at());
    }
    return out;
  }
};

const std::vector<std::pair<std::string, std::string>> four_steps_succeeded = {
    {"createSecret", ""}, {"setSecret", ""}, {"testSecret", ""}, {"finishSecret", ""}};

}  // namespace

TEST_CASE("a built-in function rotates step by step through the service's requests") {
  fixture f;
  REQUIRE(f.request("CreateSecret", {{"Name", "app/db"}, {"SecretString", "old"},
                                     {"ClientRequestToken", T1}})["_status"] == 200);
  const json started = f.request(
      "RotateSecret", {{"SecretId", "app/db"}, {"RotationLambdaARN", FN}, {"ClientRequestToken", T2}});
  REQUIRE(started["_status"] == 200);
  // RotateSecret answered before any step ran: the placeholder carries AWSPENDING.
  CHECK(f.labels("app/db") == std::map<std::string, std::set<std::string>>{
                                  {T1, {"AWSCURRENT"}}, {T2, {"AWSPENDING"}}});

  SUBCASE("remove-pending with a fixed value") {
    const ss::builtin_rotation_function fn{ss::finish_variant::remove_pending, "new-value"};
    CHECK(f.run_due(fn) == four_steps_succeeded);
    CHECK(f.labels("app/db") == std::map<std::string, std::set<std::string>>{
                                    {T1, {"AWSPREVIOUS"}}, {T2, {"AWSCURRENT"}}});
    const json current = f.request("GetSecretValue", {{"SecretId", "app/db"}});
    CHECK(current.at("SecretString") == "new-value");
    CHECK(current.at("VersionId") == T2);
    // The template's calls, in its order: each step describes the secret first.
    CHECK(f.calls == std::vector<std::string>{
                         "DescribeSecret", "GetSecretValue", "GetSecretValue", "PutSecretValue",
                         "DescribeSecret", "DescribeSecret", "GetSecretValue", "DescribeSecret",
                         "UpdateSecretVersionStage", "UpdateSecretVersionStage"});
    // The rotation is over: nothing is due, and the next RotateSecret starts a new one.
    CHECK(f.svc.rotation_steps_due(f.at()).empty());
    CHECK(f.request("DescribeSecret", {{"SecretId", "app/db"}}).contains("LastRotatedDate"));
  }
  SUBCASE("keep-pending with a drawn password") {
    const ss::builtin_rotation_function fn{ss::finish_variant::keep_pending, std::nullopt};
    CHECK(f.run_due(fn) == four_steps_succeeded);
    CHECK(f.labels("app/db") == std::map<std::string, std::set<std::string>>{
                                    {T1, {"AWSPREVIOUS"}}, {T2, {"AWSCURRENT", "AWSPENDING"}}});
    const std::string value =
        f.request("GetSecretValue", {{"SecretId", "app/db"}}).at("SecretString");
    // GetRandomPassword's defaults: 32 characters, none of them a space.
    CHECK(value.size() == 32);
    CHECK(value.find(' ') == std::string::npos);
    CHECK(value != "old");
    CHECK(std::count(f.calls.begin(), f.calls.end(), "GetRandomPassword") == 1);
  }
  SUBCASE("createSecret delivered twice puts the value once") {
    const ss::builtin_rotation_function fn{ss::finish_variant::remove_pending, std::nullopt};
    const std::string arn = f.arn("app/db");
    CHECK_FALSE(ss::tools::run_builtin_step(ss::invoker::step::create_secret, arn, T2, fn, f.call()));
    const std::string first =
        f.request("GetSecretValue", {{"SecretId", "app/db"}, {"VersionId", T2}}).at("SecretString");
    CHECK_FALSE(ss::tools::run_builtin_step(ss::invoker::step::create_secret, arn, T2, fn, f.call()));
    CHECK(f.request("GetSecretValue", {{"SecretId", "app/db"}, {"VersionId", T2}})
              .at("SecretString") == first);
    CHECK(std::count(f.calls.begin(), f.calls.end(), "PutSecretValue") == 1);
  }
  SUBCASE("a step of a version already current does nothing") {
    const ss::builtin_rotation_function fn{ss::finish_variant::remove_pending, "v2"};
    CHECK(f.run_due(fn) == four_steps_succeeded);
    f.calls.clear();
    CHECK_FALSE(ss::tools::run_builtin_step(ss::invoker::step::finish_secret, f.arn("app/db"), T2,
                                            fn, f.call()));
    CHECK(f.calls == std::vector<std::string>{"DescribeSecret"});
  }
}

TEST_CASE("a built-in function's step fails as the template's does, changing nothing") {
  fixture f;
  const ss::builtin_rotation_function fn{ss::finish_variant::remove_pending, "next"};
  REQUIRE(f.request("CreateSecret", {{"Name", "app/db"}, {"SecretString", "old"},
                                     {"ClientRequestToken", T1}})["_status"] == 200);
  REQUIRE(f.request("RotateSecret", {{"SecretId", "app/db"}, {"RotationLambdaARN", FN},
                                     {"ClientRequestToken", T2}})["_status"] == 200);
  const std::string arn = f.arn("app/db");

  SUBCASE("a token that names no version, or one without labels") {
    CHECK(ss::tools::run_builtin_step(ss::invoker::step::create_secret, arn, T3, fn, f.call()) ==
          "version " + T3 + " has no stage for rotation");
    REQUIRE(f.stage("AWSPENDING", "RemoveFromVersionId", T2) == 200);
    CHECK(ss::tools::run_builtin_step(ss::invoker::step::finish_secret, arn, T2, fn, f.call()) ==
          "version " + T2 + " has no stage for rotation");
  }
  SUBCASE("a token whose version has labels, but not AWSPENDING") {
    REQUIRE(f.stage("blue", "MoveToVersionId", T2) == 200);
    REQUIRE(f.stage("AWSPENDING", "RemoveFromVersionId", T2) == 200);
    CHECK(ss::tools::run_builtin_step(ss::invoker::step::create_secret, arn, T2, fn, f.call()) ==
          "version " + T2 + " is not set as AWSPENDING for rotation");
  }
  SUBCASE("rotation cancelled") {
    REQUIRE(f.request("CancelRotateSecret", {{"SecretId", "app/db"}})["_status"] == 200);
    CHECK(ss::tools::run_builtin_step(ss::invoker::step::create_secret, arn, T2, fn, f.call()) ==
          "rotation is not enabled for the secret");
  }
  SUBCASE("the secret scheduled for deletion: its reads fail, and so does the step") {
    REQUIRE(f.request("DeleteSecret", {{"SecretId", "app/db"}})["_status"] == 200);
    CHECK(ss::tools::run_builtin_step(ss::invoker::step::create_secret, arn, T2, fn, f.call()) ==
          "GetSecretValue answered HTTP 400 InvalidRequestException");
  }
  SUBCASE("the secret gone") {
    REQUIRE(f.request("DeleteSecret", {{"SecretId", "app/db"}, {"ForceDeleteWithoutRecovery", true}})
                ["_status"] == 200);
    CHECK(ss::tools::run_builtin_step(ss::invoker::step::test_secret, arn, T2, fn, f.call()) ==
          "DescribeSecret answered HTTP 400 ResourceNotFoundException");
    return;
  }
  SUBCASE("testSecret before createSecret: the placeholder has no value") {
    CHECK(ss::tools::run_builtin_step(ss::invoker::step::test_secret, arn, T2, fn, f.call()) ==
          "GetSecretValue answered HTTP 400 ResourceNotFoundException");
  }
  // Whatever failed, the labels are as RotateSecret left them.
  const auto labels = f.labels("app/db");
  CHECK(labels.at(T1) == std::set<std::string>{"AWSCURRENT"});
  CHECK(f.request("GetSecretValue", {{"SecretId", "app/db"}, {"VersionStage", "AWSCURRENT"}})
            .value("SecretString", "") != "next");
}

TEST_CASE("a failed built-in step is retried from createSecret, as any function's") {
  fixture f;
  REQUIRE(f.request("CreateSecret", {{"Name", "app/db"}, {"SecretString", "old"},
                                     {"ClientRequestToken", T1}})["_status"] == 200);
  REQUIRE(f.request("RotateSecret", {{"SecretId", "app/db"}, {"RotationLambdaARN", FN},
                                     {"ClientRequestToken", T2}})["_status"] == 200);
  // A value PutSecretValue refuses (over 65,536 bytes): createSecret fails, labels unchanged.
  const ss::builtin_rotation_function too_long{ss::finish_variant::remove_pending,
                                               std::string(70'000, 'x')};
  const auto failed = f.run_due(too_long, 1);
  REQUIRE(failed.size() == 1);
  CHECK(failed[0].first == "createSecret");
  CHECK(failed[0].second.rfind("PutSecretValue answered HTTP 400 ", 0) == 0);
  CHECK(f.labels("app/db") == std::map<std::string, std::set<std::string>>{
                                  {T1, {"AWSCURRENT"}}, {T2, {"AWSPENDING"}}});
  // Nothing is due before the retry delay (the service's default, 60 s); then the whole rotation
  // runs again from createSecret, on the same version.
  CHECK(f.svc.rotation_steps_due(f.at()).empty());
  f.now += 61;
  const ss::builtin_rotation_function fixed{ss::finish_variant::remove_pending, "next"};
  CHECK(f.run_due(fixed) == four_steps_succeeded);
  CHECK(f.labels("app/db") == std::map<std::string, std::set<std::string>>{
                                  {T1, {"AWSPREVIOUS"}}, {T2, {"AWSCURRENT"}}});
}

}  // namespace builtin_function_test
