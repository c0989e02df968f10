// detail/persistent_array.hpp: setting an entry past the end grows the array in O(log n) without
// building the skipped leaves (a secret rebuilt from a snapshot may have its versions at places far
// apart). Checked against a sparse oracle, mixed with appends and clears, across the tree's
// boundaries, and with gaps no loop over the entries could cross.
#include <cstddef>
#include <cstdint>
#include <map>
#include <random>
#include <vector>

#include <doctest/doctest.h>

#include <secretstage/detail/persistent_array.hpp>

// Its own namespace: the batched build (SECRETSTAGE_FAST_TEST_BUILD) joins test files.
namespace persistent_array_sparse_test {

namespace {

using array = secretstage::detail::persistent_array<std::uint64_t>;

struct sparse_oracle {
  std::map<std::size_t, std::uint64_t> entries;
  std::size_t size = 0;

  void set(std::size_t i, std::uint64_t v) {
    entries[i] = v;
    if (i >= size) size = i + 1;
  }
  [[nodiscard]] std::uint64_t get(std::size_t i) const {
    const auto at = entries.find(i);
    return at == entries.end() ? 0 : at->second;
  }
};

// Every entry set, its neighbours, each leaf's edges up to the end, and a few past the end.
void check(const array& a, const sparse_oracle& o) {
  REQUIRE(a.size() == o.size);
  std::vector<std::size_t> probes;
  for (const auto& [i, v] : o.entries) {
    probes.push_back(i);
    if (i > 0) probes.push_back(i - 1);
    probes.push_back(i + 1);
    probes.push_back(i & ~std::size_t{31});
  }
  for (std::size_t i = 0; i < o.size && i < 4096; ++i) probes.push_back(i);
  probes.push_back(o.size);
  probes.push_back(o.size + 40);
  for (const std::size_t i : probes) {
    const std::uint64_t want = i < o.size ? o.get(i) : 0;
    if (a.get(i) != want) FAIL_CHECK("entry " << i << ": " << a.get(i) << " != " << want);
  }
}

}  // namespace

TEST_CASE("persistent_array: setting past the end across every boundary of the tree") {
  for (const std::size_t start : {0u, 1u, 31u, 32u, 33u, 1000u, 1024u, 1056u}) {
    for (const std::size_t target :
         {0u, 5u, 31u, 32u, 64u, 1023u, 1024u, 1025u, 32767u, 32768u, 40000u, 1048576u, 1048600u}) {
      if (target < start) continue;
      CAPTURE(start);
      CAPTURE(target);
      array a;
      sparse_oracle o;
      for (std::size_t i = 0; i < start; ++i) {
        a = a.push_back(i + 1);
        o.set(i, i + 1);
      }
      const array before = a;
      a = a.set(target, 7);
      o.set(target, 7);
      check(a, o);
      // Appends and sets after the growth land where they should.
      for (std::uint64_t k = 0; k < 70; ++k) {
        a = a.push_back(100 + k);
        o.set(o.size, 100 + k);
      }
      a = a.set(start / 2, 9);
      o.set(start / 2, 9);
      check(a, o);
      CHECK(before.size() == start);  // persistence
      if (start > 0) CHECK(before.get(start - 1) == start);
    }
  }
}

TEST_CASE("persistent_array: gaps of 2^40 cost a path, not a loop") {
  array a;
  sparse_oracle o;
  for (const std::size_t i :
       {std::size_t{3}, std::size_t{1} << 40, (std::size_t{1} << 40) + 31,
        (std::size_t{1} << 40) + 32, std::size_t{1} << 55, std::size_t{1} << 62}) {
    a = a.set(i, i ^ 0x55);
    o.set(i, i ^ 0x55);
    check(a, o);
  }
  a = a.set(std::size_t{1} << 40, 0);  // cleared: its leaf is pruned
  o.set(std::size_t{1} << 40, 0);
  check(a, o);
  a = a.push_back(1);
  o.set(o.size, 1);
  check(a, o);
}

TEST_CASE("persistent_array: random sets, appends and clears against a sparse oracle") {
  std::mt19937_64 random(20261207);
  for (int round = 0; round < 200; ++round) {
    array a;
    sparse_oracle o;
    std::vector<std::pair<array, sparse_oracle>> history;
    for (int step = 0; step < 60; ++step) {
      const auto kind = random() % 4;
      if (kind == 0) {
        const std::uint64_t v = random() | 1;
        a = a.push_back(v);
        o.set(o.size, v);
      } else if (kind == 1) {
        const std::size_t i = o.size + random() % (random() % 2 == 0 ? 40 : 5000);
        const std::uint64_t v = random() | 1;
        a = a.set(i, v);
        o.set(i, v);
      } else if (o.size != 0) {
        const std::size_t i = random() % o.size;
        const std::uint64_t v = kind == 2 ? 0 : random();
        a = a.set(i, v);
        o.set(i, v);
      }
      if (step % 10 == 0) history.emplace_back(a, o);
    }
    check(a, o);
    for (const auto& [old, old_oracle] : history) check(old, old_oracle);
  }
}

}  // namespace persistent_array_sparse_test
