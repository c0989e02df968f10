// Transition costs at several secret sizes. The full suite (targets, memory, store scaling,
// server throughput) is issue 5's; this file keeps the hot paths measured from the start.
//
//   cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release && cmake --build build-bench
//   ./build-bench/secretstage_benchmarks --benchmark_format=json

#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <secretstage/secretstage.hpp>

namespace ss = secretstage;

namespace {

std::string token(std::int64_t n) {
  std::string t = std::to_string(n);
  return std::string(36 - t.size(), '0') + t;
}

// A secret with `versions` versions of `value_size` bytes each and 20 labels: AWSCURRENT on the
// newest, AWSPREVIOUS on the one before, 18 custom labels on the oldest.
ss::secret make_secret(std::int64_t versions, std::size_t value_size) {
  ss::context ctx;
  ss::secret s = ss::apply(ss::create_secret{.name = "bench", .client_request_token = token(0),
                                             .secret_string = std::string(value_size, 'x')},
                           ctx)
                     .value()
                     .state;
  for (std::int64_t i = 1; i < versions; ++i)
    s = ss::apply(s, ss::put_secret_value{.secret_id = "bench", .client_request_token = token(i),
                                          .secret_string = std::string(value_size, 'y')},
                  ctx)
            .value()
            .state;
  for (int l = 0; l < 18; ++l)
    s = ss::apply(s, ss::update_secret_version_stage{.secret_id = "bench",
                                                     .version_stage = "L" + std::to_string(l),
                                                     .move_to_version_id = token(0)},
                  ctx)
            .value()
            .state;
  return s;
}

// UpdateSecretVersionStage moving AWSCURRENT (and so AWSPREVIOUS) between the two newest versions.
void update_secret_version_stage(benchmark::State& state) {
  const auto n = state.range(0);
  const ss::secret s = make_secret(n, static_cast<std::size_t>(state.range(1)));
  const ss::update_secret_version_stage move{.secret_id = "bench",
                                             .version_stage = "AWSCURRENT",
                                             .remove_from_version_id = token(n - 1),
                                             .move_to_version_id = token(n - 2)};
  const ss::context ctx;
  for (auto _ : state) {
    auto r = ss::apply(s, move, ctx);
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(update_secret_version_stage)->Args({10, 4096})->Args({100, 4096})->Args({1000, 4096})->Args({100, 16})->Args({100, 65536});

// The physical limit: the same move on a minimal mutable structure (flat vectors, in place).
void in_place_baseline(benchmark::State& state) {
  struct flat_version {
    std::string id;
    std::string value;
  };
  const auto n = state.range(0);
  std::vector<flat_version> versions;
  for (std::int64_t i = 0; i < n; ++i) versions.push_back({token(i), std::string(4096, 'y')});
  std::vector<std::pair<std::string, std::size_t>> labels{{"AWSCURRENT", n - 1}, {"AWSPREVIOUS", n - 2}};
  for (int l = 0; l < 18; ++l) labels.emplace_back("L" + std::to_string(l), 0);
  auto find_version = [&](const std::string& id) {
    for (std::size_t i = versions.size(); i-- > 0;)
      if (versions[i].id == id) return i;
    return versions.size();
  };
  auto find_label = [&](std::string_view l) -> std::pair<std::string, std::size_t>& {
    for (auto& e : labels)
      if (e.first == l) return e;
    return labels.front();
  };
  std::string from = token(n - 1), to = token(n - 2);
  for (auto _ : state) {
    const std::size_t a = find_version(from), b = find_version(to);
    find_label("AWSCURRENT").second = b;
    find_label("AWSPREVIOUS").second = a;
    std::swap(from, to);
    benchmark::DoNotOptimize(labels.data());
  }
}
BENCHMARK(in_place_baseline)->Arg(10)->Arg(100)->Arg(1000);

// PutSecretValue creating a new AWSCURRENT version on a secret of n versions.
void put_secret_value(benchmark::State& state) {
  const auto n = state.range(0);
  const ss::secret s = make_secret(n, 4096);
  const ss::put_secret_value put{.secret_id = "bench", .client_request_token = token(n + 1),
                                 .secret_string = std::string(4096, 'z')};
  const ss::context ctx;
  for (auto _ : state) {
    auto r = ss::apply(s, put, ctx);
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(put_secret_value)->Arg(10)->Arg(100)->Arg(1000);

}  // namespace
