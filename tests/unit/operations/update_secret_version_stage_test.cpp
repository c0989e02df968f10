// operations/update_secret_version_stage.hpp: one TEST_CASE per row of the table in
// docs/semantics.md#updatesecretversionstage, then its check order, validation and resolution, then
// the same moves for a domain without reserved labels.
#include <optional>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include <secretstage/operations/update_secret_version_stage.hpp>

#include "support/operation_test.hpp"

// Its own namespace: the batched build (SECRETSTAGE_FAST_TEST_BUILD) joins test files.
namespace update_secret_version_stage_test {

namespace ss = secretstage;
using namespace ss::testing::operation_test;
using labels = std::vector<std::string>;

namespace {
const std::string v1 = vid(1), v2 = vid(2), v3 = vid(3), v4 = vid(4), v5 = vid(5), unknown = vid(99);
const std::string C = "AWSCURRENT", P = "AWSPREVIOUS", N = "AWSPENDING";
const std::optional<std::string> none;

ss::create_secret create_v1() {
  return {.name = "app", .client_request_token = v1, .secret_string = "s1"};
}
ss::put_secret_value put(const std::string& id, std::optional<labels> stages = std::nullopt) {
  return {.secret_id = "app", .client_request_token = id, .secret_string = "value of " + id,
          .version_stages = std::move(stages)};
}
ss::update_secret_version_stage uvs(std::string label, std::optional<std::string> from,
                                    std::optional<std::string> to, std::string secret_id = "app") {
  return {.secret_id = std::move(secret_id), .version_stage = std::move(label),
          .remove_from_version_id = std::move(from), .move_to_version_id = std::move(to)};
}

/// {v1:[AWSCURRENT], v2:[AWSPENDING, L1], v3:[L2], v4:[] (deprecated)}
ss::secret fixture() {
  const auto s = given(create_v1(), put(v2, labels{N, "L1"}), put(v3, labels{"L2"}), put(v4, labels{"L3"}),
                       uvs("L3", v4, none));
  REQUIRE(version_labels(s) == aws_map{{v1, {C}}, {v2, {N, "L1"}}, {v3, {"L2"}}, {v4, {}}});
  return s;
}

/// {v1:[AWSPREVIOUS], v2:[AWSCURRENT]}
ss::secret after_one_update() {
  const auto s = given(create_v1(), put(v2));
  REQUIRE(version_labels(s) == aws_map{{v1, {P}}, {v2, {C}}});
  return s;
}

/// Checks that `t` changed nothing: the same state, the response naming the secret.
void check_noop(const ss::secret& s, const ss::update_secret_version_stage& r) {
  const auto t = step(s, r);
  CHECK(snapshot_of(t.state) == snapshot_of(s));
  CHECK(t.state == s);
  CHECK(t.response.arn == s.arn());
  CHECK(t.response.name == s.name());
}
}  // namespace

// ---- the table, row by row ----------------------------------------------------------------------

TEST_CASE("row: neither RemoveFromVersionId nor MoveToVersionId → InvalidParameterException") {
  const auto s = fixture();
  CHECK_AWS_ERROR(fail(s, uvs("L1", none, none)), ss::errc::invalid_parameter, text::move_or_remove);
  CHECK_AWS_ERROR(fail(s, uvs("L9", none, none)), ss::errc::invalid_parameter, text::move_or_remove);
  CHECK_AWS_ERROR(fail(s, uvs(C, none, none)), ss::errc::invalid_parameter, text::move_or_remove);
}

TEST_CASE("row: RemoveFromVersionId or MoveToVersionId names no version of the secret") {
  const auto s = fixture();
  SUBCASE("RemoveFromVersionId") {
    CHECK_AWS_ERROR(fail(s, uvs("L1", unknown, none)), ss::errc::invalid_parameter,
                    text::no_such_version(unknown, "app"));
    CHECK_AWS_ERROR(fail(s, uvs("L1", unknown, v3)), ss::errc::invalid_parameter,
                    text::no_such_version(unknown, "app"));
  }
  SUBCASE("MoveToVersionId") {
    CHECK_AWS_ERROR(fail(s, uvs("L1", v2, unknown)), ss::errc::invalid_parameter,
                    text::no_such_version(unknown, "app"));
    CHECK_AWS_ERROR(fail(s, uvs("L9", none, unknown)), ss::errc::invalid_parameter,
                    text::no_such_version(unknown, "app"));
  }
  SUBCASE("the message names the secret by its name, also when addressed by ARN") {
    CHECK_AWS_ERROR(fail(s, uvs("L9", none, unknown, s.arn().str())), ss::errc::invalid_parameter,
                    text::no_such_version(unknown, "app"));
  }
}

TEST_CASE("row: L on C ≠ B, no RemoveFromVersionId, B given → 'RemoveFromVersionId can't be empty'") {
  const auto s = fixture();
  SUBCASE("AWSCURRENT (observed)") {
    CHECK_AWS_ERROR(fail(s, uvs(C, none, v2)), ss::errc::invalid_parameter, text::remove_from_required(C, v1));
  }
  SUBCASE("a custom label: same template") {
    CHECK_AWS_ERROR(fail(s, uvs("L1", none, v3)), ss::errc::invalid_parameter,
                    text::remove_from_required("L1", v2));
  }
  SUBCASE("AWSPENDING, onto a deprecated version") {
    CHECK_AWS_ERROR(fail(s, uvs(N, none, v4)), ss::errc::invalid_parameter, text::remove_from_required(N, v2));
  }
}

TEST_CASE("row: RemoveFromVersionId given but L is on another version → 'must be set to the version…'") {
  const auto s = fixture();
  SUBCASE("with MoveToVersionId") {
    CHECK_AWS_ERROR(fail(s, uvs("L1", v3, v4)), ss::errc::invalid_parameter, text::remove_from_mismatch("L1"));
  }
  SUBCASE("without MoveToVersionId") {
    CHECK_AWS_ERROR(fail(s, uvs("L1", v3, none)), ss::errc::invalid_parameter, text::remove_from_mismatch("L1"));
  }
  SUBCASE("RemoveFromVersionId = MoveToVersionId ≠ the holder") {
    CHECK_AWS_ERROR(fail(s, uvs("L1", v3, v3)), ss::errc::invalid_parameter, text::remove_from_mismatch("L1"));
  }
  SUBCASE("AWSCURRENT") {
    CHECK_AWS_ERROR(fail(s, uvs(C, v2, v3)), ss::errc::invalid_parameter, text::remove_from_mismatch(C));
  }
}

TEST_CASE("row: RemoveFromVersionId given, L attached nowhere → same error") {
  const auto s = fixture();
  CHECK_AWS_ERROR(fail(s, uvs("L9", v1, v2)), ss::errc::invalid_parameter, text::remove_from_mismatch("L9"));
  CHECK_AWS_ERROR(fail(s, uvs("L9", v1, none)), ss::errc::invalid_parameter, text::remove_from_mismatch("L9"));
  CHECK_AWS_ERROR(fail(s, uvs(P, v1, v2)), ss::errc::invalid_parameter, text::remove_from_mismatch(P));
}

TEST_CASE("row: L = AWSCURRENT, RemoveFromVersionId its holder, no MoveToVersionId → can't be removed") {
  const auto s = fixture();
  CHECK_AWS_ERROR(fail(s, uvs(C, v1, none)), ss::errc::invalid_parameter, text::current_not_removable);
}

TEST_CASE("row: B already holds L (A absent or A = B) → success, nothing changes") {
  SUBCASE("custom label, A absent") { check_noop(fixture(), uvs("L1", none, v2)); }
  SUBCASE("custom label, A = B") { check_noop(fixture(), uvs("L1", v2, v2)); }
  SUBCASE("AWSCURRENT, A absent: no AWSPREVIOUS side effect") {
    check_noop(after_one_update(), uvs(C, none, v2));
  }
  SUBCASE("AWSCURRENT, A = B: B does not become AWSPREVIOUS, and AWSPREVIOUS stays on its holder") {
    const auto s = after_one_update();
    check_noop(s, uvs(C, v2, v2));
    CHECK(step(s, uvs(C, v2, v2)).state.version_of(P) == v1);
  }
  SUBCASE("AWSPENDING") { check_noop(fixture(), uvs(N, v2, v2)); }
}

TEST_CASE("row: A holds L, B ≠ A given → L moves A → B, every other label stays") {
  const auto s = fixture();
  SUBCASE("onto a labelled version") {
    const auto t = step(s, uvs("L1", v2, v3));
    CHECK(version_labels(t.state) == aws_map{{v1, {C}}, {v2, {N}}, {v3, {"L1", "L2"}}, {v4, {}}});
    CHECK(t.response.arn == s.arn());
    CHECK(t.response.name == s.name());
  }
  SUBCASE("the last label off A: A is deprecated") {
    const auto t = step(s, uvs("L2", v3, v1));
    CHECK(version_labels(t.state) == aws_map{{v1, {C, "L2"}}, {v2, {N, "L1"}}, {v3, {}}, {v4, {}}});
  }
  SUBCASE("onto a deprecated version: it is labelled again") {
    const auto t = step(s, uvs("L2", v3, v4));
    CHECK(version_labels(t.state) == aws_map{{v1, {C}}, {v2, {N, "L1"}}, {v3, {}}, {v4, {"L2"}}});
    CHECK_FALSE(t.state.is_deprecated(v4));
  }
  SUBCASE("AWSPENDING moves like a custom label (no AWSPREVIOUS)") {
    const auto t = step(s, uvs(N, v2, v1));
    CHECK(version_labels(t.state) == aws_map{{v1, {C, N}}, {v2, {"L1"}}, {v3, {"L2"}}, {v4, {}}});
  }
  SUBCASE("AWSPREVIOUS moves like a custom label, even onto the AWSCURRENT version") {
    const auto t = step(after_one_update(), uvs(P, v1, v2));
    CHECK(version_labels(t.state) == aws_map{{v1, {}}, {v2, {C, P}}});
  }
}

TEST_CASE("row: A holds L, B absent → L removed from A") {
  const auto s = fixture();
  SUBCASE("A keeps its other labels (T9)") {
    const auto t = step(s, uvs("L1", v2, none));
    CHECK(version_labels(t.state) == aws_map{{v1, {C}}, {v2, {N}}, {v3, {"L2"}}, {v4, {}}});
  }
  SUBCASE("A's last label: A is deprecated, and still a version of the secret") {
    const auto t = step(s, uvs("L2", v3, none));
    CHECK(version_labels(t.state) == aws_map{{v1, {C}}, {v2, {N, "L1"}}, {v3, {}}, {v4, {}}});
    CHECK(t.state.is_deprecated(v3));
    CHECK(t.state.find_version(v3) == s.find_version(v3));
  }
  SUBCASE("AWSPENDING is removed by hand (rotation clean-up)") {
    const auto t = step(s, uvs(N, v2, none));
    CHECK(t.state.holder(N) == nullptr);
  }
  SUBCASE("AWSPREVIOUS is removed by hand; AWSCURRENT is untouched") {
    const auto t = step(after_one_update(), uvs(P, v1, none));
    CHECK(version_labels(t.state) == aws_map{{v1, {}}, {v2, {C}}});
  }
}

TEST_CASE("row: L attached nowhere, A absent, B given → L added to B") {
  const auto s = fixture();
  SUBCASE("a new custom label") {
    const auto t = step(s, uvs("L9", none, v3));
    CHECK(version_labels(t.state) == aws_map{{v1, {C}}, {v2, {N, "L1"}}, {v3, {"L2", "L9"}}, {v4, {}}});
  }
  SUBCASE("AWSPREVIOUS, when nothing holds it") {
    const auto t = step(s, uvs(P, none, v3));
    CHECK(t.state.version_of(P) == v3);
    CHECK(t.state.version_of(C) == v1);
  }
  SUBCASE("onto a deprecated version") {
    const auto t = step(s, uvs("L9", none, v4));
    CHECK(version_labels(t.state).at(v4) == std::set<std::string>{"L9"});
  }
}

TEST_CASE("row: L = AWSCURRENT moving A → B: AWSPREVIOUS moves to A; every other label stays") {
  SUBCASE("AWSPREVIOUS attached nowhere before; AWSPENDING on B stays") {
    const auto t = step(fixture(), uvs(C, v1, v2));
    CHECK(version_labels(t.state) == aws_map{{v1, {P}}, {v2, {C, N, "L1"}}, {v3, {"L2"}}, {v4, {}}});
  }
  SUBCASE("taken from its previous holder, which keeps its custom labels (T6)") {
    // {v1:[AWSPREVIOUS, Y], v2:[AWSCURRENT, X], v3:[AWSPENDING]}
    const auto s = given(create_v1(), put(v2), uvs("Y", none, v1), uvs("X", none, v2), put(v3, labels{N}));
    REQUIRE(version_labels(s) == aws_map{{v1, {P, "Y"}}, {v2, {C, "X"}}, {v3, {N}}});
    const auto t = step(s, uvs(C, v2, v3));
    CHECK(version_labels(t.state) == aws_map{{v1, {"Y"}}, {v2, {P, "X"}}, {v3, {C, N}}});
  }
  SUBCASE("taken from its previous holder, which is then deprecated (T2)") {
    const auto s = given(create_v1(), put(v2), put(v3, labels{N}));
    const auto t = step(s, uvs(C, v2, v3));
    CHECK(version_labels(t.state) == aws_map{{v1, {}}, {v2, {P}}, {v3, {C, N}}});
  }
  SUBCASE("back onto the AWSPREVIOUS version (a roll-back): the two swap") {
    const auto t = step(after_one_update(), uvs(C, v2, v1));
    CHECK(version_labels(t.state) == aws_map{{v1, {C}}, {v2, {P}}});
  }
  SUBCASE("onto a deprecated version") {
    const auto t = step(fixture(), uvs(C, v1, v4));
    CHECK(version_labels(t.state) == aws_map{{v1, {P}}, {v2, {N, "L1"}}, {v3, {"L2"}}, {v4, {C}}});
  }
}

TEST_CASE("row: AWSCURRENT added to B when no version held it (pending-only secret) → no AWSPREVIOUS") {
  const auto s = ss::testing::with_rotation_placeholder(given(ss::create_secret{.name = "app"}), v1,
                                                        ss::timestamp::from_seconds(1));
  REQUIRE(version_labels(s) == aws_map{{v1, {N}}});
  const auto t = step(s, uvs(C, none, v1));
  CHECK(version_labels(t.state) == aws_map{{v1, {C, N}}});
  CHECK(t.state.holder(P) == nullptr);
}

TEST_CASE("row: more than 20 labels across the secret afterwards → LimitExceededException") {
  // 20 labels: AWSCURRENT on v1, L1..L19 on v2
  labels nineteen;
  for (int i = 1; i <= 19; ++i) nineteen.push_back("L" + std::to_string(i));
  const auto s = given(create_v1(), put(v2, nineteen), put(v3, labels{"L1"}), uvs("L1", v3, v2));
  REQUIRE(s.label_count() == 20);
  SUBCASE("a 21st label") {
    CHECK_AWS_ERROR(fail(s, uvs("L20", none, v3)), ss::errc::limit_exceeded, text::label_quota);
  }
  SUBCASE("moving AWSCURRENT would attach AWSPREVIOUS as the 21st") {
    CHECK_AWS_ERROR(fail(s, uvs(C, v1, v3)), ss::errc::limit_exceeded, text::label_quota);
  }
  SUBCASE("moving or removing an attached label is fine at the quota") {
    CHECK(step(s, uvs("L5", v2, v3)).state.label_count() == 20);
    CHECK(step(s, uvs("L5", v2, none)).state.label_count() == 19);
  }
  SUBCASE("moving AWSCURRENT when AWSPREVIOUS is already attached is fine at the quota") {
    const auto t = step(s, uvs("L19", v2, none)).state;
    const auto u = step(step(t, uvs(P, none, v3)).state, uvs(C, v1, v3));
    CHECK(u.state.label_count() == 20);
    CHECK(u.state.version_of(P) == v1);
  }
  SUBCASE("a no-op at the quota still succeeds (no-op is checked before the quota)") {
    check_noop(s, uvs("L1", none, v2));
  }
}

// ---- check order --------------------------------------------------------------------------------

TEST_CASE("check order: validation → resolution → neither → unknown A → unknown B → … (ruled order)") {
  const auto s = fixture();
  SUBCASE("validation before resolution") {
    CHECK_AWS_ERROR(fail(s, uvs("", none, v2, "nope")), ss::errc::validation, text::at_least("versionStage", 1));
  }
  SUBCASE("resolution before 'neither'") {
    CHECK_AWS_ERROR(fail(s, uvs("L1", none, none, "nope")), ss::errc::resource_not_found, text::not_found);
  }
  SUBCASE("resolution before an unknown version") {
    CHECK_AWS_ERROR(fail(s, uvs("L1", unknown, unknown, "nope")), ss::errc::resource_not_found, text::not_found);
  }
  SUBCASE("unknown RemoveFromVersionId before unknown MoveToVersionId") {
    CHECK_AWS_ERROR(fail(s, uvs("L1", vid(98), unknown)), ss::errc::invalid_parameter,
                    text::no_such_version(vid(98), "app"));
  }
  SUBCASE("unknown MoveToVersionId before 'attached elsewhere'") {
    CHECK_AWS_ERROR(fail(s, uvs("L1", none, unknown)), ss::errc::invalid_parameter,
                    text::no_such_version(unknown, "app"));
  }
  SUBCASE("unknown RemoveFromVersionId before the mismatch") {
    CHECK_AWS_ERROR(fail(s, uvs("L1", unknown, v3)), ss::errc::invalid_parameter,
                    text::no_such_version(unknown, "app"));
  }
  SUBCASE("the mismatch before the AWSCURRENT-removal error") {
    CHECK_AWS_ERROR(fail(s, uvs(C, v2, none)), ss::errc::invalid_parameter, text::remove_from_mismatch(C));
  }
}

// ---- validation and resolution ---------------------------------------------------------------

TEST_CASE("VersionStage length 1–256") {
  const auto s = fixture();
  CHECK_AWS_ERROR(fail(s, uvs("", none, v3)), ss::errc::validation, text::at_least("versionStage", 1));
  CHECK(step(s, uvs("x", none, v3)).state.version_of("x") == v3);
  CHECK(step(s, uvs(std::string(256, 'x'), none, v3)).state.version_of(std::string(256, 'x')) == v3);
  CHECK_AWS_ERROR(fail(s, uvs(std::string(257, 'x'), none, v3)), ss::errc::validation,
                  text::at_most("versionStage", 256));
}

TEST_CASE("RemoveFromVersionId and MoveToVersionId length 32–64") {
  const std::string id32(32, 'a'), id64(64, 'b');
  const auto s = given(create_v1(), put(id32, labels{"L1"}), put(id64));
  CHECK_AWS_ERROR(fail(s, uvs("L1", std::string(31, 'a'), id64)), ss::errc::validation,
                  text::at_least("removeFromVersionId", 32));
  CHECK_AWS_ERROR(fail(s, uvs("L1", std::string(65, 'a'), id64)), ss::errc::validation,
                  text::at_most("removeFromVersionId", 64));
  CHECK_AWS_ERROR(fail(s, uvs("L9", none, std::string(31, 'a'))), ss::errc::validation,
                  text::at_least("moveToVersionId", 32));
  CHECK_AWS_ERROR(fail(s, uvs("L9", none, std::string(65, 'a'))), ss::errc::validation,
                  text::at_most("moveToVersionId", 64));
  CHECK(step(s, uvs("L1", id32, id64)).state.version_of("L1") == id64);
  CHECK(step(s, uvs("AWSCURRENT", id64, id32)).state.version_of("AWSCURRENT") == id32);
}

TEST_CASE("SecretId 1–2048 and the name alphabet") {
  const auto s = fixture();
  CHECK_AWS_ERROR(fail(s, uvs("L1", v2, v3, "")), ss::errc::validation, text::at_least("secretId", 1));
  CHECK_AWS_ERROR(fail(s, uvs("L1", v2, v3, std::string(2048, 'a'))), ss::errc::resource_not_found,
                  text::not_found);
  CHECK_AWS_ERROR(fail(s, uvs("L1", v2, v3, std::string(2049, 'a'))), ss::errc::validation,
                  text::at_most("secretId", 2048));
  CHECK_AWS_ERROR(fail(s, uvs("L1", v2, v3, "my secret")), ss::errc::validation, text::invalid_name);
}

TEST_CASE("SecretId resolution: name, full ARN, partial ARN; unknown → ResourceNotFoundException") {
  const auto s = fixture();
  const std::string arn = s.arn().str();
  for (const std::string& id : {std::string("app"), arn, arn.substr(0, arn.size() - 7)}) {
    CAPTURE(id);
    CHECK(step(s, uvs("L1", v2, v3, id)).state.version_of("L1") == v3);
  }
  for (const std::string& id : {std::string("app/x"), std::string("ap"), arn.substr(0, arn.size() - 6),
                                "arn:aws:secretsmanager:us-east-1:999999999999:secret:app" + arn.substr(arn.size() - 7)}) {
    CAPTURE(id);
    CHECK_AWS_ERROR(fail(s, uvs("L1", v2, v3, id)), ss::errc::resource_not_found, text::not_found);
  }
}

TEST_CASE("a move shares every version with the input: no version or value is copied") {
  const auto s = fixture();
  const auto t = step(s, uvs(C, v1, v2));
  for (const auto& id : {v1, v2, v3, v4}) {
    CAPTURE(id);
    CHECK(t.state.find_version(id) == s.find_version(id));
    CHECK(t.state.find_version(id)->value() == s.find_version(id)->value());
  }
}

// ---- the same rows for a domain with no reserved labels ----------------------------------------

TEST_CASE_TEMPLATE("UpdateSecretVersionStage moves labels the same way in every domain", Traits,
                   ss::aws_traits, ss::testing::tiny_traits) {
  using d = ss::testing::domain<Traits>;
  using map = ss::testing::version_map<Traits>;
  using uvs_t = ss::basic_update_secret_version_stage<Traits>;
  using put_t = ss::basic_put_secret_value<Traits>;
  using labels_t = std::vector<typename Traits::label_type>;
  using opt_id = std::optional<typename Traits::version_id_type>;
  const auto a = d::label(0), b = d::label(1), c = d::label(2), z = d::label(25);
  const auto i1 = d::id(1), i2 = d::id(2), i3 = d::id(3), i9 = d::id(9);
  auto move = [](typename Traits::label_type l, opt_id from, opt_id to) {
    return uvs_t{.secret_id = "app", .version_stage = l, .remove_from_version_id = from, .move_to_version_id = to};
  };
  // i1 (AWSCURRENT in the AWS domain) ; i2 [a, b] ; i3 [c]
  const auto s = given(ss::basic_create_secret<Traits>{.name = "app", .client_request_token = i1, .secret_string = "1"},
                       put_t{.secret_id = "app", .client_request_token = i2, .secret_string = "2",
                             .version_stages = labels_t{a, b}},
                       put_t{.secret_id = "app", .client_request_token = i3, .secret_string = "3",
                             .version_stages = labels_t{c}});
  auto expect = [&](map m) {
    if constexpr (Traits::has_reserved_labels) m[i1].insert(Traits::current());
    return m;
  };
  REQUIRE(version_labels(s) == expect(map{{i1, {}}, {i2, {a, b}}, {i3, {c}}}));

  SUBCASE("move A → B: only L changes, the label count stays") {
    const auto t = step(s, move(a, i2, i3));
    CHECK(version_labels(t.state) == expect(map{{i1, {}}, {i2, {b}}, {i3, {a, c}}}));
    CHECK(t.state.label_count() == s.label_count());
  }
  SUBCASE("remove from A: A deprecated when it had only L") {
    const auto t = step(s, move(c, i3, std::nullopt));
    CHECK(version_labels(t.state) == expect(map{{i1, {}}, {i2, {a, b}}, {i3, {}}}));
    CHECK(t.state.is_deprecated(i3));
  }
  SUBCASE("add a label attached nowhere") {
    const auto t = step(s, move(z, std::nullopt, i1));
    CHECK(version_labels(t.state) == expect(map{{i1, {z}}, {i2, {a, b}}, {i3, {c}}}));
  }
  SUBCASE("no-op when B already holds L") {
    const auto t = step(s, move(a, std::nullopt, i2));
    CHECK(snapshot_of(t.state) == snapshot_of(s));
  }
  SUBCASE("errors, with the domain's spelling of labels and ids") {
    CHECK_AWS_ERROR(fail(s, move(a, std::nullopt, std::nullopt)), ss::errc::invalid_parameter, text::move_or_remove);
    CHECK_AWS_ERROR(fail(s, move(a, i9, i3)), ss::errc::invalid_parameter,
                    text::no_such_version(Traits::text(i9), "app"));
    CHECK_AWS_ERROR(fail(s, move(a, std::nullopt, i3)), ss::errc::invalid_parameter,
                    text::remove_from_required(Traits::text(a), Traits::text(i2)));
    CHECK_AWS_ERROR(fail(s, move(a, i3, i1)), ss::errc::invalid_parameter,
                    text::remove_from_mismatch(Traits::text(a)));
  }
  SUBCASE("quota: labels up to the domain's quota, then LimitExceededException") {
    auto t = s;
    for (int i = 3; t.label_count() < Traits::label_quota; ++i) t = step(t, move(d::label(i), std::nullopt, i3)).state;
    CHECK(t.label_count() == Traits::label_quota);
    CHECK(fail(t, move(z, std::nullopt, i1)).code == ss::errc::limit_exceeded);
    CHECK(step(t, move(a, i2, i1)).state.label_count() == Traits::label_quota);
  }
}

TEST_CASE("tiny traits: no reserved labels, so no label ever appears as a side effect") {
  using tiny = ss::testing::tiny_traits;
  using uvs_t = ss::basic_update_secret_version_stage<tiny>;
  const auto s = given(ss::basic_create_secret<tiny>{.name = "t", .client_request_token = 1, .secret_string = "1"},
                       ss::basic_put_secret_value<tiny>{.secret_id = "t", .client_request_token = 2, .secret_string = "2",
                                                        .version_stages = std::vector<char>{'c'}},
                       ss::basic_put_secret_value<tiny>{.secret_id = "t", .client_request_token = 3, .secret_string = "3",
                                                        .version_stages = std::vector<char>{'p'}});
  // 'c' moving 2 → 3 would be "AWSCURRENT moving" in the AWS domain: here nothing follows it
  const auto t = step(s, uvs_t{.secret_id = "t", .version_stage = 'c', .remove_from_version_id = 2,
                               .move_to_version_id = 3});
  CHECK(version_labels(t.state) == ss::testing::version_map<tiny>{{1, {}}, {2, {}}, {3, {'c', 'p'}}});
  CHECK(t.state.label_count() == 2);
  // and any label may be removed outright
  const auto u = step(t.state, uvs_t{.secret_id = "t", .version_stage = 'c', .remove_from_version_id = 3});
  CHECK(u.state.label_count() == 1);
}

}  // namespace update_secret_version_stage_test
