// operations/batch_get_secret_value.hpp: BatchGetSecretValue
// (docs/semantics.md#batchgetsecretvalue, #getsecretvalue, #reads). Expected messages are typed
// from the spec.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <doctest/doctest.h>

#include <secretstage/detail/secret_builder.hpp>
#include <secretstage/invariants.hpp>
#include <secretstage/operations/batch_get_secret_value.hpp>
#include <secretstage/operations/create_secret.hpp>
#include <secretstage/operations/get_secret_value.hpp>
#include <secretstage/operations/list_secrets.hpp>
#include <secretstage/operations/put_secret_value.hpp>

#include "support/given.hpp"
#include "support/tiny_traits.hpp"

// Its own namespace: the batched build (SECRETSTAGE_FAST_TEST_BUILD) joins test files.
namespace batch_get_secret_value_test {

namespace ss = secretstage;
using ss::filter_key;
using ss::testing::vid;
using ids = std::vector<std::string>;

namespace {

const std::string not_found = "Secrets Manager can't find the specified secret.";
const std::string marked_for_deletion =
    "You can't perform this operation on the secret because it was marked for deletion.";
const std::string no_current_value =
    "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT";
const std::string ids_or_filters = "Either 'SecretIdList' or 'Filters' must be provided, but not both.";
const std::string max_needs_filters =
    "'Filters' not specified. 'Filters' must also be specified when 'MaxResults' is provided.";
const std::string invalid_next_token = "The NextToken value is invalid.";  // [unverified] text
const std::string invalid_name =
    "Invalid name. Must be a valid name containing alphanumeric characters, or any of the "
    "following: -/_+=.@!";
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

template <class Edit>
ss::store edited(const ss::store& st, const std::string& name, Edit edit) {
  ss::detail::secret_builder<ss::aws_traits> b(*st.find(name));
  edit(b);
  auto next = std::move(b).finish();
  REQUIRE(next.has_value());
  return st.put(std::move(next).value());
}

/// gone (scheduled for deletion), a, b, empty (no version), pending (a value-less AWSPENDING
/// placeholder only), c: created an hour apart in that order. b has two versions.
ss::store sample() {
  ss::store st;
  auto create = [&](std::int64_t hours, ss::create_secret c) { st = run(st, c, at(day0 - day + hours * hour)).state; };
  create(0, {.name = "gone", .client_request_token = vid(100), .secret_string = "g"});
  create(1, {.name = "a", .client_request_token = vid(1), .secret_string = "A"});
  create(2, {.name = "b", .client_request_token = vid(2), .secret_binary = ss::binary{2}});
  create(3, {.name = "empty"});
  create(4, {.name = "pending"});
  create(5, {.name = "c", .client_request_token = vid(5), .secret_string = "C"});
  st = run(st, ss::put_secret_value{.secret_id = "b", .client_request_token = vid(3), .secret_string = "B2"},
           at(day0 - day + 6 * hour)).state;
  st = edited(st, "gone", [](auto& b) { b.set_deleted(ts(day0 + 7 * day)); });
  return edited(st, "pending", [](auto& b) {
    const auto* v = b.put_version(ss::detail::make_ref<const ss::version>(vid(4), nullptr, ts(day0 - day), b.take_sequence()));
    b.attach(ss::aws_traits::pending(), v);
  });
}

ss::batch_get_secret_value by_ids(ids list) { return {.secret_id_list = std::move(list)}; }
ss::batch_get_secret_value by_filters(std::vector<ss::filter> filters, std::optional<int> max = std::nullopt,
                                      std::optional<std::string> token = std::nullopt) {
  return {.filters = std::move(filters), .max_results = max, .next_token = std::move(token)};
}
const std::vector<ss::filter> everything = {{filter_key::name, {""}}};

ss::get_secret_value_response current_of(const ss::store& st, const std::string& name) {
  return run(st, ss::get_secret_value{.secret_id = name}).response;
}
ids names_of(const std::vector<ss::secret_value_entry>& values) {
  ids out;
  for (const auto& v : values) out.emplace_back(v.name.view());
  return out;
}

template <class T>
concept batch_for = requires(const ss::basic_store<T>& st, const ss::basic_batch_get_secret_value<T>& r,
                             const ss::basic_context<T>& ctx) { apply(st, r, ctx); };

}  // namespace

TEST_CASE("SecretIdList: each AWSCURRENT value, in list order; per-secret failures go into Errors") {
  const auto st = sample();
  const std::string arn_c(st.find("c")->arn().view()), arn_a(st.find("a")->arn().view());
  const auto t = run(st, by_ids({"b", "nosuch", "a", "gone", "empty", "pending", arn_c, arn_a.substr(0, arn_a.size() - 7)}),
                     at(day0 + 9 * hour));
  const auto& r = t.response;
  CHECK(names_of(r.secret_values) == ids{"b", "a", "c", "a"});
  CHECK(r.secret_values[0] == current_of(st, "b"));
  CHECK(r.secret_values[1] == current_of(st, "a"));
  CHECK(r.secret_values[2] == current_of(st, "c"));
  CHECK(r.secret_values[0].version_id == vid(3));
  CHECK(*r.secret_values[0].secret_string() == "B2");
  CHECK(r.secret_values[0].version_stages.contains("AWSCURRENT"));
  CHECK(r.secret_values[1].value.get() == st.find("a")->find_version(vid(1))->value());  // shared, not copied
  CHECK(r.errors == std::vector<ss::api_error>{
                        {"nosuch", ss::errc::resource_not_found, not_found},
                        {"gone", ss::errc::invalid_request, marked_for_deletion},
                        {"empty", ss::errc::resource_not_found, no_current_value},
                        {"pending", ss::errc::resource_not_found, no_current_value},
                    });
  CHECK(std::string(ss::exception_name(r.errors[0].error_code)) == "ResourceNotFoundException");
  CHECK(std::string(ss::exception_name(r.errors[1].error_code)) == "InvalidRequestException");
  CHECK_FALSE(r.next_token.has_value());
}

TEST_CASE("each value read records LastAccessedDate like GetSecretValue; failed entries change nothing") {
  const auto st = sample();
  const auto t = run(st, by_ids({"a", "b", "gone", "empty", "pending", "nosuch"}), at(day0 + 9 * hour));
  for (const char* name : {"a", "b"}) {
    CAPTURE(name);
    const auto& s = *t.state.find(name);
    CHECK(s.last_accessed_date() == ts(day0));
    CHECK(s.holder("AWSCURRENT")->last_accessed_date() == ts(day0));
    CHECK(s == *run(st, ss::get_secret_value{.secret_id = name}, at(day0 + 9 * hour)).state.find(name));
  }
  CHECK_FALSE(t.state.find("b")->find_version(vid(2))->last_accessed_date().has_value());
  for (const char* name : {"gone", "empty", "pending", "c"}) {
    CAPTURE(name);
    CHECK(t.state.find(name)->is_same_state(*st.find(name)));  // the very same state
  }
  SUBCASE("a batch where every entry fails returns the store unchanged") {
    const auto u = run(st, by_ids({"gone", "empty", "nosuch"}));
    CHECK(u.state == st);
    CHECK(u.response.secret_values.empty());
    CHECK(u.response.errors.size() == 3);
  }
  SUBCASE("a repeated id gives repeated entries and one recorded access") {
    const auto u = run(st, by_ids({"a", "a"}), at(day0 + 9 * hour));
    CHECK(names_of(u.response.secret_values) == ids{"a", "a"});
    CHECK(*u.state.find("a") == *t.state.find("a"));
  }
}

TEST_CASE("Filters: the secrets ListSecrets lists for them (not those scheduled for deletion), CreatedDate ascending") {
  const auto st = sample();
  const auto t = run(st, by_filters(everything), at(day0 + hour));
  CHECK(names_of(t.response.secret_values) == ids{"a", "b", "c"});
  CHECK(t.response.errors == std::vector<ss::api_error>{
                                 {std::string(st.find("empty")->arn().view()), ss::errc::resource_not_found, no_current_value},
                                 {std::string(st.find("pending")->arn().view()), ss::errc::resource_not_found, no_current_value},
                             });
  CHECK(t.state.find("c")->last_accessed_date() == ts(day0));
  CHECK_FALSE(t.response.next_token.has_value());
  CHECK(names_of(run(st, by_filters({{filter_key::name, {"!a", "!b"}}})).response.secret_values) == ids{"c"});
  CHECK(run(st, by_filters({{filter_key::name, {"gone"}}})).response ==
        ss::batch_get_secret_value_response{});
  SUBCASE("an empty Filters list is given Filters: every listed secret") {
    CHECK(names_of(run(st, by_filters({})).response.secret_values) == ids{"a", "b", "c"});
  }
}

TEST_CASE("Filters pagination: for every MaxResults, the pages together are the single page, and record the same") {
  const auto st = sample();
  const auto one = run(st, by_filters(everything, 20), at(day0 + hour));
  REQUIRE_FALSE(one.response.next_token.has_value());
  for (int max = 1; max <= 6; ++max) {
    CAPTURE(max);
    ss::store state = st;
    ss::batch_get_secret_value_response joined;
    auto r = by_filters(everything, max);
    for (int pages = 0; pages < 100; ++pages) {
      const auto t = run(state, r, at(day0 + hour));
      CHECK(t.response.secret_values.size() + t.response.errors.size() <= static_cast<std::size_t>(max));
      joined.secret_values.insert(joined.secret_values.end(), t.response.secret_values.begin(), t.response.secret_values.end());
      joined.errors.insert(joined.errors.end(), t.response.errors.begin(), t.response.errors.end());
      state = t.state;
      if (!t.response.next_token) break;
      CHECK(t.response.secret_values.size() + t.response.errors.size() == static_cast<std::size_t>(max));
      r.next_token = t.response.next_token;
    }
    CHECK(joined == one.response);
    CHECK(state == one.state);
  }
}

TEST_CASE("Filters without MaxResults: pages of 20") {
  ss::store st;
  for (int i = 0; i < 25; ++i)
    st = run(st, ss::create_secret{.name = "s" + std::to_string(100 + i), .client_request_token = vid(i + 1),
                                   .secret_string = "v"},
             at(day0 + i)).state;
  const auto first = run(st, by_filters(everything));
  CHECK(first.response.secret_values.size() == 20);
  REQUIRE(first.response.next_token.has_value());
  const auto second = run(first.state, by_filters(everything, std::nullopt, first.response.next_token));
  CHECK(names_of(second.response.secret_values) == ids{"s120", "s121", "s122", "s123", "s124"});
  CHECK_FALSE(second.response.next_token.has_value());
}

TEST_CASE("NextToken: only a token this batch listing issued fits") {
  const auto st = sample();
  const auto page = run(st, by_filters(everything, 1)).response;
  REQUIRE(page.next_token.has_value());
  CHECK_ERROR(refused(st, by_filters(everything, 1, "nope")), "InvalidNextTokenException", invalid_next_token);
  CHECK_ERROR(refused(st, by_filters({{filter_key::name, {"!x"}}}, 1, page.next_token)), "InvalidNextTokenException",
              invalid_next_token);
  CHECK_ERROR(refused(st, ss::batch_get_secret_value{.secret_id_list = ids{"a"}, .next_token = page.next_token}),
              "InvalidNextTokenException", invalid_next_token);
  SUBCASE("ListSecrets' tokens and the batch's are not interchangeable") {
    CHECK_ERROR(refused(st, ss::list_secrets{.next_token = page.next_token, .filters = everything}),
                "InvalidNextTokenException", invalid_next_token);
    const auto listing = run(st, ss::list_secrets{.max_results = 1, .filters = everything}).response;
    REQUIRE(listing.next_token.has_value());
    CHECK_ERROR(refused(st, by_filters(everything, 1, listing.next_token)), "InvalidNextTokenException",
                invalid_next_token);
  }
}

TEST_CASE("request shape and parameter combinations: the whole call fails, in this order") {
  const auto st = sample();
  CHECK_ERROR(refused(st, by_ids({})), "ValidationException", at_least("secretIdList", 1));
  CHECK_ERROR(refused(st, by_ids(ids(21, "a"))), "ValidationException", at_most("secretIdList", 20));
  CHECK(run(st, by_ids(ids(20, "a"))).response.secret_values.size() == 20);
  CHECK_ERROR(refused(st, by_ids({"a", ""})), "ValidationException", at_least("secretIdList.2.member", 1));
  CHECK_ERROR(refused(st, by_ids({std::string(2049, 'a')})), "ValidationException", at_most("secretIdList.1.member", 2048));
  CHECK_ERROR(refused(st, by_ids({"a", "bad name"})), "ValidationException", invalid_name);
  CHECK_ERROR(refused(st, by_filters(std::vector<ss::filter>(11, everything[0]))), "ValidationException",
              at_most("filters", 10));
  CHECK_ERROR(refused(st, by_filters(everything, 0)), "ValidationException", value_at_least("maxResults", 0, 1));
  CHECK_ERROR(refused(st, by_filters(everything, 21)), "ValidationException", value_at_most("maxResults", 21, 20));
  CHECK_ERROR(refused(st, by_filters(everything, 1, "")), "ValidationException", at_least("nextToken", 1));
  CHECK_ERROR(refused(st, by_filters(everything, 1, std::string(4097, 'x'))), "ValidationException", at_most("nextToken", 4096));
  CHECK_ERROR(refused(st, ss::batch_get_secret_value{}), "InvalidParameterException", ids_or_filters);
  CHECK_ERROR(refused(st, ss::batch_get_secret_value{.secret_id_list = ids{"a"}, .filters = everything}),
              "InvalidParameterException", ids_or_filters);
  CHECK_ERROR(refused(st, ss::batch_get_secret_value{.secret_id_list = ids{"a"}, .max_results = 5}),
              "InvalidParameterException", max_needs_filters);
  CHECK_ERROR(refused(st, ss::batch_get_secret_value{.max_results = 5}), "InvalidParameterException", ids_or_filters);
  SUBCASE("order: list shape, filters, MaxResults, NextToken, then the combinations") {
    CHECK_ERROR(refused(st, ss::batch_get_secret_value{.secret_id_list = ids{}, .filters = std::vector<ss::filter>(11, everything[0])}),
                "ValidationException", at_least("secretIdList", 1));
    CHECK_ERROR(refused(st, ss::batch_get_secret_value{.secret_id_list = ids{"a"}, .filters = std::vector<ss::filter>(11, everything[0])}),
                "ValidationException", at_most("filters", 10));
    CHECK_ERROR(refused(st, ss::batch_get_secret_value{.secret_id_list = ids{"a"}, .max_results = 0}),
                "ValidationException", value_at_least("maxResults", 0, 1));
    CHECK_ERROR(refused(st, ss::batch_get_secret_value{.secret_id_list = ids{"a"}, .filters = everything, .next_token = ""}),
                "ValidationException", at_least("nextToken", 1));
    CHECK_ERROR(refused(st, ss::batch_get_secret_value{.secret_id_list = ids{"a"}, .filters = everything, .max_results = 5}),
                "InvalidParameterException", ids_or_filters);
  }
}

TEST_CASE("only for domains with reserved labels (it reads AWSCURRENT)") {
  static_assert(batch_for<ss::aws_traits>);
  static_assert(!batch_for<ss::testing::tiny_traits>);
}

}  // namespace batch_get_secret_value_test
