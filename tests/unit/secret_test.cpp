// secret.hpp: the queries of a state, its equality, and structural sharing (versions and values
// are shared between states, never copied; a transition never modifies its input).
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include <secretstage/secretstage.hpp>

#include "support/given.hpp"

// Its own namespace: the batched build (SECRETSTAGE_FAST_TEST_BUILD) joins test files.
namespace secret_test {

namespace ss = secretstage;
using ss::testing::aws_map;
using ss::testing::at;
using ss::testing::given;
using ss::testing::snapshot_of;
using ss::testing::step;
using ss::testing::version_labels;
using ss::testing::vid;
using labels = std::vector<std::string>;

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
ss::create_secret create(int id, std::string value = "s") {
  return {.name = "app", .client_request_token = vid(id), .description = "d", .secret_string = std::move(value)};
}

/// Every query agrees with the (versions(), stages()) view of the state.
void check_queries_consistent(const ss::secret& s) {
  const auto map = version_labels(s);
  CHECK(s.version_count() == map.size());
  std::size_t labels_seen = 0;
  for (const auto& entry : map) {
    const std::string& id = entry.first;
    const std::set<std::string>& ls = entry.second;
    CAPTURE(id);
    const auto* v = s.find_version(id);
    REQUIRE(v != nullptr);
    CHECK(v->id() == id);
    CHECK(ss::testing::as_set<ss::aws_traits>(s.labels_of(id)) == ls);
    CHECK(s.is_deprecated(id) == ls.empty());
    for (const auto& l : ls) {
      CHECK(s.holder(l) == v);
      CHECK(s.version_of(l) == id);
    }
    labels_seen += ls.size();
  }
  CHECK(s.label_count() == labels_seen);
  const auto stages = s.stages();
  CHECK(stages.size() == labels_seen);
  for (std::size_t i = 1; i < stages.size(); ++i) CHECK(stages[i - 1].first < stages[i].first);
}
}  // namespace

TEST_CASE("metadata queries") {
  ss::context ctx = at(100);
  ctx.region = "ap-south-1";
  const auto s0 = ss::testing::create(ss::create_secret{.name = "app", .client_request_token = vid(1),
                                                        .description = "desc", .kms_key_id = "alias/k",
                                                        .secret_string = "v"},
                                      ctx)
                      .state;
  CHECK(s0.name().view() == "app");
  CHECK(s0.arn().view().substr(0, 34) == "arn:aws:secretsmanager:ap-south-1:");
  CHECK(s0.description() == "desc");
  CHECK(s0.kms_key_id() == std::optional<std::string>("alias/k"));
  CHECK(s0.created_date() == at(100).now);
  CHECK(s0.last_changed_date() == std::optional<ss::timestamp>(at(100).now));
  CHECK_FALSE(s0.deleted_date().has_value());
  CHECK(s0.meta().name.view() == "app");
  CHECK(s0.meta().description == "desc");
  SUBCASE("a change records LastChangedDate; CreatedDate stays") {
    const auto s1 = step(s0, put(vid(2), "w"), at(200)).state;
    CHECK(s1.last_changed_date() == std::optional<ss::timestamp>(at(200).now));
    CHECK(s1.created_date() == at(100).now);
    CHECK(s1.find_version(vid(2))->created_date() == at(200).now);
    CHECK(s1.find_version(vid(1))->created_date() == at(100).now);
  }
}

TEST_CASE("version queries: find_version, versions() oldest first, sequence numbers") {
  // ids whose order (lexicographic or hashed) differs from the creation order
  const auto s = given(create(5), put(vid(3), "a"), put(vid(9), "b"), put(vid(1), "c"), put(vid(7), "d"));
  const auto vs = s.versions();
  REQUIRE(vs.size() == 5);
  std::vector<std::string> order;
  for (const auto* v : vs) order.push_back(v->id());
  CHECK(order == std::vector<std::string>{vid(5), vid(3), vid(9), vid(1), vid(7)});
  for (std::size_t i = 0; i < vs.size(); ++i) {
    CHECK(vs[i]->sequence() == i);
    CHECK(s.find_version(vs[i]->id()) == vs[i]);
  }
  CHECK(s.find_version(vid(42)) == nullptr);
  CHECK(s.find_version("") == nullptr);
  CHECK(s.version_count() == 5);
  CHECK_FALSE(vs[0]->is_placeholder());
  CHECK(vs[0]->last_accessed_date() == std::nullopt);
}

TEST_CASE("label queries: holder, version_of, labels_of, is_deprecated, label_count, stages") {
  const auto s = given(create(1), put(vid(2), "b", labels{N, "L1"}), put(vid(3), "c"));
  // {v1:[AWSPREVIOUS], v2:[AWSPENDING, L1], v3:[AWSCURRENT]}
  CHECK(s.holder(C) == s.find_version(vid(3)));
  CHECK(s.holder("L9") == nullptr);
  CHECK(s.version_of(P) == vid(1));
  CHECK(s.version_of("L9") == std::nullopt);
  CHECK(ss::testing::as_set<ss::aws_traits>(s.labels_of(vid(2))) == std::set<std::string>{N, "L1"});
  CHECK(s.labels_of(vid(42)).empty());
  CHECK_FALSE(s.is_deprecated(vid(2)));
  CHECK(s.label_count() == 4);
  CHECK(s.stages() == std::vector<std::pair<std::string, std::string>>{
                          {C, vid(3)}, {N, vid(2)}, {P, vid(1)}, {"L1", vid(2)}});
  const auto after = step(s, put(vid(4), "d")).state;
  CHECK(after.is_deprecated(vid(1)));
  CHECK(after.labels_of(vid(1)).empty());
}

TEST_CASE("every query agrees with every other along a long history") {
  auto s = given(create(1));
  check_queries_consistent(s);
  const std::vector<ss::operation> ops = {
      put(vid(2), "2", labels{N, "AWSSOMETHING", "PUT1"}), uvs(C, vid(1), vid(2)),
      put(vid(3), "3", labels{N, "PUT2"}),                 uvs(C, vid(2), vid(3)),
      uvs("PUT1", vid(2), vid(1)),                          put(vid(4), "4"),
      uvs(P, vid(3), none),                                 uvs("X", none, vid(1)),
      put(vid(5), "5", labels{"X", "PUT2", C}),             uvs(N, none, vid(1))};
  for (const auto& op : ops) {
    s = step(s, op).state;
    check_queries_consistent(s);
  }
}

TEST_CASE("equality: same metadata, same versions, same labels on the same versions") {
  const auto base = given(create(1), put(vid(2), "b", labels{"X"}), put(vid(3), "c", labels{"Y"}));
  SUBCASE("two states built independently from the same calls are equal") {
    const auto again = given(create(1), put(vid(2), "b", labels{"X"}), put(vid(3), "c", labels{"Y"}));
    CHECK(again == base);
    CHECK(base == again);
    CHECK(base == base);
    const ss::secret copy = base;
    CHECK(copy == base);
  }
  SUBCASE("one label on another version: not equal") {
    const auto a = step(base, uvs("Z", none, vid(2)), at(9)).state;
    const auto b = step(base, uvs("Z", none, vid(3)), at(9)).state;
    CHECK_FALSE(a == b);
  }
  SUBCASE("a label moved away and back equals the direct result") {
    auto a = step(base, uvs("Z", none, vid(2)), at(5)).state;
    a = step(a, uvs("Z", vid(2), vid(3)), at(6)).state;
    a = step(a, uvs("Z", vid(3), vid(2)), at(9)).state;
    const auto b = step(base, uvs("Z", none, vid(2)), at(9)).state;
    CHECK(a == b);
  }
  SUBCASE("another value under the same id: not equal") {
    CHECK_FALSE(given(create(1, "a")) == given(create(1, "b")));
  }
  SUBCASE("another Description: not equal") {
    const auto a = step(base, ss::update_secret{.secret_id = "app", .description = "x"}, at(9)).state;
    const auto b = step(base, ss::update_secret{.secret_id = "app", .description = "y"}, at(9)).state;
    CHECK_FALSE(a == b);
    CHECK(a == step(base, ss::update_secret{.secret_id = "app", .description = "x"}, at(9)).state);
  }
  SUBCASE("another version set: not equal") {
    CHECK_FALSE(step(base, put(vid(4), "d", labels{"Q"}), at(9)).state ==
                step(base, put(vid(5), "d", labels{"Q"}), at(9)).state);
  }
  SUBCASE("another creation date of a version: not equal") {
    CHECK_FALSE(step(base, put(vid(4), "d", labels{"Q"}), at(9)).state ==
                step(base, put(vid(4), "d", labels{"Q"}), at(10)).state);
  }
  SUBCASE("another ARN (entropy): not equal") {
    ss::context c1, c2;
    c2.entropy = 1;
    CHECK_FALSE(ss::testing::create(ss::create_secret{.name = "n"}, c1).state ==
                ss::testing::create(ss::create_secret{.name = "n"}, c2).state);
  }
}

TEST_CASE("structural sharing: a label move copies no version and no value") {
  const auto s = given(create(1), put(vid(2), "b", labels{N}));
  std::vector<const ss::version*> before_v;
  std::vector<const ss::secret_value*> before_value;
  for (const auto* v : s.versions()) {
    before_v.push_back(v);
    before_value.push_back(v->value());
  }
  const auto t = step(s, uvs(C, vid(1), vid(2))).state;
  const auto after = t.versions();
  REQUIRE(after.size() == before_v.size());
  for (std::size_t i = 0; i < after.size(); ++i) {
    CHECK(after[i] == before_v[i]);
    CHECK(after[i]->value() == before_value[i]);
  }
}

TEST_CASE("structural sharing: PutSecretValue and UpdateSecret add one version, share the others") {
  const auto s = given(create(1), put(vid(2), "b"));
  const auto* v1 = s.find_version(vid(1));
  const auto* v2 = s.find_version(vid(2));
  const auto t = step(s, put(vid(3), "c")).state;
  CHECK(t.find_version(vid(1)) == v1);
  CHECK(t.find_version(vid(2)) == v2);
  CHECK(t.find_version(vid(1))->value() == v1->value());
  CHECK(t.find_version(vid(2))->shared_value() == v2->shared_value());
  const auto u = step(t, ss::update_secret{.secret_id = "app", .client_request_token = vid(4),
                                           .description = "n", .secret_string = "d"}).state;
  CHECK(u.find_version(vid(1)) == v1);
  CHECK(u.find_version(vid(3)) == t.find_version(vid(3)));
  const auto m = step(u, ss::update_secret{.secret_id = "app", .description = "m"}).state;
  for (const auto* v : u.versions()) CHECK(m.find_version(v->id()) == v);
}

TEST_CASE("a state stays valid after the states it came from are gone") {
  std::optional<ss::secret> last;
  {
    auto s = given(create(1, "first value"));
    for (int i = 2; i <= 30; ++i) s = step(s, put(vid(i), "value " + std::to_string(i))).state;
    last = s;
  }
  REQUIRE(last.has_value());
  CHECK(last->version_count() == 30);
  CHECK(*last->find_version(vid(1))->value()->string() == "first value");
  CHECK(*last->find_version(vid(17))->value()->string() == "value 17");
  CHECK(last->version_of(C) == vid(30));
}

TEST_CASE("the input state is unchanged after every transition, successful or not") {
  const auto s = given(create(1), put(vid(2), "b", labels{N, "L1"}));
  const auto before = snapshot_of(s);
  const std::vector<ss::operation> ops = {
      put(vid(3), "c"), put(vid(3), "c", labels{C, P}), put(vid(1), "other"), put(vid(1), "s"),
      uvs(C, vid(1), vid(2)), uvs("L1", vid(2), none), uvs(C, vid(1), none), uvs("L1", none, vid(1)),
      ss::update_secret{.secret_id = "app", .client_request_token = vid(5), .description = "x", .secret_string = "y"},
      ss::update_secret{.secret_id = "app", .description = "z"}, ss::update_secret{.secret_id = "nope"}};
  int failures = 0;
  for (const auto& op : ops) {
    const auto r = ss::apply(s, op, at(50));
    if (!r) ++failures;
    CHECK(snapshot_of(s) == before);
  }
  CHECK(failures == 4);  // token conflict, AWSCURRENT removal, missing RemoveFromVersionId, unknown secret
}

}  // namespace secret_test
