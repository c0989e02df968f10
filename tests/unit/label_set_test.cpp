// label_set.hpp: a sorted, duplicate-free, capped set of staging labels.
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <doctest/doctest.h>

#include <secretstage/label_set.hpp>
#include <secretstage/traits.hpp>

#include "support/aws_text.hpp"
#include "support/tiny_traits.hpp"

// Its own namespace: the batched build (SECRETSTAGE_FAST_TEST_BUILD) joins test files.
namespace label_set_test {

namespace ss = secretstage;
namespace text = ss::testing::aws_text;

namespace {
using aws_set = ss::label_set_for<ss::aws_traits>;
using small_set = ss::basic_label_set<int, 3>;

template <class Set>
std::vector<typename Set::value_type> items(const Set& s) {
  return {s.begin(), s.end()};
}
}  // namespace

TEST_CASE("label_set_for<aws_traits> holds strings and has the AWS quota of 20") {
  static_assert(aws_set::capacity == 20);
  static_assert(std::is_same_v<aws_set::value_type, std::string>);
  static_assert(ss::label_set_for<ss::testing::tiny_traits>::capacity == 4);
  const aws_set empty;
  CHECK(empty.empty());
  CHECK(empty.size() == 0);
  CHECK(empty.begin() == empty.end());
  CHECK_FALSE(empty.contains("AWSCURRENT"));
}

TEST_CASE("from() sorts, collapses duplicates and answers contains()") {
  const auto s = aws_set::from({"b", "AWSCURRENT", "a", "b", "AWSCURRENT", "a"});
  REQUIRE(s.has_value());
  CHECK(items(s.value()) == std::vector<std::string>{"AWSCURRENT", "a", "b"});
  CHECK(s.value().size() == 3);
  CHECK(s.value().contains("a"));
  CHECK(s.value().contains("AWSCURRENT"));
  CHECK_FALSE(s.value().contains("c"));
  CHECK_FALSE(s.value().contains("awscurrent"));  // labels are case-sensitive
}

TEST_CASE("from() accepts any range, including one with more duplicates than the capacity") {
  const std::vector<int> many(50, 7);
  const auto s = small_set::from(many);
  REQUIRE(s.has_value());
  CHECK(items(s.value()) == std::vector<int>{7});
}

TEST_CASE("from() at capacity succeeds, past capacity is LimitExceededException") {
  SUBCASE("generic capacity") {
    CHECK(small_set::from({3, 1, 2}).has_value());
    const auto over = small_set::from({3, 1, 2, 4});
    REQUIRE_FALSE(over.has_value());
    CHECK(over.error().code == ss::errc::limit_exceeded);
  }
  SUBCASE("the AWS quota of 20, with its message") {
    std::vector<std::string> labels;
    for (int i = 0; i < 20; ++i) labels.push_back("L" + std::to_string(i));
    CHECK(aws_set::from(labels).has_value());
    labels.push_back("L0");  // a duplicate does not count
    CHECK(aws_set::from(labels).has_value());
    labels.push_back("L20");
    const auto over = aws_set::from(labels);
    REQUIRE_FALSE(over.has_value());
    CHECK(over.error().code == ss::errc::limit_exceeded);
    CHECK(over.error().message == text::label_quota);
  }
}

TEST_CASE("insert on an lvalue returns a new set and leaves the original unchanged") {
  const small_set s = small_set::from({5, 1}).value();
  const auto t = s.insert(3);
  REQUIRE(t.has_value());
  CHECK(items(t.value()) == std::vector<int>{1, 3, 5});
  CHECK(items(s) == std::vector<int>{1, 5});
  SUBCASE("inserting a present label is the same set") {
    const auto u = s.insert(5);
    REQUIRE(u.has_value());
    CHECK(u.value() == s);
  }
  SUBCASE("past capacity fails and the original is still intact") {
    const small_set full = t.value();
    const auto over = full.insert(0);
    REQUIRE_FALSE(over.has_value());
    CHECK(over.error().code == ss::errc::limit_exceeded);
    CHECK(items(full) == std::vector<int>{1, 3, 5});
    // a present label still fits when full
    CHECK(full.insert(3).has_value());
  }
}

TEST_CASE("insert on an rvalue builds the set in place, keeping it sorted") {
  auto s = small_set::from({2}).value();
  auto r1 = std::move(s).insert(9);
  REQUIRE(r1.has_value());
  auto r2 = std::move(r1).value().insert(0);
  REQUIRE(r2.has_value());
  CHECK(items(r2.value()) == std::vector<int>{0, 2, 9});
  auto r3 = std::move(r2).value().insert(2);  // present
  REQUIRE(r3.has_value());
  CHECK(items(r3.value()) == std::vector<int>{0, 2, 9});
  auto r4 = std::move(r3).value().insert(4);
  REQUIRE_FALSE(r4.has_value());
  CHECK(r4.error().code == ss::errc::limit_exceeded);
}

TEST_CASE("insert of the 21st AWS label is LimitExceededException with the AWS text") {
  aws_set s;
  for (int i = 0; i < 20; ++i) s = s.insert("L" + std::to_string(i)).value();
  CHECK(s.size() == 20);
  const auto over = s.insert("X");
  REQUIRE_FALSE(over.has_value());
  CHECK(over.error().message == text::label_quota);
  CHECK(s.size() == 20);
}

TEST_CASE("erase removes a label (lvalue and rvalue), and is a no-op for an absent one") {
  const auto s = aws_set::from({"a", "b", "c"}).value();
  const auto t = s.erase("b");
  CHECK(items(t) == std::vector<std::string>{"a", "c"});
  CHECK(items(s) == std::vector<std::string>{"a", "b", "c"});
  CHECK(s.erase("zz") == s);
  auto moved = aws_set(s).erase("a").erase("c");
  CHECK(items(moved) == std::vector<std::string>{"b"});
  CHECK(std::move(moved).erase("b").empty());
}

TEST_CASE("equality is set equality, whatever the construction order") {
  const auto a = aws_set::from({"x", "y", "x"}).value();
  const auto b = aws_set::from({"y", "x"}).value();
  CHECK(a == b);
  CHECK_FALSE(a == aws_set::from({"x"}).value());
  CHECK(aws_set{}.insert("y").value().insert("x").value() == a);
}

TEST_CASE("iteration is in label order") {
  std::vector<int> input{9, 4, 7};
  const auto s = ss::basic_label_set<int, 10>::from(input).value();
  CHECK(std::vector<int>(s.begin(), s.end()) == std::vector<int>{4, 7, 9});
}

}  // namespace label_set_test
