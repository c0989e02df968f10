#ifndef SECRETSTAGE_TOOLS_CHECK_ROTATION_HPP
#define SECRETSTAGE_TOOLS_CHECK_ROTATION_HPP

// The pure parts of secretstage-check-rotation (docs/check-rotation.md): the fault plan, the
// record of one run (the function's calls, the label table after each, the probe's verdicts),
// the properties checked over a record, and the table and JSON rendering. The program runs the
// function and fills the records; everything here is a function of them, so it is tested
// without a function (tests/tools/check_rotation_test.cpp).
//
// A record holds no secret value: a value appears as "#n", its rank of first appearance in the
// run, and nothing here ever sees the value itself.

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <secretstage/detail/json.hpp>

namespace secretstage::tools::check {

inline constexpr std::array<std::string_view, 4> step_names = {"createSecret", "setSecret",
                                                               "testSecret", "finishSecret"};

/// The kinds of fault, in the order the plan runs them.
enum class fault_kind : std::uint8_t {
  clean,         // no fault: the baseline
  fail_once,     // the step runs, then its invocation is reported failed, once
  duplicate,     // the step is delivered twice (at-least-once delivery)
  kill,          // the function is killed once its k-th call of the step has committed
  put,           // another client's PutSecretValue (a copy of AWSCURRENT's value) after call k
  update_stage,  // another client moves AWSCURRENT to a copy of its value after call k
  rotate,        // another client's RotateSecret after call k
  cancel,        // CancelRotateSecret after call k
};

inline constexpr std::array<std::string_view, 8> fault_kind_names = {
    "clean", "fail-once", "duplicate", "kill", "put", "update-stage", "rotate", "cancel"};

[[nodiscard]] constexpr std::string_view kind_name(fault_kind k) noexcept {
  return fault_kind_names[static_cast<std::size_t>(k)];
}

[[nodiscard]] inline std::optional<fault_kind> parse_kind(std::string_view text) {
  for (std::size_t i = 0; i < fault_kind_names.size(); ++i)
    if (fault_kind_names[i] == text) return static_cast<fault_kind>(i);
  return std::nullopt;
}

/// One fault. `step` (0–3) for fail_once, duplicate and kill; `k` the call: for kill the k-th
/// call within the step's first delivery, for the others the k-th call of the whole run (the
/// fault happens between call k and call k+1).
struct fault {
  fault_kind kind = fault_kind::clean;
  int step = -1;
  int k = 0;

  friend bool operator==(const fault&, const fault&) = default;
};

/// `clean`, `fail-once:setSecret`, `duplicate:testSecret`, `kill:createSecret#3`, `put@5`.
[[nodiscard]] inline std::string fault_name(const fault& f) {
  std::string out(kind_name(f.kind));
  switch (f.kind) {
    case fault_kind::clean: break;
    case fault_kind::fail_once:
    case fault_kind::duplicate:
      out += ':';
      out += step_names[static_cast<std::size_t>(f.step)];
      break;
    case fault_kind::kill:
      out += ':';
      out += step_names[static_cast<std::size_t>(f.step)];
      out += '#' + std::to_string(f.k);
      break;
    default: out += '@' + std::to_string(f.k); break;
  }
  return out;
}

/// The calls the clean run made in each step's (first, successful) delivery.
using step_calls = std::array<int, 4>;

/// The whole plan for a function whose clean run made `calls` calls per step: the clean run;
/// each step failing once; each step delivered twice; a kill after every call k of every step;
/// each concurrent write and a CancelRotateSecret between every two calls (after call k, for k
/// from 1 to the total less one).
[[nodiscard]] inline std::vector<fault> full_plan(const step_calls& calls) {
  std::vector<fault> out{fault{}};
  for (int s = 0; s < 4; ++s) out.push_back({fault_kind::fail_once, s, 0});
  for (int s = 0; s < 4; ++s) out.push_back({fault_kind::duplicate, s, 0});
  for (int s = 0; s < 4; ++s)
    for (int k = 1; k <= calls[static_cast<std::size_t>(s)]; ++k)
      out.push_back({fault_kind::kill, s, k});
  int total = 0;
  for (int c : calls) total += c;
  for (auto kind : {fault_kind::put, fault_kind::update_stage, fault_kind::rotate,
                    fault_kind::cancel})
    for (int k = 1; k < total; ++k) out.push_back({kind, -1, k});
  return out;
}

/// The faults of `plan` that `--faults LIST` selects: LIST is comma-separated kinds (`kill`)
/// or fault names (`kill:setSecret#1`); the clean run always stays (it is the baseline). An
/// unknown item is returned in `*unknown`; a fault name that is not in the plan selects nothing.
[[nodiscard]] inline std::vector<fault> select_faults(const std::vector<fault>& plan,
                                                      std::string_view list,
                                                      std::string* unknown = nullptr) {
  std::vector<std::string_view> items;
  for (std::size_t from = 0; from <= list.size();) {
    const auto comma = list.find(',', from);
    const auto item = list.substr(from, comma == std::string_view::npos ? comma : comma - from);
    if (!item.empty()) items.push_back(item);
    if (comma == std::string_view::npos) break;
    from = comma + 1;
  }
  for (auto item : items) {
    if (parse_kind(item)) continue;
    const bool named = std::any_of(plan.begin(), plan.end(),
                                   [&](const fault& f) { return fault_name(f) == item; });
    const auto sep = item.find_first_of(":@");
    const bool kind_ok = sep != std::string_view::npos && parse_kind(item.substr(0, sep));
    if (!named && !kind_ok) {
      if (unknown != nullptr) *unknown = std::string(item);
      return {};
    }
  }
  std::vector<fault> out;
  for (const auto& f : plan) {
    bool chosen = f.kind == fault_kind::clean;
    for (auto item : items)
      chosen = chosen || item == kind_name(f.kind) || item == fault_name(f);
    if (chosen) out.push_back(f);
  }
  return out;
}

// ---- the record of a run ---------------------------------------------------------------------

/// One version in a label table: its id, its labels, and its value's rank ("#n"; 0: none).
struct version_row {
  std::string id;
  std::vector<std::string> labels;
  int value = 0;

  friend bool operator==(const version_row&, const version_row&) = default;
};

using label_table = std::vector<version_row>;

/// The version carrying `label`, or nullptr.
[[nodiscard]] inline const version_row* holder(const label_table& t, std::string_view label) {
  for (const auto& v : t)
    if (std::find(v.labels.begin(), v.labels.end(), label) != v.labels.end()) return &v;
  return nullptr;
}

/// A version's short name in a run's trace: `v<n>`, n its place in creation order (versions
/// are never reordered and, in a run of a few minutes, never deleted); `?` when unknown.
[[nodiscard]] inline std::string short_id(const label_table& t, std::string_view id) {
  for (std::size_t i = 0; i < t.size(); ++i)
    if (t[i].id == id) return "v" + std::to_string(i + 1);
  return "?";
}

/// `v<n>[LABEL,…]=#m` for every version, in creation order.
[[nodiscard]] inline std::string render_table(const label_table& t) {
  std::string out;
  for (std::size_t i = 0; i < t.size(); ++i) {
    const auto& v = t[i];
    if (!out.empty()) out += ' ';
    out += "v" + std::to_string(i + 1) + '[';
    for (std::size_t j = 0; j < v.labels.size(); ++j) out += (j ? "," : "") + v.labels[j];
    out += ']';
    out += v.value == 0 ? std::string("=none") : "=#" + std::to_string(v.value);
  }
  return out;
}

enum class event_kind : std::uint8_t {
  delivery,  // a step delivered to the function
  call,      // one of the function's Secrets Manager calls
  other,     // another client's request (a concurrent fault, CancelRotateSecret, recovery)
  outcome,   // what a delivery came to
};

/// One event of a run, in order.
struct event {
  event_kind kind = event_kind::call;
  int step = 0;
  /// delivery/outcome: which delivery of the step in this run (1, 2, …); call: which call of
  /// the delivery (1, 2, …).
  int n = 0;
  /// call/other: the operation; outcome: "succeeded", "failed", "killed", "failed (injected)".
  std::string what;
  /// call/other: "ok" or the error code; outcome: the reason (never a value).
  std::string detail;
  bool duplicate = false;  // delivery/outcome: the second delivery of an at-least-once fault
  bool injected = false;   // outcome: the failure is the fault's own
  /// call/other: the label table after it, the label invariants it broke, and whether
  /// AWSCURRENT's value worked then (with --probe).
  label_table table;
  std::vector<std::string> invariants;
  std::optional<bool> current_works;
};

struct run_record {
  check::fault fault;
  std::vector<event> events;
  /// Whether the rotation came to an end (no rotation in progress) within AWS's retries and
  /// the reattempt; false when it was given up.
  bool completed = false;
  /// The version the last rotation to run created.
  std::string rotation_version;
  label_table final_table;
  std::optional<bool> final_current_works;
  std::optional<bool> final_previous_works;
  /// Set when the run could not be made (the setup failed): a message, no value.
  std::string error;
};

// ---- the properties -----------------------------------------------------------------------------

enum class property : std::uint8_t { labels, succeeds, outage, works_after, previous, idempotent };

inline constexpr std::array<std::string_view, 6> property_names = {
    "labels", "succeeds", "no-outage", "works-after", "previous", "idempotent"};

[[nodiscard]] constexpr std::string_view property_name(property p) noexcept {
  return property_names[static_cast<std::size_t>(p)];
}

struct check_options {
  bool probe = false;
  bool require_no_outage = false;
};

enum class verdict_state : std::uint8_t { held, violated, not_applicable };

struct verdict {
  property prop = property::labels;
  verdict_state state = verdict_state::held;
  /// Why it was violated, or for `outage` the window even when it holds (a few words).
  std::string why;
  /// The event where it broke (-1: at the end of the run).
  int at = -1;
};

/// Where AWSCURRENT's value did not work: the points between the function's calls (after a
/// call, another client's request, or a step's end) where the probe failed, and the steps
/// they were in.
struct outage_window {
  int points = 0;
  int first_step = -1;
  int last_step = -1;
  int first_event = -1;

  [[nodiscard]] std::string describe() const {
    if (points == 0) return "none";
    std::string out = std::to_string(points) + (points == 1 ? " point" : " points");
    out += ", ";
    out += step_names[static_cast<std::size_t>(first_step)];
    if (last_step != first_step) {
      out += "..";
      out += step_names[static_cast<std::size_t>(last_step)];
    }
    return out;
  }
};

[[nodiscard]] inline outage_window outage_of(const run_record& r) {
  outage_window w;
  int step = 0;
  for (std::size_t i = 0; i < r.events.size(); ++i) {
    const auto& e = r.events[i];
    if (e.kind == event_kind::delivery) step = e.step;
    if (e.kind != event_kind::delivery && e.current_works && !*e.current_works) {
      if (w.points == 0) {
        w.first_step = step;
        w.first_event = static_cast<int>(i);
      }
      w.last_step = step;
      ++w.points;
    }
  }
  return w;
}

/// The properties of one run; `clean` is the clean run's record (for idempotence).
[[nodiscard]] inline std::vector<verdict> evaluate(const run_record& r, const run_record& clean,
                                                   const check_options& o) {
  std::vector<verdict> out;
  auto add = [&](property p, verdict_state s, std::string why = {}, int at = -1) {
    out.push_back({p, s, std::move(why), at});
  };

  // labels: every point between calls keeps the label invariants.
  {
    verdict v{property::labels, verdict_state::held, {}, -1};
    for (std::size_t i = 0; i < r.events.size() && v.state == verdict_state::held; ++i) {
      if (r.events[i].invariants.empty()) continue;
      v.state = verdict_state::violated;
      v.at = static_cast<int>(i);
      for (const auto& name : r.events[i].invariants) v.why += (v.why.empty() ? "" : ", ") + name;
    }
    out.push_back(std::move(v));
  }

  // succeeds: the rotation ends within the retries, no redelivered step fails, AWSPENDING is
  // gone or on AWSCURRENT's version, AWSCURRENT is on the rotation's version.
  {
    verdict v{property::succeeds, verdict_state::held, {}, -1};
    for (std::size_t i = 0; i < r.events.size(); ++i) {
      const auto& e = r.events[i];
      if (e.kind == event_kind::outcome && e.duplicate && e.what != "succeeded") {
        v = {property::succeeds, verdict_state::violated,
             std::string(step_names[static_cast<std::size_t>(e.step)]) +
                 " failed when delivered again: " + e.detail,
             static_cast<int>(i)};
        break;
      }
    }
    if (v.state == verdict_state::held) {
      const auto* current = holder(r.final_table, "AWSCURRENT");
      const auto* pending = holder(r.final_table, "AWSPENDING");
      if (!r.completed) {
        std::string last;
        for (const auto& e : r.events)
          if (e.kind == event_kind::outcome && e.what != "succeeded" && !e.injected)
            last = std::string(step_names[static_cast<std::size_t>(e.step)]) + ": " + e.detail;
        v = {property::succeeds, verdict_state::violated,
             "the rotation did not finish after AWS's retries and a reattempt" +
                 (last.empty() ? std::string() : " (last failure " + last + ")"),
             -1};
      } else if (pending != nullptr && pending != current) {
        v = {property::succeeds, verdict_state::violated,
             "AWSPENDING left on " + short_id(r.final_table, pending->id) +
                 ", not on AWSCURRENT's version",
             -1};
      } else {
        // AWSCURRENT on the rotation's version, or on a copy of its value that another client
        // wrote after the rotation had made it current.
        const version_row* rotated = nullptr;
        for (const auto& row : r.final_table)
          if (row.id == r.rotation_version) rotated = &row;
        if (current == nullptr || rotated == nullptr ||
            (current != rotated && (rotated->value == 0 || current->value != rotated->value)))
          v = {property::succeeds, verdict_state::violated,
               "AWSCURRENT is not on the rotation's version " +
                   short_id(r.final_table, r.rotation_version) + " (nor on a copy of its value)",
               -1};
      }
    }
    out.push_back(std::move(v));
  }

  // no-outage: reported always (the window), a violation with --require-no-outage.
  if (!o.probe) {
    add(property::outage, verdict_state::not_applicable);
    add(property::works_after, verdict_state::not_applicable);
  } else {
    const auto w = outage_of(r);
    add(property::outage,
        w.points > 0 && o.require_no_outage ? verdict_state::violated : verdict_state::held,
        w.points > 0 ? "AWSCURRENT's value did not work for " + w.describe() : std::string(),
        w.first_event);
    if (r.final_current_works && !*r.final_current_works)
      add(property::works_after, verdict_state::violated,
          "after the run AWSCURRENT's value does not work");
    else
      add(property::works_after, verdict_state::held);
  }

  // previous: AWSPREVIOUS holds the value AWSCURRENT had before its last move.
  {
    std::string current_id;
    int former = 0;
    int former_at = -1;
    for (std::size_t i = 0; i < r.events.size(); ++i) {
      const auto& e = r.events[i];
      if (e.kind != event_kind::call && e.kind != event_kind::other) continue;
      const auto* c = holder(e.table, "AWSCURRENT");
      if (c == nullptr) continue;
      if (!current_id.empty() && c->id != current_id) {
        // the value the old holder had (versions never change value)
        for (const auto& row : e.table)
          if (row.id == current_id) former = row.value;
        former_at = static_cast<int>(i);
      }
      current_id = c->id;
    }
    if (former_at < 0) {
      add(property::previous, verdict_state::not_applicable);
    } else {
      const auto* p = holder(r.final_table, "AWSPREVIOUS");
      if (p == nullptr || p->value != former)
        add(property::previous, verdict_state::violated,
            "AWSPREVIOUS " +
                (p == nullptr ? std::string("is gone") : "holds #" + std::to_string(p->value)) +
                ", not the former current value #" + std::to_string(former));
      else
        add(property::previous, verdict_state::held);
    }
  }

  // idempotent: a duplicate-delivery run ends as the clean run did.
  if (r.fault.kind != fault_kind::duplicate) {
    add(property::idempotent, verdict_state::not_applicable);
  } else {
    auto labels_only = [](const label_table& t) {
      std::vector<std::pair<std::string, std::vector<std::string>>> out_labels;
      for (const auto& v : t)
        if (!v.labels.empty()) out_labels.emplace_back(v.id, v.labels);
      return out_labels;
    };
    if (labels_only(r.final_table) != labels_only(clean.final_table))
      add(property::idempotent, verdict_state::violated,
          "labels end as " + render_table(r.final_table) + ", the clean run's as " +
              render_table(clean.final_table));
    else if (r.final_current_works != clean.final_current_works)
      add(property::idempotent, verdict_state::violated,
          std::string("after the run AWSCURRENT's value ") +
              (r.final_current_works.value_or(false) ? "works" : "does not work") +
              ", after the clean run it " +
              (clean.final_current_works.value_or(false) ? "does" : "does not"));
    else if (r.final_previous_works != clean.final_previous_works)
      add(property::idempotent, verdict_state::violated,
          std::string("after the run AWSPREVIOUS's value ") +
              (r.final_previous_works.value_or(false) ? "works" : "does not work") +
              ", after the clean run it " +
              (clean.final_previous_works.value_or(false) ? "does" : "does not"));
    else
      add(property::idempotent, verdict_state::held);
  }
  return out;
}

[[nodiscard]] inline bool any_violation(const std::vector<verdict>& vs) {
  return std::any_of(vs.begin(), vs.end(),
                     [](const verdict& v) { return v.state == verdict_state::violated; });
}

// ---- rendering -----------------------------------------------------------------------------

/// A run and its verdicts.
struct result {
  run_record run;
  std::vector<verdict> verdicts;
};

/// The trace of a run: one line per event, the label table after each call.
[[nodiscard]] inline std::string render_trace(const run_record& r) {
  std::string out;
  for (const auto& e : r.events) {
    const std::string step(step_names[static_cast<std::size_t>(e.step)]);
    switch (e.kind) {
      case event_kind::delivery:
        out += "  > " + step + " delivery " + std::to_string(e.n) +
               (e.duplicate ? " (again)" : "") + '\n';
        break;
      case event_kind::call:
      case event_kind::other:
        out += std::string(e.kind == event_kind::other ? "    other client " : "    ") + e.what +
               " -> " + e.detail + "   " + render_table(e.table);
        if (e.current_works) out += *e.current_works ? "  current works" : "  current FAILS";
        for (const auto& i : e.invariants) out += "  BROKEN " + i;
        out += '\n';
        break;
      case event_kind::outcome:
        out += "  < " + step + ' ' + e.what + (e.detail.empty() ? "" : ": " + e.detail);
        if (e.current_works) out += *e.current_works ? "  current works" : "  current FAILS";
        out += '\n';
        break;
    }
  }
  out += "  end: " + render_table(r.final_table);
  if (r.final_current_works) out += *r.final_current_works ? "  current works" : "  current FAILS";
  out += '\n';
  return out;
}

/// One row per kind of fault, one column per property: `ok N`, `FAIL n/N`, or `-`. Then the
/// clean run's outage window, then each violated (kind, property) with the fault that first
/// showed it and that run's trace.
[[nodiscard]] inline std::string render_report(const std::vector<result>& results) {
  std::string out;
  auto pad = [](std::string s, std::size_t w) {
    if (s.size() < w) s.append(w - s.size(), ' ');
    return s;
  };
  out += pad("fault", 14);
  for (auto p : property_names) out += pad(std::string(p), 13);
  out += "runs\n";
  for (std::size_t k = 0; k < fault_kind_names.size(); ++k) {
    int runs = 0;
    std::array<int, 6> bad{}, applicable{};
    for (const auto& r : results) {
      if (static_cast<std::size_t>(r.run.fault.kind) != k) continue;
      ++runs;
      for (const auto& v : r.verdicts) {
        const auto p = static_cast<std::size_t>(v.prop);
        if (v.state != verdict_state::not_applicable) ++applicable[p];
        if (v.state == verdict_state::violated) ++bad[p];
      }
    }
    if (runs == 0) continue;
    out += pad(std::string(fault_kind_names[k]), 14);
    for (std::size_t p = 0; p < property_names.size(); ++p) {
      std::string cell = applicable[p] == 0 ? "-"
                         : bad[p] == 0
                             ? "ok"
                             : "FAIL " + std::to_string(bad[p]) + "/" + std::to_string(applicable[p]);
      out += pad(cell, 13);
    }
    out += std::to_string(runs) + '\n';
  }
  for (const auto& r : results) {
    if (r.run.fault.kind != fault_kind::clean) continue;
    const auto w = outage_of(r.run);
    bool probed = false;
    for (const auto& e : r.run.events) probed = probed || e.current_works.has_value();
    if (probed) out += "\noutage window of the clean run: " + w.describe() + '\n';
  }
  std::vector<std::pair<std::size_t, property>> shown;
  for (const auto& r : results) {
    bool traced = false;
    for (const auto& v : r.verdicts) {
      if (v.state != verdict_state::violated) continue;
      const auto key = std::make_pair(static_cast<std::size_t>(r.run.fault.kind), v.prop);
      if (std::find(shown.begin(), shown.end(), key) != shown.end()) continue;
      shown.push_back(key);
      out += "\nVIOLATION " + std::string(property_name(v.prop)) + " under " +
             fault_name(r.run.fault) + ": " + v.why + '\n';
      out += traced ? std::string("  (the trace above)\n") : render_trace(r.run);
      traced = true;
    }
  }
  return out;
}

[[nodiscard]] inline std::string json_string(std::string_view s) {
  std::string out;
  secretstage::detail::json::append_string(out, s);
  return out;
}

[[nodiscard]] inline std::string table_json(const label_table& t) {
  std::string out = "[";
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (i) out += ',';
    out += "{\"version\":" + json_string(t[i].id) + ",\"labels\":[";
    for (std::size_t j = 0; j < t[i].labels.size(); ++j)
      out += (j ? "," : "") + json_string(t[i].labels[j]);
    out += "],\"value\":";
    out += t[i].value == 0 ? std::string("null") : json_string("#" + std::to_string(t[i].value));
    out += '}';
  }
  return out + ']';
}

/// The whole report as JSON: {"violations": N, "runs": [{"fault", "properties": {name:
/// {"state", "why"}}, "trace": [...]}]}; the trace only for runs with a violation.
[[nodiscard]] inline std::string render_json(const std::vector<result>& results) {
  constexpr std::array<std::string_view, 3> states = {"ok", "violated", "n/a"};
  std::size_t violations = 0;
  std::string runs;
  for (const auto& r : results) {
    if (!runs.empty()) runs += ",\n";
    runs += "{\"fault\":" + json_string(fault_name(r.run.fault)) +
            ",\"kind\":" + json_string(kind_name(r.run.fault.kind)) + ",\"properties\":{";
    for (std::size_t i = 0; i < r.verdicts.size(); ++i) {
      const auto& v = r.verdicts[i];
      if (v.state == verdict_state::violated) ++violations;
      runs += (i ? "," : "") + json_string(property_name(v.prop)) +
              ":{\"state\":" + json_string(states[static_cast<std::size_t>(v.state)]) +
              ",\"why\":" + json_string(v.why) + '}';
    }
    runs += "},\"outage\":" + json_string(outage_of(r.run).describe());
    if (any_violation(r.verdicts)) {
      runs += ",\"trace\":[";
      for (std::size_t i = 0; i < r.run.events.size(); ++i) {
        const auto& e = r.run.events[i];
        constexpr std::array<std::string_view, 4> kinds = {"delivery", "call", "other", "outcome"};
        runs += (i ? "," : "") + std::string("{\"event\":") +
                json_string(kinds[static_cast<std::size_t>(e.kind)]) +
                ",\"step\":" + json_string(step_names[static_cast<std::size_t>(e.step)]) +
                ",\"n\":" + std::to_string(e.n) + ",\"what\":" + json_string(e.what) +
                ",\"detail\":" + json_string(e.detail);
        if (e.kind == event_kind::call || e.kind == event_kind::other)
          runs += ",\"labels\":" + table_json(e.table);
        if (e.current_works)
          runs += std::string(",\"current_works\":") + (*e.current_works ? "true" : "false");
        runs += '}';
      }
      runs += "],\"end\":" + table_json(r.run.final_table);
    }
    runs += '}';
  }
  return "{\"violations\":" + std::to_string(violations) + ",\"runs\":[\n" + runs + "\n]}\n";
}

}  // namespace secretstage::tools::check

#endif  // SECRETSTAGE_TOOLS_CHECK_ROTATION_HPP
