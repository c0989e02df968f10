// The progress of rotations run by an invoked function (rotation_progress.hpp, driven through
// basic_service: RotateSecret, `rotation_steps_due`, `record_rotation_step`) against a naive model
// written from docs/semantics.md#rotation-progress. Random sequences of: CreateSecret; RotateSecret
// (new token or the pending version's, with or without RotationLambdaARN, RotateImmediately
// absent/true/false); a worker poll and, later, the outcome of one of the steps it was given (a
// success does what a rotation function does in that step first: createSecret puts the value with
// AWSPENDING, finishSecret moves AWSCURRENT and sometimes removes AWSPENDING; a failure does
// nothing); the clock moving (±1 ms around the retry delay, or minutes); PutSecretValue and
// UpdateSecretVersionStage by other clients; CancelRotateSecret; DeleteSecret (with a window or
// forced) and RestoreSecret. Labels come from the store model (tests/model/store_model.hpp); the
// progress model is this file's. After every step:
//   - every secret satisfies the invariants (check_invariants, I25 included);
//   - each secret's progress equals the model's (version, function, next step, failed attempts,
//     last failure "<step>: <reason>", due time = the failure's time + the retry delay, none once
//     the configured attempts are used up);
//   - the AWSCURRENT/AWSPENDING holders and LastRotatedDate equal the model's;
//   - a request's outcome (success, or the error's __type; the "A previous rotation isn't
//     complete. That rotation will be reattempted." text) equals the model's;
//   - at the end, recovering the service's journal gives exactly the service's store (the
//     worker's outcomes are journaled as state records);
//   - a poll gives exactly the model's due steps, and the model's earliest later due time, and
//     exactly what a full scan of the service's store finds (rotation_steps_due keeps an index
//     of progress by due time instead of scanning).
// The model's rules, independently of the code:
//   - RotateSecret that creates the AWSPENDING placeholder, or a retry naming a pending placeholder
//     no progress names: progress at createSecret, 0 attempts, due now;
//   - RotateSecret answered the previous-rotation error while RotationEnabled: the rotation of the
//     AWSPENDING version starts again from createSecret, due now, 0 attempts, keeping the last
//     failure when it is the same rotation (a cancelled rotation is not reattempted);
//   - an outcome counts only for the step the progress waits for (same version, same step, not
//     given up); success: the next step, due now, or no progress after finishSecret; failure:
//     one more attempt, back to createSecret, due after the delay, given up at the limit;
//   - CancelRotateSecret clears it; a forced deletion removes it with the secret; a scheduled
//     deletion keeps it but runs no step; a poll first clears progress whose version no longer
//     carries AWSPENDING;
//   - LastRotatedDate = the time of the first request after which AWSCURRENT sits on the version
//     being rotated (while the date is older than that version);
//   - RotateSecret with RotateImmediately false that creates no version (no retry): when AWSCURRENT
//     has a value and AWSPENDING is attached nowhere, a test: version T with AWSCURRENT's value
//     and AWSPENDING, progress at testSecret (test), due now; progress that cannot apply then is
//     ended first. A test's outcome, success or failure, ends it: T loses AWSPENDING and leaves
//     unless another label holds it; so do settling, CancelRotateSecret and a DeleteSecret with a
//     window. The previous-rotation error leaves a running test as it is; a test never sets
//     LastRotatedDate. Any progress that is replaced or reattempted ends a stale test first.
// The service's versions (ids) equal the model's after every step.

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <rapidcheck.h>

#include <secretstage/invariants.hpp>
#include <secretstage/journal.hpp>
#include <secretstage/service.hpp>

#include "model/store_model.hpp"
#include "support/rc_doctest.hpp"

// Its own namespace: the batched build (SECRETSTAGE_FAST_TEST_BUILD) joins test files.
namespace rotation_progress_test_property {

namespace ss = secretstage;
namespace sm = storemodel;

namespace {

const std::string F = "arn:aws:lambda:us-east-1:123456789012:function:rotator";
constexpr std::int64_t start_ms = 1'700'000'000'000;
const std::vector<std::string> names = {"a", "b", "c"};
const char* const step_names[] = {"createSecret", "setSecret", "testSecret", "finishSecret"};

struct model_progress {
  std::string version;
  int step = 0;
  std::uint32_t attempts = 0;
  std::optional<std::string> failure;
  std::optional<std::int64_t> due;  // none: given up
  bool test = false;                // RotateImmediately false: testSecret alone on a copy
};

struct job {
  std::string name, version;
  int step;
};

enum kind : int {
  create_k,
  rotate_k,
  poll_k,
  outcome_k,
  clock_k,
  put_k,
  stage_k,
  cancel_k,
  delete_k,
  restore_k,
};

using step_t = std::tuple<int, int, int, int>;  // kind, secret, two numbers

rc::Gen<step_t> gen_step() {
  return rc::gen::tuple(rc::gen::weightedElement<int>({{1, create_k},
                                                       {3, rotate_k},
                                                       {10, poll_k},
                                                       {12, outcome_k},
                                                       {3, clock_k},
                                                       {1, put_k},
                                                       {1, stage_k},
                                                       {1, cancel_k},
                                                       {1, delete_k},
                                                       {1, restore_k}}),
                        rc::gen::inRange(0, static_cast<int>(names.size())),
                        rc::gen::inRange(0, 12), rc::gen::inRange(0, 1000));
}

std::string token(int n) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%08d-0000-4000-8000-000000000000", n);
  return buf;
}

/// The `"__type"` of an error body.
std::string error_type(const std::string& body) {
  const std::string key = "\"__type\":\"";
  const auto at = body.find(key);
  if (at == std::string::npos) return "";
  const auto from = at + key.size();
  return body.substr(from, body.find('"', from) - from);
}

struct harness {
  std::uint32_t attempts;
  std::int64_t delay;
  /// The service's journal (journal.hpp): the header, then every record the hook was given.
  std::string journal_log =
      ss::journal::encode_header(ss::journal_header{"us-east-1", "123456789012", {F}});
  ss::service svc;
  sm::store model;
  std::map<std::string, model_progress> progress;
  std::map<std::string, std::int64_t> rotated;  // LastRotatedDate, by name
  std::vector<job> in_flight;
  std::int64_t now = start_ms;
  int tokens = 0;
  bool saw_retry_error = false, saw_give_up = false, saw_finish = false, saw_reattempt = false;
  bool saw_test = false, saw_test_ended = false, saw_test_blocks = false;

  harness(std::uint32_t a, std::int64_t d)
      : attempts(a),
        delay(d),
        svc(options(a, d), {}, {}, [this](const ss::journal_entry& e, const ss::store&) {
          journal_log += ss::journal::encode_record(e);
          return std::uint64_t{1};
        }) {}

  static ss::service_options options(std::uint32_t a, std::int64_t d) {
    ss::service_options o;
    o.external_rotation_functions = {F};
    o.rotation_retry = {a, d};
    return o;
  }

  sm::env env() const {
    sm::env e;
    e.now_ms = now;
    e.functions = {F};
    return e;
  }

  /// Sends one request to the service; checks its outcome against the model's `o` and, on
  /// success, moves the model on. Returns whether it succeeded.
  template <class R>
  bool send(const std::string& op, const std::string& body, const sm::outcome<R>& o,
            const std::string& name) {
    const auto reply = svc.handle(op, body, ss::timestamp{now});
    RC_ASSERT((reply.status == 200) == !o.err.has_value());
    if (o.err) {
      RC_ASSERT(error_type(reply.body) == o.err->type);
      if (o.err->type == "InvalidRequestException" &&
          o.err->message.find("previous rotation") != std::string::npos) {
        RC_ASSERT(reply.body.find("A previous rotation isn't complete. That rotation will be "
                                  "reattempted.") != std::string::npos);
      }
      return false;
    }
    model = o.next;
    note_rotated(name);
    return true;
  }

  void note_rotated(const std::string& name) {
    const auto p = progress.find(name);
    const auto s = model.secrets.find(name);
    if (p == progress.end() || s == model.secrets.end() || p->second.test) return;
    if (s->second.holder(sm::awscurrent) != p->second.version) return;
    const auto created = s->second.versions.at(p->second.version).created_ms;
    const auto r = rotated.find(name);
    if (r != rotated.end() && r->second >= created) return;
    rotated[name] = now;
  }

  void create(const std::string& name, int value) {
    const std::string t = token(++tokens);
    const std::string body = "{\"Name\":\"" + name + "\",\"ClientRequestToken\":\"" + t +
                             "\",\"SecretString\":\"v" + std::to_string(value) + "\"}";
    // The ARN's six random characters are the library's: the model takes them.
    std::string suffix = "AbCdEf";
    sm::create_req r;
    r.name = name;
    r.token = t;
    r.secret_string = "v" + std::to_string(value);
    const auto reply = svc.handle("CreateSecret", body, ss::timestamp{now});
    if (reply.status == 200) {
      const auto st = svc.store();
      const std::string arn = st.find(name)->arn().str();
      suffix = arn.substr(arn.size() - 6);
    }
    const auto o = sm::create_secret(model, r, env(), suffix);
    RC_ASSERT((reply.status == 200) == !o.err.has_value());
    if (!o.err) {
      model = o.next;
      rotated.erase(name);
    }
  }

  /// A test ends (its outcome, settled, cancelled, deleted): its version loses AWSPENDING and
  /// leaves unless another label holds it.
  void end_test(const std::string& name, const std::string& version) {
    const auto s = model.secrets.find(name);
    if (s == model.secrets.end()) return;
    const auto v = s->second.versions.find(version);
    if (v == s->second.versions.end()) return;
    v->second.labels.erase(sm::awspending);
    if (v->second.labels.empty()) s->second.versions.erase(v);
  }

  /// Ends the model's progress of `name`, if any (a test with its version).
  void drop_progress(const std::string& name) {
    const auto p = progress.find(name);
    if (p == progress.end()) return;
    if (p->second.test) end_test(name, p->second.version);
    progress.erase(p);
  }

  /// RotateSecret with RotateImmediately false that created nothing: a test, when AWSCURRENT has
  /// a value, AWSPENDING is attached nowhere and the label quota allows it; older progress (which
  /// cannot apply then) is ended first.
  void begin_test(const std::string& name, const std::string& t) {
    sm::secret& n = model.secrets.at(name);
    const auto current = n.holder(sm::awscurrent);
    if (!current || !n.versions.at(*current).val || n.holder(sm::awspending)) return;
    if (n.label_count() + 1 > refmodel::label_quota) return;
    const auto val = n.versions.at(*current).val;
    drop_progress(name);
    sm::version v;
    v.val = val;
    v.created_ms = now;
    v.order = n.next_order++;
    v.labels.insert(sm::awspending);
    n.versions[t] = v;
    progress[name] = model_progress{t, 2, 0, std::nullopt, now, true};
    saw_test = true;
  }

  void rotate(const std::string& name, int a, int b) {
    const auto* s = sm::resolve(model, name);
    std::string t = token(++tokens);
    if (s != nullptr && a % 4 == 0)
      if (auto pending = s->holder(sm::awspending)) t = *pending;  // a retry of that rotation
    sm::rotate_req r;
    r.secret_id = name;
    r.token = t;
    std::string body = "{\"SecretId\":\"" + name + "\",\"ClientRequestToken\":\"" + t + "\"";
    if (b % 2 == 0) {
      r.lambda = F;
      body += ",\"RotationLambdaARN\":\"" + F + "\"";
    }
    if (b % 3 == 1) {
      r.rotate_immediately = false;
      body += ",\"RotateImmediately\":false";
    } else if (b % 3 == 2) {
      r.rotate_immediately = true;
      body += ",\"RotateImmediately\":true";
    }
    body += "}";
    const bool had_version = s != nullptr && s->versions.count(t) != 0;
    const bool enabled = s != nullptr && s->rotation_enabled;
    const auto o = sm::rotate_secret(model, r, env());
    const bool ok = send("RotateSecret", body, o, name);
    if (ok) {
      const sm::secret& n = model.secrets.at(name);
      const auto pending = n.holder(sm::awspending);
      const bool placeholder = pending == t && !n.versions.at(t).val.has_value();
      const auto p = progress.find(name);
      if (!had_version && r.rotate_immediately == std::optional<bool>(false)) {
        begin_test(name, t);
      } else if ((!had_version && pending == t) ||
                 (placeholder && (p == progress.end() || p->second.version != t))) {
        drop_progress(name);
        progress[name] = model_progress{t, 0, 0, std::nullopt, now, false};
        // The service begins the progress inside the request and then notes a rotation that
        // AWSCURRENT already reached (a placeholder that UpdateSecretVersionStage made current
        // before this RotateSecret with its token): LastRotatedDate is set at once.
        note_rotated(name);
      }
    } else if (o.err && o.err->message.find("previous rotation") != std::string::npos) {
      saw_retry_error = true;
      if (!enabled) return;  // a cancelled rotation is not reattempted
      const auto pending = *s->holder(sm::awspending);
      model_progress next{pending, 0, 0, std::nullopt, now, false};
      const auto p = progress.find(name);
      if (p != progress.end() && p->second.test && p->second.version == pending) {
        saw_test_blocks = true;  // the test runs on; it is not reattempted as a rotation
        return;
      }
      if (p != progress.end() && p->second.version == pending) next.failure = p->second.failure;
      drop_progress(name);
      progress[name] = next;
      saw_reattempt = true;
    }
  }

  /// The worker's poll: settles stale progress, then the due steps by name, and the next due time.
  void poll() {
    for (auto it = progress.begin(); it != progress.end();) {
      const auto s = model.secrets.find(it->first);
      if (s == model.secrets.end() || s->second.holder(sm::awspending) != it->second.version) {
        if (it->second.test) end_test(it->first, it->second.version);
        it = progress.erase(it);
      } else {
        ++it;
      }
    }
    std::vector<job> expected;
    std::optional<std::int64_t> next;
    for (const auto& [name, p] : progress) {
      if (!p.due || model.secrets.at(name).deleted_ms) continue;
      if (*p.due > now) {
        next = next ? std::min(*next, *p.due) : *p.due;
        continue;
      }
      expected.push_back({name, p.version, p.step});
    }
    // The full scan of the store that rotation_steps_due's index replaces: the same steps in
    // the same order (by name), the same next due time.
    std::vector<job> scanned;
    std::optional<std::int64_t> scanned_next;
    for (const auto* s : svc.store().secrets()) {
      const auto& p = s->rotation_progress();
      if (!p || !ss::rotation_progress_applies(*s) || p->given_up() || s->deleted_date()) continue;
      if (p->next_attempt->epoch_ms > now) {
        scanned_next = scanned_next ? std::min(*scanned_next, p->next_attempt->epoch_ms)
                                    : p->next_attempt->epoch_ms;
        continue;
      }
      scanned.push_back({s->name().str(), p->version_id, static_cast<int>(p->next_step)});
    }
    std::optional<ss::timestamp> svc_next;
    const auto jobs = svc.rotation_steps_due(ss::timestamp{now}, &svc_next);
    RC_ASSERT(jobs.size() == scanned.size());
    for (std::size_t i = 0; i < jobs.size(); ++i) {
      RC_ASSERT(jobs[i].secret_name == scanned[i].name);
      RC_ASSERT(jobs[i].version_id == scanned[i].version);
      RC_ASSERT(static_cast<int>(jobs[i].step) == scanned[i].step);
    }
    RC_ASSERT(svc_next.has_value() == scanned_next.has_value());
    if (scanned_next) RC_ASSERT(svc_next->epoch_ms == *scanned_next);
    RC_ASSERT(jobs.size() == expected.size());
    for (std::size_t i = 0; i < jobs.size(); ++i) {
      RC_ASSERT(jobs[i].secret_name == expected[i].name);
      RC_ASSERT(jobs[i].version_id == expected[i].version);
      RC_ASSERT(jobs[i].function_arn == F);
      RC_ASSERT(static_cast<int>(jobs[i].step) == expected[i].step);
    }
    RC_ASSERT(svc_next.has_value() == next.has_value());
    if (next) RC_ASSERT(svc_next->epoch_ms == *next);
    for (const auto& j : expected) {
      const bool known = std::any_of(in_flight.begin(), in_flight.end(), [&](const job& k) {
        return k.name == j.name && k.version == j.version && k.step == j.step;
      });
      if (!known) in_flight.push_back(j);
    }
  }

  /// The outcome of an in-flight step: a success does the function's work first.
  void outcome(int which, int how) {
    if (in_flight.empty()) poll();  // the worker's next turn
    if (in_flight.empty()) return;
    const std::size_t i = static_cast<std::size_t>(which) % in_flight.size();
    const job j = in_flight[i];
    in_flight.erase(in_flight.begin() + static_cast<std::ptrdiff_t>(i));
    bool succeeded = how % 5 != 0;
    if (succeeded && j.step == 0) {
      sm::put_req r;
      r.secret_id = j.name;
      r.token = j.version;
      r.secret_string = "rotated-" + j.version.substr(0, 8);
      r.version_stages = std::vector<std::string>{sm::awspending};
      const auto o = sm::put_secret_value(model, r, env());
      succeeded = send("PutSecretValue",
                       "{\"SecretId\":\"" + j.name + "\",\"ClientRequestToken\":\"" + j.version +
                           "\",\"SecretString\":\"" + *r.secret_string +
                           "\",\"VersionStages\":[\"AWSPENDING\"]}",
                       o, j.name);
    } else if (succeeded && j.step == 3) {
      const auto s = model.secrets.find(j.name);
      if (s != model.secrets.end()) {
        const auto current = s->second.holder(sm::awscurrent);
        if (current && *current != j.version) {
          sm::stage_req r{j.name, sm::awscurrent, current, j.version};
          const auto o = sm::update_secret_version_stage(model, r, env());
          succeeded = send("UpdateSecretVersionStage",
                           "{\"SecretId\":\"" + j.name +
                               "\",\"VersionStage\":\"AWSCURRENT\",\"RemoveFromVersionId\":\"" +
                               *current + "\",\"MoveToVersionId\":\"" + j.version + "\"}",
                           o, j.name);
        }
        if (succeeded && how % 2 == 0 && model.secrets.count(j.name) != 0 &&
            model.secrets.at(j.name).holder(sm::awspending) == j.version) {
          sm::stage_req r{j.name, sm::awspending, j.version, std::nullopt};
          const auto o = sm::update_secret_version_stage(model, r, env());
          succeeded = send("UpdateSecretVersionStage",
                           "{\"SecretId\":\"" + j.name +
                               "\",\"VersionStage\":\"AWSPENDING\",\"RemoveFromVersionId\":\"" +
                               j.version + "\"}",
                           o, j.name);
        }
      }
    }
    ss::service::rotation_job sj;
    sj.secret_name = j.name;
    sj.version_id = j.version;
    sj.function_arn = F;
    sj.step = static_cast<ss::rotation_step>(j.step);
    if (const auto* s = svc.store().find(j.name)) sj.secret_arn = s->arn().str();
    (void)svc.record_rotation_step(sj, succeeded, "boom", ss::timestamp{now});

    const auto p = progress.find(j.name);
    if (p == progress.end() || p->second.version != j.version || p->second.step != j.step ||
        !p->second.due)
      return;
    if (p->second.test) {  // over, whatever its outcome: no retry
      drop_progress(j.name);
      saw_test_ended = true;
      return;
    }
    if (succeeded) {
      if (j.step == 3) {
        progress.erase(p);
        saw_finish = true;
      } else {
        p->second.step = j.step + 1;
        p->second.due = now;
      }
      return;
    }
    p->second.attempts += 1;
    p->second.failure = std::string(step_names[j.step]) + ": boom";
    p->second.step = 0;
    if (p->second.attempts >= attempts) {
      p->second.due.reset();
      saw_give_up = true;
    } else {
      p->second.due = now + delay;
    }
  }

  void clock(int a, int b) {
    switch (a % 5) {
      case 0: now += 1; break;
      case 1: now += delay - 1; break;
      case 2: now += delay; break;
      case 3: now += delay + 1; break;
      default: now += 60'000 * (1 + b % 10); break;
    }
  }

  /// Another client's PutSecretValue: default labels, AWSPENDING, or a label of its own.
  void put(const std::string& name, int a) {
    sm::put_req r;
    r.secret_id = name;
    r.token = token(++tokens);
    r.secret_string = "p" + std::to_string(tokens);
    std::string body = "{\"SecretId\":\"" + name + "\",\"ClientRequestToken\":\"" + *r.token +
                       "\",\"SecretString\":\"" + *r.secret_string + "\"";
    if (a % 3 == 1) {
      r.version_stages = std::vector<std::string>{sm::awspending};
      body += ",\"VersionStages\":[\"AWSPENDING\"]";
    } else if (a % 3 == 2) {
      r.version_stages = std::vector<std::string>{"L1"};
      body += ",\"VersionStages\":[\"L1\"]";
    }
    body += "}";
    send("PutSecretValue", body, sm::put_secret_value(model, r, env()), name);
  }

  /// Another client's UpdateSecretVersionStage: AWSPENDING removed, AWSCURRENT moved onto the
  /// pending version, or AWSPENDING moved onto some version.
  void stage(const std::string& name, int a, int b) {
    const auto* s = sm::resolve(model, name);
    if (s == nullptr) return;
    std::vector<std::string> ids;
    for (const auto& [id, v] : s->versions) ids.push_back(id);
    const auto pending = s->holder(sm::awspending);
    const auto current = s->holder(sm::awscurrent);
    sm::stage_req r;
    r.secret_id = name;
    switch (a % 3) {
      case 0:
        if (!pending) return;
        r.version_stage = sm::awspending;
        r.remove_from = pending;
        break;
      case 1:
        if (!pending || !current) return;
        r.version_stage = sm::awscurrent;
        r.remove_from = current;
        r.move_to = pending;
        break;
      default:
        r.version_stage = sm::awspending;
        r.remove_from = pending;
        r.move_to = ids[static_cast<std::size_t>(b) % ids.size()];
        break;
    }
    std::string body = "{\"SecretId\":\"" + name + "\",\"VersionStage\":\"" + r.version_stage + "\"";
    if (r.remove_from) body += ",\"RemoveFromVersionId\":\"" + *r.remove_from + "\"";
    if (r.move_to) body += ",\"MoveToVersionId\":\"" + *r.move_to + "\"";
    body += "}";
    send("UpdateSecretVersionStage", body, sm::update_secret_version_stage(model, r, env()), name);
  }

  void cancel(const std::string& name) {
    if (send("CancelRotateSecret", "{\"SecretId\":\"" + name + "\"}",
             sm::cancel_rotate_secret(model, name, env()), name))
      drop_progress(name);
  }

  void remove(const std::string& name, int a) {
    sm::delete_req r;
    r.secret_id = name;
    std::string body = "{\"SecretId\":\"" + name + "\"";
    if (a % 3 == 0) {
      r.force = true;
      body += ",\"ForceDeleteWithoutRecovery\":true";
    } else {
      r.window = 7;
      body += ",\"RecoveryWindowInDays\":7";
    }
    body += "}";
    if (!send("DeleteSecret", body, sm::delete_secret(model, r, env()), name)) return;
    if (r.force) {
      progress.erase(name);
      rotated.erase(name);
    } else if (const auto p = progress.find(name); p != progress.end() && p->second.test) {
      drop_progress(name);  // a test ends with the scheduled deletion; a rotation waits
    }
  }

  void restore(const std::string& name) {
    send("RestoreSecret", "{\"SecretId\":\"" + name + "\"}", sm::restore_secret(model, name),
         name);
  }

  void check() const {
    const auto st = svc.store();
    RC_ASSERT(st.size() == model.secrets.size());
    for (const auto* s : st.secrets()) {
      const std::string name = s->name().str();
      const auto violated = ss::check_invariants(*s);
      if (!violated.empty()) RC_FAIL("invariant violated: " + std::string(violated.front()));
      const auto m = model.secrets.find(name);
      RC_ASSERT(m != model.secrets.end());
      const auto holder = [&](const std::string& label) -> std::optional<std::string> {
        const auto* v = s->holder(label);
        if (v == nullptr) return std::nullopt;
        return std::string(ss::aws_traits::text(v->id()));
      };
      // The versions themselves: a test's version comes and goes.
      std::vector<std::string> ids, model_ids;
      for (const auto* v : s->versions()) ids.emplace_back(ss::aws_traits::text(v->id()));
      for (const auto& [id, v] : m->second.versions) model_ids.push_back(id);
      std::sort(ids.begin(), ids.end());
      RC_ASSERT(ids == model_ids);
      RC_ASSERT(holder(sm::awscurrent) == m->second.holder(sm::awscurrent));
      RC_ASSERT(holder(sm::awspending) == m->second.holder(sm::awspending));
      const auto r = rotated.find(name);
      RC_ASSERT(s->last_rotated_date().has_value() == (r != rotated.end()));
      if (r != rotated.end()) RC_ASSERT(s->last_rotated_date()->epoch_ms == r->second);

      const auto& got = s->rotation_progress();
      const auto want = progress.find(name);
      RC_ASSERT(got.has_value() == (want != progress.end()));
      if (!got) continue;
      const model_progress& p = want->second;
      RC_ASSERT(got->version_id == p.version);
      RC_ASSERT(got->function_arn == F);
      RC_ASSERT(static_cast<int>(got->next_step) == p.step);
      RC_ASSERT(got->attempts == p.attempts);
      RC_ASSERT(got->last_failure == p.failure);
      RC_ASSERT(got->next_attempt.has_value() == p.due.has_value());
      if (p.due) RC_ASSERT(got->next_attempt->epoch_ms == *p.due);
      RC_ASSERT(got->test_only == p.test);
    }
  }

  void run(const step_t& x) {
    const auto [k, which, a, b] = x;
    const std::string& name = names[static_cast<std::size_t>(which)];
    switch (k) {
      case create_k: create(name, b); break;
      case rotate_k: rotate(name, a, b); break;
      case poll_k: poll(); break;
      case outcome_k: outcome(a + b, b); break;
      case clock_k: clock(a, b); break;
      case put_k: put(name, a); break;
      case stage_k: stage(name, a, b); break;
      case cancel_k: cancel(name); break;
      case delete_k: remove(name, a); break;
      default: restore(name); break;
    }
  }
};

}  // namespace

TEST_CASE("rotation progress: the service's transitions against a naive model") {
  rc::doctest_prop("progress, due steps, retries and reattempts agree with the model", [] {
    const auto attempts = *rc::gen::inRange<std::uint32_t>(1, 5);
    const auto delay = *rc::gen::element<std::int64_t>(1'000, 5'000);
    const auto length = *rc::gen::inRange<std::size_t>(1, 160);
    const auto steps = *rc::gen::container<std::vector<step_t>>(length, gen_step());
    harness h(attempts, delay);
    h.create("a", 0);
    for (const auto& x : steps) {
      h.run(x);
      h.check();
    }
    // Recovery from the journal gives the store the service has: requests, and the worker's
    // outcomes, reattempts and settled progress as state records.
    auto recovered = ss::journal::recover(ss::store{}, h.journal_log);
    RC_ASSERT(recovered.has_value());
    RC_ASSERT(recovered.value().store == h.svc.store());
    RC_TAG(h.saw_finish ? "a rotation finished" : "none finished",
           h.saw_give_up ? "gave up" : "never gave up",
           h.saw_reattempt ? "reattempted" : "no reattempt",
           h.saw_test_ended ? "a test ended" : (h.saw_test ? "a test began" : "no test"));
  });
}

}  // namespace rotation_progress_test_property
