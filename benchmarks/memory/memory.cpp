// Issue 5, item 5: memory, counted by replacing the global operator new and delete (which is why
// this is a binary of its own, `secretstage_memory`: the counting would tax the timed ones). Every
// figure is requested bytes (what the data structures ask the allocator for; malloc's own
// per-block overhead is not included) and allocation counts, read as the change in live bytes
// around building the structure:
//
//   version_bytes        bytes per version, its value's characters excluded: a secret of 10,000
//                        versions of 4 KiB values, minus the 10,000 value buffers, over 10,000.
//   store_secret_bytes   bytes per secret in a store of 100,000 secrets shaped as in store.cpp
//                        (two versions of 16 bytes: these small values are counted).
//   history_*            10,000 successive states of the reference secret (100 versions, 20
//                        labels, 4 KiB values) all kept alive in a vector, against one state: the
//                        target is history ≤ 5 × one state + the bytes of the values the history
//                        created. Two histories: label moves only (the move of item 1 and its
//                        reverse, and moves of the custom labels to random versions), and a
//                        rotation-like mix that also puts new values.

#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <string>
#include <vector>

#include "../support.hpp"

// ---- the counting allocator ------------------------------------------------------------------------

namespace {

// Each block carries its requested size in a header of `align` bytes (at least 16, so that the
// pointer returned keeps malloc's alignment).
std::int64_t live_bytes = 0;
std::int64_t live_blocks = 0;

void* counted_alloc(std::size_t n, std::size_t align) {
  if (align < 16) align = 16;
  void* raw = nullptr;
  if (posix_memalign(&raw, align, n + align) != 0) return nullptr;
  auto* bytes = static_cast<unsigned char*>(raw);
  *reinterpret_cast<std::size_t*>(bytes + align - sizeof(std::size_t)) = n;
  *reinterpret_cast<std::size_t*>(bytes + align - 2 * sizeof(std::size_t)) = align;
  live_bytes += static_cast<std::int64_t>(n);
  ++live_blocks;
  return bytes + align;
}

void counted_free(void* p) noexcept {
  if (p == nullptr) return;
  auto* bytes = static_cast<unsigned char*>(p);
  const std::size_t n = *reinterpret_cast<std::size_t*>(bytes - sizeof(std::size_t));
  const std::size_t align = *reinterpret_cast<std::size_t*>(bytes - 2 * sizeof(std::size_t));
  live_bytes -= static_cast<std::int64_t>(n);
  --live_blocks;
  std::free(bytes - align);
}

void* counted_new(std::size_t n, std::size_t align) {
  if (void* p = counted_alloc(n, align)) return p;
  throw std::bad_alloc();
}

}  // namespace

void* operator new(std::size_t n) { return counted_new(n, 16); }
void* operator new[](std::size_t n) { return counted_new(n, 16); }
void* operator new(std::size_t n, std::align_val_t a) { return counted_new(n, static_cast<std::size_t>(a)); }
void* operator new[](std::size_t n, std::align_val_t a) { return counted_new(n, static_cast<std::size_t>(a)); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept { return counted_alloc(n, 16); }
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept { return counted_alloc(n, 16); }
void* operator new(std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
  return counted_alloc(n, static_cast<std::size_t>(a));
}
void* operator new[](std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
  return counted_alloc(n, static_cast<std::size_t>(a));
}
void operator delete(void* p) noexcept { counted_free(p); }
void operator delete[](void* p) noexcept { counted_free(p); }
void operator delete(void* p, std::size_t) noexcept { counted_free(p); }
void operator delete[](void* p, std::size_t) noexcept { counted_free(p); }
void operator delete(void* p, std::align_val_t) noexcept { counted_free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { counted_free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { counted_free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { counted_free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { counted_free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { counted_free(p); }
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept { counted_free(p); }
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept { counted_free(p); }

// ---- the measurements ------------------------------------------------------------------------------

namespace {

using namespace bench;

struct usage {
  std::int64_t bytes;
  std::int64_t blocks;
};
// The library keeps up to 64 freed small blocks per size class for reuse; they are handed back
// first, so that only memory the structures hold is counted.
usage now() {
  ss::detail::release_cached_blocks();
  return {live_bytes, live_blocks};
}
usage since(usage before) {
  const usage at = now();
  return {at.bytes - before.bytes, at.blocks - before.blocks};
}

// A std::string of n characters asks for n + 1 bytes once it no longer fits the string itself.
constexpr std::int64_t string_buffer(std::int64_t n) { return n < 16 ? 0 : n + 1; }

void version_bytes(benchmark::State& state) {
  const std::int64_t n = 10'000;
  const std::int64_t value = 4096;
  for (auto _ : state) {
    const usage before = now();
    const ss::secret s = reference_secret(n, static_cast<std::size_t>(value));
    const usage used = since(before);
    benchmark::DoNotOptimize(&s);
    state.counters["bytes_per_version"] =
        static_cast<double>(used.bytes - n * string_buffer(value)) / static_cast<double>(n);
    state.counters["blocks_per_version"] = static_cast<double>(used.blocks - n) / static_cast<double>(n);
  }
}
BENCHMARK(version_bytes)->Iterations(1);

void store_secret_bytes(benchmark::State& state) {
  const std::int64_t n = env_int("SECRETSTAGE_BENCH_MEMORY_SECRETS", 100'000);
  for (auto _ : state) {
    const usage before = now();
    ss::store st;
    ss::context ctx;
    for (std::int64_t i = 0; i < n; ++i) {
      const std::string name = secret_name(i);
      ctx.entropy = static_cast<std::uint64_t>(i);
      st = ss::apply(st, ss::create_secret{.name = name, .client_request_token = version_id(2 * i),
                                           .secret_string = std::string(16, 'a')},
                     ctx)
               .value()
               .state;
      st = ss::apply(st, ss::put_secret_value{.secret_id = name, .client_request_token = version_id(2 * i + 1),
                                              .secret_string = std::string(16, 'b')},
                     ctx)
               .value()
               .state;
    }
    const usage used = since(before);
    benchmark::DoNotOptimize(&st);
    state.counters["bytes_per_secret"] = static_cast<double>(used.bytes) / static_cast<double>(n);
    state.counters["blocks_per_secret"] = static_cast<double>(used.blocks) / static_cast<double>(n);
    state.counters["secrets"] = static_cast<double>(n);
  }
}
BENCHMARK(store_secret_bytes)->Iterations(1);

// The history benchmarks: `one` is the live memory of the first state alone; `history` that of
// all the states (the vector's own 10,000 slots included); `values` the bytes of the values the
// history's requests created.
void report_history(benchmark::State& state, usage one, usage history, std::int64_t values) {
  state.counters["one_state_bytes"] = static_cast<double>(one.bytes);
  state.counters["history_bytes"] = static_cast<double>(history.bytes);
  state.counters["values_created_bytes"] = static_cast<double>(values);
  state.counters["bytes_per_state"] =
      static_cast<double>(history.bytes - one.bytes - values) / 9'999.0;
  // The target: history ≤ 5 × one state + values created.
  state.counters["ratio"] =
      static_cast<double>(history.bytes - values) / static_cast<double>(one.bytes);
}

constexpr std::int64_t history_states = 10'000;

void history_label_moves(benchmark::State& state) {
  for (auto _ : state) {
    // The requests' own strings are made before counting starts.
    const ss::context ctx;
    const ss::update_secret_version_stage there = reference_move(100);
    ss::update_secret_version_stage back = there;
    std::swap(back.remove_from_version_id, back.move_to_version_id);
    splitmix rng{5};
    std::vector<std::string> holder_of(custom_labels);  // where each custom label is now
    for (int l = 0; l < custom_labels; ++l)
      holder_of[static_cast<std::size_t>(l)] = version_id(l * 98 / custom_labels);
    const usage before = now();
    std::vector<ss::secret> states;
    {
      ss::secret first = reference_secret(100, 4096);
      const usage one = since(before);
      states.reserve(history_states);
      states.push_back(std::move(first));
      for (std::int64_t i = 1; i < history_states; ++i) {
        const ss::secret& last = states.back();
        if (i % 2 == 1) {
          // Item 1's move, alternately there and back.
          states.push_back(ss::apply(last, i % 4 == 1 ? there : back, ctx).value().state);
        } else {
          // A custom label to a random version.
          const int l = static_cast<int>(rng.below(custom_labels));
          std::string to = version_id(static_cast<std::int64_t>(rng.below(100)));
          auto& from = holder_of[static_cast<std::size_t>(l)];
          if (to == from) to = version_id(from == version_id(0) ? 1 : 0);
          states.push_back(ss::apply(last, ss::update_secret_version_stage{.secret_id = "bench",
                                                                           .version_stage = custom_label(l),
                                                                           .remove_from_version_id = from,
                                                                           .move_to_version_id = to},
                                     ctx)
                               .value()
                               .state);
          from = to;  // same length: no allocation
        }
      }
      report_history(state, one, since(before), 0);
    }
    benchmark::DoNotOptimize(states.data());
  }
}
BENCHMARK(history_label_moves)->Iterations(1);

void history_rotations(benchmark::State& state) {
  // Rotation after rotation as AWS's template does it: PutSecretValue of the new value as
  // AWSPENDING, AWSCURRENT moved to it (AWSPREVIOUS follows), AWSPENDING removed; the background
  // collection keeps the secret at 100 versions. Four states per rotation. The reference secret
  // has 17 custom labels here, so that AWSPENDING fits in the quota of 20.
  for (auto _ : state) {
    const usage before = now();
    std::vector<ss::secret> states;
    std::int64_t values = 0;
    {
      ss::secret first = reference_secret(100, 4096, custom_labels - 1);
      const usage one = since(before);
      states.reserve(history_states);
      states.push_back(std::move(first));
      ss::context ctx;
      std::int64_t next_version = 100;
      for (std::int64_t i = 1; i < history_states; ++i) {
        const ss::secret& last = states.back();
        ctx.now = ss::timestamp{ctx.now.epoch_ms + 25 * 3'600'000};
        const std::string fresh = version_id(next_version);
        switch (i % 4) {
          case 1:
            states.push_back(ss::apply(last, ss::put_secret_value{.secret_id = "bench", .client_request_token = fresh,
                                                                  .secret_string = std::string(4096, 'r'),
                                                                  .version_stages = {{"AWSPENDING"}}},
                                       ctx)
                                 .value()
                                 .state);
            values += string_buffer(4096);
            break;
          case 2:
            states.push_back(ss::apply(last, ss::update_secret_version_stage{
                                                 .secret_id = "bench", .version_stage = "AWSCURRENT",
                                                 .remove_from_version_id = *last.version_of("AWSCURRENT"),
                                                 .move_to_version_id = fresh},
                                       ctx)
                                 .value()
                                 .state);
            break;
          case 3:
            states.push_back(ss::apply(last, ss::update_secret_version_stage{.secret_id = "bench",
                                                                             .version_stage = "AWSPENDING",
                                                                             .remove_from_version_id = fresh},
                                       ctx)
                                 .value()
                                 .state);
            ++next_version;
            break;
          default:
            states.push_back(ss::collect_deprecated_versions(last, ctx.now).state);
            break;
        }
      }
      report_history(state, one, since(before), values);
    }
    benchmark::DoNotOptimize(states.data());
  }
}
BENCHMARK(history_rotations)->Iterations(1);

}  // namespace
