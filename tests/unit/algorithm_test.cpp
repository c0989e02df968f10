// detail/algorithm.hpp: the algorithms the core uses instead of <algorithm>, checked against the
// standard ones on random inputs of many sizes (around the insertion-sort run of 16 and the
// merge widths), with strings so that a self-move would show as an emptied element.
#include <algorithm>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <doctest/doctest.h>

#include <secretstage/detail/algorithm.hpp>

// Its own namespace: the batched build (SECRETSTAGE_FAST_TEST_BUILD) joins test files.
namespace algorithm_test {

namespace sd = secretstage::detail;

namespace {
std::vector<std::pair<std::string, int>> random_pairs(std::mt19937& rng, int n, int keys) {
  std::vector<std::pair<std::string, int>> v;
  for (int i = 0; i < n; ++i) v.emplace_back("k" + std::to_string(rng() % static_cast<unsigned>(keys)), i);
  return v;
}
}  // namespace

TEST_CASE("stable_sort orders like std::stable_sort and keeps equal elements in order") {
  std::mt19937 rng(7);
  for (int n : {0, 1, 2, 15, 16, 17, 31, 32, 33, 64, 65, 100, 257, 1000}) {
    CAPTURE(n);
    auto ours = random_pairs(rng, n, 1 + n / 3);
    auto theirs = ours;
    auto by_key = [](const auto& a, const auto& b) { return a.first < b.first; };
    sd::stable_sort(ours.begin(), ours.end(), by_key);
    std::stable_sort(theirs.begin(), theirs.end(), by_key);
    CHECK(ours == theirs);
  }
}

TEST_CASE("unique collapses runs of equal strings without emptying any") {
  std::mt19937 rng(8);
  for (int n : {0, 1, 2, 3, 10, 50}) {
    CAPTURE(n);
    std::vector<std::string> ours;
    for (int i = 0; i < n; ++i) ours.push_back("s" + std::to_string(rng() % 4));
    std::sort(ours.begin(), ours.end());
    auto theirs = ours;
    ours.erase(sd::unique(ours.begin(), ours.end()), ours.end());
    theirs.erase(std::unique(theirs.begin(), theirs.end()), theirs.end());
    CHECK(ours == theirs);
  }
  std::vector<std::string> distinct{"a", "b", "c"};
  CHECK(sd::unique(distinct.begin(), distinct.end()) == distinct.end());
  CHECK(distinct == std::vector<std::string>{"a", "b", "c"});
}

TEST_CASE("lower_bound, find, find_if, any_of, all_of and reverse agree with the standard ones") {
  const std::vector<int> sorted{1, 3, 3, 5, 8, 13};
  for (int v = 0; v <= 14; ++v) {
    CAPTURE(v);
    CHECK(sd::lower_bound(sorted.begin(), sorted.end(), v) == std::lower_bound(sorted.begin(), sorted.end(), v));
    CHECK(sd::find(sorted.begin(), sorted.end(), v) == std::find(sorted.begin(), sorted.end(), v));
    auto greater = [v](int x) { return x > v; };
    CHECK(sd::find_if(sorted.begin(), sorted.end(), greater) == std::find_if(sorted.begin(), sorted.end(), greater));
    CHECK(sd::any_of(sorted.begin(), sorted.end(), greater) == std::any_of(sorted.begin(), sorted.end(), greater));
    CHECK(sd::all_of(sorted.begin(), sorted.end(), greater) == std::all_of(sorted.begin(), sorted.end(), greater));
  }
  for (int n = 0; n < 6; ++n) {
    std::vector<std::string> ours;
    for (int i = 0; i < n; ++i) ours.push_back(std::to_string(i));
    auto theirs = ours;
    sd::reverse(ours.begin(), ours.end());
    std::reverse(theirs.begin(), theirs.end());
    CHECK(ours == theirs);
  }
}

}  // namespace algorithm_test
