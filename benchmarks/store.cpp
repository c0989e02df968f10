// Issue 5, item 4: a store of 10³ vs 10⁶ secrets. One iteration is one UpdateSecretVersionStage
// applied to the store: resolve the SecretId by name, move AWSCURRENT (and so AWSPREVIOUS), build
// the new store. Each iteration targets another secret, in a random order fixed by a seed, so that
// at 10⁶ the secrets are not in the cache as they would not be in a service; the new store is
// destroyed inside the iteration and every iteration starts from the same store.
//
// Each secret: the name "secret-<7 digits>", two versions with 16-byte values, AWSCURRENT on the
// second, AWSPREVIOUS on the first. SECRETSTAGE_BENCH_MAX_SECRETS (default 1000000) caps the sizes
// registered; the smoke test lowers it.

#include <benchmark/benchmark.h>

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

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

// One move per secret, in a random order (Fisher–Yates with a fixed seed).
const std::vector<ss::update_secret_version_stage>& requests_of(std::int64_t n) {
  static std::map<std::int64_t, std::vector<ss::update_secret_version_stage>> built;
  auto at = built.find(n);
  if (at != built.end()) return at->second;
  std::vector<std::int64_t> order(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) order[static_cast<std::size_t>(i)] = i;
  splitmix rng{42};
  for (std::size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng.below(i)]);
  std::vector<ss::update_secret_version_stage> requests;
  requests.reserve(order.size());
  for (std::int64_t i : order)
    requests.push_back({.secret_id = secret_name(i),
                        .version_stage = "AWSCURRENT",
                        .remove_from_version_id = second_version(i),
                        .move_to_version_id = first_version(i)});
  return built.emplace(n, std::move(requests)).first->second;
}

void store_usvs(benchmark::State& state) {
  const std::int64_t n = state.range(0);
  const ss::store& st = store_of(n);
  const auto& requests = requests_of(n);
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

const bool registered = [] {
  const std::int64_t cap = env_int("SECRETSTAGE_BENCH_MAX_SECRETS", 1'000'000);
  auto* b = benchmark::RegisterBenchmark("store_usvs", store_usvs)->ArgName("secrets");
  for (std::int64_t n : {1'000, 1'000'000})
    if (n <= cap) b->Arg(n);
  if (cap < 1'000'000 && cap > 1'000) b->Arg(cap);
  return true;
}();

}  // namespace
