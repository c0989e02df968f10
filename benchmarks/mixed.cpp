// Issue 5, item 6: operations per second on random sequences of valid and invalid requests, in
// the manner of tests/property/stateful_store_test.cpp: every operation of store_operation.hpp
// over a small alphabet of names, tokens and labels (so that requests hit existing secrets and
// versions, collide, and fail for every reason AWS has), with the clock moving on between
// requests and the background transitions run every 64 requests.
//
// The sequence is drawn once from a fixed seed, independently of the state (as a client would
// send it); one iteration replays it from an empty store through apply(store, store_operation,
// ctx), keeping the new store after each success. Counters: the share of requests that succeed,
// and requests per second (items_per_second).

#include <benchmark/benchmark.h>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "support.hpp"

namespace {

using namespace bench;

const std::vector<std::string> names = {"db", "svc-a1b2c3", "p/q", "app/api"};
const std::vector<std::string> labels = {"AWSCURRENT", "AWSPREVIOUS", "AWSPENDING", "L1", "L2"};
const std::string rotation_function = "arn:aws:lambda:us-east-1:123456789012:function:rotate";
constexpr std::int64_t start_ms = 1'700'000'000'000;
constexpr std::int64_t minute_ms = 60'000;

struct step {
  ss::store_operation request;
  std::int64_t advance_ms;                      // the clock moves on by this much first
  std::optional<std::string> generated_token;  // what an SDK would have generated
};

class generator {
 public:
  explicit generator(std::uint64_t seed) : rng_{seed} {}

  step next() {
    step s{make_request(), advance(), chance(80) ? std::optional<std::string>(token()) : std::nullopt};
    return s;
  }

 private:
  bool chance(unsigned percent) { return rng_.below(100) < percent; }
  template <class T>
  const T& pick(const std::vector<T>& v) { return v[rng_.below(v.size())]; }

  std::int64_t advance() {
    const auto r = rng_.below(100);
    if (r < 90) return static_cast<std::int64_t>(rng_.below(10)) * minute_ms;
    if (r < 98) return 24 * 60 * minute_ms;
    return 8 * 24 * 60 * minute_ms;
  }
  std::string secret_id() {
    const auto r = rng_.below(100);
    if (r < 85) return pick(names);
    if (r < 93) return "arn:aws:secretsmanager:us-east-1:123456789012:secret:" + pick(names);  // partial ARN
    if (r < 97) return "unknown";
    return "bad name!";
  }
  std::string token() {
    if (chance(3)) return std::string(31, 's');  // too short: ValidationException
    return version_id(static_cast<std::int64_t>(rng_.below(12)));
  }
  std::optional<std::string> maybe_token() {
    return chance(70) ? std::optional<std::string>(token()) : std::nullopt;
  }
  std::string label() { return chance(2) ? std::string() : pick(labels); }
  std::optional<std::string> value() {
    if (chance(2)) return std::string();  // empty: ValidationException
    return std::string(64 + rng_.below(64), static_cast<char>('a' + rng_.below(26)));
  }

  ss::store_operation make_request() {
    switch (rng_.below(20)) {
      case 0:
      case 1:
        return ss::create_secret{.name = chance(97) ? pick(names) : std::string("bad name!"),
                                 .client_request_token = maybe_token(),
                                 .description = chance(30) ? std::optional<std::string>("d") : std::nullopt,
                                 .secret_string = chance(90) ? value() : std::nullopt,
                                 .tags = chance(20) ? std::optional<std::vector<ss::tag>>(std::vector<ss::tag>{ss::tag{"env", "prod"}})
                                                    : std::nullopt};
      case 2:
      case 3:
      case 4: {
        ss::put_secret_value r{.secret_id = secret_id(), .client_request_token = maybe_token()};
        if (chance(85)) r.secret_string = value();
        if (chance(8)) r.secret_binary = ss::binary{1, 2, 3};
        if (chance(40)) r.version_stages = std::vector<std::string>{label()};
        return r;
      }
      case 5:
        return ss::update_secret{.secret_id = secret_id(), .client_request_token = maybe_token(),
                                 .description = chance(50) ? std::optional<std::string>("new") : std::nullopt,
                                 .secret_string = chance(60) ? value() : std::nullopt};
      case 6:
      case 7:
      case 8: {
        ss::update_secret_version_stage r{.secret_id = secret_id(), .version_stage = label()};
        if (chance(60)) r.remove_from_version_id = token();
        if (chance(80)) r.move_to_version_id = token();
        return r;
      }
      case 9:
        return ss::rotate_secret{.secret_id = secret_id(), .client_request_token = maybe_token(),
                                 .rotation_lambda_arn = chance(80) ? std::optional<std::string>(rotation_function)
                                                                   : std::nullopt,
                                 .rotation_rules = ss::rotation_rules{30, std::nullopt, std::nullopt}};
      case 10:
        return ss::cancel_rotate_secret{.secret_id = secret_id()};
      case 11:
        return ss::delete_secret{.secret_id = secret_id(),
                                 .recovery_window_in_days = chance(80) ? std::optional<std::int64_t>(7)
                                                                       : std::optional<std::int64_t>(3),
                                 .force_delete_without_recovery = false};
      case 12:
        return ss::restore_secret{.secret_id = secret_id()};
      case 13:
      case 14:
      case 15: {
        ss::get_secret_value r{.secret_id = secret_id()};
        if (chance(30)) r.version_id = token();
        if (chance(30)) r.version_stage = label();
        return r;
      }
      case 16:
        return ss::describe_secret{.secret_id = secret_id()};
      case 17:
        return ss::list_secret_version_ids{.secret_id = secret_id(),
                                           .include_deprecated = chance(50)};
      case 18:
        if (chance(50)) return ss::list_secrets{.max_results = 2};
        return ss::batch_get_secret_value{.secret_id_list = std::vector<std::string>{pick(names), pick(names)}};
      default:
        if (chance(50)) return ss::tag_resource{.secret_id = secret_id(), .tags = {ss::tag{"team", "a"}}};
        return ss::untag_resource{.secret_id = secret_id(), .tag_keys = {"team"}};
    }
  }

  splitmix rng_;
};

std::vector<step> sequence(std::size_t n, std::uint64_t seed) {
  generator g(seed);
  std::vector<step> out;
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) out.push_back(g.next());
  return out;
}

/// Replays the steps from an empty store; returns how many succeeded.
std::size_t replay(const std::vector<step>& steps) {
  ss::store st;
  ss::context ctx{.now = ss::timestamp{start_ms}, .entropy = 7, .functions = {rotation_function}};
  std::size_t succeeded = 0;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const step& s = steps[i];
    ctx.now.epoch_ms += s.advance_ms;
    ctx.generated_token = s.generated_token;
    auto r = ss::apply(st, s.request, ctx);
    if (r) {
      st = std::move(r.value().state);
      ++succeeded;
    }
    if (i % 64 == 63) {
      st = ss::collect_deprecated_versions(st, ctx.now).state;
      st = ss::purge_deleted_secrets(st, ctx.now).state;
    }
  }
  benchmark::DoNotOptimize(st);
  return succeeded;
}

void mixed(benchmark::State& state) {
  const auto steps = sequence(static_cast<std::size_t>(state.range(0)), 2024);
  const std::size_t succeeded = replay(steps);
  for (auto _ : state) benchmark::DoNotOptimize(replay(steps));
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(steps.size()));
  state.counters["succeeded_share"] = static_cast<double>(succeeded) / static_cast<double>(steps.size());
}
BENCHMARK(mixed)->ArgName("requests")->Arg(10000)->Unit(benchmark::kMillisecond);

}  // namespace
