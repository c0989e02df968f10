// operations/put_secret_value.hpp: PutSecretValue (docs/semantics.md#version-creation,
// #putsecretvalue, invariants I7–I11).
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <doctest/doctest.h>

#include <secretstage/operations/put_secret_value.hpp>

#include "support/operation_test.hpp"

// Its own namespace: the batched build (SECRETSTAGE_FAST_TEST_BUILD) joins test files.
namespace put_secret_value_test {

namespace ss = secretstage;
using namespace ss::testing::operation_test;
using labels = std::vector<std::string>;

namespace {
const std::string v1 = vid(1), v2 = vid(2), v3 = vid(3), v4 = vid(4);
const std::string C = "AWSCURRENT", P = "AWSPREVIOUS", N = "AWSPENDING";

ss::create_secret create_v1() {
  return {.name = "app", .client_request_token = v1, .secret_string = "s1"};
}
ss::put_secret_value put(const std::string& id, std::string value,
                         std::optional<labels> stages = std::nullopt) {
  return {.secret_id = "app", .client_request_token = id, .secret_string = std::move(value),
          .version_stages = std::move(stages)};
}
ss::update_secret_version_stage uvs(std::string label, std::optional<std::string> from,
                                    std::optional<std::string> to) {
  return {.secret_id = "app", .version_stage = std::move(label),
          .remove_from_version_id = std::move(from), .move_to_version_id = std::move(to)};
}
labels custom(int first, int n) {
  labels out;
  for (int i = first; i < first + n; ++i) out.push_back("L" + std::to_string(i));
  return out;
}
}  // namespace

TEST_CASE("default VersionStages [AWSCURRENT]: AWSCURRENT moves, the old current gets AWSPREVIOUS") {
  const auto s = given(create_v1());
  const auto ctx = ss::testing::at(1'800'000'000);
  const auto t = step(s, put(v2, "s2"), ctx);
  CHECK(version_labels(t.state) == aws_map{{v1, {P}}, {v2, {C}}});
  CHECK(t.response.arn == s.arn());
  CHECK(t.response.name == s.name());
  CHECK(t.response.version_id == v2);
  CHECK(ss::testing::as_set<ss::aws_traits>(t.response.version_stages) == std::set<std::string>{C});
  REQUIRE(t.state.find_version(v2) != nullptr);
  CHECK(*t.state.find_version(v2)->value()->string() == "s2");
  CHECK(t.state.find_version(v2)->created_date() == ctx.now);
  SUBCASE("a second default put: the former AWSPREVIOUS holder is deprecated but kept") {
    const auto u = step(t.state, put(v3, "s3"));
    CHECK(version_labels(u.state) == aws_map{{v1, {}}, {v2, {P}}, {v3, {C}}});
    CHECK(u.state.is_deprecated(v1));
    CHECK(u.state.find_version(v1) != nullptr);
  }
}

TEST_CASE("a binary value") {
  const auto t = step(given(create_v1()), ss::put_secret_value{.secret_id = "app", .client_request_token = v2,
                                                               .secret_binary = ss::binary{1, 2, 3}});
  const auto* value = t.state.find_version(v2)->value();
  REQUIRE(value != nullptr);
  CHECK(value->is_binary());
  CHECK(*value->bytes() == ss::binary{1, 2, 3});
}

TEST_CASE("on a secret without versions the first put gets AWSCURRENT and nothing gets AWSPREVIOUS") {
  const auto s = given(ss::create_secret{.name = "app"});
  const auto t = step(s, put(v1, "s1"));
  CHECK(version_labels(t.state) == aws_map{{v1, {C}}});
}

TEST_CASE("no AWSCURRENT anywhere afterwards: the new version gets AWSCURRENT too") {
  const auto s = given(ss::create_secret{.name = "app"});
  const auto t = step(s, put(v1, "s1", labels{"L1"}));
  CHECK(version_labels(t.state) == aws_map{{v1, {C, "L1"}}});
  CHECK(ss::testing::as_set<ss::aws_traits>(t.response.version_stages) == std::set<std::string>{C, "L1"});
  SUBCASE("also when the list is [AWSPENDING]") {
    const auto u = step(s, put(v1, "s1", labels{N}));
    CHECK(version_labels(u.state) == aws_map{{v1, {C, N}}});
  }
}

TEST_CASE("explicit VersionStages without AWSCURRENT leave AWSCURRENT where it is (I9)") {
  const auto t = step(given(create_v1()), put(v2, "s2", labels{"SAMPLESTAGE1", "SAMPLESTAGE0"}));
  CHECK(version_labels(t.state) == aws_map{{v1, {C}}, {v2, {"SAMPLESTAGE0", "SAMPLESTAGE1"}}});
  CHECK(ss::testing::as_set<ss::aws_traits>(t.response.version_stages) ==
        std::set<std::string>{"SAMPLESTAGE0", "SAMPLESTAGE1"});
}

TEST_CASE("listed labels move from wherever they are, with no RemoveFromVersionId (I7)") {
  const auto s = given(create_v1(), put(v2, "s2", labels{"L1", "L2"}));
  SUBCASE("some move, the others stay") {
    const auto t = step(s, put(v3, "s3", labels{"L1"}));
    CHECK(version_labels(t.state) == aws_map{{v1, {C}}, {v2, {"L2"}}, {v3, {"L1"}}});
  }
  SUBCASE("all move: the source version is deprecated") {
    const auto t = step(s, put(v3, "s3", labels{"L2", "L1"}));
    CHECK(version_labels(t.state) == aws_map{{v1, {C}}, {v2, {}}, {v3, {"L1", "L2"}}});
  }
  SUBCASE("a custom label moves off the AWSCURRENT version without touching AWSCURRENT") {
    const auto u = step(s, uvs("L3", std::nullopt, v1)).state;
    const auto t = step(u, put(v3, "s3", labels{"L3"}));
    CHECK(version_labels(t.state) == aws_map{{v1, {C}}, {v2, {"L1", "L2"}}, {v3, {"L3"}}});
  }
}

TEST_CASE("AWSCURRENT moving off A: A loses AWSCURRENT and AWSPENDING, gains AWSPREVIOUS, keeps custom labels") {
  // v1 [AWSCURRENT, AWSPENDING, X]; v2 [AWSPREVIOUS, Y]
  const auto s = given(ss::create_secret{.name = "app", .client_request_token = v2, .secret_string = "s2"},
                       put(v1, "s1"), uvs(N, std::nullopt, v1), uvs("X", std::nullopt, v1),
                       uvs("Y", std::nullopt, v2));
  REQUIRE(version_labels(s) == aws_map{{v1, {C, N, "X"}}, {v2, {P, "Y"}}});
  SUBCASE("by default") {
    const auto t = step(s, put(v3, "s3"));
    CHECK(version_labels(t.state) == aws_map{{v1, {P, "X"}}, {v2, {"Y"}}, {v3, {C}}});
  }
  SUBCASE("listed explicitly") {
    const auto t = step(s, put(v3, "s3", labels{C}));
    CHECK(version_labels(t.state) == aws_map{{v1, {P, "X"}}, {v2, {"Y"}}, {v3, {C}}});
  }
  SUBCASE("listed with a custom label") {
    const auto t = step(s, put(v3, "s3", labels{"Z", C}));
    CHECK(version_labels(t.state) == aws_map{{v1, {P, "X"}}, {v2, {"Y"}}, {v3, {C, "Z"}}});
  }
  SUBCASE("listed with AWSPENDING: AWSPENDING moves with it") {
    const auto t = step(s, put(v3, "s3", labels{C, N}));
    CHECK(version_labels(t.state) == aws_map{{v1, {P, "X"}}, {v2, {"Y"}}, {v3, {C, N}}});
  }
  SUBCASE("listed with the custom label of the old current: that label moves too") {
    const auto t = step(s, put(v3, "s3", labels{C, "X"}));
    CHECK(version_labels(t.state) == aws_map{{v1, {P}}, {v2, {"Y"}}, {v3, {C, "X"}}});
  }
}

TEST_CASE("ruling: VersionStages [AWSCURRENT, AWSPREVIOUS] puts both on the new version") {
  const auto s = given(create_v1(), put(v2, "s2"));  // v1 [AWSPREVIOUS], v2 [AWSCURRENT]
  const auto t = step(s, put(v3, "s3", labels{C, P}));
  CHECK(version_labels(t.state) == aws_map{{v1, {}}, {v2, {}}, {v3, {C, P}}});
  CHECK(ss::testing::as_set<ss::aws_traits>(t.response.version_stages) == std::set<std::string>{C, P});
}

TEST_CASE("AWSPENDING listed while it sits on the AWSCURRENT version: it moves, AWSCURRENT stays (T4)") {
  const auto s = given(create_v1(), uvs(N, std::nullopt, v1));
  const auto t = step(s, put(v2, "s2", labels{N}));
  CHECK(version_labels(t.state) == aws_map{{v1, {C}}, {v2, {N}}});
}

TEST_CASE("AWSPREVIOUS alone moves like a custom label") {
  const auto s = given(create_v1(), put(v2, "s2"));
  const auto t = step(s, put(v3, "s3", labels{P}));
  CHECK(version_labels(t.state) == aws_map{{v1, {}}, {v2, {C}}, {v3, {P}}});
}

TEST_CASE("duplicate labels in VersionStages collapse") {
  const auto t = step(given(create_v1()), put(v2, "s2", labels{"L1", "L1", "L2", "L1"}));
  CHECK(version_labels(t.state) == aws_map{{v1, {C}}, {v2, {"L1", "L2"}}});
  CHECK(t.response.version_stages.size() == 2);
}

TEST_CASE("ClientRequestToken naming an existing version") {
  const auto s = given(create_v1(), put(v2, "s2", labels{"L1"}));
  SUBCASE("same value: success, nothing changes, the response reports that version and its labels") {
    const auto t = step(s, put(v1, "s1"));
    CHECK(t.state == s);
    CHECK(ss::testing::snapshot_of(t.state) == ss::testing::snapshot_of(s));
    CHECK(t.response.version_id == v1);
    CHECK(t.response.arn == s.arn());
    CHECK(t.response.name == s.name());
    CHECK(ss::testing::as_set<ss::aws_traits>(t.response.version_stages) == std::set<std::string>{C});
  }
  SUBCASE("same value with other VersionStages: still nothing moves") {
    const auto t = step(s, put(v2, "s2", labels{C, "L9"}));
    CHECK(ss::testing::snapshot_of(t.state) == ss::testing::snapshot_of(s));
    CHECK(ss::testing::as_set<ss::aws_traits>(t.response.version_stages) == std::set<std::string>{"L1"});
  }
  SUBCASE("the retry reports the version's labels now, not when it was made") {
    const auto later = step(s, put(v3, "s3")).state;  // v1 is now AWSPREVIOUS
    const auto t = step(later, put(v1, "s1"));
    CHECK(ss::testing::snapshot_of(t.state) == ss::testing::snapshot_of(later));
    CHECK(ss::testing::as_set<ss::aws_traits>(t.response.version_stages) == std::set<std::string>{P});
  }
  SUBCASE("a deprecated version: success, it stays deprecated, no labels reported") {
    const auto later = given(create_v1(), put(v2, "s2"), put(v3, "s3"));  // v1 deprecated
    const auto t = step(later, put(v1, "s1"));
    CHECK(ss::testing::snapshot_of(t.state) == ss::testing::snapshot_of(later));
    CHECK(t.response.version_stages.empty());
  }
  SUBCASE("different value: ResourceExistsException naming the token and the ARN") {
    CHECK_AWS_ERROR(fail(s, put(v1, "other")), ss::errc::resource_exists,
                    text::token_in_use(v1, s.arn().view()));
  }
  SUBCASE("the same bytes as SecretBinary instead of SecretString: a different value") {
    const auto r = ss::put_secret_value{.secret_id = "app", .client_request_token = v1,
                                        .secret_binary = ss::binary{'s', '1'}};
    CHECK_AWS_ERROR(fail(s, r), ss::errc::resource_exists, text::token_in_use(v1, s.arn().view()));
  }
}

TEST_CASE("filling a rotation placeholder (token = the value-less version)") {
  SUBCASE("on a secret that never had a value: filled, and it gets AWSCURRENT too") {
    const auto s = ss::testing::with_rotation_placeholder(given(ss::create_secret{.name = "app"}), v1,
                                                          ss::timestamp::from_seconds(10));
    REQUIRE(version_labels(s) == aws_map{{v1, {N}}});
    const auto t = step(s, put(v1, "filled", labels{N}));
    CHECK(version_labels(t.state) == aws_map{{v1, {C, N}}});
    CHECK(t.state.version_count() == 1);
    REQUIRE(t.state.find_version(v1)->value() != nullptr);
    CHECK(*t.state.find_version(v1)->value()->string() == "filled");
    CHECK(t.state.find_version(v1)->created_date() == ss::timestamp::from_seconds(10));
  }
  SUBCASE("mid-rotation on a secret with a value: filled, AWSCURRENT stays") {
    const auto s = ss::testing::with_rotation_placeholder(given(create_v1()), v2,
                                                          ss::timestamp::from_seconds(10));
    const auto t = step(s, put(v2, "new", labels{N}));
    CHECK(version_labels(t.state) == aws_map{{v1, {C}}, {v2, {N}}});
    CHECK(t.state.version_count() == 2);
    CHECK(*t.state.find_version(v2)->value()->string() == "new");
    CHECK(ss::testing::as_set<ss::aws_traits>(t.response.version_stages) == std::set<std::string>{N});
  }
}

TEST_CASE("label quota: at most 20 labels attached across the secret") {
  const auto s = given(create_v1());  // 1 label
  SUBCASE("19 more labels: 20 in all, fine") {
    const auto t = step(s, put(v2, "s2", custom(1, 19)));
    CHECK(t.state.label_count() == 20);
  }
  SUBCASE("20 more labels: LimitExceededException") {
    CHECK_AWS_ERROR(fail(s, put(v2, "s2", custom(1, 20))), ss::errc::limit_exceeded, text::label_quota);
  }
  SUBCASE("AWSCURRENT and 19 labels: AWSPREVIOUS on the old current makes 21") {
    auto list = custom(1, 19);
    list.push_back(C);
    CHECK_AWS_ERROR(fail(s, put(v2, "s2", list)), ss::errc::limit_exceeded, text::label_quota);
  }
  SUBCASE("AWSCURRENT, AWSPREVIOUS and 18 labels: 20, fine (the explicit list wins)") {
    auto list = custom(1, 18);
    list.push_back(C);
    list.push_back(P);
    const auto t = step(s, put(v2, "s2", list));
    CHECK(t.state.label_count() == 20);
    CHECK(t.state.is_deprecated(v1));
  }
  SUBCASE("20 labels on an empty secret: the automatic AWSCURRENT makes 21") {
    const auto e = given(ss::create_secret{.name = "app"});
    CHECK_AWS_ERROR(fail(e, put(v1, "s1", custom(1, 20))), ss::errc::limit_exceeded, text::label_quota);
  }
  SUBCASE("moving labels that are already attached does not count twice") {
    const auto full = step(s, put(v2, "s2", custom(1, 19))).state;
    const auto t = step(full, put(v3, "s3", custom(1, 19)));
    CHECK(t.state.label_count() == 20);
    CHECK(t.state.is_deprecated(v2));
  }
}

TEST_CASE("VersionStages: 1–20 items, each 1–256 characters") {
  const auto e = given(ss::create_secret{.name = "app"});
  CHECK_AWS_ERROR(fail(e, put(v1, "s", labels{})), ss::errc::validation, text::at_least("versionStages", 1));
  auto twenty = custom(1, 19);
  twenty.push_back(C);
  CHECK(step(e, put(v1, "s", twenty)).state.label_count() == 20);
  CHECK_AWS_ERROR(fail(e, put(v1, "s", custom(1, 21))), ss::errc::validation,
                  text::at_most("versionStages", 20));
  CHECK_AWS_ERROR(fail(e, put(v1, "s", labels{"ok", ""})), ss::errc::validation,
                  text::at_least("versionStages", 1));
  CHECK(step(e, put(v1, "s", labels{std::string(256, 'x')})).state.labels_of(v1).contains(std::string(256, 'x')));
  CHECK(step(e, put(v1, "s", labels{"x"})).state.labels_of(v1).contains("x"));
  CHECK_AWS_ERROR(fail(e, put(v1, "s", labels{std::string(257, 'x')})), ss::errc::validation,
                  text::at_most("versionStages", 256));
}

TEST_CASE("ClientRequestToken length 32–64") {
  const auto s = given(create_v1());
  CHECK_AWS_ERROR(fail(s, put(std::string(31, 't'), "v")), ss::errc::validation,
                  text::at_least("clientRequestToken", 32));
  CHECK(step(s, put(std::string(32, 't'), "v")).state.version_of(C) == std::string(32, 't'));
  CHECK(step(s, put(std::string(64, 't'), "v")).state.version_of(C) == std::string(64, 't'));
  CHECK_AWS_ERROR(fail(s, put(std::string(65, 't'), "v")), ss::errc::validation,
                  text::at_most("clientRequestToken", 64));
}

TEST_CASE("SecretString / SecretBinary length 1–65,536") {
  const auto s = given(create_v1());
  CHECK_AWS_ERROR(fail(s, put(v2, "")), ss::errc::validation, text::at_least("secretString", 1));
  CHECK(step(s, put(v2, "x")).state.find_version(v2)->value()->size() == 1);
  CHECK(step(s, put(v2, std::string(65536, 'x'))).state.find_version(v2)->value()->size() == 65536);
  CHECK_AWS_ERROR(fail(s, put(v2, std::string(65537, 'x'))), ss::errc::validation,
                  text::at_most("secretString", 65536));
  auto bin = [](std::size_t n) {
    return ss::put_secret_value{.secret_id = "app", .client_request_token = v2, .secret_binary = ss::binary(n, 1)};
  };
  CHECK_AWS_ERROR(fail(s, bin(0)), ss::errc::validation, text::at_least("secretBinary", 1));
  CHECK(step(s, bin(1)).state.find_version(v2)->value()->size() == 1);
  CHECK(step(s, bin(65536)).state.find_version(v2)->value()->size() == 65536);
  CHECK_AWS_ERROR(fail(s, bin(65537)), ss::errc::validation, text::at_most("secretBinary", 65536));
}

TEST_CASE("SecretId 1–2048 characters; a name must use the name alphabet") {
  const auto s = given(create_v1());
  auto with_id = [](std::string id) {
    return ss::put_secret_value{.secret_id = std::move(id), .client_request_token = v2, .secret_string = "v"};
  };
  CHECK_AWS_ERROR(fail(s, with_id("")), ss::errc::validation, text::at_least("secretId", 1));
  CHECK_AWS_ERROR(fail(s, with_id(std::string(2048, 'a'))), ss::errc::resource_not_found, text::not_found);
  CHECK_AWS_ERROR(fail(s, with_id(std::string(2049, 'a'))), ss::errc::validation,
                  text::at_most("secretId", 2048));
  CHECK_AWS_ERROR(fail(s, with_id("app name")), ss::errc::validation, text::invalid_name);
  CHECK_AWS_ERROR(fail(s, with_id("app*")), ss::errc::validation, text::invalid_name);
}

TEST_CASE("exactly one of SecretString and SecretBinary") {
  const auto s = given(create_v1());
  CHECK_AWS_ERROR(fail(s, ss::put_secret_value{.secret_id = "app", .client_request_token = v2,
                                               .secret_string = "s", .secret_binary = ss::binary{1}}),
                  ss::errc::invalid_parameter, text::both_values);
  CHECK_AWS_ERROR(fail(s, ss::put_secret_value{.secret_id = "app", .client_request_token = v2}),
                  ss::errc::invalid_request, text::no_value);
}

TEST_CASE("ClientRequestToken: raw request without one fails; an SDK-generated one is the VersionId") {
  const auto s = given(create_v1());
  const ss::put_secret_value no_token{.secret_id = "app", .secret_string = "v"};
  CHECK_AWS_ERROR(fail(s, no_token), ss::errc::invalid_request, text::missing_token);
  ss::context ctx;
  ctx.generated_token = vid(8);
  const auto t = step(s, no_token, ctx);
  CHECK(version_labels(t.state) == aws_map{{v1, {P}}, {vid(8), {C}}});
  CHECK(t.response.version_id == vid(8));
  auto with_token = no_token;
  with_token.client_request_token = v2;
  CHECK(step(s, with_token, ctx).response.version_id == v2);
}

TEST_CASE("SecretId resolution: name, full ARN, partial ARN; anything else is not found") {
  const auto s = given(create_v1());
  const std::string arn = s.arn().str();
  auto with_id = [](std::string id) {
    return ss::put_secret_value{.secret_id = std::move(id), .client_request_token = v2, .secret_string = "v"};
  };
  CHECK(step(s, with_id("app")).state.version_of(C) == v2);
  CHECK(step(s, with_id(arn)).state.version_of(C) == v2);
  CHECK(step(s, with_id(arn.substr(0, arn.size() - 7))).state.version_of(C) == v2);  // partial ARN
  for (const std::string& other :
       {std::string("ap"), std::string("app2"), std::string("APP"), arn + "x", arn.substr(0, arn.size() - 1),
        arn.substr(0, arn.size() - 8), arn.substr(0, arn.size() - 6) + "zzzzzz",
        std::string("arn:aws:secretsmanager:eu-west-1:123456789012:secret:") + "app" + arn.substr(arn.size() - 7)}) {
    CAPTURE(other);
    CHECK_AWS_ERROR(fail(s, with_id(other)), ss::errc::resource_not_found, text::not_found);
  }
}

TEST_CASE("check order: request shape → token → resolution → idempotency → quota") {
  const auto s = given(create_v1());
  SUBCASE("missing token before resolution (raw request to an unknown secret)") {
    CHECK_AWS_ERROR(fail(s, ss::put_secret_value{.secret_id = "nope", .secret_string = "v"}),
                    ss::errc::invalid_request, text::missing_token);
  }
  SUBCASE("both values before resolution") {
    CHECK_AWS_ERROR(fail(s, ss::put_secret_value{.secret_id = "nope", .client_request_token = v2,
                                                 .secret_string = "s", .secret_binary = ss::binary{1}}),
                    ss::errc::invalid_parameter, text::both_values);
  }
  SUBCASE("no value before resolution") {
    CHECK_AWS_ERROR(fail(s, ss::put_secret_value{.secret_id = "nope", .client_request_token = v2}),
                    ss::errc::invalid_request, text::no_value);
  }
  SUBCASE("a validation error before resolution") {
    CHECK_AWS_ERROR(fail(s, ss::put_secret_value{.secret_id = "nope", .client_request_token = v2,
                                                 .secret_string = "v", .version_stages = labels{}}),
                    ss::errc::validation, text::at_least("versionStages", 1));
  }
  SUBCASE("a validation error before the missing token") {
    CHECK_AWS_ERROR(fail(s, ss::put_secret_value{.secret_id = "app", .secret_string = ""}),
                    ss::errc::validation, text::at_least("secretString", 1));
  }
  SUBCASE("resolution before the token conflict") {
    CHECK_AWS_ERROR(fail(s, ss::put_secret_value{.secret_id = "nope", .client_request_token = v1,
                                                 .secret_string = "other"}),
                    ss::errc::resource_not_found, text::not_found);
  }
  SUBCASE("the token conflict before the label quota") {
    CHECK_AWS_ERROR(fail(s, put(v1, "other", custom(1, 20))), ss::errc::resource_exists,
                    text::token_in_use(v1, s.arn().view()));
  }
}

TEST_CASE("the input state is never modified and versions are shared, not copied") {
  const auto s = given(create_v1(), put(v2, "s2", labels{"L1"}));
  const auto* old_v1 = s.find_version(v1);
  const auto* old_v2 = s.find_version(v2);
  const auto t = step(s, put(v3, "s3"));
  CHECK(t.state.find_version(v1) == old_v1);
  CHECK(t.state.find_version(v2) == old_v2);
  CHECK(t.state.find_version(v1)->value() == old_v1->value());
  CHECK(version_labels(s) == aws_map{{v1, {C}}, {v2, {"L1"}}});
}

// ---- the same transition for a domain with no reserved labels ---------------------------------

TEST_CASE_TEMPLATE("PutSecretValue moves the listed labels, whatever the domain", Traits, ss::aws_traits,
                   ss::testing::tiny_traits) {
  using d = ss::testing::domain<Traits>;
  using map = ss::testing::version_map<Traits>;
  using put_t = ss::basic_put_secret_value<Traits>;
  using labels_t = std::vector<typename Traits::label_type>;
  const auto a = d::label(0), b = d::label(1), c = d::label(2);
  const auto s = given(ss::basic_create_secret<Traits>{.name = "app", .client_request_token = d::id(1),
                                                       .secret_string = "s1"},
                       put_t{.secret_id = "app", .client_request_token = d::id(2), .secret_string = "s2",
                             .version_stages = labels_t{a, b}});
  const auto t = step(s, put_t{.secret_id = "app", .client_request_token = d::id(3), .secret_string = "s3",
                               .version_stages = labels_t{b, c}});
  auto expected = map{{d::id(1), {}}, {d::id(2), {a}}, {d::id(3), {b, c}}};
  if constexpr (Traits::has_reserved_labels) expected[d::id(1)].insert(Traits::current());
  CHECK(version_labels(t.state) == expected);
  CHECK(t.response.version_id == d::id(3));
  SUBCASE("quota: the domain's label_quota, then LimitExceededException") {
    const auto room = static_cast<int>(Traits::label_quota - t.state.label_count());
    labels_t fill;
    for (int i = 0; i < room; ++i) fill.push_back(d::label(5 + i));
    if (fill.size() > Traits::max_labels_per_request) fill.resize(Traits::max_labels_per_request);
    const auto full = step(t.state, put_t{.secret_id = "app", .client_request_token = d::id(4),
                                          .secret_string = "s4", .version_stages = fill});
    if (full.state.label_count() == Traits::label_quota) {
      const auto err = fail(full.state, put_t{.secret_id = "app", .client_request_token = d::id(5),
                                              .secret_string = "s5", .version_stages = labels_t{d::label(25)}});
      CHECK(err.code == ss::errc::limit_exceeded);
    }
  }
  SUBCASE("no default label: without VersionStages only the reserved-label domain labels the version") {
    const auto u = step(t.state, put_t{.secret_id = "app", .client_request_token = d::id(4), .secret_string = "s4"});
    if constexpr (Traits::has_reserved_labels) {
      CHECK(u.state.version_of(Traits::current()) == d::id(4));
      CHECK(u.state.version_of(Traits::previous()) == d::id(1));
    } else {
      CHECK(u.state.is_deprecated(d::id(4)));
      CHECK(version_labels(u.state) == map{{d::id(1), {}}, {d::id(2), {a}}, {d::id(3), {b, c}}, {d::id(4), {}}});
    }
  }
}

TEST_CASE("tiny traits: quota 4 reached exactly, the fifth label fails") {
  using tiny = ss::testing::tiny_traits;
  using put_t = ss::basic_put_secret_value<tiny>;
  const auto s = given(ss::basic_create_secret<tiny>{.name = "t", .client_request_token = 1, .secret_string = "v"});
  const auto full = step(s, put_t{.secret_id = "t", .client_request_token = 2, .secret_string = "w",
                                  .version_stages = std::vector<char>{'a', 'b', 'c', 'd'}});
  CHECK(full.state.label_count() == 4);
  const auto err = fail(full.state, put_t{.secret_id = "t", .client_request_token = 3, .secret_string = "x",
                                          .version_stages = std::vector<char>{'e'}});
  CHECK(err.code == ss::errc::limit_exceeded);
  // and a move within the quota is fine
  const auto moved = step(full.state, put_t{.secret_id = "t", .client_request_token = 3, .secret_string = "x",
                                            .version_stages = std::vector<char>{'a', 'd'}});
  CHECK(moved.state.labels_of(3).size() == 2);
  CHECK(moved.state.labels_of(2).size() == 2);
}

}  // namespace put_secret_value_test
