// background.hpp's schedule against the naive store model (tests/model/store_model.hpp): over
// random operation sequences (creations, puts one at a time and in bulk past 100 versions, label
// moves, reads, deletions and restores, the clock moving by minutes, about a day and about a week,
// ±1 ms), with the store moved on as basic_service moves it (background work due by the request's
// time runs before it; a write's due time comes from next_background_due_after_write; background
// work due after it runs at once), after every step:
//   - the first instant at which the model's collection and purge would change the store is
//     found naively: by bisection over every instant at which one of the model's rules can switch
//     (each DeletedDate, each version's CreatedDate + 24 h; both rules are monotone in time);
//   - next_background_due(store) is exactly that instant (none when there is none);
//   - the due time the service keeps, folded write by write, is never later than it ("never
//     late"; it may be early);
//   - the store has no work due at the time of the last request, when it was published, and a
//     random instant between then and the kept due time changes nothing in the model either.

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <rapidcheck.h>

#include <secretstage/secretstage.hpp>

#include "model/store_model.hpp"
#include "support/given.hpp"
#include "support/rc_doctest.hpp"

// Its own namespace: the batched build (SECRETSTAGE_FAST_TEST_BUILD) joins test files.
namespace background_schedule_test_property {

namespace ss = secretstage;
namespace sm = storemodel;

namespace {

constexpr std::int64_t start_ms = 1'700'000'000'000;
constexpr std::int64_t minute = 60'000, day = sm::day_ms;
const std::vector<std::string> names = {"a", "b"};
const std::vector<std::string> labels = {"AWSCURRENT", "L1", "L2"};

/// One step: what (`kind`), on which secret, and two numbers whose meaning depends on the kind.
using step = std::tuple<int, int, int, int>;

enum kind : int {
  create_step,
  put_step,
  bulk_step,
  move_step,
  read_step,
  delete_step,
  restore_step,
  clock_step,
  kinds
};

rc::Gen<step> gen_step() {
  // Weighted toward what reaches the schedule's cases: puts and label moves above 100 versions
  // within a day of each other (a label leaving an old version), deletions and restores.
  const auto gen_kind = rc::gen::weightedElement<int>({{2, create_step},
                                                       {5, put_step},
                                                       {2, bulk_step},
                                                       {3, move_step},
                                                       {1, read_step},
                                                       {1, delete_step},
                                                       {1, restore_step},
                                                       {3, clock_step}});
  return rc::gen::tuple(gen_kind, rc::gen::inRange(0, static_cast<int>(names.size())),
                        rc::gen::inRange(0, 8), rc::gen::inRange(0, 1000));
}

/// The model's view of a library store: what collection and purge read (names, DeletedDate, each
/// version's creation order and date, its labels). The rest stays at its default on both sides.
sm::store to_model(const ss::store& st) {
  sm::store out;
  for (const auto* s : st.secrets()) {
    sm::secret& m = out.secrets[s->name().str()];
    m.name = s->name().str();
    if (s->deleted_date()) m.deleted_ms = s->deleted_date()->epoch_ms;
    for (const auto* v : s->versions()) {
      sm::version& mv = m.versions[v->id()];
      mv.order = v->sequence();
      mv.created_ms = v->created_date().epoch_ms;
      for (const auto& l : s->labels_of(v->id())) mv.labels.insert(l);
    }
  }
  return out;
}

bool model_changes(const sm::store& m, std::int64_t t) {
  return !(sm::purge(sm::collect(m, t), t) == m);
}

/// The first instant at which the model's background transitions change `m`, or none.
std::optional<std::int64_t> first_change(const sm::store& m) {
  std::vector<std::int64_t> instants;
  for (const auto& [n, s] : m.secrets) {
    if (s.deleted_ms) instants.push_back(*s.deleted_ms);
    for (const auto& [id, v] : s.versions) instants.push_back(v.created_ms + day);
  }
  std::sort(instants.begin(), instants.end());
  instants.erase(std::unique(instants.begin(), instants.end()), instants.end());
  const auto first = std::partition_point(instants.begin(), instants.end(),
                                          [&](std::int64_t t) { return !model_changes(m, t); });
  if (first == instants.end()) return std::nullopt;
  return *first;
}

std::string show(const std::optional<ss::timestamp>& t) {
  return t ? std::to_string(t->epoch_ms) : std::string("never");
}
std::string show(const std::optional<std::int64_t>& t) {
  return t ? std::to_string(*t) : std::string("never");
}

/// A store moved on as basic_service moves its store, with the due time it keeps.
/// The name of the secret a store response is about ("" for the responses without one).
template <class Response>
std::string written_name(const Response& response) {
  return std::visit(
      [](const auto& r) -> std::string {
        if constexpr (requires { r.name; }) {
          return std::string(std::string_view(r.name));
        } else {
          return {};
        }
      },
      static_cast<const ss::detail::store_response_variant<ss::aws_traits>&>(response));
}

struct scheduled_store {
  ss::store st;
  std::optional<ss::timestamp> due;
  /// The time of the last request: the store was published then.
  std::int64_t published_ms = start_ms;
  int tokens = 0;

  void background_if_due(ss::timestamp now) {
    if (!due || now < *due) return;
    st = ss::purge_deleted_secrets(ss::collect_deprecated_versions(st, now).state, now).state;
    due = ss::next_background_due(st);
  }

  /// One request, as the service handles it.
  void request(const ss::store_operation& op, ss::timestamp now, bool mutating) {
    published_ms = now.epoch_ms;
    background_if_due(now);
    ss::context ctx;
    ctx.now = now;
    ctx.generated_token = ss::testing::vid(++tokens);
    auto next = ss::apply(st, op, ctx);
    if (!next) return;
    if (mutating) {
      const std::string name = written_name(next.value().response);
      if (const auto* after = next.value().state.find(name))
        due = ss::next_background_due_after_write(due, st.find(name), *after);
    }
    st = std::move(next.value().state);
    background_if_due(now);
  }
};

std::optional<std::string> version_at(const ss::store& st, const std::string& name, int index) {
  const auto* s = st.find(name);
  if (s == nullptr || s->version_count() == 0) return std::nullopt;
  const auto versions = s->versions();
  return versions[static_cast<std::size_t>(index) % versions.size()]->id();
}

void run_step(scheduled_store& sched, std::int64_t& now_ms, const step& x) {
  const auto [k, which, a, b] = x;
  const std::string& name = names[static_cast<std::size_t>(which)];
  const ss::timestamp now{now_ms};
  auto stages = [&](int n) -> std::optional<std::vector<std::string>> {
    if (n < 4) return std::nullopt;  // AWSCURRENT moves, AWSPREVIOUS follows
    return std::vector<std::string>{labels[static_cast<std::size_t>(n) % labels.size()]};
  };
  switch (k) {
    case create_step:
      sched.request(ss::create_secret{.name = name, .secret_string = "v"}, now, true);
      break;
    case put_step:
      sched.request(
          ss::put_secret_value{
              .secret_id = name, .secret_string = "p", .version_stages = stages(a)},
          now, true);
      break;
    case bulk_step:  // toward and past the 100 versions at which collection starts
      for (int i = 0; i < 96 + a; ++i)
        sched.request(
            ss::put_secret_value{
                .secret_id = name, .secret_string = "b", .version_stages = stages(b % 8)},
            now, true);
      break;
    case move_step: {
      const std::string& label = labels[static_cast<std::size_t>(a) % labels.size()];
      const auto* s = sched.st.find(name);
      ss::update_secret_version_stage r{.secret_id = name, .version_stage = label};
      if (s != nullptr) {
        if (const auto* holder = s->holder(label)) r.remove_from_version_id = holder->id();
      }
      if (b % 5 != 0) r.move_to_version_id = version_at(sched.st, name, b);
      sched.request(r, now, true);
      break;
    }
    case read_step:
      sched.request(
          ss::get_secret_value{.secret_id = name, .version_id = version_at(sched.st, name, b)}, now,
          false);
      break;
    case delete_step:
      sched.request(
          ss::delete_secret{
              .secret_id = name,
              .recovery_window_in_days = a % 4 == 0 ? std::nullopt : std::optional<std::int64_t>(7),
              .force_delete_without_recovery = a % 4 == 0},
          now, true);
      break;
    case restore_step:
      sched.request(ss::restore_secret{.secret_id = name}, now, true);
      break;
    default: {
      const std::int64_t steps[] = {minute,  10 * minute, day - 1, day,
                                    day + 1, 7 * day - 1, 7 * day, 7 * day + 1};
      now_ms += steps[a % 8] + (b % 3 == 0 ? b * minute / 10 : 0);
      break;
    }
  }
}

}  // namespace

TEST_CASE(
    "background schedule: exact for a store, never late after writes (against the store model)") {
  rc::doctest_prop("next_background_due and next_background_due_after_write against the model", [] {
    const auto steps = *rc::gen::container<std::vector<step>>(gen_step());
    scheduled_store sched;
    std::int64_t now_ms = start_ms;
    bool purge_coming = false, collection_coming = false, kept_early = false;
    for (const auto& x : steps) {
      run_step(sched, now_ms, x);
      const sm::store m = to_model(sched.st);
      const auto first = first_change(m);
      const auto exact = ss::next_background_due(sched.st);
      RC_ASSERT(show(exact) == show(first));
      if (first) {
        RC_ASSERT(sched.due.has_value());
        RC_ASSERT(sched.due->epoch_ms <= *first);
      }
      // The published store holds no work already due when it is published.
      RC_ASSERT(!model_changes(m, sched.published_ms));
      if (sched.due && sched.published_ms < sched.due->epoch_ms) {
        const std::int64_t t =
            *rc::gen::inRange<std::int64_t>(sched.published_ms, sched.due->epoch_ms);
        RC_ASSERT(!model_changes(m, t));
      }
      for (const auto& [n, secret] : m.secrets) {
        if (secret.deleted_ms) purge_coming = true;
        if (!secret.deleted_ms && secret.versions.size() > 100) collection_coming = true;
      }
      if (first && sched.due->epoch_ms < *first) kept_early = true;
    }
    RC_TAG(purge_coming ? "a deletion scheduled" : "no deletion",
           collection_coming ? "above 100 versions" : "at most 100 versions",
           kept_early ? "kept due time early at some step" : "kept due time exact");
  });
}

// ---- scheduled rotations ----------------------------------------------------------------------
//
// The same service-shaped loop with a built-in function: rotations due by a request's time run
// before it (run_due_rotations), then collection and purge. Against a naive oracle that walks the
// windows of each schedule one by one (docs/rotation-schedules.md) from the secret's last
// rotation and its last change, after every step:
//   - next_background_due(store, functions) is exactly the earlier of the oracle's first rotation
//     and the first collection or purge;
//   - the due time kept write by write is never later than it;
//   - no rotation is overdue: every secret's oracle time is at or after the last request;
//   - a background pass ran each due rotation at the oracle's time (its first rotation there),
//     and the secret's LastRotatedDate is that time.

namespace {

const std::string builtin_fn = "arn:aws:lambda:us-east-1:123456789012:function:builtin";
constexpr std::int64_t hour = 3'600'000;

/// The schedules the test uses, as RotationRules.
ss::rotation_rules rules_for(int i) {
  switch (i % 5) {
    case 0: return {.automatically_after_days = 1, .duration = {}, .schedule_expression = {}};
    case 1: return {.automatically_after_days = 3, .duration = {}, .schedule_expression = {}};
    case 2: return {.automatically_after_days = {}, .duration = {}, .schedule_expression = "rate(4 hours)"};
    case 3: return {.automatically_after_days = {}, .duration = {}, .schedule_expression = "rate(2 days)"};
    default: return {.automatically_after_days = {}, .duration = {}, .schedule_expression = "cron(0 6 * * ? *)"};
  }
}

std::int64_t floor_to(std::int64_t t, std::int64_t unit) { return t / unit * unit; }

/// The oracle: when `s`'s scheduled rotation falls due, by walking its windows.
std::optional<std::int64_t> oracle_due(const ss::secret& s) {
  if (s.deleted_date() || !s.rotation_enabled() || s.rotation_lambda_arn() != builtin_fn || !s.rotation())
    return std::nullopt;
  const auto* pending = s.holder("AWSPENDING");
  if (pending != nullptr && pending != s.holder("AWSCURRENT")) return std::nullopt;
  std::int64_t last = s.created_date().epoch_ms;
  if (s.last_rotated_date()) last = std::max(last, s.last_rotated_date()->epoch_ms);
  const auto versions = s.versions();
  if (!versions.empty() && !versions.back()->is_placeholder())
    last = std::max(last, versions.back()->created_date().epoch_ms);
  const std::int64_t reference = std::max(last, s.last_changed_date().value_or(ss::timestamp{last}).epoch_ms);
  const auto& r = *s.rotation();
  std::int64_t start = 0;
  if (r.automatically_after_days || r.schedule_expression == std::optional<std::string>("rate(2 days)")) {
    const std::int64_t n = r.automatically_after_days.value_or(2) * day;
    start = floor_to(last, day) + n;
    while (start + day <= reference) start += n;
  } else if (r.schedule_expression == std::optional<std::string>("rate(4 hours)")) {
    for (start = floor_to(last, hour) + 4 * hour;; start += 4 * hour)
      if (std::min(start + hour, floor_to(start, day) + day) > reference) break;
  } else {  // cron(0 6 * * ? *): 06:00 to the end of the day
    for (std::int64_t h = floor_to(last, hour) + hour;; h += hour) {
      if (h % day != 6 * hour) continue;
      start = h;
      if (floor_to(h, day) + day > reference) break;
    }
  }
  return std::max(start, reference);
}

std::optional<std::int64_t> oracle_first(const ss::store& st) {
  std::optional<std::int64_t> first;
  for (const auto* s : st.secrets())
    if (const auto t = oracle_due(*s)) first = first ? std::min(*first, *t) : *t;
  return first;
}

struct rotating_store {
  ss::store st;
  std::optional<ss::timestamp> due;
  std::int64_t published_ms = start_ms;
  int tokens = 0;
  ss::context ctx;
  int rotations = 0;

  rotating_store() { ctx.functions = ss::rotation_functions{builtin_fn}; }

  void background_if_due(ss::timestamp now) {
    if (!due || now < *due) return;
    // What each secret's oracle says before the pass: its first rotation must run exactly then.
    std::vector<std::pair<std::string, std::int64_t>> expected;
    for (const auto* s : st.secrets())
      if (const auto t = oracle_due(*s); t && *t <= now.epoch_ms) expected.emplace_back(s->name().str(), *t);
    auto rotated = ss::run_due_rotations(st, now, ctx, [&](const ss::secret&, ss::timestamp, std::size_t) {
      return ss::scheduled_rotation_inputs<>{ss::testing::vid(1000 + ++tokens),
                                             ss::secret_value(ss::secret_value::string_tag{}, "r"),
                                             ss::finish_variant::remove_pending};
    });
    for (const auto& entry : expected) {  // not a structured binding: clang 14 cannot capture one
      const auto first = std::find_if(rotated.removed.begin(), rotated.removed.end(),
                                      [&](const auto& r) { return r.secret_name == entry.first; });
      RC_ASSERT(first != rotated.removed.end());
      RC_ASSERT(first->at.epoch_ms == entry.second);
    }
    for (const auto& r : rotated.removed) {
      RC_ASSERT(r.at.epoch_ms <= now.epoch_ms);
      RC_ASSERT(!r.failure.has_value());
    }
    rotations += static_cast<int>(rotated.removed.size());
    for (const auto* s : rotated.state.secrets()) {
      for (auto it = rotated.removed.rbegin(); it != rotated.removed.rend(); ++it)
        if (it->secret_name == s->name()) {
          RC_ASSERT(s->last_rotated_date() == std::optional<ss::timestamp>(it->at));
          break;
        }
    }
    st = ss::purge_deleted_secrets(ss::collect_deprecated_versions(rotated.state, now).state, now).state;
    due = ss::next_background_due(st, ctx.functions);
  }

  void request(const ss::store_operation& op, ss::timestamp now) {
    published_ms = now.epoch_ms;
    background_if_due(now);
    ss::context c = ctx;
    c.now = now;
    c.generated_token = ss::testing::vid(++tokens);
    auto next = ss::apply(st, op, c);
    if (!next) return;
    const std::string name = written_name(next.value().response);
    if (const auto* after = next.value().state.find(name))
      due = ss::next_background_due_after_write(due, st.find(name), *after, ctx.functions);
    st = std::move(next.value().state);
  }

  /// RotateSecret with the built-in function runs it at once, as the service does.
  void rotate(const std::string& name, int rules, bool immediately, ss::timestamp now) {
    published_ms = now.epoch_ms;
    background_if_due(now);
    ss::context c = ctx;
    c.now = now;
    c.generated_token = ss::testing::vid(++tokens);
    ss::rotate_secret r{.secret_id = name, .rotation_lambda_arn = builtin_fn,
                        .rotation_rules = rules_for(rules), .rotate_immediately = immediately};
    auto next = ss::rotate_synchronously(st, r, c, ctx.functions,
                                         ss::secret_value(ss::secret_value::string_tag{}, "now"));
    if (!next) return;
    if (const auto* after = next.value().state.find(name))
      due = ss::next_background_due_after_write(due, st.find(name), *after, ctx.functions);
    st = std::move(next.value().state);
  }
};

/// Steps of the rotation test: creations, RotateSecret (0), puts (2), cancellations and AWSPENDING
/// removals (3), deletions (4), and the clock (5) most often.
rc::Gen<step> gen_rotation_step() {
  const auto gen_kind = rc::gen::weightedElement<int>({{2, 0}, {3, 1}, {2, 2}, {1, 3}, {1, 4}, {5, 5}});
  return rc::gen::tuple(gen_kind, rc::gen::inRange(0, static_cast<int>(names.size())),
                        rc::gen::inRange(0, 8), rc::gen::inRange(0, 1000));
}

void run_rotation_step(rotating_store& rs, std::int64_t& now_ms, const step& x) {
  const auto [k, which, a, b] = x;
  const std::string& name = names[static_cast<std::size_t>(which)];
  const ss::timestamp now{now_ms};
  switch (k) {
    case 0:
      rs.request(ss::create_secret{.name = name, .secret_string = "v"}, now);
      break;
    case 1:
      rs.rotate(name, a, b % 3 != 0, now);
      break;
    case 2: {  // a value by hand; now and then as AWSPENDING, which blocks scheduled rotation
      ss::put_secret_value p{.secret_id = name, .secret_string = "p"};
      if (b % 4 == 0) p.version_stages = std::vector<std::string>{"AWSPENDING"};
      rs.request(p, now);
      break;
    }
    case 3:
      if (b % 2 == 0) {
        rs.request(ss::cancel_rotate_secret{.secret_id = name}, now);
      } else if (const auto* s = rs.st.find(name); s != nullptr && s->holder("AWSPENDING") != nullptr) {
        rs.request(ss::update_secret_version_stage{.secret_id = name, .version_stage = "AWSPENDING",
                                                   .remove_from_version_id = s->holder("AWSPENDING")->id()},
                   now);
      }
      break;
    case 4:
      rs.request(ss::delete_secret{.secret_id = name, .recovery_window_in_days = 7}, now);
      break;
    default: {
      const std::int64_t steps[] = {minute, hour - 1, hour, 4 * hour + 1, day - 1, day, 3 * day, 9 * day};
      now_ms += steps[a % 8] + (b % 3 == 0 ? b * minute / 10 : 0);
      break;
    }
  }
}

}  // namespace

TEST_CASE("background schedule: scheduled rotations run at their windows (against a naive window walk)") {
  rc::doctest_prop("next_background_due with rotation functions and run_due_rotations", [] {
    const auto steps = *rc::gen::container<std::vector<step>>(gen_rotation_step());
    rotating_store rs;
    std::int64_t now_ms = start_ms;
    for (const auto& x : steps) {
      run_rotation_step(rs, now_ms, x);
      rs.background_if_due(ss::timestamp{rs.published_ms});  // what the next request at that time would run
      const auto rotation = oracle_first(rs.st);
      const auto housekeeping = first_change(to_model(rs.st));
      std::optional<std::int64_t> first = rotation;
      if (housekeeping) first = first ? std::min(*first, *housekeeping) : housekeeping;
      const auto exact = ss::next_background_due(rs.st, rs.ctx.functions);
      RC_ASSERT(show(exact) == show(first));
      if (first) {
        RC_ASSERT(rs.due.has_value());
        RC_ASSERT(rs.due->epoch_ms <= *first);
      }
      if (rotation) RC_ASSERT(*rotation > rs.published_ms);
    }
    RC_TAG(rs.rotations > 0 ? "scheduled rotations ran" : "no scheduled rotation");
  });
}

}  // namespace background_schedule_test_property
