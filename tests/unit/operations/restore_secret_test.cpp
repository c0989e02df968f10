// operations/restore_secret.hpp: RestoreSecret (docs/semantics.md#restoresecret, invariant I16).
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <doctest/doctest.h>

#include <secretstage/background.hpp>
#include <secretstage/operations/delete_secret.hpp>
#include <secretstage/operations/restore_secret.hpp>

#include "support/operation_test.hpp"

// Its own namespace: the batched build (SECRETSTAGE_FAST_TEST_BUILD) joins test files.
namespace restore_secret_test {

namespace ss = secretstage;
using namespace ss::testing::operation_test;

namespace {

const std::string C = "AWSCURRENT", P = "AWSPREVIOUS", N = "AWSPENDING";
constexpr std::int64_t day_ms = 86'400'000;
const std::int64_t t0 = 1'700'000'000'000;

ss::context at_ms(std::int64_t ms) {
  ss::context c;
  c.now = ss::timestamp{ms};
  return c;
}

struct store_row {
  ss::testing::snapshot<ss::aws_traits> secret;
  std::vector<ss::tag> tags;
  friend bool operator==(const store_row&, const store_row&) = default;
};
struct store_snapshot {
  std::uint64_t creations;
  std::vector<store_row> rows;
  friend bool operator==(const store_snapshot&, const store_snapshot&) = default;
};
store_snapshot snapshot_of(const ss::store& st) {
  store_snapshot out{st.creations(), {}};
  for (const auto* s : st.secrets()) out.rows.push_back({ss::testing::snapshot_of(*s), s->tags()});
  return out;
}
std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& v : names) out.append(out.empty() ? "" : "; ").append(v);
  return out;
}

template <class Request>
auto store_step(const ss::store& st, const Request& r, const ss::context& ctx) {
  const auto before = snapshot_of(st);
  auto res = apply(st, r, ctx);
  REQUIRE_MESSAGE(res.has_value(), (res.has_value() ? std::string() : res.error().message));
  CHECK(snapshot_of(st) == before);
  CHECK(joined(ss::check_store_invariants(res.value().state)) == "");
  CHECK(joined(ss::check_store_transition_invariants(st, res.value().state)) == "");
  return std::move(res).value();
}

template <class Request>
ss::error store_fail(const ss::store& st, const Request& r, const ss::context& ctx) {
  const auto before = snapshot_of(st);
  auto res = apply(st, r, ctx);
  REQUIRE_FALSE(res.has_value());
  CHECK(snapshot_of(st) == before);
  return res.error();
}

/// "app": v1 deprecated, v2 [AWSPREVIOUS, L1], v3 [AWSCURRENT, AWSPENDING], a tag, a description.
ss::store rich_store() {
  ss::store st;
  st = store_step(st, ss::create_secret{.name = "app", .client_request_token = vid(1), .description = "d",
                                        .secret_string = "s1", .tags = std::vector<ss::tag>{{"env", "prod"}}},
                  at_ms(t0))
           .state;
  st = store_step(st, ss::put_secret_value{.secret_id = "app", .client_request_token = vid(2), .secret_string = "s2"},
                  at_ms(t0 + 1000))
           .state;
  st = store_step(st, ss::put_secret_value{.secret_id = "app", .client_request_token = vid(3), .secret_string = "s3"},
                  at_ms(t0 + 2000))
           .state;
  st = store_step(st, ss::update_secret_version_stage{.secret_id = "app", .version_stage = "L1",
                                                      .move_to_version_id = vid(2)},
                  at_ms(t0 + 3000))
           .state;
  st = store_step(st, ss::update_secret_version_stage{.secret_id = "app", .version_stage = N,
                                                      .move_to_version_id = vid(3)},
                  at_ms(t0 + 4000))
           .state;
  REQUIRE(version_labels(*st.find("app")) == aws_map{{vid(1), {}}, {vid(2), {P, "L1"}}, {vid(3), {C, N}}});
  return st;
}

ss::delete_secret del(std::string id, std::optional<std::int64_t> window = std::nullopt, bool force = false) {
  return {.secret_id = std::move(id), .recovery_window_in_days = window, .force_delete_without_recovery = force};
}

}  // namespace

TEST_CASE("RestoreSecret after a scheduled deletion gives back the secret exactly as it was (I16)") {
  const auto st = rich_store();
  const auto scheduled = store_step(st, del("app", 7), at_ms(t0 + 10'000)).state;
  REQUIRE(scheduled.find("app")->deleted_date().has_value());
  const auto t = store_step(scheduled, ss::restore_secret{.secret_id = "app"}, at_ms(t0 + 20'000));
  const auto* after = t.state.find("app");
  REQUIRE(after != nullptr);
  CHECK_FALSE(after->deleted_date().has_value());
  CHECK(*after == *st.find("app"));  // versions, values, labels, tags, every date
  CHECK(version_labels(*after) == aws_map{{vid(1), {}}, {vid(2), {P, "L1"}}, {vid(3), {C, N}}});
  CHECK(after->tags() == std::vector<ss::tag>{{"env", "prod"}});
  CHECK(t.response.arn == st.find("app")->arn());
  CHECK(t.response.name == "app");
  SUBCASE("and mutating operations work again") {
    const auto u = store_step(t.state, ss::put_secret_value{.secret_id = "app", .client_request_token = vid(4),
                                                            .secret_string = "s4"},
                              at_ms(t0 + 30'000));
    CHECK(version_labels(*u.state.find("app")) ==
          aws_map{{vid(1), {}}, {vid(2), {"L1"}}, {vid(3), {P}}, {vid(4), {C}}});
  }
  SUBCASE("a restored secret is not purged when its old deletion date comes") {
    const auto purged = ss::purge_deleted_secrets(t.state, ss::timestamp{t0 + 10'000 + 7 * day_ms});
    CHECK(purged.removed.empty());
    CHECK(purged.state == t.state);
  }
  SUBCASE("it can be scheduled again") {
    const auto u = store_step(t.state, del("app"), at_ms(t0 + 40'000));
    CHECK(*u.state.find("app")->deleted_date() == ss::timestamp{t0 + 40'000 + 30 * day_ms});
  }
}

TEST_CASE("RestoreSecret on a secret that is not scheduled for deletion succeeds and changes nothing") {
  const auto st = rich_store();
  const auto t = store_step(st, ss::restore_secret{.secret_id = "app"}, at_ms(t0 + 10'000));
  CHECK(t.state == st);
  CHECK(*t.state.find("app") == *st.find("app"));
  CHECK(t.response.arn == st.find("app")->arn());
  CHECK(t.response.name == "app");
}

TEST_CASE("RestoreSecret resolves full and partial ARNs") {
  const auto st = store_step(rich_store(), del("app"), at_ms(t0 + 10'000)).state;
  const std::string arn = st.find("app")->arn().str();
  for (const auto& id : {arn, arn.substr(0, arn.size() - 7)}) {
    CAPTURE(id);
    const auto t = store_step(st, ss::restore_secret{.secret_id = id}, at_ms(t0 + 20'000));
    CHECK_FALSE(t.state.find("app")->deleted_date().has_value());
  }
}

TEST_CASE("RestoreSecret errors") {
  const auto st = rich_store();
  const auto ctx = at_ms(t0 + 10'000);
  CHECK_AWS_ERROR(store_fail(st, ss::restore_secret{.secret_id = "nope"}, ctx), ss::errc::resource_not_found,
                  text::not_found);
  CHECK_AWS_ERROR(store_fail(st, ss::restore_secret{.secret_id = ""}, ctx), ss::errc::validation,
                  text::at_least("secretId", 1));
  CHECK_AWS_ERROR(store_fail(st, ss::restore_secret{.secret_id = "a b"}, ctx), ss::errc::validation,
                  text::invalid_name);
  CHECK_AWS_ERROR(store_fail(st, ss::restore_secret{.secret_id = std::string(2049, 'x')}, ctx),
                  ss::errc::validation, text::at_most("secretId", 2048));
  SUBCASE("after a forced deletion the secret is gone") {
    const auto gone = store_step(st, del("app", std::nullopt, true), ctx).state;
    CHECK_AWS_ERROR(store_fail(gone, ss::restore_secret{.secret_id = "app"}, ctx), ss::errc::resource_not_found,
                    text::not_found);
  }
  SUBCASE("after the purge the secret is gone") {
    const auto scheduled = store_step(st, del("app", 7), ctx).state;
    const auto purged = ss::purge_deleted_secrets(scheduled, ss::timestamp{t0 + 10'000 + 7 * day_ms});
    REQUIRE(purged.removed.size() == 1);
    CHECK_AWS_ERROR(store_fail(purged.state, ss::restore_secret{.secret_id = "app"}, ctx),
                    ss::errc::resource_not_found, text::not_found);
  }
}

TEST_CASE("RestoreSecret on one secret (the per-secret form)") {
  const auto st = store_step(rich_store(), del("app"), at_ms(t0 + 10'000)).state;
  const ss::secret& s = *st.find("app");
  const auto t = ss::testing::step(s, ss::restore_secret{.secret_id = "app"}, at_ms(t0 + 20'000));
  CHECK_FALSE(t.state.deleted_date().has_value());
  CHECK(*rich_store().find("app") == t.state);
  CHECK_AWS_ERROR(ss::testing::fail(s, ss::restore_secret{.secret_id = "other"}, at_ms(t0)),
                  ss::errc::resource_not_found, text::not_found);
}

}  // namespace restore_secret_test
