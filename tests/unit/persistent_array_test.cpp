// detail/persistent_array.hpp: the persistent radix array that indexes a secret's versions by
// creation order, checked against a std::vector oracle across the tail / one-level / two-level /
// three-level boundaries (32, 1,024 and 32,768 entries), with entries cleared until whole ranges
// are pruned and then refilled, and for persistence: every earlier array is unchanged by every
// later update.
#include <cstddef>
#include <cstdint>
#include <random>
#include <utility>
#include <vector>

#include <doctest/doctest.h>

#include <secretstage/detail/persistent_array.hpp>

// Its own namespace: the batched build (SECRETSTAGE_FAST_TEST_BUILD) joins test files.
namespace persistent_array_test {

namespace {

using array = secretstage::detail::persistent_array<std::uint64_t>;
using oracle = std::vector<std::uint64_t>;

// Every entry, and a few past the end, read as the oracle says.
void check(const array& a, const oracle& o) {
  REQUIRE(a.size() == o.size());
  for (std::size_t i = 0; i < o.size(); ++i) {
    if (a.get(i) != o[i]) FAIL_CHECK("entry " << i << ": " << a.get(i) << " != " << o[i]);
  }
  CHECK(a.get(o.size()) == 0);
  CHECK(a.get(o.size() + 31) == 0);
  CHECK(a.get(std::size_t{1} << 40) == 0);
}

// The array and its oracle after appending entry i = f(i) for i in [from, to) to both.
template <class F>
void append(array& a, oracle& o, std::uint64_t from, std::uint64_t to, F f) {
  for (std::uint64_t i = from; i < to; ++i) {
    a = a.push_back(f(i));
    o.push_back(f(i));
  }
}
std::uint64_t plus_one(std::uint64_t i) { return i + 1; }

}  // namespace

TEST_CASE("persistent_array: an empty array reads T{} everywhere") {
  const array a;
  CHECK(a.size() == 0);
  CHECK(a.get(0) == 0);
  CHECK(a.get(1000) == 0);
}

TEST_CASE("persistent_array: appends across every boundary of the tree") {
  for (const std::size_t n : {1u, 31u, 32u, 33u, 64u, 1023u, 1024u, 1025u, 1056u, 32768u, 32800u, 33825u}) {
    CAPTURE(n);
    array a;
    oracle o;
    append(a, o, 0, n, [](std::uint64_t i) { return i * 7 + 1; });
    check(a, o);
  }
}

TEST_CASE("persistent_array: set replaces one entry and leaves the input unchanged") {
  array a;
  oracle o;
  append(a, o, 0, 2000, plus_one);
  for (const std::size_t i : {0u, 31u, 32u, 1000u, 1023u, 1024u, 1999u}) {
    CAPTURE(i);
    const array b = a.set(i, 99999);
    oracle ob = o;
    ob[i] = 99999;
    check(b, ob);
    check(a, o);
  }
}

TEST_CASE("persistent_array: set past the end grows the array with T{} between") {
  const array a = array{}.push_back(5);
  const array b = a.set(40, 9);
  oracle o(41, 0);
  o[0] = 5;
  o[40] = 9;
  check(b, o);
  check(a, oracle{5});
  const array c = b.set(41, 10);  // == size: an append
  o.push_back(10);
  check(c, o);
}

TEST_CASE("persistent_array: clearing whole ranges, then appending and refilling them") {
  // 3,000 entries: two levels of tree. Clear everything except the tail, so every leaf and then
  // the root are pruned; reads still answer T{}, and appends (including the ones that push the
  // tail into a pruned tree and grow it a level) and refills of cleared entries still work.
  array a;
  oracle o;
  append(a, o, 0, 3000, plus_one);
  for (std::size_t i = 0; i < 2976; ++i) {
    a = a.set(i, 0);
    o[i] = 0;
  }
  check(a, o);
  append(a, o, 3000, 40000, plus_one);  // past 32,768: the tree grows a level
  check(a, o);
  for (const std::size_t i : {0u, 33u, 1024u, 2975u}) {
    a = a.set(i, 123);
    o[i] = 123;
  }
  check(a, o);
}

TEST_CASE("persistent_array: random updates agree with a vector, and every snapshot persists") {
  std::mt19937_64 rng(20261128);
  array a;
  oracle o;
  std::vector<std::pair<array, oracle>> snapshots;
  for (int step = 0; step < 20000; ++step) {
    const auto roll = rng() % 100;
    if (roll < 55 || o.empty()) {
      const std::uint64_t v = rng() % 5 == 0 ? 0 : rng() | 1;
      a = a.push_back(v);
      o.push_back(v);
    } else if (roll < 75) {  // set, near the end as a secret's index does, or anywhere
      const std::size_t i = rng() % 2 ? o.size() - 1 - rng() % std::min<std::size_t>(o.size(), 40)
                                      : rng() % o.size();
      const std::uint64_t v = rng() | 1;
      a = a.set(i, v);
      o[i] = v;
    } else if (roll < 98) {  // clear
      const std::size_t i = rng() % o.size();
      a = a.set(i, 0);
      o[i] = 0;
    } else {  // set a little past the end
      const std::size_t i = o.size() + rng() % 70;
      a = a.set(i, 7);
      o.resize(i + 1, 0);
      o[i] = 7;
    }
    if (step % 997 == 0) snapshots.emplace_back(a, o);
  }
  check(a, o);
  for (const auto& [snapshot, expected] : snapshots) check(snapshot, expected);
}

TEST_CASE("persistent_array: holds pointers, as the version index does") {
  int x = 1, y = 2;
  using pointers = secretstage::detail::persistent_array<const int*>;
  const pointers a = pointers{}.push_back(&x).push_back(nullptr).push_back(&y);
  CHECK(a.get(0) == &x);
  CHECK(a.get(1) == nullptr);
  CHECK(a.get(2) == &y);
  const pointers b = a.set(0, nullptr);
  CHECK(b.get(0) == nullptr);
  CHECK(a.get(0) == &x);
}

}  // namespace persistent_array_test
