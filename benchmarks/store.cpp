// Issue 5, item 4: a store of 10³ vs 10⁶ secrets. One iteration is one UpdateSecretVersionStage
// applied to the store: resolve the SecretId by name, move AWSCURRENT (and so AWSPREVIOUS), build
// the new store (destroyed inside the iteration: every iteration starts from the same store).
// Iterations cycle, in a seeded random order, over a working set of W secrets drawn at random
// from the N:
//
//   store_usvs/secrets:N/working_set:1      the target: the same operation on the same secret,
//                                           in a store of 10³ or 10⁶ — what the store's size
//                                           costs the operation (a deeper trie, more nodes to
//                                           copy), nothing else.
//   store_usvs/secrets:N/working_set:1000   a hot set of a thousand secrets: a new store copies
//                                           one node per level and references every sibling in
//                                           it again, so at 10⁶ the siblings are cold memory.
//   store_usvs/secrets:N/working_set:N      every iteration on another of all N secrets: at 10⁶
//                                           each one misses the caches all the way to memory.
//   store_usvs_moving/secrets:N/working_set:W
//                                           the store as a service keeps it: one store moved on
//                                           from request to request with ss::apply_in_place
//                                           (the same new store, built by changing in place the
//                                           trie nodes no other store holds), there and back
//                                           over the working set as the in-place store below.
//   store_in_place/secrets:N/working_set:W  the same requests on a minimal mutable store
//                                           (std::unordered_map of the in-place secrets of
//                                           in_place.hpp): what those cache misses cost any
//                                           structure on this machine.
//
// Each secret: the name "secret-<7 digits>", two versions with 16-byte values, AWSCURRENT on the
// second, AWSPREVIOUS on the first. SECRETSTAGE_BENCH_MAX_SECRETS (default 1000000) caps the sizes
// registered; the smoke test lowers it.

#include <benchmark/benchmark.h>

#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "in_place.hpp"
#include "support.hpp"

namespace {

using namespace bench;

// The two version ids of secret i.
std::string first_version(std::int64_t i) { return version_id(2 * i); }
std::string second_version(std::int64_t i) { return version_id(2 * i + 1); }

const ss::store& store_of(std::int64_t n) {
  static std::map<std::int64_t, ss::store> built;  // built once per size, kept for the process
  auto at = built.find(n);
  if (at != built.end()) return at->second;
  ss::store st;
  ss::context ctx;
  for (std::int64_t i = 0; i < n; ++i) {
    ctx.entropy = static_cast<std::uint64_t>(i);
    st = ss::apply(st, ss::create_secret{.name = secret_name(i), .client_request_token = first_version(i),
                                         .secret_string = std::string(16, 'a')},
                   ctx)
             .value()
             .state;
    st = ss::apply(st, ss::put_secret_value{.secret_id = secret_name(i),
                                            .client_request_token = second_version(i),
                                            .secret_string = std::string(16, 'b')},
                   ctx)
             .value()
             .state;
  }
  return built.emplace(n, std::move(st)).first->second;
}

/// `w` distinct secrets of the `n`, in a random order (a seeded Fisher–Yates shuffle, cut).
std::vector<std::int64_t> working_set(std::int64_t n, std::int64_t w) {
  std::vector<std::int64_t> order(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) order[static_cast<std::size_t>(i)] = i;
  splitmix rng{42};
  for (std::size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng.below(i)]);
  order.resize(static_cast<std::size_t>(w));
  return order;
}

/// AWSCURRENT from the second version to the first (`back`: the reverse) on each secret.
std::vector<ss::update_secret_version_stage> moves(const std::vector<std::int64_t>& secrets, bool back) {
  std::vector<ss::update_secret_version_stage> out;
  out.reserve(secrets.size());
  for (std::int64_t i : secrets) {
    ss::update_secret_version_stage r{.secret_id = secret_name(i),
                                      .version_stage = "AWSCURRENT",
                                      .remove_from_version_id = second_version(i),
                                      .move_to_version_id = first_version(i)};
    if (back) std::swap(r.remove_from_version_id, r.move_to_version_id);
    out.push_back(std::move(r));
  }
  return out;
}

void store_usvs(benchmark::State& state) {
  const std::int64_t n = state.range(0);
  const ss::store& st = store_of(n);
  const auto requests = moves(working_set(n, state.range(1)), false);
  const ss::context ctx{.now = ss::timestamp{1}};
  {
    auto r = ss::apply(st, requests.front(), ctx);
    if (!r || r.value().state.find(requests.front().secret_id)->version_of("AWSCURRENT") !=
                  requests.front().move_to_version_id)
      state.SkipWithError("the move failed");
  }
  std::size_t next = 0;
  for (auto _ : state) {
    auto r = ss::apply(st, requests[next], ctx);
    benchmark::DoNotOptimize(r);
    if (++next == requests.size()) next = 0;
  }
  state.SetItemsProcessed(state.iterations());
}

void store_usvs_moving(benchmark::State& state) {
  const std::int64_t n = state.range(0);
  ss::store st = store_of(n);  // shares every node with the cached store: the first pass copies
  const auto secrets = working_set(n, state.range(1));
  const auto there = moves(secrets, false);
  const auto back = moves(secrets, true);
  const ss::context ctx{.now = ss::timestamp{1}};
  // One pass there and back before timing, so that the paths to the working set are this
  // store's alone (the state a service reaches after its first requests), and a check.
  for (const auto* pass : {&there, &back})
    for (const auto& r : *pass)
      if (!ss::apply_in_place(st, r, ctx)) state.SkipWithError("the move failed");
  if (st.find(there.front().secret_id)->version_of("AWSCURRENT") != there.front().remove_from_version_id)
    state.SkipWithError("the moves did not land");
  std::size_t next = 0;
  bool returning = false;
  for (auto _ : state) {
    auto r = ss::apply_in_place(st, (returning ? back : there)[next], ctx);
    benchmark::DoNotOptimize(r);
    if (++next == there.size()) {
      next = 0;
      returning = !returning;
    }
  }
  state.SetItemsProcessed(state.iterations());
}

void store_in_place(benchmark::State& state) {
  const std::int64_t n = state.range(0);
  const std::int64_t w = state.range(1);
  std::unordered_map<std::string, flat::secret> st;
  st.reserve(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) {
    flat::secret s;
    s.name = secret_name(i);
    s.arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:";
    s.arn += s.name;
    s.arn += "-AbCdEf";
    s.add_version({first_version(i), std::string(16, 'a'), 0});
    s.add_version({second_version(i), std::string(16, 'b'), 0});
    s.labels.emplace_back("AWSCURRENT", 1);
    s.labels.emplace_back("AWSPREVIOUS", 0);
    std::string name = s.name;
    st.emplace(std::move(name), std::move(s));
  }
  // In place the state moves on: one pass over the working set there, the next one back.
  const auto secrets = working_set(n, w);
  const auto there = moves(secrets, false);
  const auto back = moves(secrets, true);
  std::size_t next = 0;
  bool returning = false;
  std::int64_t now = 1;
  for (auto _ : state) {
    const auto& r = (returning ? back : there)[next];
    const auto status = flat::update_secret_version_stage(st.find(r.secret_id)->second, r, ++now);
    benchmark::DoNotOptimize(status);
    if (++next == there.size()) {
      next = 0;
      returning = !returning;
    }
  }
  state.SetItemsProcessed(state.iterations());
}

const bool registered = [] {
  const std::int64_t cap = env_int("SECRETSTAGE_BENCH_MAX_SECRETS", 1'000'000);
  std::vector<std::int64_t> sizes;
  for (std::int64_t n : {std::int64_t{1'000}, std::int64_t{1'000'000}})
    if (n <= cap) sizes.push_back(n);
  if (cap > 1'000 && cap < 1'000'000) sizes.push_back(cap);
  auto* usvs = benchmark::RegisterBenchmark("store_usvs", store_usvs)->ArgNames({"secrets", "working_set"});
  auto* moving = benchmark::RegisterBenchmark("store_usvs_moving", store_usvs_moving)->ArgNames({"secrets", "working_set"});
  auto* in_place = benchmark::RegisterBenchmark("store_in_place", store_in_place)->ArgNames({"secrets", "working_set"});
  for (std::int64_t w : {std::int64_t{1}, std::int64_t{1'000}, std::int64_t{0}}) {
    for (std::int64_t n : sizes) {
      if (w == 0 && n == 1'000) continue;  // the whole store: the same as 1,000 there
      usvs->Args({n, w == 0 ? n : w});
      moving->Args({n, w == 0 ? n : w});
      if (w != 1) in_place->Args({n, w == 0 ? n : w});
    }
  }
  return true;
}();

}  // namespace
