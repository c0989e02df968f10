// Failure atomicity under allocation failure (issue 6, item 6).
//
// hooks.cpp replaces the global operator new with one that can be told to fail its k-th call.
// For every kind of transition and for every k from 1 until the transition runs to the end without
// reaching allocation k, the transition runs on a store with allocation k failing; each time it
// must throw std::bad_alloc or report a failure — or, where the standard library recovers from the
// failed allocation, produce exactly the state of an undisturbed run — and the input store must be
// exactly as it was (compared with an independently built copy that shares no node with it) and
// satisfy every invariant.

#include <cstddef>
#include <cstdint>
#include <new>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <doctest/doctest.h>

#include <secretstage/background.hpp>
#include <secretstage/invariants.hpp>
#include <secretstage/rotation.hpp>
#include <secretstage/secretstage.hpp>

#include "hooks.hpp"

using secretstage::testing::alloc::allocations;
using secretstage::testing::alloc::fail_at;
using secretstage::testing::alloc::failed;

namespace ss = secretstage;

namespace {

std::string vid(int n) {
  const std::string digits = std::to_string(n);
  return "00000000-0000-4000-8000-" + std::string(12 - digits.size(), '0') + digits;
}

constexpr std::int64_t t0 = 1'700'000'000;
const std::string rotation_arn = "arn:aws:lambda:us-east-1:123456789012:function:rotate";

ss::context at(std::int64_t seconds) {
  ss::context c;
  c.now = ss::timestamp::from_seconds(seconds);
  c.entropy = 42;
  c.functions = ss::rotation_functions{rotation_arn};
  return c;
}

template <class R>
ss::store must(const ss::store& st, const R& request, std::int64_t seconds) {
  auto r = ss::apply(st, request, at(seconds));
  REQUIRE_MESSAGE(r.has_value(), (r ? std::string() : r.error().message));
  return std::move(r.value().state);
}

// The input of every transition below, built the same way each time (no node is shared between
// two builds):
//   "db":       v1 [AWSPREVIOUS], v2 [AWSCURRENT, L0], v3 [AWSPENDING], tags, description
//   "crowded":  101 versions, the oldest deprecated and more than a day old (collectable)
//   "gone":     scheduled for deletion 7 days after t0 (purgeable at t0 + 8 days)
ss::store build() {
  ss::store st;
  st = must(st,
            ss::create_secret{.name = "db", .client_request_token = vid(1), .description = "d",
                              .secret_string = "value-1", .tags = std::vector<ss::tag>{{"k", "v"}}},
            t0);
  st = must(st, ss::put_secret_value{.secret_id = "db", .client_request_token = vid(2),
                                     .secret_string = "value-2"},
            t0 + 1);
  st = must(st, ss::update_secret_version_stage{.secret_id = "db", .version_stage = "L0",
                                                .move_to_version_id = vid(2)},
            t0 + 2);
  st = must(st, ss::put_secret_value{.secret_id = "db", .client_request_token = vid(3),
                                     .secret_binary = ss::binary{1, 2, 3},
                                     .version_stages = std::vector<std::string>{"AWSPENDING"}},
            t0 + 3);
  st = must(st, ss::create_secret{.name = "crowded", .client_request_token = vid(100),
                                  .secret_string = "c-0"},
            t0);
  for (int i = 1; i <= 100; ++i)
    st = must(st, ss::put_secret_value{.secret_id = "crowded", .client_request_token = vid(100 + i),
                                       .secret_string = "c-" + std::to_string(i)},
              t0 + i);
  st = must(st, ss::create_secret{.name = "gone", .client_request_token = vid(900),
                                  .secret_string = "g"},
            t0);
  st = must(st, ss::delete_secret{.secret_id = "gone", .recovery_window_in_days = 7}, t0);
  return st;
}

// Runs `f()` with allocation k failing, the block cache emptied first so that every block is a
// failable operator new; true if it threw std::bad_alloc. `failed` says whether allocation k came.
template <class F>
bool throws_with_allocation_failing(std::size_t k, F f) {
  ss::detail::release_cached_blocks();
  allocations = 0;
  failed = false;
  fail_at = k;
  bool threw = false;
  try {
    f();
  } catch (const std::bad_alloc&) {
    threw = true;
  }
  fail_at = 0;
  return threw;
}

// Runs `run(store)` with allocation k failing, for k = 1, 2, … until a run reaches no k-th
// allocation. `run` returns the state the transition produced, or nothing when it reported a
// failure. A run that met the failed allocation may still succeed (the standard library recovers
// from some, e.g. std::stable_sort without its buffer); then its state must equal the state of an
// undisturbed run: nothing was lost on the way.
template <class Run>
void with_every_allocation_failing(const std::string& what, Run run) {
  CAPTURE(what);
  const std::optional<ss::store> undisturbed = run(build());
  REQUIRE(undisturbed.has_value());
  std::size_t k = 1;
  for (;; ++k) {
    const ss::store input = build();
    const ss::store independent = build();
    std::optional<ss::store> produced;
    const bool threw = throws_with_allocation_failing(k, [&] { produced = run(input); });
    CAPTURE(k);
    if (!failed) {
      CHECK_FALSE(threw);
      REQUIRE(produced.has_value());
    }
    if (produced) {
      CHECK(*produced == *undisturbed);
      CHECK(ss::check_store_invariants(*produced).empty());
      CHECK(ss::check_store_transition_invariants(input, *produced).empty());
    }
    CHECK(input == independent);
    CHECK(ss::check_store_invariants(input).empty());
    if (!failed) break;
  }
  // The transition allocates at all, so the loop above did exercise failures.
  CHECK(k > 1);
  MESSAGE(what << ": " << (k - 1) << " allocation failures injected");
}

template <class T>
std::optional<ss::store> state_of(ss::result<T> r) {
  if (!r) return std::nullopt;
  return std::move(r.value().state);
}

// A store operation (it must succeed on the fixture when nothing fails).
template <class R>
auto operation(R request, std::int64_t seconds = t0 + 10) {
  return [request = std::move(request), seconds](const ss::store& st) -> std::optional<ss::store> {
    auto r = ss::apply(st, request, at(seconds));
    if (!r) return std::nullopt;
    return std::move(r.value().state);
  };
}

// apply_in_place changes the store it is given, so its input cannot be compared with a copy
// taken before (a copy would share its nodes and force the path copy). Its fixture is build()
// with 40 more secrets, so that the trie has levels below the root; with `shared`, a snapshot
// holds every node and one step in place on "filler-0" has already copied that path, so the
// step under test finds its own path partly shared (copied) and partly the store's alone.
ss::store build_wide() {
  ss::store st = build();
  for (int i = 0; i < 40; ++i)
    st = must(st, ss::create_secret{.name = "filler-" + std::to_string(i), .client_request_token = vid(2000 + i),
                                    .secret_string = "f"},
              t0);
  return st;
}

template <class R>
void in_place_with_every_allocation_failing(const std::string& what, const R& request, bool shared,
                                            std::int64_t seconds = t0 + 10) {
  CAPTURE(what);
  CAPTURE(shared);
  const ss::context ctx = at(seconds);
  const auto prepared = [&](std::optional<ss::store>& snapshot) {
    ss::store st = build_wide();
    if (shared) {
      snapshot = st;
      REQUIRE(ss::apply_in_place(st, ss::tag_resource{.secret_id = "filler-0", .tags = {{"t", "u"}}}, ctx));
    }
    return st;
  };
  std::optional<ss::store> ignored;
  ss::store undisturbed = prepared(ignored);
  REQUIRE(ss::apply_in_place(undisturbed, request, ctx).has_value());
  std::size_t k = 1;
  for (;; ++k) {
    std::optional<ss::store> snapshot, other_snapshot;
    ss::store st = prepared(snapshot);
    const ss::store independent = prepared(other_snapshot);
    bool succeeded = false;
    const bool threw =
        throws_with_allocation_failing(k, [&] { succeeded = ss::apply_in_place(st, request, ctx).has_value(); });
    CAPTURE(k);
    if (!failed) {
      CHECK_FALSE(threw);
      REQUIRE(succeeded);
    }
    CHECK((succeeded ? st == undisturbed : st == independent));
    CHECK(ss::check_store_invariants(st).empty());
    if (snapshot) CHECK(*snapshot == build_wide());  // a copy taken earlier never sees a change
    if (!failed) break;
  }
  CHECK(k > 1);
  MESSAGE(what << std::string(shared ? " (apply_in_place, path partly shared): " : " (apply_in_place): ") << (k - 1)
                << " allocation failures injected");
}

}  // namespace

TEST_CASE("apply_in_place fails atomically when an allocation fails") {
  for (const bool shared : {false, true}) {
    in_place_with_every_allocation_failing(
        "UpdateSecretVersionStage (AWSCURRENT, with the AWSPREVIOUS side effect)",
        ss::update_secret_version_stage{.secret_id = "db", .version_stage = "AWSCURRENT",
                                        .remove_from_version_id = vid(2), .move_to_version_id = vid(3)},
        shared);
    in_place_with_every_allocation_failing(
        "PutSecretValue",
        ss::put_secret_value{.secret_id = "db", .client_request_token = vid(11), .secret_string = "value-4",
                             .version_stages = std::vector<std::string>{"AWSCURRENT", "L1"}},
        shared);
    in_place_with_every_allocation_failing(
        "TagResource on a filler secret", ss::tag_resource{.secret_id = "filler-17", .tags = {{"k2", "v2"}}},
        shared);
    in_place_with_every_allocation_failing(
        "CreateSecret", ss::create_secret{.name = "new", .client_request_token = vid(10), .secret_string = "s"},
        shared);
    in_place_with_every_allocation_failing(
        "DeleteSecret (force)", ss::delete_secret{.secret_id = "db", .force_delete_without_recovery = true},
        shared);
  }
}

TEST_CASE("version-creating transitions fail atomically when an allocation fails") {
  with_every_allocation_failing(
      "CreateSecret", operation(ss::create_secret{.name = "new", .client_request_token = vid(10),
                                                  .description = "x", .secret_string = "s",
                                                  .tags = std::vector<ss::tag>{{"a", "b"}}}));
  with_every_allocation_failing(
      "PutSecretValue", operation(ss::put_secret_value{
                            .secret_id = "db", .client_request_token = vid(11),
                            .secret_string = "value-4",
                            .version_stages = std::vector<std::string>{"AWSCURRENT", "L1"}}));
  with_every_allocation_failing(
      "UpdateSecret", operation(ss::update_secret{.secret_id = "db", .client_request_token = vid(12),
                                                  .description = "new", .secret_string = "value-5"}));
}

TEST_CASE("label and configuration transitions fail atomically when an allocation fails") {
  with_every_allocation_failing(
      "UpdateSecretVersionStage (AWSCURRENT, with the AWSPREVIOUS side effect)",
      operation(ss::update_secret_version_stage{.secret_id = "db", .version_stage = "AWSCURRENT",
                                                .remove_from_version_id = vid(2),
                                                .move_to_version_id = vid(3)}));
  with_every_allocation_failing(
      "UpdateSecretVersionStage (remove a custom label)",
      operation(ss::update_secret_version_stage{.secret_id = "db", .version_stage = "L0",
                                                .remove_from_version_id = vid(2)}));
  with_every_allocation_failing(
      "TagResource", operation(ss::tag_resource{.secret_id = "db", .tags = {{"k2", "v2"}}}));
  with_every_allocation_failing(
      "UntagResource", operation(ss::untag_resource{.secret_id = "db", .tag_keys = {"k"}}));
  with_every_allocation_failing(
      "DeleteSecret", operation(ss::delete_secret{.secret_id = "db", .recovery_window_in_days = 7}));
  with_every_allocation_failing(
      "DeleteSecret (force)",
      operation(ss::delete_secret{.secret_id = "db", .force_delete_without_recovery = true}));
  with_every_allocation_failing("RestoreSecret", operation(ss::restore_secret{.secret_id = "gone"}));
}

TEST_CASE("rotation fails atomically when an allocation fails") {
  // AWSPENDING must leave v3 before a rotation can start.
  const auto prepared = [](const ss::store& st) {
    return must(st, ss::update_secret_version_stage{.secret_id = "db", .version_stage = "AWSPENDING",
                                                    .remove_from_version_id = vid(3)},
                t0 + 5);
  };
  const ss::rotate_secret rotate{.secret_id = "db", .client_request_token = vid(20),
                                 .rotation_lambda_arn = rotation_arn,
                                 .rotation_rules = ss::rotation_rules{.automatically_after_days = 30, .duration = {}, .schedule_expression = {}}};
  // The preparation runs disarmed, so only the rotation itself sees failures.
  const auto armed = [&](auto body) {
    return [&, body](const ss::store& st) -> std::optional<ss::store> {
      const std::size_t k = fail_at;
      fail_at = 0;
      const ss::store ready = prepared(st);
      allocations = 0;
      fail_at = k;
      return body(ready);
    };
  };
  with_every_allocation_failing("RotateSecret", armed([&](const ss::store& st) {
                                  return state_of(ss::apply(st, rotate, at(t0 + 10)));
                                }));
  with_every_allocation_failing(
      "rotate_synchronously (all four steps)", armed([&](const ss::store& st) {
        const ss::context ctx = at(t0 + 10);
        return state_of(ss::rotate_synchronously(
            st, rotate, ctx, ctx.functions, ss::secret_value(ss::secret_value::string_tag{}, "rotated")));
      }));
  with_every_allocation_failing("CancelRotateSecret", armed([&](const ss::store& st) -> std::optional<ss::store> {
                                  const std::size_t k = fail_at;
                                  fail_at = 0;
                                  auto started = ss::apply(st, rotate, at(t0 + 10));
                                  if (!started) return std::nullopt;
                                  const ss::store rotating = started.value().state;
                                  allocations = 0;
                                  fail_at = k;
                                  return state_of(ss::apply(
                                      rotating, ss::cancel_rotate_secret{.secret_id = "db"}, at(t0 + 11)));
                                }));
}

TEST_CASE("reads fail atomically when an allocation fails") {
  // Reads change LastAccessedDate, so they are transitions too.
  with_every_allocation_failing(
      "GetSecretValue", operation(ss::get_secret_value{.secret_id = "db", .version_stage = "AWSPREVIOUS"},
                                  t0 + 86'400 * 3));
  with_every_allocation_failing(
      "BatchGetSecretValue",
      operation(ss::batch_get_secret_value{.secret_id_list = std::vector<std::string>{"db", "crowded"}},
                t0 + 86'400 * 3));
  with_every_allocation_failing(
      "ListSecretVersionIds",
      operation(ss::list_secret_version_ids{.secret_id = "crowded", .max_results = 5,
                                            .include_deprecated = true}));
  with_every_allocation_failing("DescribeSecret", operation(ss::describe_secret{.secret_id = "db"}));
  with_every_allocation_failing(
      "ListSecrets", operation(ss::list_secrets{.include_planned_deletion = true, .max_results = 2}));
  with_every_allocation_failing("GetRandomPassword",
                                operation(ss::get_random_password{.password_length = 64}));
}

TEST_CASE("background transitions fail atomically when an allocation fails") {
  const ss::timestamp later = ss::timestamp::from_seconds(t0 + 86'400 * 8);
  with_every_allocation_failing("collect_deprecated_versions",
                                [&](const ss::store& st) -> std::optional<ss::store> {
                                  auto r = ss::collect_deprecated_versions(st, later);
                                  if (r.removed.empty()) return std::nullopt;
                                  return std::move(r.state);
                                });
  with_every_allocation_failing("purge_deleted_secrets",
                                [&](const ss::store& st) -> std::optional<ss::store> {
                                  auto r = ss::purge_deleted_secrets(st, later);
                                  if (r.removed.size() != 1) return std::nullopt;
                                  return std::move(r.state);
                                });
}
