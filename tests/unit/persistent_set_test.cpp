// detail/persistent_set.hpp: the persistent hash trie that holds a secret's versions, checked
// against a std::map oracle over many keys, with good hashes and with forced collisions, and for
// persistence (every older set is unchanged by later updates). Its elements here are counted
// references, as a secret's versions are.
#include <cstdint>
#include <map>
#include <random>
#include <utility>
#include <vector>

#include <doctest/doctest.h>

#include <secretstage/detail/persistent_set.hpp>

// Its own namespace: the batched build (SECRETSTAGE_FAST_TEST_BUILD) joins test files.
namespace persistent_set_test {

namespace {

struct item : secretstage::detail::counted {
  item(int k, int p) : key(k), payload(p) {}
  int key;
  int payload;
};
using item_ref = secretstage::detail::ref<const item>;
struct key_of {
  const int& operator()(const item_ref& i) const noexcept { return i->key; }
};

struct good_hash {  // splitmix64
  std::uint64_t operator()(int k) const noexcept {
    auto z = static_cast<std::uint64_t>(static_cast<std::uint32_t>(k)) + 0x9e3779b97f4a7c15ull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
};
struct constant_hash {  // every key collides on all 64 bits
  std::uint64_t operator()(int) const noexcept { return 0x5a5a5a5a5a5a5a5aull; }
};
struct two_bit_hash {  // four buckets: long shared prefixes and full-hash collisions
  std::uint64_t operator()(int k) const noexcept {
    return static_cast<std::uint64_t>(static_cast<std::uint32_t>(k) & 3u) * 0x9000000000000001ull;
  }
};
struct high_bits_hash {  // keys differ only in the last trie levels
  std::uint64_t operator()(int k) const noexcept {
    return static_cast<std::uint64_t>(static_cast<std::uint32_t>(k) & 0xffu) << 56;
  }
};
struct identity_hash {  // keys differ in the first trie level
  std::uint64_t operator()(int k) const noexcept {
    return static_cast<std::uint64_t>(static_cast<std::uint32_t>(k));
  }
};

template <class Hash>
using set_t = secretstage::detail::persistent_set<item_ref, int, key_of, Hash>;
using oracle = std::map<int, int>;

template <class Hash>
item_ref make(int k, int p) {
  return secretstage::detail::make_ref<const item>(k, p);
}

// The set holds exactly the oracle's keys with the oracle's payloads, found by find() and
// visited exactly once by for_each().
template <class Hash>
void check_matches(const set_t<Hash>& s, const oracle& o, int key_range) {
  REQUIRE(s.size() == o.size());
  CHECK(s.empty() == o.empty());
  int wrong_finds = 0;
  for (int k = -1; k <= key_range; ++k) {
    const auto* found = s.find(k);
    const auto it = o.find(k);
    if (it == o.end() ? found != nullptr
                      : found == nullptr || (*found)->key != k || (*found)->payload != it->second)
      ++wrong_finds;
  }
  CHECK(wrong_finds == 0);
  oracle visited;
  std::size_t calls = 0;
  s.for_each([&](const item_ref& e) {
    ++calls;
    visited[e->key] = e->payload;
  });
  CHECK(calls == o.size());
  CHECK(visited == o);
}

// Random insert/replace/erase against the oracle, keeping every version of the set to check
// persistence at the end.
template <class Hash>
void random_walk(unsigned seed, int key_range, int steps) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> key(0, key_range - 1), op(0, 9), payload(0, 1'000'000);
  std::vector<std::pair<set_t<Hash>, oracle>> history{{set_t<Hash>{}, oracle{}}};
  for (int i = 0; i < steps; ++i) {
    auto [s, o] = history.back();
    const int k = key(rng);
    if (op(rng) < 6) {
      const int p = payload(rng);
      s = s.insert(make<Hash>(k, p));
      o[k] = p;
    } else {
      s = s.erase(k);
      o.erase(k);
    }
    history.emplace_back(std::move(s), std::move(o));
    if (i % 97 == 0) check_matches(history.back().first, history.back().second, key_range);
  }
  for (std::size_t i = 0; i < history.size(); i += 7)
    check_matches(history[i].first, history[i].second, key_range);
  check_matches(history.back().first, history.back().second, key_range);
}

}  // namespace

TEST_CASE_TEMPLATE("persistent_set agrees with a std::map under random updates", Hash, good_hash,
                   identity_hash, high_bits_hash, two_bit_hash, constant_hash) {
  SUBCASE("few keys, many replacements") { random_walk<Hash>(1u, 8, 400); }
  SUBCASE("many keys") { random_walk<Hash>(2u, 300, 1500); }
}

TEST_CASE_TEMPLATE("grow to many keys then erase them all, in two orders", Hash, good_hash,
                   identity_hash, high_bits_hash, two_bit_hash, constant_hash) {
  const int n = 600;
  set_t<Hash> s;
  oracle o;
  for (int k = 0; k < n; ++k) {
    s = s.insert(make<Hash>(k, k * 10));
    o[k] = k * 10;
  }
  check_matches(s, o, n);
  const set_t<Hash> full = s;
  SUBCASE("ascending") {
    for (int k = 0; k < n; ++k) {
      s = s.erase(k);
      o.erase(k);
      if (k % 50 == 0) check_matches(s, o, n);
    }
  }
  SUBCASE("descending, odd keys first") {
    for (int k = n - 1; k >= 0; k -= 2) {
      s = s.erase(k);
      o.erase(k);
    }
    check_matches(s, o, n);
    for (int k = n - 2; k >= 0; k -= 2) {
      s = s.erase(k);
      o.erase(k);
    }
  }
  check_matches(s, o, n);
  CHECK(s.empty());
  oracle all;
  for (int k = 0; k < n; ++k) all[k] = k * 10;
  check_matches(full, all, n);  // the full set is untouched by the erasures
}

TEST_CASE_TEMPLATE("insert with a present key replaces the element and keeps the size", Hash,
                   good_hash, constant_hash, two_bit_hash) {
  set_t<Hash> s;
  for (int k = 0; k < 40; ++k) s = s.insert(make<Hash>(k, 1));
  const auto before = s;
  const auto replacement = make<Hash>(17, 2);
  const auto after = s.insert(replacement);
  CHECK(after.size() == 40);
  REQUIRE(after.find(17) != nullptr);
  CHECK(after.find(17)->get() == replacement.get());
  CHECK((*before.find(17))->payload == 1);
}

TEST_CASE("elements are shared, never copied: find() returns the inserted object") {
  set_t<good_hash> s;
  std::vector<item_ref> kept;
  for (int k = 0; k < 200; ++k) {
    kept.push_back(make<good_hash>(k, k));
    s = s.insert(kept.back());
  }
  const auto t = s.erase(5).insert(make<good_hash>(1000, 0));
  for (int k = 0; k < 200; ++k) {
    REQUIRE(s.find(k) != nullptr);
    CHECK(s.find(k)->get() == kept[static_cast<std::size_t>(k)].get());
    if (k != 5) {
      REQUIRE(t.find(k) != nullptr);
      CHECK(t.find(k)->get() == kept[static_cast<std::size_t>(k)].get());
    }
  }
  // the set shares ownership of the very object that was inserted
  CHECK(kept[0].use_count() >= 2);
}

TEST_CASE("erase of an absent key returns an equal set; erase on an empty set is fine") {
  set_t<two_bit_hash> s;
  CHECK(s.erase(3).empty());
  for (int k = 0; k < 10; ++k) s = s.insert(make<two_bit_hash>(k, k));
  const auto t = s.erase(99);
  CHECK(t.size() == 10);
  CHECK(t.equal(s, [](const item_ref& a, const item_ref& b) { return a->payload == b->payload; }));
}

TEST_CASE_TEMPLATE("equal() compares keys and elements, whatever the insertion order", Hash,
                   good_hash, constant_hash, two_bit_hash, high_bits_hash) {
  auto same_payload = [](const item_ref& a, const item_ref& b) { return a->payload == b->payload; };
  set_t<Hash> a, b;
  for (int k = 0; k < 100; ++k) a = a.insert(make<Hash>(k, k));
  for (int k = 99; k >= 0; --k) b = b.insert(make<Hash>(k, k));  // distinct objects, same content
  CHECK(a.equal(b, same_payload));
  CHECK(b.equal(a, same_payload));
  CHECK(a.equal(a, [](const item_ref&, const item_ref&) { return false; }));  // same root: no comparison
  CHECK_FALSE(a.equal(b, [](const item_ref&, const item_ref&) { return false; }));
  CHECK_FALSE(a.equal(b.insert(make<Hash>(50, -1)), same_payload));  // one payload differs
  CHECK_FALSE(a.equal(b.erase(50), same_payload));                  // one key missing
  CHECK_FALSE(a.erase(3).equal(b.erase(4), same_payload));          // same size, other keys
  CHECK(a.erase(3).equal(b.erase(3), same_payload));
}

TEST_CASE("iteration order depends only on the keys' hashes") {
  set_t<good_hash> a, b;
  for (int k = 0; k < 100; ++k) a = a.insert(make<good_hash>(k, 0));
  for (int k = 99; k >= 0; --k) b = b.insert(make<good_hash>(k, 0));
  std::vector<int> ka, kb;
  a.for_each([&](const auto& e) { ka.push_back(e->key); });
  b.for_each([&](const auto& e) { kb.push_back(e->key); });
  CHECK(ka == kb);
}

namespace {

// insert_in_place against the oracle: one set moved on by insert_in_place (and erase), snapshots
// of it taken at random points and kept; each step's result must equal what insert gives, and at
// the end every snapshot must still hold what it held when it was taken.
template <class Hash>
void in_place_walk(unsigned seed, int key_range, int steps) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> key(0, key_range - 1), op(0, 19), payload(0, 1'000'000);
  auto same_payload = [](const item_ref& a, const item_ref& b) { return a->payload == b->payload; };
  set_t<Hash> s;
  oracle o;
  std::vector<std::pair<set_t<Hash>, oracle>> snapshots;
  for (int i = 0; i < steps; ++i) {
    const int k = key(rng);
    const int what = op(rng);
    if (what < 14) {
      const auto e = make<Hash>(k, payload(rng));
      const auto expected = s.insert(e);  // shares s's nodes for a moment: s is copied, not changed
      s.insert_in_place(e);
      o[k] = e->payload;
      REQUIRE(s.equal(expected, same_payload));
    } else if (what < 17) {
      s = s.erase(k);
      o.erase(k);
    } else {
      snapshots.emplace_back(s, o);
    }
    if (i % 53 == 0) check_matches(s, o, key_range);
  }
  check_matches(s, o, key_range);
  for (const auto& [snapshot, held] : snapshots) check_matches(snapshot, held, key_range);
}

}  // namespace

TEST_CASE_TEMPLATE("insert_in_place gives what insert gives and never changes another set", Hash,
                   good_hash, identity_hash, high_bits_hash, two_bit_hash, constant_hash) {
  SUBCASE("few keys, many replacements") { in_place_walk<Hash>(3u, 8, 600); }
  SUBCASE("many keys") { in_place_walk<Hash>(4u, 300, 2500); }
}

TEST_CASE_TEMPLATE("insert_in_place writes into the nodes the set alone holds, and copies shared ones",
                   Hash, good_hash, two_bit_hash, constant_hash) {
  set_t<Hash> s;
  for (int k = 0; k < 200; ++k) s = s.insert(make<Hash>(k, 1));  // each earlier set is gone: s alone
  const item_ref* slot = s.find(17);
  const item_ref* neighbour_slot = s.find(18);
  s.insert_in_place(make<Hash>(17, 2));
  // Replaced where it was: the element's address did not move, and nor did the others'.
  CHECK(s.find(17) == slot);
  CHECK((*s.find(17))->payload == 2);
  CHECK(s.find(18) == neighbour_slot);
  CHECK(s.size() == 200);

  const auto snapshot = s;  // now every node is shared: the next change must copy the path
  s.insert_in_place(make<Hash>(17, 3));
  CHECK(s.find(17) != slot);
  CHECK((*s.find(17))->payload == 3);
  CHECK(snapshot.find(17) == slot);
  CHECK((*snapshot.find(17))->payload == 2);
  // After that copy the path is s's alone again: the next change lands in place.
  const item_ref* copied_slot = s.find(17);
  s.insert_in_place(make<Hash>(17, 4));
  CHECK(s.find(17) == copied_slot);
  CHECK((*snapshot.find(17))->payload == 2);

  // A new key changes a node's shape: it is added, the size grows, the snapshot does not see it.
  s.insert_in_place(make<Hash>(1000, 5));
  CHECK(s.size() == 201);
  REQUIRE(s.find(1000) != nullptr);
  CHECK((*s.find(1000))->payload == 5);
  CHECK(snapshot.find(1000) == nullptr);
  CHECK(snapshot.size() == 200);
}

TEST_CASE("insert_in_place on an empty set, and a replaced element is released") {
  set_t<good_hash> s;
  s.insert_in_place(make<good_hash>(1, 1));
  CHECK(s.size() == 1);
  auto old = make<good_hash>(2, 1);
  s.insert_in_place(old);
  CHECK(old.use_count() == 2);
  s.insert_in_place(make<good_hash>(2, 2));
  CHECK(old.use_count() == 1);  // the set dropped its reference to the replaced element
  CHECK((*s.find(2))->payload == 2);
}

}  // namespace persistent_set_test
