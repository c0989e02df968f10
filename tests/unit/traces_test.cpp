// The real-AWS traces T1–T9 of docs/semantics.md#traces, step by step: after every call the full
// versions → labels map (deprecated versions present, with no label) is exactly the trace's.
#include <optional>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include <secretstage/secretstage.hpp>

#include "support/given.hpp"

// Its own namespace: the batched build (SECRETSTAGE_FAST_TEST_BUILD) joins test files.
namespace traces_test {

namespace ss = secretstage;
using ss::testing::aws_map;
using ss::testing::step;
using ss::testing::version_labels;
using ss::testing::vid;
using labels = std::vector<std::string>;

namespace {
const std::string v1 = vid(1), v2 = vid(2), v3 = vid(3), v4 = vid(4);
const std::string C = "AWSCURRENT", PREV = "AWSPREVIOUS", P = "AWSPENDING";
const std::optional<std::string> none;

// Each call of a trace happens one second after the previous one.
struct session {
  std::int64_t clock = 1'710'000'000;
  ss::context next() { return ss::testing::at(++clock); }
};

ss::secret create(session& t, const std::string& token, std::string value) {
  return ss::testing::create(ss::create_secret{.name = "s-c64bdc03", .client_request_token = token,
                                               .secret_string = std::move(value)},
                             t.next())
      .state;
}
ss::put_secret_value put(const std::string& token, std::string value, std::optional<labels> stages = std::nullopt) {
  return {.secret_id = "s-c64bdc03", .client_request_token = token, .secret_string = std::move(value),
          .version_stages = std::move(stages)};
}
ss::update_secret_version_stage uvs(std::string label, std::optional<std::string> from, std::optional<std::string> to) {
  return {.secret_id = "s-c64bdc03", .version_stage = std::move(label), .remove_from_version_id = std::move(from),
          .move_to_version_id = std::move(to)};
}
std::set<std::string> stages_of(const ss::put_secret_value_response& r) { return {r.version_stages.begin(), r.version_stages.end()}; }
}  // namespace

TEST_CASE("T1: CreateSecret then UpdateSecret with a value") {
  session t;
  auto s = create(t, v1, "S0");
  CHECK(version_labels(s) == aws_map{{v1, {C}}});
  const auto u = step(s, ss::update_secret{.secret_id = "s-c64bdc03", .client_request_token = v2,
                                           .secret_string = "S1"}, t.next());
  CHECK(u.response.version_id == v2);
  CHECK(version_labels(u.state) == aws_map{{v1, {PREV}}, {v2, {C}}});
}

TEST_CASE("T2 and T3: AWSPENDING put, AWSCURRENT moved onto it, then a default put") {
  session t;
  auto s = create(t, v1, "S0");
  CHECK(version_labels(s) == aws_map{{v1, {C}}});

  const auto p = step(s, put(v2, "S1", labels{P}), t.next());
  CHECK(stages_of(p.response) == std::set<std::string>{P});
  s = p.state;
  CHECK(version_labels(s) == aws_map{{v1, {C}}, {v2, {P}}});

  s = step(s, uvs(C, v1, v2), t.next()).state;
  CHECK(version_labels(s) == aws_map{{v1, {PREV}}, {v2, {C, P}}});

  // T3
  const auto q = step(s, put(v3, "S2"), t.next());
  CHECK(q.response.version_id == v3);
  CHECK(stages_of(q.response) == std::set<std::string>{C});
  CHECK(version_labels(q.state) == aws_map{{v1, {}}, {v2, {PREV}}, {v3, {C}}});  // AWSPENDING gone
  CHECK(q.state.holder(P) == nullptr);
}

TEST_CASE("T4: a full pending cycle") {
  session t;
  auto s = create(t, v1, "S1");
  s = step(s, put(v2, "S2", labels{P}), t.next()).state;
  s = step(s, uvs(C, v1, v2), t.next()).state;
  CHECK(version_labels(s) == aws_map{{v1, {PREV}}, {v2, {C, P}}});

  s = step(s, put(v3, "S3", labels{P}), t.next()).state;
  CHECK(version_labels(s) == aws_map{{v1, {PREV}}, {v2, {C}}, {v3, {P}}});
  CHECK(s.version_of(C) == v2);  // GetSecretValue's default still returns v2

  s = step(s, uvs(C, v2, v3), t.next()).state;
  CHECK(version_labels(s) == aws_map{{v1, {}}, {v2, {PREV}}, {v3, {C, P}}});
}

TEST_CASE("T5: custom stages, including one that starts with AWS") {
  session t;
  auto s = create(t, v1, "S1");
  s = step(s, put(v2, "S2", labels{"AWSSOMETHING", P, "PUT1"}), t.next()).state;
  CHECK(version_labels(s) == aws_map{{v1, {C}}, {v2, {P, "AWSSOMETHING", "PUT1"}}});

  s = step(s, uvs(C, v1, v2), t.next()).state;
  CHECK(version_labels(s) == aws_map{{v1, {PREV}}, {v2, {C, P, "AWSSOMETHING", "PUT1"}}});

  s = step(s, put(v3, "S3", labels{P, "PUT2"}), t.next()).state;
  CHECK(version_labels(s) == aws_map{{v1, {PREV}}, {v2, {C, "AWSSOMETHING", "PUT1"}}, {v3, {P, "PUT2"}}});

  s = step(s, uvs(C, v2, v3), t.next()).state;
  CHECK(version_labels(s) == aws_map{{v1, {}}, {v2, {PREV, "AWSSOMETHING", "PUT1"}}, {v3, {C, P, "PUT2"}}});
}

TEST_CASE("T6: custom stages alongside AWSCURRENT and AWSPENDING") {
  session t;
  auto s = create(t, v1, "SS");
  s = step(s, put(v2, "S1", labels{C, "PUT0"}), t.next()).state;
  CHECK(version_labels(s) == aws_map{{v1, {PREV}}, {v2, {C, "PUT0"}}});

  s = step(s, put(v3, "S2", labels{P, "PUT1"}), t.next()).state;
  CHECK(version_labels(s) == aws_map{{v1, {PREV}}, {v2, {C, "PUT0"}}, {v3, {P, "PUT1"}}});

  s = step(s, uvs(C, v2, v3), t.next()).state;
  CHECK(version_labels(s) == aws_map{{v1, {}}, {v2, {PREV, "PUT0"}}, {v3, {C, P, "PUT1"}}});

  s = step(s, put(v4, "S3", labels{P, "PUT2"}), t.next()).state;
  CHECK(version_labels(s) == aws_map{{v1, {}}, {v2, {PREV, "PUT0"}}, {v3, {C, "PUT1"}}, {v4, {P, "PUT2"}}});

  s = step(s, uvs(C, v3, v4), t.next()).state;
  CHECK(version_labels(s) == aws_map{{v1, {}}, {v2, {"PUT0"}}, {v3, {PREV, "PUT1"}}, {v4, {C, P, "PUT2"}}});
}

TEST_CASE("T7: three default puts leave two deprecated versions, still present") {
  session t;
  auto s = create(t, v1, "S0");
  s = step(s, put(v2, "S1"), t.next()).state;
  s = step(s, put(v3, "S2"), t.next()).state;
  s = step(s, put(v4, "S3"), t.next()).state;
  CHECK(version_labels(s) == aws_map{{v1, {}}, {v2, {}}, {v3, {PREV}}, {v4, {C}}});
  CHECK(s.version_count() == 4);
  CHECK(s.is_deprecated(v1));
  CHECK(s.is_deprecated(v2));
  CHECK_FALSE(s.is_deprecated(v3));
  CHECK(s.labels_of(v1).empty());
}

TEST_CASE("T8: custom stages without replacement, then with replacement") {
  session t;
  auto s = create(t, v1, "S0");
  s = step(s, put(v2, "S1", labels{"one", "two", "three"}), t.next()).state;
  CHECK(version_labels(s) == aws_map{{v1, {C}}, {v2, {"one", "two", "three"}}});
  SUBCASE("second put [one, two, four]: three stays on v2") {
    const auto u = step(s, put(v3, "S2", labels{"one", "two", "four"}), t.next());
    CHECK(version_labels(u.state) == aws_map{{v1, {C}}, {v2, {"three"}}, {v3, {"four", "one", "two"}}});
  }
  SUBCASE("second put [one, two, three, four]: v2 is deprecated") {
    const auto u = step(s, put(v3, "S2", labels{"one", "two", "three", "four"}), t.next());
    CHECK(version_labels(u.state) == aws_map{{v1, {C}}, {v2, {}}, {v3, {"four", "one", "two", "three"}}});
  }
}

TEST_CASE("T9: a custom PENDING label, AWSCURRENT moved onto it, then PENDING removed") {
  session t;
  auto s = create(t, v1, "S0");
  s = step(s, put(v2, "S1", labels{"PENDING"}), t.next()).state;
  CHECK(version_labels(s) == aws_map{{v1, {C}}, {v2, {"PENDING"}}});

  s = step(s, uvs(C, v1, v2), t.next()).state;
  CHECK(version_labels(s) == aws_map{{v1, {PREV}}, {v2, {C, "PENDING"}}});

  s = step(s, uvs("PENDING", v2, none), t.next()).state;
  CHECK(version_labels(s) == aws_map{{v1, {PREV}}, {v2, {C}}});
}

}  // namespace traces_test
