// operations/get_random_password.hpp: GetRandomPassword (API reference: PasswordLength 1–4096,
// default 32; ExcludeCharacters 0–4096; the Exclude* switches; IncludeSpace; RequireEachIncludedType).
#include <algorithm>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <doctest/doctest.h>

#include <secretstage/operations/get_random_password.hpp>

#include "support/given.hpp"

// Its own namespace: the batched build (SECRETSTAGE_FAST_TEST_BUILD) joins test files.
namespace get_random_password_test {

namespace ss = secretstage;

namespace {

// The punctuation of the API's ExcludePunctuation doc, typed from it:
// ! " # $ % & ' ( ) * + , - . / : ; < = > ? @ [ \ ] ^ _ ` { | } ~
const std::string punctuation = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
const std::string upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const std::string lower = "abcdefghijklmnopqrstuvwxyz";
const std::string digits = "0123456789";

// [unverified] texts (no AWS recording; the project's ruling).
const std::string no_characters = "The password cannot be generated because every character type was excluded.";
const std::string too_short = "The password length is too short to include a character of each required type.";

ss::context seeded(std::uint64_t seed) {
  ss::context c;
  c.entropy = seed;
  return c;
}

std::string draw(const ss::get_random_password& r, std::uint64_t seed) {
  auto res = apply(r, seeded(seed));
  REQUIRE_MESSAGE(res.has_value(), (res.has_value() ? std::string() : res.error().message));
  return res.value().random_password;
}

ss::error draw_fails(const ss::get_random_password& r, std::uint64_t seed = 1) {
  auto res = apply(r, seeded(seed));
  REQUIRE_FALSE(res.has_value());
  return res.error();
}

bool has_any(std::string_view pw, std::string_view set) {
  return std::any_of(pw.begin(), pw.end(), [&](char c) { return set.find(c) != std::string_view::npos; });
}
bool only_from(std::string_view pw, std::string_view set) {
  return std::all_of(pw.begin(), pw.end(), [&](char c) { return set.find(c) != std::string_view::npos; });
}
std::size_t count_of(std::string_view pw, std::string_view set) {
  return static_cast<std::size_t>(
      std::count_if(pw.begin(), pw.end(), [&](char c) { return set.find(c) != std::string_view::npos; }));
}

constexpr std::uint64_t seeds = 300;

}  // namespace

TEST_CASE("the punctuation set is AWS's 32 documented characters") {
  CHECK(punctuation.size() == 32);
  std::set<char> seen;
  const auto pw = draw({.password_length = 4096, .exclude_numbers = true, .exclude_uppercase = true,
                        .exclude_lowercase = true},
                       7);
  seen.insert(pw.begin(), pw.end());
  CHECK(seen == std::set<char>(punctuation.begin(), punctuation.end()));
}

TEST_CASE("default request: 32 characters, every type present, no space") {
  for (std::uint64_t seed = 0; seed < seeds; ++seed) {
    CAPTURE(seed);
    const auto pw = draw({}, seed);
    CHECK(pw.size() == 32);
    CHECK(has_any(pw, upper));
    CHECK(has_any(pw, lower));
    CHECK(has_any(pw, digits));
    CHECK(has_any(pw, punctuation));
    CHECK(only_from(pw, upper + lower + digits + punctuation));
  }
}

TEST_CASE("PasswordLength: 1–4096") {
  CHECK(draw({.password_length = 1, .require_each_included_type = false}, 3).size() == 1);
  CHECK(draw({.password_length = 4}, 3).size() == 4);
  CHECK(draw({.password_length = 4096}, 3).size() == 4096);
  CHECK(draw({.password_length = 100}, 3).size() == 100);
  CHECK_AWS_ERROR(draw_fails({.password_length = 0}), ss::errc::validation,
                  "1 validation error detected: Value '0' at 'passwordLength' failed to satisfy constraint: "
                  "Member must have value greater than or equal to 1");
  CHECK_AWS_ERROR(draw_fails({.password_length = -5}), ss::errc::validation,
                  "1 validation error detected: Value '-5' at 'passwordLength' failed to satisfy constraint: "
                  "Member must have value greater than or equal to 1");
  CHECK_AWS_ERROR(draw_fails({.password_length = 4097}), ss::errc::validation,
                  "1 validation error detected: Value '4097' at 'passwordLength' failed to satisfy constraint: "
                  "Member must have value less than or equal to 4096");
}

TEST_CASE("ExcludeCharacters: 0–4096 characters, each one never appears") {
  const std::string excluded = "aeiouAEIOU0123!@#";
  for (std::uint64_t seed = 0; seed < seeds; ++seed) {
    CAPTURE(seed);
    const auto pw = draw({.password_length = 64, .exclude_characters = excluded}, seed);
    CHECK(pw.size() == 64);
    CHECK_FALSE(has_any(pw, excluded));
  }
  CHECK(draw({.exclude_characters = ""}, 1).size() == 32);
  CHECK(draw({.exclude_characters = std::string(4096, 'a')}, 1).size() == 32);
  CHECK_AWS_ERROR(draw_fails({.exclude_characters = std::string(4097, 'a')}), ss::errc::validation,
                  "1 validation error detected: Value at 'excludeCharacters' failed to satisfy constraint: "
                  "Member must have length less than or equal to 4096");
  SUBCASE("PasswordLength is checked first") {
    CHECK_AWS_ERROR(draw_fails({.password_length = 0, .exclude_characters = std::string(4097, 'a')}),
                    ss::errc::validation,
                    "1 validation error detected: Value '0' at 'passwordLength' failed to satisfy constraint: "
                    "Member must have value greater than or equal to 1");
  }
}

TEST_CASE("each Exclude switch is honoured, and the other types still appear") {
  struct row {
    const char* name;
    ss::get_random_password request;
    std::string excluded;
    std::vector<std::string> required;
  };
  const std::vector<row> rows = {
      {"numbers", {.exclude_numbers = true}, digits, {upper, lower, punctuation}},
      {"punctuation", {.exclude_punctuation = true}, punctuation, {upper, lower, digits}},
      {"uppercase", {.exclude_uppercase = true}, upper, {lower, digits, punctuation}},
      {"lowercase", {.exclude_lowercase = true}, lower, {upper, digits, punctuation}},
  };
  for (const auto& r : rows) {
    CAPTURE(r.name);
    for (std::uint64_t seed = 0; seed < seeds; ++seed) {
      CAPTURE(seed);
      const auto pw = draw(r.request, seed);
      CHECK(pw.size() == 32);
      CHECK_FALSE(has_any(pw, r.excluded));
      CHECK_FALSE(has_any(pw, " "));
      for (const auto& t : r.required) CHECK(has_any(pw, t));
    }
  }
}

TEST_CASE("IncludeSpace: the space may appear only when asked for") {
  bool space_seen = false;
  for (std::uint64_t seed = 0; seed < seeds; ++seed) {
    CAPTURE(seed);
    CHECK_FALSE(has_any(draw({.password_length = 200}, seed), " "));
    const auto pw = draw({.password_length = 200, .include_space = true}, seed);
    space_seen = space_seen || has_any(pw, " ");
    CHECK(only_from(pw, upper + lower + digits + punctuation + " "));
  }
  CHECK(space_seen);
  SUBCASE("ExcludeCharacters overrides IncludeSpace") {
    for (std::uint64_t seed = 0; seed < 50; ++seed)
      CHECK_FALSE(has_any(draw({.password_length = 200, .exclude_characters = " ", .include_space = true}, seed), " "));
  }
  SUBCASE("the space is not a required type: only the space allowed gives spaces") {
    CHECK(draw({.password_length = 3, .exclude_numbers = true, .exclude_punctuation = true,
                .exclude_uppercase = true, .exclude_lowercase = true, .include_space = true},
               1) == "   ");
  }
}

TEST_CASE("RequireEachIncludedType: each included type appears, even at the shortest length") {
  for (std::uint64_t seed = 0; seed < 2000; ++seed) {
    CAPTURE(seed);
    const auto pw = draw({.password_length = 4}, seed);
    CHECK(count_of(pw, upper) == 1);
    CHECK(count_of(pw, lower) == 1);
    CHECK(count_of(pw, digits) == 1);
    CHECK(count_of(pw, punctuation) == 1);
    const auto pw3 = draw({.password_length = 3, .exclude_punctuation = true}, seed);
    CHECK(count_of(pw3, upper) == 1);
    CHECK(count_of(pw3, lower) == 1);
    CHECK(count_of(pw3, digits) == 1);
  }
  SUBCASE("a type emptied by ExcludeCharacters is not required") {
    for (std::uint64_t seed = 0; seed < seeds; ++seed) {
      const auto pw = draw({.password_length = 3, .exclude_characters = digits}, seed);
      CHECK(count_of(pw, upper) == 1);
      CHECK(count_of(pw, lower) == 1);
      CHECK(count_of(pw, punctuation) == 1);
    }
  }
  SUBCASE("a type cut down by ExcludeCharacters is still required, from what is left") {
    for (std::uint64_t seed = 0; seed < seeds; ++seed) {
      const auto pw = draw({.password_length = 4, .exclude_characters = "012345678"}, seed);
      CHECK(count_of(pw, "9") == 1);
    }
  }
}

TEST_CASE("RequireEachIncludedType=false: types are not forced") {
  bool some_type_missing = false;
  for (std::uint64_t seed = 0; seed < seeds; ++seed) {
    const auto pw = draw({.password_length = 4, .require_each_included_type = false}, seed);
    CHECK(pw.size() == 4);
    some_type_missing = some_type_missing || !has_any(pw, upper) || !has_any(pw, lower) || !has_any(pw, digits) ||
                        !has_any(pw, punctuation);
  }
  CHECK(some_type_missing);
  CHECK(draw({.password_length = 1, .require_each_included_type = false}, 9).size() == 1);
}

TEST_CASE("impossible combinations [unverified messages]") {
  SUBCASE("every type excluded") {
    CHECK_AWS_ERROR(draw_fails({.exclude_numbers = true, .exclude_punctuation = true, .exclude_uppercase = true,
                                .exclude_lowercase = true}),
                    ss::errc::invalid_parameter, no_characters);
    CHECK_AWS_ERROR(draw_fails({.exclude_numbers = true, .exclude_punctuation = true, .exclude_uppercase = true,
                                .exclude_lowercase = true, .require_each_included_type = false}),
                    ss::errc::invalid_parameter, no_characters);
  }
  SUBCASE("every character excluded by ExcludeCharacters") {
    CHECK_AWS_ERROR(draw_fails({.exclude_characters = upper + lower + digits + punctuation}),
                    ss::errc::invalid_parameter, no_characters);
    CHECK_AWS_ERROR(draw_fails({.exclude_characters = upper + lower + digits + punctuation + " ",
                                .include_space = true}),
                    ss::errc::invalid_parameter, no_characters);
  }
  SUBCASE("shorter than the number of required types") {
    CHECK_AWS_ERROR(draw_fails({.password_length = 3}), ss::errc::invalid_parameter, too_short);
    CHECK_AWS_ERROR(draw_fails({.password_length = 1}), ss::errc::invalid_parameter, too_short);
    CHECK_AWS_ERROR(draw_fails({.password_length = 2, .exclude_numbers = true}), ss::errc::invalid_parameter,
                    too_short);
    CHECK(draw({.password_length = 2, .exclude_numbers = true, .exclude_punctuation = true}, 1).size() == 2);
  }
  SUBCASE("no characters wins over too short") {
    CHECK_AWS_ERROR(draw_fails({.password_length = 1, .exclude_characters = upper + lower + digits + punctuation}),
                    ss::errc::invalid_parameter, no_characters);
  }
}

TEST_CASE("determinism: the same seed gives the same password, distinct seeds distinct ones") {
  const ss::get_random_password r{.password_length = 20, .include_space = true};
  std::set<std::string> seen;
  for (std::uint64_t seed = 0; seed < 500; ++seed) {
    const auto a = draw(r, seed);
    CHECK(draw(r, seed) == a);
    seen.insert(a);
  }
  CHECK(seen.size() == 500);
  CHECK(draw({}, 0xdeadbeef) == draw({}, 0xdeadbeef));
  CHECK(draw({}, 1) != draw({}, 2));
  SUBCASE("nothing but the entropy matters: other context fields do not change the draw") {
    ss::context c = seeded(42);
    c.now = ss::timestamp{123456};
    c.region = "eu-west-1";
    auto res = apply(ss::get_random_password{}, c);
    REQUIRE(res.has_value());
    CHECK(res.value().random_password == draw({}, 42));
  }
}

TEST_CASE("GetRandomPassword in a store leaves the store unchanged") {
  ss::store st;
  auto made = apply(st, ss::create_secret{.name = "app"}, ss::context{});
  REQUIRE(made.has_value());
  st = made.value().state;
  auto res = apply(st, ss::get_random_password{.password_length = 12}, seeded(5));
  REQUIRE(res.has_value());
  CHECK(res.value().state == st);
  CHECK(res.value().response.random_password == draw({.password_length = 12}, 5));
  auto bad = apply(st, ss::get_random_password{.password_length = 0}, seeded(5));
  CHECK_FALSE(bad.has_value());
}

}  // namespace get_random_password_test
