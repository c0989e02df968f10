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

#include "support.hpp"

namespace {

using namespace bench;

// ---- the physical limit ------------------------------------------------------------------------

// What a careful hand-written service would keep for one secret if it never had to share a state:
// flat vectors changed in place, an open-addressing index from version id to version, and a label
// table of (label, version index) pairs. It performs the same checks as the library in the same
// order (request shape, SecretId resolution, deletion, the preconditions of decisions.md) and the
// same effect (the label move, AWSPREVIOUS dragged along, LastChangedDate), but on failure it
// returns only a status: it builds no message, no response and no new state.
namespace flat {

struct version {
  std::string id;
  std::string value;
  std::int64_t created_ms;
};

enum class status { ok, validation, not_found, marked_for_deletion, invalid_parameter, limit_exceeded };

struct secret {
  std::string name;
  std::string arn;
  std::optional<std::int64_t> deleted_ms;
  std::int64_t last_changed_ms = 0;
  std::vector<version> versions;
  std::vector<std::uint32_t> index;  // power of two ≥ 2 × versions; 0 = empty, else version + 1
  std::vector<std::pair<std::string, std::uint32_t>> labels;  // label → version, at most 20

  static std::size_t hash(std::string_view id) { return std::hash<std::string_view>{}(id); }

  void add_version(version v) {
    versions.push_back(std::move(v));
    if (index.size() < 2 * versions.size()) {
      std::size_t n = 16;
      while (n < 4 * versions.size()) n *= 2;
      index.assign(n, 0);
      for (std::uint32_t i = 0; i < versions.size(); ++i) place(i);
    } else {
      place(static_cast<std::uint32_t>(versions.size() - 1));
    }
  }
  void place(std::uint32_t i) {
    const std::size_t mask = index.size() - 1;
    std::size_t at = hash(versions[i].id) & mask;
    while (index[at] != 0) at = (at + 1) & mask;
    index[at] = i + 1;
  }
  /// The index of the version with this id, or npos.
  [[nodiscard]] std::size_t find(std::string_view id) const {
    const std::size_t mask = index.size() - 1;
    for (std::size_t at = hash(id) & mask; index[at] != 0; at = (at + 1) & mask)
      if (versions[index[at] - 1].id == id) return index[at] - 1;
    return npos;
  }
  /// The entry of this label in the label table, or nullptr.
  [[nodiscard]] std::pair<std::string, std::uint32_t>* label(std::string_view l) {
    for (auto& e : labels)
      if (e.first == l) return &e;
    return nullptr;
  }
  static constexpr std::size_t npos = ~std::size_t{0};
};

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '/' ||
         c == '_' || c == '+' || c == '=' || c == '.' || c == '@' || c == '-';
}

/// UpdateSecretVersionStage in place.
status update_secret_version_stage(secret& s, const ss::update_secret_version_stage& r,
                                   std::int64_t now_ms) {
  const auto& from = r.remove_from_version_id;
  const auto& to = r.move_to_version_id;
  if (r.secret_id.empty() || r.secret_id.size() > 2048) return status::validation;
  if (r.version_stage.empty() || r.version_stage.size() > 256) return status::validation;
  if (from && (from->size() < 32 || from->size() > 64)) return status::validation;
  if (to && (to->size() < 32 || to->size() > 64)) return status::validation;
  if (r.secret_id.compare(0, 4, "arn:") != 0)
    for (char c : r.secret_id)
      if (!is_name_char(c)) return status::validation;
  if (r.secret_id != s.name && r.secret_id != s.arn &&
      r.secret_id != std::string_view(s.arn).substr(0, s.arn.size() - 7))
    return status::not_found;
  if (s.deleted_ms) return status::marked_for_deletion;
  if (!from && !to) return status::invalid_parameter;
  const std::size_t a = from ? s.find(*from) : secret::npos;
  if (from && a == secret::npos) return status::invalid_parameter;
  const std::size_t b = to ? s.find(*to) : secret::npos;
  if (to && b == secret::npos) return status::invalid_parameter;
  auto* entry = s.label(r.version_stage);
  if (!from && entry != nullptr && entry->second != b) return status::invalid_parameter;
  if (from && (entry == nullptr || entry->second != a)) return status::invalid_parameter;
  const bool current = r.version_stage == "AWSCURRENT";
  if (current && from && !to) return status::invalid_parameter;
  if (to && entry != nullptr && entry->second == b) return status::ok;
  if (to) {
    if (entry == nullptr) {
      if (s.labels.size() == 20) return status::limit_exceeded;
      s.labels.emplace_back(r.version_stage, static_cast<std::uint32_t>(b));
    } else {
      entry->second = static_cast<std::uint32_t>(b);
    }
    if (current && from) {
      if (auto* previous = s.label("AWSPREVIOUS")) {
        previous->second = static_cast<std::uint32_t>(a);
      } else {
        if (s.labels.size() == 20) return status::limit_exceeded;
        s.labels.emplace_back("AWSPREVIOUS", static_cast<std::uint32_t>(a));
      }
    }
  } else {
    *entry = std::move(s.labels.back());
    s.labels.pop_back();
  }
  s.last_changed_ms = now_ms;
  return status::ok;
}

/// The reference secret's shape, in the flat structure.
secret reference_secret(std::int64_t n, std::size_t value_size) {
  secret s;
  s.name = "bench";
  s.arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:bench-AbCdEf";
  for (std::int64_t i = 0; i < n; ++i) s.add_version({version_id(i), std::string(value_size, 'v'), 0});
  s.labels.emplace_back("AWSCURRENT", static_cast<std::uint32_t>(n - 1));
  s.labels.emplace_back("AWSPREVIOUS", static_cast<std::uint32_t>(n - 2));
  for (int l = 0; l < custom_labels; ++l)
    s.labels.emplace_back(custom_label(l), static_cast<std::uint32_t>(l * (n - 2) / custom_labels));
  return s;
}

}  // namespace flat

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
