// invariants.hpp: every named predicate holds on real states; every two-state predicate fails on
// a suitable pair of real states; the one-state predicates fail on states assembled by hand
// (through the builder the transitions use), so none of them is vacuous.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include <secretstage/detail/secret_builder.hpp>
#include <secretstage/invariants.hpp>
#include <secretstage/secretstage.hpp>

#include "support/given.hpp"

// Its own namespace: the batched build (SECRETSTAGE_FAST_TEST_BUILD) joins test files.
namespace invariants_test {

namespace ss = secretstage;
using ss::testing::at;
using ss::testing::given;
using ss::testing::step;
using ss::testing::vid;
using labels = std::vector<std::string>;
using builder = ss::detail::secret_builder<ss::aws_traits>;

namespace {
const std::string C = "AWSCURRENT", P = "AWSPREVIOUS", N = "AWSPENDING";
const std::optional<std::string> none;

ss::put_secret_value put(const std::string& id, std::string value, std::optional<labels> stages = std::nullopt) {
  return {.secret_id = "app", .client_request_token = id, .secret_string = std::move(value),
          .version_stages = std::move(stages)};
}
ss::update_secret_version_stage uvs(std::string label, std::optional<std::string> from, std::optional<std::string> to) {
  return {.secret_id = "app", .version_stage = std::move(label), .remove_from_version_id = std::move(from),
          .move_to_version_id = std::move(to)};
}
ss::create_secret create(std::string value = "s1") {
  return {.name = "app", .client_request_token = vid(1), .secret_string = std::move(value)};
}

ss::detail::ref<const ss::version> make_version(std::string id, std::string value, std::uint64_t sequence) {
  return ss::detail::make_ref<const ss::version>(
      std::move(id), ss::detail::make_ref<const ss::secret_value>(ss::secret_value::string_tag{}, std::move(value)),
      ss::timestamp{}, sequence);
}

ss::secret finish(builder b) {
  auto r = std::move(b).finish();
  REQUIRE(r.has_value());
  return std::move(r).value();
}

/// A selection of real states: empty, pending-only, with AWSCURRENT, after moves and puts, full.
std::vector<ss::secret> real_states() {
  std::vector<ss::secret> out;
  out.push_back(given(ss::create_secret{.name = "app"}));
  out.push_back(ss::testing::with_rotation_placeholder(out.back(), vid(1), ss::timestamp{}));
  out.push_back(given(create()));
  out.push_back(given(create(), put(vid(2), "s2", labels{N, "X"}), uvs(C, vid(1), vid(2)),
                      put(vid(3), "s3"), uvs("Y", none, vid(1))));
  labels many;
  for (int i = 0; i < 19; ++i) many.push_back("L" + std::to_string(i));
  out.push_back(given(create(), put(vid(2), "s2", many)));
  out.push_back(given(create(), put(std::string(32, 'a'), "s", labels{std::string(256, 'x')}),
                      put(std::string(64, 'b'), std::string(65536, 'v'))));
  return out;
}
}  // namespace

TEST_CASE("every one-state predicate holds on real states") {
  for (const auto& s : real_states()) {
    CAPTURE(ss::testing::version_labels(s).size());
    CHECK(ss::each_label_on_one_version(s));
    CHECK(ss::labels_on_existing_versions(s));
    CHECK(ss::awscurrent_when_a_value_exists(s));
    CHECK(ss::label_quota_respected(s));
    CHECK(ss::static_bounds_respected(s));
    CHECK(ss::name_and_arn_well_formed(s));
    CHECK(ss::creation_order_strict(s));
    CHECK(ss::check_invariants(s).empty());
  }
}

TEST_CASE("the one-state predicates hold for the tiny traits too") {
  using tiny = ss::testing::tiny_traits;
  const auto s = given(ss::basic_create_secret<tiny>{.name = "t", .client_request_token = 1, .secret_string = "v"},
                       ss::basic_put_secret_value<tiny>{.secret_id = "t", .client_request_token = 2,
                                                        .secret_string = "w", .version_stages = std::vector<char>{'a', 'b'}});
  CHECK(ss::check_invariants(s).empty());
  CHECK(ss::awscurrent_when_a_value_exists(s));  // no reserved labels: nothing to require
}

TEST_CASE("every two-state predicate holds across real transitions") {
  const auto s0 = given(create());
  const auto s1 = step(s0, put(vid(2), "s2", labels{N})).state;
  const auto s2 = step(s1, uvs(C, vid(1), vid(2))).state;
  const auto s3 = step(s2, put(vid(3), "s3", labels{C, P})).state;  // the explicit-list ruling
  for (const auto& [before, after] : std::vector<std::pair<ss::secret, ss::secret>>{{s0, s1}, {s1, s2}, {s2, s3}, {s0, s3}}) {
    CHECK(ss::awscurrent_never_removed(before, after));
    CHECK(ss::awsprevious_follows_awscurrent(before, after));
    CHECK(ss::versions_immutable(before, after));
    CHECK(ss::check_transition_invariants(before, after).empty());
  }
}

TEST_CASE("I4 awscurrent_never_removed fails when AWSCURRENT disappears") {
  const auto with = given(create());
  const auto without = given(ss::create_secret{.name = "app"});
  CHECK_FALSE(ss::awscurrent_never_removed(with, without));
  CHECK(ss::awscurrent_never_removed(without, with));
  CHECK(ss::check_transition_invariants(with, without).size() == 1);
}

TEST_CASE("I5 awsprevious_follows_awscurrent fails when AWSCURRENT moved and AWSPREVIOUS did not follow") {
  const auto before = given(create());  // {v1:[AWSCURRENT]}
  // {v1:[], v2:[AWSCURRENT, AWSPENDING]}: AWSPREVIOUS was removed by hand after the move
  const auto after = given(create(), put(vid(2), "s2", labels{N}), uvs(C, vid(1), vid(2)), uvs(P, vid(1), none));
  REQUIRE(after.holder(P) == nullptr);
  CHECK_FALSE(ss::awsprevious_follows_awscurrent(before, after));
  CHECK(ss::check_transition_invariants(before, after).size() == 1);
  SUBCASE("and when AWSPREVIOUS sits on a third version") {
    const auto third = given(create(), put(vid(2), "s2", labels{N}), put(vid(3), "s3", labels{"Z"}),
                             uvs(C, vid(1), vid(2)), uvs(P, vid(1), vid(3)));
    CHECK_FALSE(ss::awsprevious_follows_awscurrent(before, third));
  }
}

TEST_CASE("I10 versions_immutable fails when a version's value or dates change") {
  SUBCASE("another value under the same id") {
    CHECK_FALSE(ss::versions_immutable(given(create("a")), given(create("b"))));
    CHECK(ss::check_transition_invariants(given(create("a")), given(create("b"))).size() == 1);
  }
  SUBCASE("another creation date") {
    const auto a = ss::testing::create(create(), at(1)).state;
    const auto b = ss::testing::create(create(), at(2)).state;
    CHECK_FALSE(ss::versions_immutable(a, b));
  }
  SUBCASE("a value replaced by a placeholder") {
    const auto valued = given(create());
    const auto placeholder = ss::testing::with_rotation_placeholder(given(ss::create_secret{.name = "app"}), vid(1),
                                                                     ss::timestamp{});
    CHECK_FALSE(ss::versions_immutable(valued, placeholder));
    // …while filling a placeholder is allowed (and a version that is gone is not checked)
    CHECK(ss::versions_immutable(placeholder, step(placeholder, put(vid(1), "x", labels{N})).state));
    CHECK(ss::versions_immutable(valued, given(ss::create_secret{.name = "app"})));
  }
}

// One-state predicates cannot be broken through the public transitions; the builder (which every
// transition uses) can assemble the broken states directly.

TEST_CASE("I3 awscurrent_when_a_value_exists fails when a valued version exists and nothing is AWSCURRENT") {
  builder b(given(create()));
  b.detach(C);
  const auto s = finish(std::move(b));
  CHECK_FALSE(ss::awscurrent_when_a_value_exists(s));
  CHECK(ss::check_invariants(s).size() == 1);
}

TEST_CASE("labels_on_existing_versions fails for a label on a version the secret does not hold") {
  const auto other = given(create());
  builder b(given(ss::create_secret{.name = "app"}));
  b.attach("X", other.find_version(vid(1)));
  const auto s = finish(std::move(b));
  CHECK_FALSE(ss::labels_on_existing_versions(s));
  CHECK_FALSE(ss::check_invariants(s).empty());
}

TEST_CASE("static_bounds_respected fails for a short version id, an empty value or a long label") {
  SUBCASE("version id of 31 characters") {
    builder b(given(ss::create_secret{.name = "app"}));
    b.attach(C, b.put_version(make_version(std::string(31, 'x'), "v", b.take_sequence())));
    CHECK_FALSE(ss::static_bounds_respected(finish(std::move(b))));
  }
  SUBCASE("an empty value") {
    builder b(given(ss::create_secret{.name = "app"}));
    b.attach(C, b.put_version(make_version(vid(1), "", b.take_sequence())));
    CHECK_FALSE(ss::static_bounds_respected(finish(std::move(b))));
  }
  SUBCASE("a label of 257 characters") {
    const auto base = given(create());
    builder b(base);
    b.attach(std::string(257, 'l'), base.find_version(vid(1)));
    const auto s = finish(std::move(b));
    CHECK_FALSE(ss::static_bounds_respected(s));
    CHECK(ss::check_invariants(s).size() == 1);
  }
}

TEST_CASE("name_and_arn_well_formed fails for a bad name or an ARN that does not end in it") {
  auto with_meta = [](std::string name, std::string arn) {
    auto meta = ss::detail::make_ref<ss::detail::secret_meta>();
    meta->name = ss::shared_text(name);
    meta->arn = ss::shared_text(arn);
    return finish(builder(std::move(meta)));
  };
  CHECK(ss::name_and_arn_well_formed(with_meta("app", "arn:aws:secretsmanager:r:1:secret:app-AbCdEf")));
  CHECK_FALSE(ss::name_and_arn_well_formed(with_meta("bad name", "arn:aws:secretsmanager:r:1:secret:bad name-AbCdEf")));
  CHECK_FALSE(ss::name_and_arn_well_formed(with_meta("app", "arn:aws:secretsmanager:r:1:secret:other-AbCdEf")));
  CHECK_FALSE(ss::name_and_arn_well_formed(with_meta("app", "arn:aws:s3:r:1:secret:app-AbCdEf")));
  CHECK_FALSE(ss::name_and_arn_well_formed(with_meta("app", "app")));
}

TEST_CASE("creation_order_strict fails for two versions with the same place in the order") {
  builder b(given(ss::create_secret{.name = "app"}));
  b.attach(C, b.put_version(make_version(vid(1), "a", 0)));
  b.attach("X", b.put_version(make_version(vid(2), "b", 0)));
  const auto s = finish(std::move(b));
  CHECK_FALSE(ss::creation_order_strict(s));
  CHECK(ss::check_invariants(s).size() == 1);
}

TEST_CASE("the builder refuses a state past the label quota, so label_quota_respected holds by construction") {
  labels many;
  for (int i = 0; i < 19; ++i) many.push_back("L" + std::to_string(i));
  const auto base = given(create(), put(vid(2), "s2", many));
  builder b(base);
  b.attach("one too many", base.find_version(vid(1)));
  const auto r = std::move(b).finish();
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == ss::errc::limit_exceeded);
}

}  // namespace invariants_test
