// operations/list_secrets.hpp and detail/filters.hpp: ListSecrets (docs/semantics.md#listsecrets,
// #reads; the API reference's Filter page). Expected messages are typed from the spec.
#include <cstddef>
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
#include <secretstage/operations/describe_secret.hpp>
#include <secretstage/operations/get_secret_value.hpp>
#include <secretstage/operations/list_secrets.hpp>
#include <secretstage/operations/put_secret_value.hpp>

#include "support/given.hpp"
#include "support/tiny_traits.hpp"

// Its own namespace: the batched build (SECRETSTAGE_FAST_TEST_BUILD) joins test files.
namespace list_secrets_test {

namespace ss = secretstage;
using ss::filter_key;
using ss::testing::vid;
using names = std::vector<std::string>;

namespace {

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
std::string pattern(const std::string& member, const std::string& value) {
  return "1 validation error detected: Value '" + value + "' at '" + member +
         "' failed to satisfy constraint: Member must satisfy regular expression pattern: "
         "^\\!?[a-zA-Z0-9 :_@\\/\\+\\=\\.\\-\\!]*$";
}

const std::string C = "AWSCURRENT", P = "AWSPREVIOUS";
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

/// A pure query: the same store comes back.
ss::list_secrets_response list(const ss::store& st, const ss::list_secrets& r = {}) {
  auto t = run(st, r);
  CHECK(t.state == st);
  return t.response;
}
names names_of(const std::vector<ss::secret_list_entry>& entries) {
  names out;
  for (const auto& e : entries) out.emplace_back(e.name.view());
  return out;
}
names listed(const ss::store& st, std::vector<ss::filter> filters) {
  return names_of(list(st, {.filters = std::move(filters)}).secret_list);
}

ss::store scheduled_for_deletion(const ss::store& st, const std::string& name) {
  ss::detail::secret_builder<ss::aws_traits> b(*st.find(name));
  b.set_deleted(ts(day0 + 30 * day));
  return st.put(std::move(b).finish().value());
}

/// Secrets created an hour apart (same-a and same-b in the same second); "gone" first, and
/// scheduled for deletion.
ss::store sample() {
  ss::store st;
  auto create = [&](std::int64_t hours, ss::create_secret c) { st = run(st, c, at(day0 + hours * hour)).state; };
  create(0, {.name = "gone", .client_request_token = vid(100), .secret_string = "g"});
  create(1, {.name = "prod/db", .client_request_token = vid(1), .description = "Database creds for prod",
             .secret_string = "x", .tags = std::vector<ss::tag>{{"team", "payments"}, {"env", "prod"}}});
  create(2, {.name = "production"});
  create(3, {.name = "Prod-x", .description = "data lake", .tags = std::vector<ss::tag>{{"Team", "x"}}});
  create(4, {.name = "my-prod", .client_request_token = vid(4), .description = "DATA warehouse",
             .secret_string = "y", .tags = std::vector<ss::tag>{{"env", "dev"}}});
  create(5, {.name = "dev/MyDatabaseSecret", .description = "credsDatabase#892 for tests",
             .tags = std::vector<ss::tag>{{"owner", "alice"}}});
  create(6, {.name = "same-b"});
  create(6, {.name = "same-a"});
  return scheduled_for_deletion(st, "gone");
}
const names live_in_order = {"prod/db", "production", "Prod-x", "my-prod", "dev/MyDatabaseSecret", "same-a", "same-b"};

std::vector<ss::secret_list_entry> all_pages(const ss::store& st, ss::list_secrets r, int max) {
  r.max_results = max;
  r.next_token.reset();
  std::vector<ss::secret_list_entry> out;
  for (int pages = 0; pages < 1000; ++pages) {
    const auto page = list(st, r);
    out.insert(out.end(), page.secret_list.begin(), page.secret_list.end());
    if (!page.next_token) {
      CHECK(page.secret_list.size() <= static_cast<std::size_t>(max));
      return out;
    }
    CHECK(page.secret_list.size() == static_cast<std::size_t>(max));
    r.next_token = page.next_token;
  }
  FAIL("the listing never ended");
  return out;
}

}  // namespace

TEST_CASE("every live secret, by CreatedDate ascending (ties by Name); scheduled ones only on request") {
  const auto st = sample();
  const auto r = list(st);
  CHECK(names_of(r.secret_list) == live_in_order);
  CHECK_FALSE(r.next_token.has_value());
  SUBCASE("SortOrder asc is the default; desc reverses the whole order") {
    CHECK(list(st, {.sort_order = ss::sort_order::asc}) == r);
    names reversed(live_in_order.rbegin(), live_in_order.rend());
    CHECK(names_of(list(st, {.sort_order = ss::sort_order::desc}).secret_list) == reversed);
  }
  SUBCASE("IncludePlannedDeletion shows the scheduled secret, with its DeletedDate") {
    const auto all = list(st, {.include_planned_deletion = true});
    REQUIRE(all.secret_list.size() == 8);
    CHECK(all.secret_list[0].name == "gone");
    CHECK(all.secret_list[0].deleted_date == ts(day0 + 30 * day));
    CHECK_FALSE(all.secret_list[1].deleted_date.has_value());
    CHECK(list(st, {.include_planned_deletion = false}) == r);
  }
  SUBCASE("an empty store lists nothing") {
    CHECK(list(ss::store{}).secret_list.empty());
  }
}

TEST_CASE("each entry carries DescribeSecret's members; SecretVersionsToStages lists labelled versions only") {
  auto st = sample();
  st = run(st, ss::put_secret_value{.secret_id = "prod/db", .client_request_token = vid(2), .secret_string = "x2"},
           at(day0 + day)).state;
  st = run(st, ss::put_secret_value{.secret_id = "prod/db", .client_request_token = vid(3), .secret_string = "x3"},
           at(day0 + day + 1)).state;
  st = run(st, ss::get_secret_value{.secret_id = "my-prod"}, at(day0 + 2 * day + 5 * hour)).state;
  for (const auto& e : list(st, {.include_planned_deletion = true}).secret_list) {
    CAPTURE(e.name.view());
    const auto d = run(st, ss::describe_secret{.secret_id = e.name.str()}).response;
    CHECK(e.arn == d.arn);
    CHECK(e.name == d.name);
    CHECK(e.description == d.description);
    CHECK(e.kms_key_id == d.kms_key_id);
    CHECK(e.rotation_enabled == d.rotation_enabled);
    CHECK(e.rotation_lambda_arn == d.rotation_lambda_arn);
    CHECK(e.rotation_rules == d.rotation_rules);
    CHECK(e.last_rotated_date == d.last_rotated_date);
    CHECK(e.last_changed_date == d.last_changed_date);
    CHECK(e.last_accessed_date == d.last_accessed_date);
    CHECK(e.deleted_date == d.deleted_date);
    CHECK(e.next_rotation_date == d.next_rotation_date);
    CHECK(e.tags == d.tags);
    CHECK(e.secret_versions_to_stages == d.version_ids_to_stages);
    CHECK(e.created_date == d.created_date);
  }
  const auto entries = list(st).secret_list;
  const auto& prod = entries.at(0);
  REQUIRE(prod.name == "prod/db");
  REQUIRE(prod.secret_versions_to_stages.size() == 2);  // vid(1) is deprecated
  CHECK(prod.secret_versions_to_stages[0].version_id == vid(2));
  CHECK(prod.secret_versions_to_stages[0].version_stages.contains(P));
  CHECK(prod.secret_versions_to_stages[1].version_id == vid(3));
  CHECK(prod.secret_versions_to_stages[1].version_stages.contains(C));
  CHECK(prod.description == std::optional<std::string>("Database creds for prod"));
  CHECK(prod.tags == std::vector<ss::tag>{{"team", "payments"}, {"env", "prod"}});
  CHECK_FALSE(entries.at(1).tags.has_value());  // never tagged
  CHECK(prod.created_date == ts(day0 + hour));
  CHECK(entries.at(1).name == "production");
  CHECK(entries.at(1).secret_versions_to_stages.empty());
  CHECK_FALSE(entries.at(1).description.has_value());
  CHECK(entries.at(3).name == "my-prod");
  CHECK(entries.at(3).last_accessed_date == ts(day0 + 2 * day));
}

TEST_CASE("filter name: prefix, case-sensitive") {
  const auto st = sample();
  CHECK(listed(st, {{filter_key::name, {"prod"}}}) == names{"prod/db", "production"});
  CHECK(listed(st, {{filter_key::name, {"Prod"}}}) == names{"Prod-x"});
  CHECK(listed(st, {{filter_key::name, {"production"}}}) == names{"production"});
  CHECK(listed(st, {{filter_key::name, {"productions"}}}).empty());
  CHECK(listed(st, {{filter_key::name, {""}}}) == live_in_order);
  CHECK(listed(st, {{filter_key::name, {"gone"}}}).empty());  // scheduled for deletion
  CHECK(names_of(list(st, {.include_planned_deletion = true, .filters = std::vector<ss::filter>{{filter_key::name, {"gone"}}}}).secret_list) ==
        names{"gone"});
}

// The description filter matches words (User Guide, "Find secrets": "My Description" matches
// "Description of my secret"), each value word a prefix of a description word (AWS answered "a"
// with "asecret"), not case-sensitive.
TEST_CASE("filter description: every value word begins a word of the description, any order, not case-sensitive") {
  const auto st = sample();
  CHECK(listed(st, {{filter_key::description, {"data"}}}) == names{"prod/db", "Prod-x", "my-prod"});
  CHECK(listed(st, {{filter_key::description, {"DATA L"}}}) == names{"Prod-x"});
  CHECK(listed(st, {{filter_key::description, {"creds"}}}) == names{"prod/db", "dev/MyDatabaseSecret"});
  CHECK(listed(st, {{filter_key::description, {"lake"}}}) == names{"Prod-x"});  // a later word
  CHECK(listed(st, {{filter_key::description, {"prod database"}}}) == names{"prod/db"});  // any order
  CHECK(listed(st, {{filter_key::description, {"ake"}}}).empty());  // inside a word
  CHECK(listed(st, {{filter_key::description, {"data tests"}}}).empty());  // every word must match
  CHECK(listed(st, {{filter_key::description, {"!data"}}}) == names{"production", "dev/MyDatabaseSecret", "same-a", "same-b"});
}

TEST_CASE("filter description: the User Guide's example") {
  ss::store st;
  int n = 0;
  for (const char* d : {"My Description", "my description", "My basic description", "Description of my secret",
                        "Descriptive text", "description only"}) {
    const std::string name = "s" + std::to_string(n++);
    st = run(st, ss::create_secret{.name = name, .description = d}, at(day0 + n * hour)).state;
  }
  CHECK(listed(st, {{filter_key::description, {"My Description"}}}) == names{"s0", "s1", "s2", "s3"});
}

// LocalStack's test_list_secrets_filtering, validated against AWS: four secrets, and the sets AWS
// returned for each filter.
TEST_CASE("filters name and description as AWS answered them (AWS-validated test_list_secrets_filtering)") {
  ss::store st;
  const names all4 = {"testing1/one-1", "/testing2/two-1", "testing3/three-1", "/testing4/four-1"};
  const char* descriptions[] = {"a secret", "an secret", "asecret", "thesecret"};
  for (std::size_t i = 0; i < all4.size(); ++i)
    st = run(st, ss::create_secret{.name = all4[i], .description = descriptions[i]},
             at(day0 + static_cast<std::int64_t>(i) * hour)).state;
  CHECK(listed(st, {{filter_key::name, {"/"}}}) == names{"/testing2/two-1", "/testing4/four-1"});
  CHECK(listed(st, {{filter_key::name, {"!/"}}}) == names{"testing1/one-1", "testing3/three-1"});
  CHECK(listed(st, {{filter_key::name, {"testing1 one"}}}).empty());  // a name is not split into words
  CHECK(listed(st, {{filter_key::description, {"a"}}}) ==
        names{"testing1/one-1", "/testing2/two-1", "testing3/three-1"});
  CHECK(listed(st, {{filter_key::description, {"!a"}}}) == names{"/testing4/four-1"});
  CHECK(listed(st, {{filter_key::description, {"a secret"}}}) == names{"testing1/one-1", "/testing2/two-1"});
  CHECK(listed(st, {{filter_key::description, {"a"}}, {filter_key::name, {"secret"}}}).empty());
  CHECK(listed(st, {{filter_key::description, {"a"}}, {filter_key::name, {"an"}}}).empty());
  CHECK(listed(st, {{filter_key::description, {"!c"}}}) == all4);
}

TEST_CASE("filters tag-key and tag-value: prefix, case-sensitive, any tag of the secret") {
  const auto st = sample();
  CHECK(listed(st, {{filter_key::tag_key, {"team"}}}) == names{"prod/db"});
  CHECK(listed(st, {{filter_key::tag_key, {"Te"}}}) == names{"Prod-x"});
  CHECK(listed(st, {{filter_key::tag_key, {"e"}}}) == names{"prod/db", "my-prod"});
  CHECK(listed(st, {{filter_key::tag_value, {"pay"}}}) == names{"prod/db"});
  CHECK(listed(st, {{filter_key::tag_value, {"prod"}}}) == names{"prod/db"});
  CHECK(listed(st, {{filter_key::tag_value, {"d"}}}) == names{"my-prod"});
  CHECK(listed(st, {{filter_key::tag_value, {"Alice"}}}).empty());
}

TEST_CASE("filters primary-region (the Region of the ARN) and owning-service (no secret has one)") {
  const auto st = sample();
  CHECK(listed(st, {{filter_key::primary_region, {"us-east"}}}) == live_in_order);
  CHECK(listed(st, {{filter_key::primary_region, {"us-east-1"}}}) == live_in_order);
  CHECK(listed(st, {{filter_key::primary_region, {"eu-"}}}).empty());
  CHECK(listed(st, {{filter_key::owning_service, {"rds"}}}).empty());
  CHECK(listed(st, {{filter_key::owning_service, {"!rds"}}}) == live_in_order);
}

TEST_CASE("filter all: the value's words against the words of name, description and tags, not case-sensitive") {
  const auto st = sample();
  CHECK(listed(st, {{filter_key::all, {"database"}}}) == names{"prod/db", "dev/MyDatabaseSecret"});
  // The User Guide's example searches credsDatabase#892 as creds, Database and 892; '#' is outside
  // the API's value pattern, so '.' stands in for it here.
  CHECK(listed(st, {{filter_key::all, {"credsDatabase.892"}}}) == names{"prod/db", "dev/MyDatabaseSecret"});
  CHECK(listed(st, {{filter_key::all, {"892"}}}) == names{"dev/MyDatabaseSecret"});
  CHECK(listed(st, {{filter_key::all, {"SECRET"}}}) == names{"dev/MyDatabaseSecret"});
  CHECK(listed(st, {{filter_key::all, {"pay"}}}) == names{"prod/db"});           // a tag value
  CHECK(listed(st, {{filter_key::all, {"owner"}}}) == names{"dev/MyDatabaseSecret"});  // a tag key
  CHECK(listed(st, {{filter_key::all, {"base"}}}).empty());  // inside a word, not at its beginning
  CHECK(listed(st, {{filter_key::all, {"x"}}}) == names{"Prod-x"});
  CHECK(listed(st, {{filter_key::all, {"--"}}}) == live_in_order);  // no word: nothing to narrow by
}

TEST_CASE("search_words splits on case changes, letter/digit changes and other characters") {
  using ss::detail::search_words;
  CHECK(search_words("credsDatabase#892") == std::vector<std::string>{"creds", "database", "892"});
  CHECK(search_words("My_Secret") == std::vector<std::string>{"my", "secret"});
  CHECK(search_words("abc123def") == std::vector<std::string>{"abc", "123", "def"});
  CHECK(search_words("ABC") == std::vector<std::string>{"abc"});
  CHECK(search_words(" /-") == std::vector<std::string>{});
}

TEST_CASE("values: several in one filter (some plain one matches, no negated one does); filters all apply") {
  const auto st = sample();
  CHECK(listed(st, {{filter_key::name, {"!prod"}}}) ==
        names{"Prod-x", "my-prod", "dev/MyDatabaseSecret", "same-a", "same-b"});
  CHECK(listed(st, {{filter_key::name, {"prod/", "my"}}}) == names{"prod/db", "my-prod"});
  CHECK(listed(st, {{filter_key::name, {"prod", "!prod/"}}}) == names{"production"});
  CHECK(listed(st, {{filter_key::name, {"!prod", "!same"}}}) == names{"Prod-x", "my-prod", "dev/MyDatabaseSecret"});
  CHECK(listed(st, {{filter_key::name, {"prod"}}, {filter_key::tag_key, {"team"}}}) == names{"prod/db"});
  CHECK(listed(st, {{filter_key::description, {"data"}}, {filter_key::tag_key, {"!env"}}}) == names{"Prod-x"});
  CHECK(listed(st, {{filter_key::all, {"!database"}}, {filter_key::name, {"!same"}}}) ==
        names{"production", "Prod-x", "my-prod"});
  CHECK(listed(st, {}) == live_in_order);
}

TEST_CASE("pagination: for every MaxResults, the pages concatenated are the full listing") {
  const auto st = sample();
  const std::vector<ss::list_secrets> queries = {
      {},
      {.sort_order = ss::sort_order::desc},
      {.include_planned_deletion = true},
      {.filters = std::vector<ss::filter>{{filter_key::name, {"!same"}}}, .sort_order = ss::sort_order::desc},
  };
  for (std::size_t q = 0; q < queries.size(); ++q) {
    const auto full = list(st, queries[q]).secret_list;
    REQUIRE_FALSE(full.empty());
    for (int max = 1; max <= static_cast<int>(full.size()) + 1; ++max) {
      CAPTURE(q);
      CAPTURE(max);
      CHECK(all_pages(st, queries[q], max) == full);
    }
  }
}

TEST_CASE("pagination at the cap: MaxResults 100 over 103 secrets") {
  ss::store st;
  for (int i = 0; i < 103; ++i)
    st = run(st, ss::create_secret{.name = "s" + std::to_string(1000 + i)}, at(day0 + i)).state;
  const auto first = list(st, {.max_results = 100});
  CHECK(first.secret_list.size() == 100);
  REQUIRE(first.next_token.has_value());
  const auto second = list(st, {.max_results = 100, .next_token = first.next_token});
  CHECK(names_of(second.secret_list) == names{"s1100", "s1101", "s1102"});
  CHECK_FALSE(second.next_token.has_value());
}

TEST_CASE("NextToken: deterministic, resumes at its secret; one that does not fit is InvalidNextTokenException") {
  const auto st = sample();
  const auto page = list(st, {.max_results = 2});
  REQUIRE(page.next_token.has_value());
  CHECK(list(st, {.max_results = 2}).next_token == page.next_token);
  CHECK(list(sample(), {.max_results = 2}).next_token == page.next_token);
  CHECK(names_of(list(st, {.max_results = 2, .next_token = page.next_token}).secret_list) == names{"Prod-x", "my-prod"});
  SUBCASE("a secret created between two pages does not shift the next page") {
    const auto later = run(st, ss::create_secret{.name = "aaa"}, at(day0 - day)).state;  // sorts first
    CHECK(names_of(list(later, {.max_results = 2, .next_token = page.next_token}).secret_list) == names{"Prod-x", "my-prod"});
  }
  SUBCASE("garbage") {
    CHECK_ERROR(refused(st, ss::list_secrets{.next_token = "x"}), "InvalidNextTokenException", invalid_next_token);
  }
  SUBCASE("another query: other filters, other sort order, IncludePlannedDeletion changed") {
    CHECK_ERROR(refused(st, ss::list_secrets{.next_token = page.next_token, .filters = std::vector<ss::filter>{{filter_key::name, {""}}}}),
                "InvalidNextTokenException", invalid_next_token);
    CHECK_ERROR(refused(st, ss::list_secrets{.next_token = page.next_token, .sort_order = ss::sort_order::desc}),
                "InvalidNextTokenException", invalid_next_token);
    CHECK_ERROR(refused(st, ss::list_secrets{.include_planned_deletion = true, .next_token = page.next_token}),
                "InvalidNextTokenException", invalid_next_token);
  }
  SUBCASE("its secret has left the listing (scheduled for deletion since)") {
    const auto later = scheduled_for_deletion(st, "Prod-x");
    CHECK_ERROR(refused(later, ss::list_secrets{.next_token = page.next_token}), "InvalidNextTokenException",
                invalid_next_token);
  }
}

TEST_CASE("request shape: MaxResults 1–100, NextToken 1–4096, Filters, in that order") {
  const auto st = sample();
  CHECK_ERROR(refused(st, ss::list_secrets{.max_results = 0}), "ValidationException", value_at_least("maxResults", 0, 1));
  CHECK_ERROR(refused(st, ss::list_secrets{.max_results = 101}), "ValidationException", value_at_most("maxResults", 101, 100));
  CHECK_ERROR(refused(st, ss::list_secrets{.next_token = ""}), "ValidationException", at_least("nextToken", 1));
  CHECK_ERROR(refused(st, ss::list_secrets{.next_token = std::string(4097, 't')}), "ValidationException",
              at_most("nextToken", 4096));
  const ss::filter ok{filter_key::name, {"a"}};
  CHECK_ERROR(refused(st, ss::list_secrets{.filters = std::vector<ss::filter>(11, ok)}), "ValidationException",
              at_most("filters", 10));
  CHECK(list(st, {.filters = std::vector<ss::filter>(10, ok)}).secret_list.empty());
  CHECK_ERROR(refused(st, ss::list_secrets{.filters = std::vector<ss::filter>{ok, {filter_key::tag_key, {}}}}),
              "ValidationException", at_least("filters.2.member.values", 1));
  CHECK_ERROR(refused(st, ss::list_secrets{.filters = std::vector<ss::filter>{{filter_key::tag_key, names(11, "a")}}}),
              "ValidationException", at_most("filters.1.member.values", 10));
  CHECK_ERROR(refused(st, ss::list_secrets{.filters = std::vector<ss::filter>{{filter_key::name, {"a", std::string(513, 'a')}}}}),
              "ValidationException", at_most("filters.1.member.values.2.member", 512));
  CHECK(list(st, {.filters = std::vector<ss::filter>{{filter_key::name, {std::string(512, 'a')}}}}).secret_list.empty());
  CHECK_ERROR(refused(st, ss::list_secrets{.filters = std::vector<ss::filter>{ok, {filter_key::name, {"a*b"}}}}),
              "ValidationException", pattern("filters.2.member.values.1.member", "a*b"));
  CHECK(list(st, {.filters = std::vector<ss::filter>{{filter_key::name, {"!a b:c_d@e/f+g=h.i-j!k"}}}}).secret_list.size() == 7);
  SUBCASE("order") {
    CHECK_ERROR(refused(st, ss::list_secrets{.max_results = 0, .next_token = "", .filters = std::vector<ss::filter>(11, ok)}),
                "ValidationException", value_at_least("maxResults", 0, 1));
    CHECK_ERROR(refused(st, ss::list_secrets{.next_token = "", .filters = std::vector<ss::filter>(11, ok)}),
                "ValidationException", at_least("nextToken", 1));
    CHECK_ERROR(refused(st, ss::list_secrets{.next_token = "garbage", .filters = std::vector<ss::filter>(11, ok)}),
                "ValidationException", at_most("filters", 10));
  }
}

TEST_CASE("filter_key_name spells the wire values") {
  CHECK(ss::filter_key_name(filter_key::description) == "description");
  CHECK(ss::filter_key_name(filter_key::name) == "name");
  CHECK(ss::filter_key_name(filter_key::tag_key) == "tag-key");
  CHECK(ss::filter_key_name(filter_key::tag_value) == "tag-value");
  CHECK(ss::filter_key_name(filter_key::primary_region) == "primary-region");
  CHECK(ss::filter_key_name(filter_key::owning_service) == "owning-service");
  CHECK(ss::filter_key_name(filter_key::all) == "all");
}

TEST_CASE("a domain without reserved labels lists the same way") {
  using T = ss::testing::tiny_traits;
  ss::basic_context<T> ctx;
  ss::basic_store<T> st;
  for (const char* name : {"b", "a", "c"}) {
    auto made = apply(st, ss::basic_create_secret<T>{.name = name}, ctx);
    REQUIRE(made.has_value());
    st = made.value().state;
  }
  auto r = apply(st, ss::basic_list_secrets<T>{.max_results = 2, .filters = std::vector<ss::filter>{{filter_key::name, {"!c"}}}}, ctx);
  REQUIRE(r.has_value());
  REQUIRE(r.value().response.secret_list.size() == 2);
  CHECK(r.value().response.secret_list[0].name == "a");  // same CreatedDate: by name
  CHECK(r.value().response.secret_list[1].name == "b");
  CHECK_FALSE(r.value().response.next_token.has_value());
}

}  // namespace list_secrets_test
