// Fuzz target (b) of issue 6: bytes decoded into a sequence of requests over small alphabets
// (3 names, 6 tokens, 5 labels, 3 values, 2 rotation functions, clock steps), applied to one
// store. After every step: check_store_invariants and check_store_transition_invariants hold, a
// failed request left the store equal to what it was, and the same request on the same store
// gives the same result. Any violation aborts (libFuzzer reports it as a crash).
//
// Built with libFuzzer (clang++ -fsanitize=fuzzer) by scripts/fuzz.sh, and with
// tests/fuzz/replay_main.cpp as a plain test that replays the checked-in corpus
// (tests/fuzz/corpus/operations/).

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <secretstage/background.hpp>
#include <secretstage/invariants.hpp>
#include <secretstage/rotation.hpp>
#include <secretstage/secretstage.hpp>

namespace ss = secretstage;

namespace {

class reader {
 public:
  reader(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  [[nodiscard]] bool done() const noexcept { return at_ >= size_; }
  std::uint8_t byte() noexcept { return at_ < size_ ? data_[at_++] : 0; }
  template <class T>
  const T& pick(const std::vector<T>& from) noexcept {
    return from[byte() % from.size()];
  }
  bool flag() noexcept { return (byte() & 1) != 0; }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t at_ = 0;
};

const std::vector<std::string> names = {"db", "svc-a1b2c3", "p/q"};
const std::vector<std::string> tokens = {
    "a1111111-1111-4111-8111-111111111111", "b2222222-2222-4222-8222-222222222222",
    "c3333333-3333-4333-8333-333333333333", "d4444444-4444-4444-8444-444444444444",
    "e5555555-5555-4555-8555-555555555555", std::string(31, 's') /* too short */};
const std::vector<std::string> labels = {"AWSCURRENT", "AWSPREVIOUS", "AWSPENDING", "L1", ""};
const std::vector<std::string> values = {"v0", "v1", ""};
const std::string good_fn = "arn:aws:lambda:us-east-1:123456789012:function:rotate";
const std::vector<std::string> functions = {good_fn, "arn:aws:lambda:us-east-1:123456789012:function:other"};
const std::vector<std::int64_t> clock_steps = {1, 60'000, 86'400'000, 86'400'000 * 7LL, 86'400'000 * 31LL};

[[noreturn]] void violation(const char* what, const std::string& detail = {}) {
  std::fprintf(stderr, "operations_fuzz: %s %s\n", what, detail.c_str());
  std::abort();
}

void check_step(const ss::store& before, const ss::store& after) {
  for (const auto& v : ss::check_store_invariants(after)) violation("invariant violated:", v);
  for (const auto& v : ss::check_store_transition_invariants(before, after))
    violation("transition invariant violated:", v);
}

template <class T>
std::optional<T> maybe(reader& in, T value) {
  if (in.flag()) return value;
  return std::nullopt;
}

std::optional<std::vector<std::string>> stage_list(reader& in) {
  const std::uint8_t n = in.byte() % 4;  // 0: absent
  if (n == 0) return std::nullopt;
  std::vector<std::string> out;
  for (std::uint8_t i = 1; i < n; ++i) out.push_back(in.pick(labels));
  return out;  // may be empty: an invalid list
}

// Applies one decoded request; returns the next store.
ss::store apply_one(const ss::store& st, reader& in, ss::context& ctx) {
  const std::string& name = in.pick(names);
  // A SecretId: the name, or the secret's full ARN when it exists.
  std::string id = name;
  if (in.flag())
    if (const auto* s = st.find(name)) id = s->arn().str();
  const auto value = [&]() -> std::pair<std::optional<std::string>, std::optional<ss::binary>> {
    switch (in.byte() % 4) {
      case 0: return {in.pick(values), std::nullopt};
      case 1: return {std::nullopt, ss::binary{1, 2, 3}};
      case 2: return {in.pick(values), ss::binary{4}};  // both: invalid
      default: return {std::nullopt, std::nullopt};    // neither
    }
  };
  ctx.generated_token = maybe(in, tokens[4]);

  ss::store_operation op;
  switch (in.byte() % 22) {
    case 0: {
      auto [s, b] = value();
      op = ss::create_secret{.name = name, .client_request_token = maybe(in, in.pick(tokens)),
                             .description = maybe(in, std::string("d")), .secret_string = s, .secret_binary = b};
      break;
    }
    case 1: {
      auto [s, b] = value();
      op = ss::put_secret_value{.secret_id = id, .client_request_token = maybe(in, in.pick(tokens)),
                                .secret_string = s, .secret_binary = b, .version_stages = stage_list(in)};
      break;
    }
    case 2: {
      auto [s, b] = value();
      op = ss::update_secret{.secret_id = id, .client_request_token = maybe(in, in.pick(tokens)),
                             .description = maybe(in, std::string("e")), .secret_string = s, .secret_binary = b};
      break;
    }
    case 3:
    case 4:
      op = ss::update_secret_version_stage{.secret_id = id, .version_stage = in.pick(labels),
                                           .remove_from_version_id = maybe(in, in.pick(tokens)),
                                           .move_to_version_id = maybe(in, in.pick(tokens))};
      break;
    case 5:
      op = ss::rotate_secret{.secret_id = id, .client_request_token = maybe(in, in.pick(tokens)),
                             .rotation_lambda_arn = maybe(in, in.pick(functions)),
                             .rotation_rules = maybe(in, ss::rotation_rules{.automatically_after_days = in.byte() % 3 == 0 ? 0 : 30,
                                                                            .duration = std::nullopt,
                                                                            .schedule_expression = std::nullopt}),
                             .rotate_immediately = maybe(in, in.flag())};
      break;
    case 6: op = ss::cancel_rotate_secret{.secret_id = id}; break;
    case 7:
      op = ss::delete_secret{.secret_id = id,
                             .recovery_window_in_days = maybe(in, static_cast<std::int64_t>(in.byte() % 32)),
                             .force_delete_without_recovery = in.flag()};
      break;
    case 8: op = ss::restore_secret{.secret_id = id}; break;
    case 9:
      op = ss::get_secret_value{.secret_id = id, .version_id = maybe(in, in.pick(tokens)),
                                .version_stage = maybe(in, in.pick(labels))};
      break;
    case 10:
      op = ss::batch_get_secret_value{.secret_id_list = std::vector<std::string>{id, in.pick(names)}};
      break;
    case 11:
      op = ss::list_secret_version_ids{.secret_id = id, .max_results = maybe(in, static_cast<int>(in.byte() % 4)),
                                       .include_deprecated = maybe(in, in.flag())};
      break;
    case 12: op = ss::describe_secret{.secret_id = id}; break;
    case 13:
      op = ss::list_secrets{.include_planned_deletion = maybe(in, in.flag()),
                            .max_results = maybe(in, static_cast<int>(in.byte() % 4))};
      break;
    case 14: op = ss::tag_resource{.secret_id = id, .tags = {{in.pick(labels), "v"}}}; break;
    case 15: op = ss::untag_resource{.secret_id = id, .tag_keys = {in.pick(labels)}}; break;
    case 16: op = ss::get_random_password{.password_length = maybe(in, static_cast<std::int64_t>(in.byte()))}; break;
    case 17: {
      ctx.now.epoch_ms += in.pick(clock_steps);
      return st;
    }
    case 18: {
      auto collected = ss::collect_deprecated_versions(st, ctx.now);
      check_step(st, collected.state);
      auto purged = ss::purge_deleted_secrets(collected.state, ctx.now);
      check_step(collected.state, purged.state);
      return std::move(purged.state);
    }
    case 19: {
      // Many puts, so that collection (more than 100 versions) is reached.
      ss::store out = st;
      for (int i = 0; i < 101; ++i) {
        ctx.now.epoch_ms += 1;
        auto r = ss::apply(out, ss::put_secret_value{.secret_id = id, .client_request_token = std::nullopt,
                                                     .secret_string = "bulk", .version_stages = std::vector<std::string>{"L1"}},
                           [&] {
                             ss::context c = ctx;
                             c.generated_token = "f" + std::to_string(1'000'000 + i) + "-0000-4000-8000-000000000000";
                             return c;
                           }());
        if (!r) break;
        check_step(out, r.value().state);
        out = std::move(r.value().state);
      }
      return out;
    }
    case 20: {
      const ss::rotation_event e{id, in.pick(tokens)};
      const std::uint8_t which = in.byte() % 4;
      const bool keep = in.flag();
      auto r = [&] {
        switch (which) {
          case 0: return ss::rotation::create_secret(st, e, ss::secret_value(ss::secret_value::string_tag{}, "new"), ctx);
          case 1: return ss::rotation::set_secret(st, e, ctx);
          case 2: return ss::rotation::test_secret(st, e, ctx);
          default:
            return ss::rotation::finish_secret(st, e, ctx, keep ? ss::finish_variant::keep_pending
                                                                : ss::finish_variant::remove_pending);
        }
      }();
      if (!r) return st;
      check_step(st, r.value().state);
      return std::move(r.value().state);
    }
    default: {
      const ss::rotate_secret r{.secret_id = id, .client_request_token = maybe(in, in.pick(tokens)),
                                .rotation_lambda_arn = maybe(in, in.pick(functions)),
                                .rotation_rules = std::nullopt, .rotate_immediately = maybe(in, in.flag())};
      auto out = ss::rotate_synchronously(st, r, ctx, ctx.functions,
                                          ss::secret_value(ss::secret_value::string_tag{}, "rotated"),
                                          in.flag() ? ss::finish_variant::keep_pending
                                                    : ss::finish_variant::remove_pending);
      if (!out) return st;
      check_step(st, out.value().state);
      return std::move(out.value().state);
    }
  }

  const ss::store before = st;
  auto first = ss::apply(st, op, ctx);
  auto again = ss::apply(st, op, ctx);
  if (!(st == before)) violation("a request changed its input store");
  if (first.has_value() != again.has_value()) violation("nondeterministic success");
  if (!first) {
    if (first.error().code != again.error().code || first.error().message != again.error().message)
      violation("nondeterministic error", first.error().message);
    return st;
  }
  if (!(first.value().state == again.value().state)) violation("nondeterministic state");
  check_step(st, first.value().state);
  return std::move(first.value().state);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  reader in(data, size);
  ss::context ctx;
  ctx.now = ss::timestamp{1'700'000'000'000};
  ctx.entropy = 7;
  ctx.functions = ss::rotation_functions{good_fn};
  ss::store st;
  for (int steps = 0; !in.done() && steps < 64; ++steps) st = apply_one(st, in, ctx);
  return 0;
}
