// Secret-value hygiene in memory (issue 6, item 5): the storage of a value is overwritten with
// zeros when the last state (or response) that refers to it is destroyed, and not before.
// hooks.cpp copies the bytes of a watched block at the moment it is freed.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include <doctest/doctest.h>

#include <secretstage/secretstage.hpp>

#include "hooks.hpp"

namespace ss = secretstage;
namespace hook = secretstage::testing::alloc;

namespace {

std::string vid(int n) {
  const std::string digits = std::to_string(n);
  return "00000000-0000-4000-8000-" + std::string(12 - digits.size(), '0') + digits;
}

template <class R>
ss::store must(const ss::store& st, const R& request) {
  auto r = ss::apply(st, request, ss::context{});
  REQUIRE_MESSAGE(r.has_value(), (r ? std::string() : r.error().message));
  return std::move(r.value().state);
}

const ss::secret_value& value_of(const ss::store& st, const std::string& name, int version) {
  const auto* s = st.find(name);
  REQUIRE(s != nullptr);
  const auto* v = s->find_version(vid(version));
  REQUIRE(v != nullptr);
  REQUIRE(v->value() != nullptr);
  return *v->value();
}

void watch(const void* p, std::size_t n) {
  hook::watched = p;
  hook::watched_size = n;
  hook::watched_freed = false;
  hook::freed_bytes.clear();
}

bool all_zero() {
  for (unsigned char b : hook::freed_bytes)
    if (b != 0) return false;
  return !hook::freed_bytes.empty();
}

}  // namespace

TEST_CASE("a SecretString is zeroed when the last state holding it is destroyed") {
  // Longer than any small-string buffer, so the characters live in a block of their own.
  const std::string sentinel = "SENTINEL-" + std::string(200, 'q');
  std::optional<ss::store> first = must(
      ss::store{}, ss::create_secret{.name = "s", .client_request_token = vid(1), .secret_string = sentinel});
  const std::string* stored = value_of(*first, "s", 1).string();
  REQUIRE(stored != nullptr);
  REQUIRE(*stored == sentinel);
  watch(stored->data(), sentinel.size());

  // A later state and a GetSecretValue response share the value.
  std::optional<ss::store> second = must(*first, ss::put_secret_value{.secret_id = "s", .client_request_token = vid(2),
                                                                      .secret_string = "other"});
  std::optional<ss::get_secret_value_response> response;
  {
    auto read = ss::apply(*second, ss::get_secret_value{.secret_id = "s", .version_id = vid(1)},
                          ss::context{});
    REQUIRE(read.has_value());
    response = std::move(read.value().response);
  }  // the state inside the result is gone here
  REQUIRE(response->secret_string() == stored);

  first.reset();
  CHECK_FALSE(hook::watched_freed);
  second.reset();
  CHECK_FALSE(hook::watched_freed);  // the response still refers to it
  response.reset();
  REQUIRE(hook::watched_freed);
  CHECK(all_zero());
  hook::watched = nullptr;
}

TEST_CASE("a SecretBinary is zeroed when the last state holding it is destroyed") {
  ss::binary sentinel(256);
  for (std::size_t i = 0; i < sentinel.size(); ++i) sentinel[i] = static_cast<std::uint8_t>(i | 1);
  std::optional<ss::store> st = must(
      ss::store{}, ss::create_secret{.name = "b", .client_request_token = vid(1), .secret_binary = sentinel});
  const ss::binary* stored = value_of(*st, "b", 1).bytes();
  REQUIRE(stored != nullptr);
  REQUIRE(*stored == sentinel);
  watch(stored->data(), sentinel.size());

  // Deprecating and collecting are not destruction: the state still holds the version.
  *st = must(*st, ss::put_secret_value{.secret_id = "b", .client_request_token = vid(2), .secret_string = "x"});
  *st = must(*st, ss::put_secret_value{.secret_id = "b", .client_request_token = vid(3), .secret_string = "y"});
  CHECK_FALSE(hook::watched_freed);
  st.reset();
  REQUIRE(hook::watched_freed);
  CHECK(all_zero());
  hook::watched = nullptr;
}
