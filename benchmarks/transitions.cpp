// Issue 5, items 1–3: the pure transitions against the physical limit, and their scaling.
//
//   limit/*        item 1: UpdateSecretVersionStage moving AWSCURRENT (and so AWSPREVIOUS) on the
//                  reference secret (100 versions, 20 labels, 4 KiB values): the library's pure
//                  transition beside the same move on a minimal mutable structure.
//   usvs/*         item 2: the library's move at 10 … 10,000 versions, and at 16 B vs 64 KiB values.
//   put/*          item 3: PutSecretValue (a new version; AWSCURRENT moves) at 10 … 10,000 versions.
//
// Each pure transition starts from the same state every iteration and its result (next state and
// response) is destroyed inside the iteration, so the time includes building and freeing it.
// benchmarks/run.sh turns the medians into the ratios.

#include <benchmark/benchmark.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "in_place.hpp"
#include "support.hpp"

namespace {

using namespace bench;

// ---- the physical limit (in_place.hpp) -------------------------------------------------------------

void limit_in_place(benchmark::State& state) {
  const std::int64_t n = 100;
  flat::secret s = flat::reference_secret(n, 4096);
  // In place, the state moves on: alternate the move and its reverse (the same work).
  const ss::update_secret_version_stage there = reference_move(n);
  ss::update_secret_version_stage back = there;
  std::swap(back.remove_from_version_id, back.move_to_version_id);
  std::int64_t now = 1;
  for (auto _ : state) {
    const auto st = flat::update_secret_version_stage(s, now % 2 == 1 ? there : back, now);
    ++now;
    benchmark::DoNotOptimize(st);
    benchmark::ClobberMemory();
  }
  if (s.label("AWSCURRENT")->second != (now % 2 == 1 ? n - 1 : n - 2) ||
      flat::update_secret_version_stage(s, now % 2 == 1 ? there : back, now) != flat::status::ok)
    state.SkipWithError("the in-place move did not move AWSCURRENT");
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(limit_in_place);

/// The library's move from `s`: a fresh next state and response each iteration.
void library_move(benchmark::State& state, const ss::secret& s, const ss::update_secret_version_stage& move) {
  const ss::context ctx{.now = ss::timestamp{1}};
  {
    auto r = ss::apply(s, move, ctx);
    if (!r || r.value().state.version_of("AWSCURRENT") != move.move_to_version_id)
      state.SkipWithError("the library's move failed");
  }
  for (auto _ : state) {
    auto r = ss::apply(s, move, ctx);
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
}

void limit_library(benchmark::State& state) {
  const ss::secret s = reference_secret(100, 4096);
  library_move(state, s, reference_move(100));
}
BENCHMARK(limit_library);

// ---- item 2: the same move at other sizes --------------------------------------------------------

void usvs_versions(benchmark::State& state) {
  const std::int64_t n = state.range(0);
  const ss::secret s = reference_secret(n, 4096);
  library_move(state, s, reference_move(n));
}
BENCHMARK(usvs_versions)->ArgName("versions")->Arg(10)->Arg(100)->Arg(1000)->Arg(10000);

void usvs_value_size(benchmark::State& state) {
  const ss::secret s = reference_secret(100, static_cast<std::size_t>(state.range(0)));
  library_move(state, s, reference_move(100));
}
BENCHMARK(usvs_value_size)->ArgName("bytes")->Arg(16)->Arg(65536);

// ---- item 3: PutSecretValue ----------------------------------------------------------------------

void put(benchmark::State& state) {
  const std::int64_t n = state.range(0);
  const ss::secret s = reference_secret(n, 4096);
  const ss::put_secret_value request{.secret_id = "bench", .client_request_token = version_id(n),
                                     .secret_string = std::string(4096, 'w')};
  const ss::context ctx{.now = ss::timestamp{1}};
  {
    auto r = ss::apply(s, request, ctx);
    if (!r || r.value().state.version_of("AWSCURRENT") != version_id(n))
      state.SkipWithError("PutSecretValue failed");
  }
  for (auto _ : state) {
    auto r = ss::apply(s, request, ctx);
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(put)->ArgName("versions")->Arg(10)->Arg(100)->Arg(1000)->Arg(10000);

}  // namespace
