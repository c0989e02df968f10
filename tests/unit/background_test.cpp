// background.hpp: deprecated-version collection and the purge of secrets whose
// deletion date has come (docs/semantics.md#background-transitions, #deprecated-versions;
// invariants I13, I16).
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <doctest/doctest.h>

#include <secretstage/background.hpp>
#include <secretstage/operations/delete_secret.hpp>
#include <secretstage/operations/restore_secret.hpp>

#include "support/given.hpp"
#include "support/tiny_traits.hpp"

// Its own namespace: the batched build (SECRETSTAGE_FAST_TEST_BUILD) joins test files.
namespace background_test {

namespace ss = secretstage;
using ss::testing::aws_map;
using ss::testing::version_labels;
using ss::testing::vid;
using ids = std::vector<std::string>;

namespace {

const std::string C = "AWSCURRENT", P = "AWSPREVIOUS";
constexpr std::int64_t hour_ms = 3'600'000;
constexpr std::int64_t day_ms = 24 * hour_ms;
const std::int64_t t0 = 1'700'000'000'000;

ss::context at_ms(std::int64_t ms) {
  ss::context c;
  c.now = ss::timestamp{ms};
  return c;
}
/// Version i (1-based) is created i−1 seconds after t0.
std::int64_t created(int i) { return t0 + (i - 1) * 1000; }

/// A secret "name" with versions v1..vn, each made by a default PutSecretValue: vn [AWSCURRENT],
/// vn−1 [AWSPREVIOUS], the others deprecated.
ss::secret with_versions(int n, const std::string& name = "app") {
  auto made = apply(ss::create_secret{.name = name, .client_request_token = vid(1), .secret_string = "v1"},
                    at_ms(created(1)));
  REQUIRE(made.has_value());
  ss::secret s = std::move(made).value().state;
  for (int i = 2; i <= n; ++i) {
    auto next = apply(s, ss::put_secret_value{.secret_id = name, .client_request_token = vid(i),
                                              .secret_string = "v" + std::to_string(i)},
                      at_ms(created(i)));
    REQUIRE(next.has_value());
    s = std::move(next).value().state;
  }
  REQUIRE(s.version_count() == static_cast<std::size_t>(n));
  return s;
}

/// `s` with custom label `label` moved onto version `id`.
ss::secret labelled(const ss::secret& s, const std::string& label, const std::string& id) {
  auto next = apply(s, ss::update_secret_version_stage{.secret_id = s.name().str(), .version_stage = label,
                                                       .move_to_version_id = id},
                    at_ms(t0));
  REQUIRE(next.has_value());
  return std::move(next).value().state;
}

ids vids(int first, int last) {
  ids out;
  for (int i = first; i <= last; ++i) out.push_back(vid(i));
  return out;
}

/// Runs the single-secret collection and checks that it kept the invariants, moved no label and
/// removed exactly the versions it reports.
auto collect(const ss::secret& s, std::int64_t now_ms) {
  const auto before = ss::testing::snapshot_of(s);
  auto out = ss::collect_deprecated_versions(s, ss::timestamp{now_ms});
  CHECK(ss::testing::snapshot_of(s) == before);
  CHECK(ss::testing::violations(out.state) == "");
  CHECK(ss::testing::violations(s, out.state) == "");
  CHECK(out.state.stages() == s.stages());
  CHECK(out.state.version_count() == s.version_count() - out.removed.size());
  for (const auto& id : out.removed) {
    CHECK(s.find_version(id) != nullptr);
    CHECK(s.is_deprecated(id));
    CHECK(out.state.find_version(id) == nullptr);
  }
  CHECK(out.state.meta() == s.meta());
  CHECK(out.state.last_changed_date() == s.last_changed_date());
  return out;
}

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& v : names) out.append(out.empty() ? "" : "; ").append(v);
  return out;
}

}  // namespace

TEST_CASE("collection: at exactly 100 versions nothing is removed") {
  const auto s = with_versions(100);
  const auto out = collect(s, created(100) + 365 * day_ms);
  CHECK(out.removed.empty());
  CHECK(out.state == s);
}

TEST_CASE("collection: at 101 versions the oldest deprecated version goes") {
  const auto s = with_versions(101);
  const auto out = collect(s, created(101) + day_ms);
  CHECK(out.removed == ids{vid(1)});
  CHECK(out.state.version_count() == 100);
  CHECK(out.state.holder(C)->id() == vid(101));
  CHECK(out.state.holder(P)->id() == vid(100));
  SUBCASE("a second run at the same time removes nothing more") {
    const auto again = collect(out.state, created(101) + day_ms);
    CHECK(again.removed.empty());
    CHECK(again.state == out.state);
  }
}

TEST_CASE("collection: the 24 h boundary (24 h − 1 ms is too young, exactly 24 h is old enough)") {
  const auto s = with_versions(101);
  SUBCASE("24 h − 1 ms after v1 was created: nothing is old enough") {
    const auto out = collect(s, created(1) + day_ms - 1);
    CHECK(out.removed.empty());
    CHECK(out.state == s);
  }
  SUBCASE("exactly 24 h after v1 was created: v1 goes") {
    const auto out = collect(s, created(1) + day_ms);
    CHECK(out.removed == ids{vid(1)});
  }
  SUBCASE("only the versions old enough go, even when more are in excess") {
    const auto t = with_versions(110);
    const auto out = collect(t, created(3) + day_ms);  // v1..v3 are ≥ 24 h old, v4.. are not
    CHECK(out.removed == vids(1, 3));
    CHECK(out.state.version_count() == 107);
    const auto later = collect(out.state, created(4) + day_ms - 1);
    CHECK(later.removed.empty());
    const auto then = collect(out.state, created(4) + day_ms);
    CHECK(then.removed == ids{vid(4)});
  }
  SUBCASE("a version created after `now` is never collected") {
    const auto out = collect(s, created(1) - 1);
    CHECK(out.removed.empty());
  }
}

TEST_CASE("collection: while more than 100, oldest first, down to exactly 100") {
  const auto s = with_versions(110);
  const auto out = collect(s, created(110) + day_ms);
  CHECK(out.removed == vids(1, 10));
  CHECK(out.state.version_count() == 100);
  CHECK(out.state.find_version(vid(11)) != nullptr);
  CHECK(out.state.is_deprecated(vid(11)));
}

TEST_CASE("collection never removes a labelled version (I13)") {
  SUBCASE("the oldest version is labelled: the next oldest deprecated one goes") {
    const auto s = labelled(with_versions(101), "KEEP", vid(1));
    const auto out = collect(s, created(101) + day_ms);
    CHECK(out.removed == ids{vid(2)});
    CHECK(out.state.holder("KEEP")->id() == vid(1));
  }
  SUBCASE("18 custom labels on v1..v18 (20 labels in all): v19.. go") {
    auto s = with_versions(130);
    for (int i = 1; i <= 18; ++i) s = labelled(s, "K" + std::to_string(i), vid(i));
    REQUIRE(s.label_count() == 20);
    const auto out = collect(s, created(130) + day_ms);
    CHECK(out.removed == vids(19, 48));
    CHECK(out.state.version_count() == 100);
    for (int i = 1; i <= 18; ++i) CHECK(out.state.find_version(vid(i)) != nullptr);
  }
}

TEST_CASE("collection leaves a secret scheduled for deletion as it is, so RestoreSecret gives it all back (I16)") {
  ss::store st = ss::store{}.put(with_versions(105));
  auto scheduled = apply(st, ss::delete_secret{.secret_id = "app"}, at_ms(created(105) + 1));
  REQUIRE(scheduled.has_value());
  const auto& sst = scheduled.value().state;
  const auto out = collect(*sst.find("app"), created(105) + 2 * day_ms);
  CHECK(out.removed.empty());
  const auto store_out = ss::collect_deprecated_versions(sst, ss::timestamp{created(105) + 2 * day_ms});
  CHECK(store_out.removed.empty());
  CHECK(store_out.state == sst);
  auto restored = apply(store_out.state, ss::restore_secret{.secret_id = "app"}, at_ms(created(105) + 3 * day_ms));
  REQUIRE(restored.has_value());
  CHECK(*restored.value().state.find("app") == *st.find("app"));
  SUBCASE("once restored, collection applies again") {
    const auto after = ss::collect_deprecated_versions(restored.value().state,
                                                       ss::timestamp{created(105) + 3 * day_ms});
    CHECK(after.removed.size() == 5);
  }
}

TEST_CASE("collection over a store: every secret, ordered by name, creation count kept") {
  ss::store st;
  st = st.put(with_versions(101, "b")).put(with_versions(103, "a")).put(with_versions(3, "c"));
  const auto out = ss::collect_deprecated_versions(st, ss::timestamp{created(103) + day_ms});
  using cv = ss::collected_version<>;
  CHECK(out.removed == std::vector<cv>{{ss::shared_text("a"), vid(1)},
                                       {ss::shared_text("a"), vid(2)},
                                       {ss::shared_text("a"), vid(3)},
                                       {ss::shared_text("b"), vid(1)}});
  CHECK(out.state.find("a")->version_count() == 100);
  CHECK(out.state.find("b")->version_count() == 100);
  CHECK(*out.state.find("c") == *st.find("c"));
  CHECK(out.state.creations() == st.creations());
  CHECK(joined(ss::check_store_invariants(out.state)) == "");
  CHECK(joined(ss::check_store_transition_invariants(st, out.state)) == "");
  CHECK(st.find("a")->version_count() == 103);  // the input is untouched
  SUBCASE("nothing to collect: the same store") {
    const auto none = ss::collect_deprecated_versions(out.state, ss::timestamp{created(103) + day_ms});
    CHECK(none.removed.empty());
    CHECK(none.state == out.state);
  }
}

TEST_CASE("collection with another traits type (the template is real)") {
  using tiny = ss::testing::tiny_traits;
  auto made = apply(ss::basic_create_secret<tiny>{.name = "t", .client_request_token = 1, .secret_string = "x"},
                    ss::testing::at<tiny>(0));
  REQUIRE(made.has_value());
  ss::basic_secret<tiny> s = std::move(made).value().state;
  for (int i = 2; i <= 102; ++i) {
    ss::basic_context<tiny> ctx;
    ctx.now = ss::timestamp{i * 1000};
    auto next = apply(s, ss::basic_put_secret_value<tiny>{.secret_id = "t", .client_request_token = i,
                                                         .secret_string = "x",
                                                         .version_stages = std::vector<char>{'a'}},
                      ctx);
    REQUIRE(next.has_value());
    s = std::move(next).value().state;
  }
  REQUIRE(s.version_count() == 102);
  const auto out = ss::collect_deprecated_versions(s, ss::timestamp{102 * 1000 + day_ms});
  CHECK(out.removed == std::vector<int>{1, 2});
  CHECK(out.state.holder('a')->id() == 102);
  CHECK(ss::check_invariants(out.state).empty());
}

TEST_CASE("purge: a secret goes when its DeletedDate comes (DeletedDate ≤ now), not a millisecond before") {
  ss::store st;
  st = st.put(with_versions(3, "a")).put(with_versions(2, "b")).put(with_versions(1, "c"));
  const std::int64_t when = t0 + 10 * day_ms;
  auto r1 = apply(st, ss::delete_secret{.secret_id = "a", .recovery_window_in_days = 7}, at_ms(when));
  REQUIRE(r1.has_value());
  auto r2 = apply(r1.value().state, ss::delete_secret{.secret_id = "b"}, at_ms(when));
  REQUIRE(r2.has_value());
  const ss::store scheduled = r2.value().state;
  const std::int64_t a_date = when + 7 * day_ms, b_date = when + 30 * day_ms;
  REQUIRE(scheduled.find("a")->deleted_date() == std::optional<ss::timestamp>(ss::timestamp{a_date}));

  SUBCASE("1 ms before: nothing") {
    const auto out = ss::purge_deleted_secrets(scheduled, ss::timestamp{a_date - 1});
    CHECK(out.removed.empty());
    CHECK(out.state == scheduled);
  }
  SUBCASE("at the date: only that secret, with all its versions") {
    const auto out = ss::purge_deleted_secrets(scheduled, ss::timestamp{a_date});
    REQUIRE(out.removed.size() == 1);
    CHECK(out.removed[0] == *scheduled.find("a"));
    CHECK(version_labels(out.removed[0]) == aws_map{{vid(1), {}}, {vid(2), {P}}, {vid(3), {C}}});
    CHECK(out.state.find("a") == nullptr);
    CHECK(*out.state.find("b") == *scheduled.find("b"));
    CHECK(*out.state.find("c") == *scheduled.find("c"));
    CHECK(out.state.creations() == scheduled.creations());
    CHECK(joined(ss::check_store_invariants(out.state)) == "");
    SUBCASE("the name can be created again") {
      auto again = apply(out.state, ss::create_secret{.name = "a"}, at_ms(a_date + 1));
      REQUIRE(again.has_value());
      CHECK(again.value().state.find("a")->version_count() == 0);
      CHECK(again.value().state.find("a")->arn() != scheduled.find("a")->arn());
    }
  }
  SUBCASE("later: every secret whose date has passed, ordered by name; live secrets stay") {
    const auto out = ss::purge_deleted_secrets(scheduled, ss::timestamp{b_date + 1});
    REQUIRE(out.removed.size() == 2);
    CHECK(out.removed[0].name() == "a");
    CHECK(out.removed[1].name() == "b");
    CHECK(out.state.size() == 1);
    CHECK(*out.state.find("c") == *scheduled.find("c"));
  }
  SUBCASE("a store with no scheduled secret is unchanged") {
    const auto out = ss::purge_deleted_secrets(st, ss::timestamp{b_date * 2});
    CHECK(out.removed.empty());
    CHECK(out.state == st);
  }
}

}  // namespace background_test
