// operations/get_secret_value.hpp: GetSecretValue (docs/semantics.md#getsecretvalue, #reads,
// #deprecated-versions, #validation for scheduled deletion). Expected messages are typed from the
// spec, not taken from the library.
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <doctest/doctest.h>

#include <secretstage/detail/secret_builder.hpp>
#include <secretstage/invariants.hpp>
#include <secretstage/operations/create_secret.hpp>
#include <secretstage/operations/get_secret_value.hpp>
#include <secretstage/operations/put_secret_value.hpp>
#include <secretstage/operations/update_secret_version_stage.hpp>

#include "support/given.hpp"
#include "support/tiny_traits.hpp"

// Its own namespace: the batched build (SECRETSTAGE_FAST_TEST_BUILD) joins test files.
namespace get_secret_value_test {

namespace ss = secretstage;
using ss::testing::vid;
using labels = std::vector<std::string>;

namespace {

// ---- expected texts (docs/semantics.md#getsecretvalue) ----------------------------------------
const std::string not_found = "Secrets Manager can't find the specified secret.";
const std::string marked_for_deletion =
    "You can't perform this operation on the secret because it was marked for deletion.";
std::string no_value_for_stage(const std::string& label) {
  return "Secrets Manager can't find the specified secret value for staging label: " + label;
}
std::string no_value_for_version(const std::string& id) {
  return "Secrets Manager can't find the specified secret value for VersionId: " + id;
}
const std::string stage_not_on_version =
    "You provided a VersionStage that is not associated to the provided VersionId.";
const std::string invalid_name =
    "Invalid name. Must be a valid name containing alphanumeric characters, or any of the "
    "following: -/_+=.@!";
std::string at_most(const std::string& member, int n) {
  return "1 validation error detected: Value at '" + member +
         "' failed to satisfy constraint: Member must have length less than or equal to " +
         std::to_string(n);
}
std::string at_least(const std::string& member, int n) {
  return "1 validation error detected: Value at '" + member +
         "' failed to satisfy constraint: Member must have length greater than or equal to " +
         std::to_string(n);
}

const std::string v1 = vid(1), v2 = vid(2), v3 = vid(3), v4 = vid(4), unknown = vid(99);
const std::string C = "AWSCURRENT", P = "AWSPREVIOUS", N = "AWSPENDING";

/// Midnight UTC, 2023-11-14.
constexpr std::int64_t day0 = 1'699'920'000;
constexpr std::int64_t hour = 3600, day = 86'400;

ss::context at(std::int64_t seconds) {
  ss::context c;
  c.now = ss::timestamp::from_seconds(seconds);
  return c;
}
ss::timestamp ts(std::int64_t seconds) { return ss::timestamp::from_seconds(seconds); }

/// Runs a store transition that must succeed; checks its input is unchanged and every invariant
/// of every secret (and of the step) holds.
template <class Request>
auto run(const ss::store& st, const Request& r, const ss::context& ctx) {
  return ss::testing::step(st, r, ctx);
}

/// Runs a store transition that must fail; checks nothing changed and returns the error.
template <class Request>
ss::error refused(const ss::store& st, const Request& r, const ss::context& ctx = at(day0)) {
  return ss::testing::fail(st, r, ctx);
}


ss::put_secret_value put(const std::string& id, std::string value,
                         std::optional<labels> stages = std::nullopt, std::string secret = "app") {
  return {.secret_id = std::move(secret), .client_request_token = id, .secret_string = std::move(value),
          .version_stages = std::move(stages)};
}
ss::update_secret_version_stage uvs(std::string label, std::optional<std::string> from,
                                    std::optional<std::string> to) {
  return {.secret_id = "app", .version_stage = std::move(label),
          .remove_from_version_id = std::move(from), .move_to_version_id = std::move(to)};
}
ss::get_secret_value get(std::optional<std::string> id = std::nullopt,
                         std::optional<std::string> stage = std::nullopt, std::string secret = "app") {
  return {.secret_id = std::move(secret), .version_id = std::move(id), .version_stage = std::move(stage)};
}

/// "app": v1 (created day0 - 3 days) [AWSPREVIOUS], v2 [AWSCURRENT, L1], each a day apart.
ss::store app_store() {
  ss::store st;
  st = run(st, ss::create_secret{.name = "app", .client_request_token = v1, .secret_string = "s1"},
           at(day0 - 3 * day)).state;
  st = run(st, put(v2, "s2"), at(day0 - 2 * day)).state;
  st = run(st, uvs("L1", std::nullopt, v2), at(day0 - 2 * day + 1)).state;
  return st;
}

/// The store with secret `name` changed by `edit` on a builder (for states no transition of this
/// part makes: scheduled deletion, a rotation placeholder).
template <class Edit>
ss::store edited(const ss::store& st, const std::string& name, Edit edit) {
  ss::detail::secret_builder<ss::aws_traits> b(*st.find(name));
  edit(b);
  auto next = std::move(b).finish();
  REQUIRE(next.has_value());
  CHECK(ss::check_invariants(next.value()).empty());
  return st.put(std::move(next).value());
}
ss::store scheduled_for_deletion(const ss::store& st, const std::string& name) {
  return edited(st, name, [](auto& b) { b.set_deleted(ts(day0 + 30 * day)); });
}
/// A value-less version `id` carrying AWSPENDING, as RotateSecret leaves it.
ss::store with_placeholder(const ss::store& st, const std::string& name, const std::string& id) {
  return edited(st, name, [&](auto& b) {
    const auto* v = b.put_version(ss::detail::make_ref<const ss::version>(id, nullptr, ts(day0 - day), b.take_sequence()));
    b.attach(N, v);
  });
}

std::set<std::string> as_set(const ss::label_set_for<ss::aws_traits>& l) { return {l.begin(), l.end()}; }

}  // namespace

TEST_CASE("no selector: the AWSCURRENT version, with ARN, Name, VersionId, value, VersionStages, CreatedDate") {
  const auto st = app_store();
  const auto t = run(st, get(), at(day0 + 10 * hour));
  const auto& r = t.response;
  CHECK(r.arn == st.find("app")->arn());
  CHECK(r.name == "app");
  CHECK(r.version_id == v2);
  REQUIRE(r.secret_string() != nullptr);
  CHECK(*r.secret_string() == "s2");
  CHECK(r.secret_binary() == nullptr);
  CHECK(as_set(r.version_stages) == std::set<std::string>{C, "L1"});
  CHECK(r.created_date == ts(day0 - 2 * day));
  // The value is shared with the state, not copied.
  CHECK(r.value.get() == st.find("app")->find_version(v2)->value());
}

TEST_CASE("a binary value comes back as SecretBinary") {
  ss::store st;
  st = run(st, ss::create_secret{.name = "bin", .client_request_token = v1, .secret_binary = ss::binary{0, 1, 255}},
           at(day0)).state;
  const auto t = run(st, get(std::nullopt, std::nullopt, "bin"), at(day0));
  REQUIRE(t.response.secret_binary() != nullptr);
  CHECK(*t.response.secret_binary() == ss::binary{0, 1, 255});
  CHECK(t.response.secret_string() == nullptr);
}

TEST_CASE("by VersionStage: the version carrying the label") {
  const auto st = app_store();
  SUBCASE("AWSPREVIOUS") {
    const auto t = run(st, get(std::nullopt, P), at(day0));
    CHECK(t.response.version_id == v1);
    CHECK(*t.response.secret_string() == "s1");
    CHECK(as_set(t.response.version_stages) == std::set<std::string>{P});
    CHECK(t.response.created_date == ts(day0 - 3 * day));
  }
  SUBCASE("a custom label") {
    const auto t = run(st, get(std::nullopt, "L1"), at(day0));
    CHECK(t.response.version_id == v2);
  }
  SUBCASE("AWSCURRENT named explicitly is the default's version") {
    CHECK(run(st, get(std::nullopt, C), at(day0)).response == run(st, get(), at(day0)).response);
  }
}

TEST_CASE("by VersionId, and by both when they agree") {
  const auto st = app_store();
  const auto t = run(st, get(v1), at(day0));
  CHECK(t.response.version_id == v1);
  CHECK(*t.response.secret_string() == "s1");
  CHECK(as_set(t.response.version_stages) == std::set<std::string>{P});
  const auto u = run(st, get(v2, "L1"), at(day0));
  CHECK(u.response.version_id == v2);
  CHECK(as_set(u.response.version_stages) == std::set<std::string>{C, "L1"});
}

TEST_CASE("VersionId and VersionStage that disagree: InvalidRequestException") {
  const auto st = app_store();
  CHECK_ERROR(refused(st, get(v1, C)), "InvalidRequestException", stage_not_on_version);
  SUBCASE("also when the label is attached nowhere") {
    CHECK_ERROR(refused(st, get(v1, "NOWHERE")), "InvalidRequestException", stage_not_on_version);
  }
}

TEST_CASE("unknown VersionId: ResourceNotFoundException naming the VersionId (checked before the stage)") {
  const auto st = app_store();
  CHECK_ERROR(refused(st, get(unknown)), "ResourceNotFoundException", no_value_for_version(unknown));
  CHECK_ERROR(refused(st, get(unknown, C)), "ResourceNotFoundException", no_value_for_version(unknown));
}

TEST_CASE("a label no version carries: ResourceNotFoundException naming the label") {
  const auto st = app_store();
  CHECK_ERROR(refused(st, get(std::nullopt, N)), "ResourceNotFoundException", no_value_for_stage(N));
  CHECK_ERROR(refused(st, get(std::nullopt, "L9")), "ResourceNotFoundException", no_value_for_stage("L9"));
  SUBCASE("a secret without versions: the default AWSCURRENT is not found") {
    ss::store empty;
    empty = run(empty, ss::create_secret{.name = "app"}, at(day0)).state;
    CHECK_ERROR(refused(empty, get()), "ResourceNotFoundException", no_value_for_stage(C));
  }
}

TEST_CASE("the value-less rotation placeholder has no value to read") {
  const auto st = with_placeholder(app_store(), "app", v3);
  CHECK_ERROR(refused(st, get(std::nullopt, N)), "ResourceNotFoundException", no_value_for_stage(N));
  CHECK_ERROR(refused(st, get(v3)), "ResourceNotFoundException", no_value_for_version(v3));
  CHECK_ERROR(refused(st, get(v3, N)), "ResourceNotFoundException", no_value_for_version(v3));
  SUBCASE("a pending-only secret has no AWSCURRENT value") {
    ss::store empty;
    empty = run(empty, ss::create_secret{.name = "app"}, at(day0)).state;
    const auto pending = with_placeholder(empty, "app", v1);
    CHECK_ERROR(refused(pending, get()), "ResourceNotFoundException", no_value_for_stage(C));
  }
}

TEST_CASE("a deprecated version stays readable by VersionId, with no VersionStages") {
  auto st = app_store();
  st = run(st, put(v3, "s3"), at(day0 - day)).state;  // v1 loses AWSPREVIOUS: deprecated
  REQUIRE(st.find("app")->is_deprecated(v1));
  const auto t = run(st, get(v1), at(day0));
  CHECK(t.response.version_id == v1);
  CHECK(*t.response.secret_string() == "s1");
  CHECK(t.response.version_stages.empty());
  CHECK(t.state.find("app")->find_version(v1)->last_accessed_date() == ts(day0));
}

TEST_CASE("SecretId resolution: name, full ARN, partial ARN; unknown is ResourceNotFoundException") {
  const auto st = app_store();
  const std::string arn(st.find("app")->arn().view());
  CHECK(run(st, get(std::nullopt, std::nullopt, arn), at(day0)).response.version_id == v2);
  CHECK(run(st, get(std::nullopt, std::nullopt, arn.substr(0, arn.size() - 7)), at(day0)).response.version_id == v2);
  CHECK_ERROR(refused(st, get(std::nullopt, std::nullopt, "other")), "ResourceNotFoundException", not_found);
  CHECK_ERROR(refused(st, get(std::nullopt, std::nullopt, arn + "x")), "ResourceNotFoundException", not_found);
}

TEST_CASE("scheduled for deletion: InvalidRequestException, before any version selector is looked at") {
  const auto st = scheduled_for_deletion(app_store(), "app");
  CHECK_ERROR(refused(st, get()), "InvalidRequestException", marked_for_deletion);
  CHECK_ERROR(refused(st, get(unknown)), "InvalidRequestException", marked_for_deletion);
  CHECK_ERROR(refused(st, get(v1, C)), "InvalidRequestException", marked_for_deletion);
  CHECK_FALSE(st.find("app")->last_accessed_date().has_value());
}

TEST_CASE("request shape: ValidationException, before the secret is resolved") {
  const auto st = app_store();
  CHECK_ERROR(refused(st, get(std::nullopt, std::nullopt, "")), "ValidationException", at_least("secretId", 1));
  CHECK_ERROR(refused(st, get(std::nullopt, std::nullopt, std::string(2049, 'a'))), "ValidationException",
              at_most("secretId", 2048));
  CHECK_ERROR(refused(st, get(std::nullopt, std::nullopt, "bad name")), "ValidationException", invalid_name);
  CHECK_ERROR(refused(st, get(std::string(31, 'a'))), "ValidationException", at_least("versionId", 32));
  CHECK_ERROR(refused(st, get(std::string(65, 'a'))), "ValidationException", at_most("versionId", 64));
  CHECK_ERROR(refused(st, get(std::nullopt, "")), "ValidationException", at_least("versionStage", 1));
  CHECK_ERROR(refused(st, get(std::nullopt, std::string(257, 'L'))), "ValidationException",
              at_most("versionStage", 256));
  SUBCASE("the bounds themselves are accepted") {
    CHECK_ERROR(refused(st, get(std::string(32, 'a'))), "ResourceNotFoundException",
                no_value_for_version(std::string(32, 'a')));
    CHECK_ERROR(refused(st, get(std::string(64, 'a'))), "ResourceNotFoundException",
                no_value_for_version(std::string(64, 'a')));
    CHECK_ERROR(refused(st, get(std::nullopt, std::string(256, 'L'))), "ResourceNotFoundException",
                no_value_for_stage(std::string(256, 'L')));
  }
  SUBCASE("order: SecretId, then VersionId, then VersionStage, then resolution") {
    CHECK_ERROR(refused(st, get(std::string(31, 'a'), "", "")), "ValidationException", at_least("secretId", 1));
    CHECK_ERROR(refused(st, get(std::string(31, 'a'), "", "nosuch")), "ValidationException",
                at_least("versionId", 32));
    CHECK_ERROR(refused(st, get(std::nullopt, "", "nosuch")), "ValidationException", at_least("versionStage", 1));
  }
}

TEST_CASE("a read records LastAccessedDate at day resolution on the secret and on the version read") {
  const auto st = app_store();
  const auto before = *st.find("app");
  const auto t = run(st, get(), at(day0 + 10 * hour + 30 * 60 + 7));
  const auto& s = *t.state.find("app");
  CHECK(s.last_accessed_date() == ts(day0));
  CHECK(s.find_version(v2)->last_accessed_date() == ts(day0));
  CHECK_FALSE(s.find_version(v1)->last_accessed_date().has_value());
  SUBCASE("nothing else changes: labels, values (shared), dates, metadata") {
    CHECK(s.stages() == before.stages());
    CHECK(s.last_changed_date() == before.last_changed_date());
    CHECK(s.find_version(v2)->value() == before.find_version(v2)->value());
    CHECK(s.find_version(v2)->created_date() == before.find_version(v2)->created_date());
    CHECK(s.find_version(v1) == before.find_version(v1));
    CHECK(&s.meta() == &before.meta());
  }
  SUBCASE("another read the same day changes nothing") {
    const auto u = run(t.state, get(), at(day0 + 23 * hour + 59 * 60));
    CHECK(u.state == t.state);
  }
  SUBCASE("a read the next day moves both dates; another version's read marks only that version") {
    const auto u = run(t.state, get(v1), at(day0 + day + 1));
    const auto& s2 = *u.state.find("app");
    CHECK(s2.last_accessed_date() == ts(day0 + day));
    CHECK(s2.find_version(v1)->last_accessed_date() == ts(day0 + day));
    CHECK(s2.find_version(v2)->last_accessed_date() == ts(day0));
  }
  SUBCASE("midnight itself belongs to its own day") {
    const auto u = run(st, get(), at(day0 + day));
    CHECK(u.state.find("app")->last_accessed_date() == ts(day0 + day));
    const auto w = run(st, get(), at(day0 + day - 1));
    CHECK(w.state.find("app")->last_accessed_date() == ts(day0));
  }
}

TEST_CASE("a failed read changes nothing, not even LastAccessedDate") {
  const auto st = app_store();
  const ss::store before = st;
  (void)refused(st, get(unknown), at(day0 + 5 * hour));
  (void)refused(st, get(std::nullopt, "L9"), at(day0 + 5 * hour));
  (void)refused(st, get(v1, C), at(day0 + 5 * hour));
  CHECK(st == before);
  CHECK_FALSE(st.find("app")->last_accessed_date().has_value());
  CHECK_FALSE(st.find("app")->find_version(v1)->last_accessed_date().has_value());
}

TEST_CASE("only the secret read changes in the store") {
  auto st = app_store();
  st = run(st, ss::create_secret{.name = "other", .client_request_token = v4, .secret_string = "o"}, at(day0)).state;
  const auto t = run(st, get(), at(day0 + hour));
  CHECK(*t.state.find("other") == *st.find("other"));
  CHECK(t.state.find("other")->is_same_state(*st.find("other")));  // shared, not copied
  CHECK(t.state.size() == 2);
}

TEST_CASE("the same read on the secret itself") {
  const auto st = app_store();
  const ss::secret& s = *st.find("app");
  const auto t = ss::testing::step(s, get(std::nullopt, P), at(day0 + hour));
  CHECK(t.response.version_id == v1);
  CHECK(t.state.last_accessed_date() == ts(day0));
  const auto e = ss::testing::fail(s, get(std::nullopt, std::nullopt, "someone-else"));
  CHECK_ERROR(e, "ResourceNotFoundException", not_found);
}

TEST_CASE("a domain without reserved labels reads by VersionId or VersionStage only") {
  using T = ss::testing::tiny_traits;
  ss::basic_store<T> st;
  ss::basic_context<T> ctx;
  ctx.now = ts(day0 + hour);
  auto made = apply(st, ss::basic_create_secret<T>{.name = "t", .client_request_token = 1, .secret_string = "one"}, ctx);
  REQUIRE(made.has_value());
  st = made.value().state;
  auto staged = apply(st, ss::basic_update_secret_version_stage<T>{.secret_id = "t", .version_stage = 'a', .move_to_version_id = 1}, ctx);
  REQUIRE(staged.has_value());
  st = staged.value().state;

  auto by_id = apply(st, ss::basic_get_secret_value<T>{.secret_id = "t", .version_id = 1}, ctx);
  REQUIRE(by_id.has_value());
  CHECK(*by_id.value().response.secret_string() == "one");
  CHECK(by_id.value().state.find("t")->last_accessed_date() == ts(day0));
  auto by_stage = apply(st, ss::basic_get_secret_value<T>{.secret_id = "t", .version_stage = 'a'}, ctx);
  REQUIRE(by_stage.has_value());
  CHECK(by_stage.value().response.version_id == 1);

  auto neither = apply(st, ss::basic_get_secret_value<T>{.secret_id = "t"}, ctx);
  REQUIRE_FALSE(neither.has_value());
  CHECK_ERROR(neither.error(), "InvalidParameterException", std::string("You must specify VersionId or VersionStage."));
  auto missing = apply(st, ss::basic_get_secret_value<T>{.secret_id = "t", .version_stage = 'z'}, ctx);
  REQUIRE_FALSE(missing.has_value());
  CHECK_ERROR(missing.error(), "ResourceNotFoundException", no_value_for_stage("z"));
}

}  // namespace get_secret_value_test
