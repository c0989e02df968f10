// tools/check_rotation.hpp: secretstage-check-rotation's fault plan, its properties over
// hand-built run records, and its table and JSON (read back with nlohmann/json).
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "tools/check_rotation.hpp"

// Its own namespace: the batched build (SECRETSTAGE_FAST_TEST_BUILD) joins test files.
namespace check_rotation_test {

namespace check = secretstage::tools::check;

namespace {

check::event call(int step, std::string op, check::label_table table,
                  std::optional<bool> works = std::nullopt) {
  check::event e;
  e.kind = check::event_kind::call;
  e.step = step;
  e.what = std::move(op);
  e.detail = "ok";
  e.table = std::move(table);
  e.current_works = works;
  return e;
}

check::event delivery(int step, bool duplicate = false) {
  check::event e;
  e.kind = check::event_kind::delivery;
  e.step = step;
  e.n = duplicate ? 2 : 1;
  e.duplicate = duplicate;
  return e;
}

check::event outcome(int step, std::string what, bool duplicate = false) {
  check::event e;
  e.kind = check::event_kind::outcome;
  e.step = step;
  e.what = std::move(what);
  e.duplicate = duplicate;
  return e;
}

const check::label_table before_rotation = {{"old", {"AWSCURRENT"}, 1}, {"new", {"AWSPENDING"}, 2}};
const check::label_table after_rotation = {{"old", {"AWSPREVIOUS"}, 1}, {"new", {"AWSCURRENT"}, 2}};

/// A clean, correct single-user rotation: AWSCURRENT fails between setSecret and finishSecret.
check::run_record good_run(check::fault f = {}) {
  check::run_record r;
  r.fault = f;
  r.events = {delivery(0), call(0, "PutSecretValue", before_rotation, true), outcome(0, "succeeded"),
              delivery(1), call(1, "GetSecretValue", before_rotation, true),
              outcome(1, "succeeded"),
              delivery(2), call(2, "GetSecretValue", before_rotation, false),
              outcome(2, "succeeded"),
              delivery(3), call(3, "DescribeSecret", before_rotation, false),
              call(3, "UpdateSecretVersionStage", after_rotation, true), outcome(3, "succeeded")};
  r.events[5].current_works = false;  // setSecret's end: the service has the new password
  r.events[8].current_works = false;
  r.completed = true;
  r.rotation_version = "new";
  r.final_table = after_rotation;
  r.final_current_works = true;
  r.final_previous_works = false;
  return r;
}

check::verdict_state state_of(const std::vector<check::verdict>& vs, check::property p) {
  for (const auto& v : vs)
    if (v.prop == p) return v.state;
  return check::verdict_state::not_applicable;
}

const check::check_options probed{true, false};

}  // namespace

TEST_CASE("the whole plan follows the clean run's calls per step") {
  const auto plan = check::full_plan({5, 2, 2, 4});
  // clean, 4 fail-once, 4 duplicate, 5+2+2+4 kills, 4 kinds × 12 places between 13 calls
  CHECK(plan.size() == 1 + 4 + 4 + 13 + 4 * 12);
  CHECK(check::fault_name(plan[0]) == "clean");
  CHECK(check::fault_name(plan[1]) == "fail-once:createSecret");
  CHECK(check::fault_name(plan[8]) == "duplicate:finishSecret");
  CHECK(check::fault_name(plan[9]) == "kill:createSecret#1");
  CHECK(check::fault_name(plan[9 + 12]) == "kill:finishSecret#4");
  CHECK(check::fault_name(plan[22]) == "put@1");
  CHECK(check::fault_name(plan.back()) == "cancel@12");
  // A step that makes no call gets no kill; one call in all leaves no place between two.
  CHECK(check::full_plan({1, 0, 0, 0}).size() == 1 + 4 + 4 + 1);
}

TEST_CASE("--faults selects kinds and single faults, always with the clean run") {
  const auto plan = check::full_plan({5, 2, 2, 4});
  CHECK(check::select_faults(plan, "kill").size() == 1 + 13);
  const auto two = check::select_faults(plan, "put@3,duplicate:setSecret");
  REQUIRE(two.size() == 3);
  CHECK(check::fault_name(two[1]) == "duplicate:setSecret");
  CHECK(check::fault_name(two[2]) == "put@3");
  CHECK(check::select_faults(plan, "put@99").size() == 1);  // a known kind, not in this plan
  std::string unknown;
  CHECK(check::select_faults(plan, "kill,nonsense", &unknown).empty());
  CHECK(unknown == "nonsense");
}

TEST_CASE("a correct rotation holds every property; its outage is reported, not a violation") {
  const auto r = good_run();
  const auto vs = check::evaluate(r, r, probed);
  CHECK_FALSE(check::any_violation(vs));
  CHECK(state_of(vs, check::property::outage) == check::verdict_state::held);
  CHECK(check::outage_of(r).describe() == "4 points, setSecret..finishSecret");
  CHECK(state_of(vs, check::property::previous) == check::verdict_state::held);
  CHECK(state_of(vs, check::property::idempotent) == check::verdict_state::not_applicable);
  // --require-no-outage makes the window a violation, at its first point.
  const auto strict = check::evaluate(r, r, {true, true});
  CHECK(state_of(strict, check::property::outage) == check::verdict_state::violated);
  // Without --probe neither outage property applies.
  const auto unprobed = check::evaluate(r, r, {});
  CHECK(state_of(unprobed, check::property::outage) == check::verdict_state::not_applicable);
  CHECK(state_of(unprobed, check::property::works_after) == check::verdict_state::not_applicable);
}

TEST_CASE("each property names its own breakage") {
  const auto clean = good_run();
  SUBCASE("a broken label invariant, at the call that broke it") {
    auto r = good_run();
    r.events[4].invariants = {"I5 awsprevious_follows_awscurrent"};
    const auto vs = check::evaluate(r, clean, probed);
    CHECK(vs[0].prop == check::property::labels);
    CHECK(vs[0].state == check::verdict_state::violated);
    CHECK(vs[0].at == 4);
    CHECK(vs[0].why == "I5 awsprevious_follows_awscurrent");
  }
  SUBCASE("a step that fails when delivered again") {
    auto r = good_run({check::fault_kind::duplicate, 3, 0});
    r.events.push_back(delivery(3, true));
    auto failed = outcome(3, "failed", true);
    failed.detail = "exit status 1";
    r.events.push_back(failed);
    const auto vs = check::evaluate(r, clean, probed);
    CHECK(state_of(vs, check::property::succeeds) == check::verdict_state::violated);
    CHECK(vs[1].why == "finishSecret failed when delivered again: exit status 1");
  }
  SUBCASE("a rotation given up") {
    auto r = good_run();
    r.completed = false;
    CHECK(state_of(check::evaluate(r, clean, probed), check::property::succeeds) ==
          check::verdict_state::violated);
  }
  SUBCASE("AWSPENDING left on a version that is not current") {
    auto r = good_run();
    r.final_table = {{"old", {"AWSCURRENT"}, 1}, {"new", {"AWSPENDING"}, 2}};
    const auto vs = check::evaluate(r, clean, probed);
    CHECK(vs[1].why == "AWSPENDING left on v2, not on AWSCURRENT's version");
  }
  SUBCASE("AWSCURRENT on another client's copy of the rotated value is fine; another value not") {
    auto r = good_run();
    r.final_table = {{"old", {}, 1}, {"new", {"AWSPREVIOUS"}, 2}, {"copy", {"AWSCURRENT"}, 2}};
    CHECK(state_of(check::evaluate(r, clean, probed), check::property::succeeds) ==
          check::verdict_state::held);
    r.final_table[2].value = 1;
    CHECK(state_of(check::evaluate(r, clean, probed), check::property::succeeds) ==
          check::verdict_state::violated);
  }
  SUBCASE("AWSCURRENT's value does not work after the run") {
    auto r = good_run();
    r.final_current_works = false;
    CHECK(state_of(check::evaluate(r, clean, probed), check::property::works_after) ==
          check::verdict_state::violated);
  }
  SUBCASE("AWSPREVIOUS not on the former current value") {
    auto r = good_run();
    r.final_table = {{"old", {}, 1}, {"new", {"AWSCURRENT"}, 2}, {"other", {"AWSPREVIOUS"}, 3}};
    const auto vs = check::evaluate(r, clean, probed);
    CHECK(state_of(vs, check::property::previous) == check::verdict_state::violated);
    CHECK(vs[4].why == "AWSPREVIOUS holds #3, not the former current value #1");
  }
  SUBCASE("a duplicate delivery that ends differently from the clean run") {
    auto r = good_run({check::fault_kind::duplicate, 1, 0});
    CHECK(state_of(check::evaluate(r, clean, probed), check::property::idempotent) ==
          check::verdict_state::held);
    r.final_current_works = false;
    const auto vs = check::evaluate(r, clean, probed);
    CHECK(state_of(vs, check::property::idempotent) == check::verdict_state::violated);
    CHECK(vs[5].why ==
          "after the run AWSCURRENT's value does not work, after the clean run it does");
    r.final_current_works = true;
    r.final_table = {{"old", {"AWSCURRENT"}, 1}, {"new", {"AWSPREVIOUS"}, 2}};
    CHECK(state_of(check::evaluate(r, clean, probed), check::property::idempotent) ==
          check::verdict_state::violated);
  }
}

TEST_CASE("the report: a row per kind of fault, each violation with its trace") {
  std::vector<check::result> results;
  results.push_back({good_run(), {}});
  auto bad = good_run({check::fault_kind::duplicate, 3, 0});
  bad.events.push_back(delivery(3, true));
  bad.events.push_back(outcome(3, "failed", true));
  results.push_back({bad, {}});
  for (auto& r : results) r.verdicts = check::evaluate(r.run, results[0].run, probed);

  const std::string text = check::render_report(results);
  CHECK(text.find("fault         labels       succeeds") == 0);
  CHECK(text.find("clean         ok           ok           ok") != std::string::npos);
  CHECK(text.find("duplicate     ok           FAIL 1/1") != std::string::npos);
  CHECK(text.find("outage window of the clean run: 4 points, setSecret..finishSecret") !=
        std::string::npos);
  CHECK(text.find("VIOLATION succeeds under duplicate:finishSecret") != std::string::npos);
  CHECK(text.find("UpdateSecretVersionStage -> ok   v1[AWSPREVIOUS]=#1 v2[AWSCURRENT]=#2") !=
        std::string::npos);

  const auto json = nlohmann::json::parse(check::render_json(results));
  CHECK(json["violations"] == 1);
  REQUIRE(json["runs"].size() == 2);
  CHECK(json["runs"][0]["properties"]["succeeds"]["state"] == "ok");
  CHECK(json["runs"][0]["properties"]["idempotent"]["state"] == "n/a");
  CHECK_FALSE(json["runs"][0].contains("trace"));
  CHECK(json["runs"][1]["fault"] == "duplicate:finishSecret");
  CHECK(json["runs"][1]["properties"]["succeeds"]["state"] == "violated");
  CHECK(json["runs"][1]["trace"][1]["labels"][0]["value"] == "#1");
  CHECK(json["runs"][1]["end"][1]["labels"][0] == "AWSCURRENT");
}

}  // namespace check_rotation_test
