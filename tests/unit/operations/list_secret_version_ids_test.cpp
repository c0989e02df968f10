// operations/list_secret_version_ids.hpp: ListSecretVersionIds (docs/semantics.md
// #listsecretversionids, #deprecated-versions, trace T7). Expected messages are typed from the
// spec.
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <doctest/doctest.h>

#include <secretstage/detail/secret_builder.hpp>
#include <secretstage/invariants.hpp>
#include <secretstage/operations/create_secret.hpp>
#include <secretstage/operations/get_secret_value.hpp>
#include <secretstage/operations/list_secret_version_ids.hpp>
#include <secretstage/operations/put_secret_value.hpp>
#include <secretstage/operations/update_secret_version_stage.hpp>

#include "support/given.hpp"
#include "support/tiny_traits.hpp"

// Its own namespace: the batched build (SECRETSTAGE_FAST_TEST_BUILD) joins test files.
namespace list_secret_version_ids_test {

namespace ss = secretstage;
using ss::testing::vid;
using labels = std::vector<std::string>;

namespace {

const std::string not_found = "Secrets Manager can't find the specified secret.";
const std::string invalid_next_token = "The NextToken value is invalid.";  // [unverified] text
std::string at_most(const std::string& member, int n) {
  return "1 validation error detected: Value at '" + member +
         "' failed to satisfy constraint: Member must have length less than or equal to " +
         std::to_string(n);
}
std::string at_least(const std::string& member, int n) {
  return "1 validation error detected: Value at '" + member +
         "' failed to satisfy constraint: Member must have length greater than or equal to " +
         std::to_string(n);
}
std::string value_at_least(const std::string& member, long long value, long long n) {
  return "1 validation error detected: Value '" + std::to_string(value) + "' at '" + member +
         "' failed to satisfy constraint: Member must have value greater than or equal to " +
         std::to_string(n);
}
std::string value_at_most(const std::string& member, long long value, long long n) {
  return "1 validation error detected: Value '" + std::to_string(value) + "' at '" + member +
         "' failed to satisfy constraint: Member must have value less than or equal to " +
         std::to_string(n);
}

const std::string v1 = vid(1), v2 = vid(2), v3 = vid(3), v4 = vid(4), v5 = vid(5);
const std::string C = "AWSCURRENT", P = "AWSPREVIOUS", N = "AWSPENDING";

constexpr std::int64_t day0 = 1'699'920'000;  // midnight UTC
constexpr std::int64_t hour = 3600, day = 86'400;

ss::context at(std::int64_t seconds) {
  ss::context c;
  c.now = ss::timestamp::from_seconds(seconds);
  return c;
}
ss::timestamp ts(std::int64_t seconds) { return ss::timestamp::from_seconds(seconds); }

template <class Request>
auto run(const ss::store& st, const Request& r, const ss::context& ctx = at(day0)) {
  return ss::testing::step(st, r, ctx);
}
template <class Request>
ss::error refused(const ss::store& st, const Request& r, const ss::context& ctx = at(day0)) {
  return ss::testing::fail(st, r, ctx);
}

ss::put_secret_value put(const std::string& id, std::optional<labels> stages = std::nullopt,
                         std::string secret = "app") {
  return {.secret_id = std::move(secret), .client_request_token = id, .secret_string = "value of " + id,
          .version_stages = std::move(stages)};
}
ss::update_secret_version_stage uvs(std::string label, std::optional<std::string> from,
                                    std::optional<std::string> to) {
  return {.secret_id = "app", .version_stage = std::move(label),
          .remove_from_version_id = std::move(from), .move_to_version_id = std::move(to)};
}
ss::list_secret_version_ids listing(bool include_deprecated = false, std::optional<int> max = std::nullopt,
                                    std::optional<std::string> token = std::nullopt, std::string secret = "app") {
  return {.secret_id = std::move(secret), .max_results = max, .next_token = std::move(token),
          .include_deprecated = include_deprecated ? std::optional<bool>(true) : std::nullopt};
}

/// A pure query: the same store comes back.
ss::list_secret_version_ids_response list(const ss::store& st, const ss::list_secret_version_ids& r) {
  auto t = run(st, r);
  CHECK(t.state == st);
  return t.response;
}

/// Trace T7: Create then three default puts, one day apart.
ss::store t7() {
  ss::store st;
  st = run(st, ss::create_secret{.name = "app", .client_request_token = v1, .secret_string = "s1"}, at(day0 - 4 * day)).state;
  st = run(st, put(v2), at(day0 - 3 * day)).state;
  st = run(st, put(v3), at(day0 - 2 * day)).state;
  return run(st, put(v4), at(day0 - day)).state;
}

using rows = std::vector<std::pair<std::string, std::set<std::string>>>;
rows as_rows(const std::vector<ss::secret_versions_list_entry>& versions) {
  rows out;
  for (const auto& v : versions) out.emplace_back(v.version_id, std::set<std::string>(v.version_stages.begin(), v.version_stages.end()));
  return out;
}

/// Every page of a listing with MaxResults = max, concatenated; checks each page's size and that
/// only the last has no NextToken.
std::vector<ss::secret_versions_list_entry> all_pages(const ss::store& st, ss::list_secret_version_ids r, int max) {
  r.max_results = max;
  r.next_token.reset();
  std::vector<ss::secret_versions_list_entry> out;
  for (int pages = 0; pages < 1000; ++pages) {
    const auto page = list(st, r);
    out.insert(out.end(), page.versions.begin(), page.versions.end());
    if (!page.next_token) {
      CHECK(page.versions.size() <= static_cast<std::size_t>(max));
      return out;
    }
    CHECK(page.versions.size() == static_cast<std::size_t>(max));
    r.next_token = page.next_token;
  }
  FAIL("the listing never ended");
  return out;
}

}  // namespace

TEST_CASE("trace T7: deprecated versions are left out by default and listed, without labels, on request") {
  const auto st = t7();
  const auto r = list(st, listing());
  CHECK(as_rows(r.versions) == rows{{v4, {C}}, {v3, {P}}});
  CHECK(r.arn == st.find("app")->arn());
  CHECK(r.name == "app");
  CHECK_FALSE(r.next_token.has_value());
  const auto all = list(st, listing(true));
  CHECK(as_rows(all.versions) == rows{{v4, {C}}, {v3, {P}}, {v2, {}}, {v1, {}}});
  SUBCASE("IncludeDeprecated=false is the default") {
    CHECK(list(st, ss::list_secret_version_ids{.secret_id = "app", .include_deprecated = false}) == r);
  }
}

TEST_CASE("order: newest first, by creation, whatever the labels") {
  auto st = t7();
  st = run(st, uvs(C, v4, v1)).state;  // v1 current again, v4 previous; creation order is unchanged
  CHECK(as_rows(list(st, listing(true)).versions) == rows{{v4, {P}}, {v3, {}}, {v2, {}}, {v1, {C}}});
}

TEST_CASE("entries: CreatedDate, LastAccessedDate (day of the last read of that version), KmsKeyIds") {
  auto st = t7();
  st = run(st, ss::get_secret_value{.secret_id = "app", .version_id = v2}, at(day0 + 15 * hour)).state;
  const auto r = list(st, listing(true));
  REQUIRE(r.versions.size() == 4);
  CHECK(r.versions[0].created_date == ts(day0 - day));
  CHECK(r.versions[3].created_date == ts(day0 - 4 * day));
  CHECK(r.versions[2].version_id == v2);
  CHECK(r.versions[2].last_accessed_date == ts(day0));
  CHECK_FALSE(r.versions[0].last_accessed_date.has_value());
  for (const auto& v : r.versions) CHECK(v.kms_key_ids == std::vector<std::string>{"DefaultEncryptionKey"});
  SUBCASE("a customer key is reported as the secret's KmsKeyId") {
    ss::store k;
    k = run(k, ss::create_secret{.name = "app", .client_request_token = v1, .kms_key_id = "alias/mine", .secret_string = "x"}).state;
    CHECK(list(k, listing()).versions.at(0).kms_key_ids == std::vector<std::string>{"alias/mine"});
  }
}

TEST_CASE("the value-less rotation placeholder is listed with AWSPENDING; a secret without versions lists none") {
  ss::store st;
  st = run(st, ss::create_secret{.name = "app"}).state;
  CHECK(list(st, listing(true)).versions.empty());
  ss::detail::secret_builder<ss::aws_traits> b(*st.find("app"));
  const auto* v = b.put_version(ss::detail::make_ref<const ss::version>(v5, nullptr, ts(day0), b.take_sequence()));
  b.attach(N, v);
  st = st.put(std::move(b).finish().value());
  CHECK(as_rows(list(st, listing()).versions) == rows{{v5, {N}}});
}

TEST_CASE("a secret scheduled for deletion is listed too") {
  const auto live = t7();
  ss::detail::secret_builder<ss::aws_traits> b(*live.find("app"));
  b.set_deleted(ts(day0 + 30 * day));
  const auto st = live.put(std::move(b).finish().value());
  CHECK(as_rows(list(st, listing()).versions) == rows{{v4, {C}}, {v3, {P}}});
}

TEST_CASE("pagination: for every MaxResults, the pages concatenated are the full listing") {
  auto st = t7();
  st = run(st, put(v5, labels{"L1"})).state;
  for (int i = 6; i <= 9; ++i) st = run(st, put(vid(i), i % 2 == 0 ? std::optional<labels>() : labels{"L" + std::to_string(i)})).state;
  for (bool deprecated : {false, true}) {
    const auto full = list(st, listing(deprecated)).versions;
    REQUIRE_FALSE(full.empty());
    for (int max = 1; max <= static_cast<int>(full.size()) + 1; ++max) {
      CAPTURE(deprecated);
      CAPTURE(max);
      CHECK(all_pages(st, listing(deprecated), max) == full);
    }
  }
}

TEST_CASE("pagination at the cap: 105 versions, MaxResults 100, give pages of 100 and 5") {
  ss::store st;
  st = run(st, ss::create_secret{.name = "app", .client_request_token = vid(1), .secret_string = "s"}).state;
  for (int i = 2; i <= 105; ++i) st = run(st, put(vid(i))).state;
  const auto first = list(st, listing(true, 100));
  CHECK(first.versions.size() == 100);
  CHECK(first.versions.front().version_id == vid(105));
  REQUIRE(first.next_token.has_value());
  const auto second = list(st, listing(true, 100, first.next_token));
  CHECK(second.versions.size() == 5);
  CHECK(second.versions.back().version_id == vid(1));
  CHECK_FALSE(second.next_token.has_value());
  CHECK(list(st, listing(true)).versions.size() == 105);
}

TEST_CASE("NextToken is deterministic and names the version it resumes at") {
  const auto st = t7();
  const auto page = list(st, listing(true, 1));
  REQUIRE(page.next_token.has_value());
  CHECK(list(st, listing(true, 1)).next_token == page.next_token);
  CHECK(list(t7(), listing(true, 1)).next_token == page.next_token);  // an equal store, built again
  SUBCASE("a version created between two pages does not shift the next page") {
    const auto later = run(st, put(v5), at(day0)).state;
    const auto next = list(later, listing(true, 1, page.next_token));
    CHECK(as_rows(next.versions) == rows{{v3, {}}});
    const auto after = list(later, listing(true, 10, next.next_token));
    CHECK(as_rows(after.versions) == rows{{v2, {}}, {v1, {}}});
  }
  SUBCASE("a page size can change between pages") {
    const auto rest = list(st, listing(true, 10, page.next_token));
    CHECK(as_rows(rest.versions) == rows{{v3, {P}}, {v2, {}}, {v1, {}}});
  }
}

TEST_CASE("a NextToken that was not issued by this listing, or no longer fits it: InvalidNextTokenException") {
  const auto st = t7();
  CHECK_ERROR(refused(st, listing(false, 1, "abc")), "InvalidNextTokenException", invalid_next_token);
  SUBCASE("a token naming a deprecated version, reused without IncludeDeprecated") {
    const auto page = list(st, listing(true, 2));
    REQUIRE(as_rows(page.versions) == rows{{v4, {C}}, {v3, {P}}});
    CHECK_ERROR(refused(st, listing(false, 2, page.next_token)), "InvalidNextTokenException", invalid_next_token);
  }
  SUBCASE("a token whose version has become deprecated since") {
    auto s = run(st, uvs("L1", std::nullopt, v2)).state;
    const auto page = list(s, listing(false, 2));
    REQUIRE(as_rows(page.versions) == rows{{v4, {C}}, {v3, {P}}});
    s = run(s, uvs("L1", v2, std::nullopt)).state;
    CHECK_ERROR(refused(s, listing(false, 2, page.next_token)), "InvalidNextTokenException", invalid_next_token);
    CHECK(as_rows(list(s, listing(true, 2, page.next_token)).versions) == rows{{v2, {}}, {v1, {}}});
  }
  SUBCASE("a token from another secret's listing") {
    auto two = run(st, ss::create_secret{.name = "other", .client_request_token = v1, .secret_string = "o"}).state;
    two = run(two, put(v2, std::nullopt, "other")).state;
    const auto page = list(two, listing(true, 1, std::nullopt, "other"));
    REQUIRE(page.next_token.has_value());
    CHECK_ERROR(refused(two, listing(true, 1, page.next_token)), "InvalidNextTokenException", invalid_next_token);
  }
  SUBCASE("an issued token with one character changed") {
    auto token = *list(st, listing(true, 1)).next_token;
    token.back() = token.back() == '0' ? '1' : '0';
    CHECK_ERROR(refused(st, listing(true, 1, token)), "InvalidNextTokenException", invalid_next_token);
  }
}

TEST_CASE("request shape: SecretId, MaxResults 1–100, NextToken 1–4096, in that order, before resolution") {
  const auto st = t7();
  CHECK_ERROR(refused(st, listing(false, 0)), "ValidationException", value_at_least("maxResults", 0, 1));
  CHECK_ERROR(refused(st, listing(false, -3)), "ValidationException", value_at_least("maxResults", -3, 1));
  CHECK_ERROR(refused(st, listing(false, 101)), "ValidationException", value_at_most("maxResults", 101, 100));
  CHECK_ERROR(refused(st, listing(false, 1, "")), "ValidationException", at_least("nextToken", 1));
  CHECK_ERROR(refused(st, listing(false, 1, std::string(4097, 'a'))), "ValidationException", at_most("nextToken", 4096));
  CHECK_ERROR(refused(st, listing(false, std::nullopt, std::nullopt, "")), "ValidationException", at_least("secretId", 1));
  CHECK_ERROR(refused(st, listing(false, 0, "", "")), "ValidationException", at_least("secretId", 1));
  CHECK_ERROR(refused(st, listing(false, 0, "", "nosuch")), "ValidationException", value_at_least("maxResults", 0, 1));
  CHECK_ERROR(refused(st, listing(false, 1, "", "nosuch")), "ValidationException", at_least("nextToken", 1));
  CHECK_ERROR(refused(st, listing(false, 1, "abc", "nosuch")), "ResourceNotFoundException", not_found);
  CHECK(list(st, listing(false, 100)).versions.size() == 2);
  CHECK(list(st, listing(false, 1)).versions.size() == 1);
}

TEST_CASE("SecretId resolution: ARN and partial ARN; unknown is ResourceNotFoundException") {
  const auto st = t7();
  const std::string arn(st.find("app")->arn().view());
  CHECK(list(st, listing(false, std::nullopt, std::nullopt, arn)).versions.size() == 2);
  CHECK(list(st, listing(false, std::nullopt, std::nullopt, arn.substr(0, arn.size() - 7))).versions.size() == 2);
  CHECK_ERROR(refused(st, listing(false, std::nullopt, std::nullopt, "nope")), "ResourceNotFoundException", not_found);
}

TEST_CASE("the same query on the secret itself, and for a domain without reserved labels") {
  const auto st = t7();
  const auto t = ss::testing::step(*st.find("app"), listing(true));
  CHECK(t.state == *st.find("app"));
  CHECK(t.response == list(st, listing(true)));

  using T = ss::testing::tiny_traits;
  ss::basic_context<T> ctx;
  auto made = apply(ss::basic_store<T>{}, ss::basic_create_secret<T>{.name = "t", .client_request_token = 1, .secret_string = "x"}, ctx);
  REQUIRE(made.has_value());
  auto two = apply(made.value().state, ss::basic_put_secret_value<T>{.secret_id = "t", .client_request_token = 2, .secret_string = "y", .version_stages = std::vector<char>{'a'}}, ctx);
  REQUIRE(two.has_value());
  const auto& tst = two.value().state;
  auto labelled = apply(tst, ss::basic_list_secret_version_ids<T>{.secret_id = "t"}, ctx);
  REQUIRE(labelled.has_value());
  REQUIRE(labelled.value().response.versions.size() == 1);
  CHECK(labelled.value().response.versions[0].version_id == 2);
  auto page = apply(tst, ss::basic_list_secret_version_ids<T>{.secret_id = "t", .max_results = 1, .include_deprecated = true}, ctx);
  REQUIRE(page.has_value());
  CHECK(page.value().response.versions[0].version_id == 2);
  REQUIRE(page.value().response.next_token.has_value());
  auto rest = apply(tst, ss::basic_list_secret_version_ids<T>{.secret_id = "t", .max_results = 1, .next_token = page.value().response.next_token, .include_deprecated = true}, ctx);
  REQUIRE(rest.has_value());
  CHECK(rest.value().response.versions[0].version_id == 1);
  CHECK(rest.value().response.versions[0].version_stages.empty());
  CHECK_FALSE(rest.value().response.next_token.has_value());
}

}  // namespace list_secret_version_ids_test
