// secretstage-check-rotation: runs a user's rotation function through the failures AWS's
// rotation service can deliver (a step failing and retried, a step delivered twice, the
// function killed after its k-th call, another client writing mid-rotation, CancelRotateSecret)
// and checks, between every two of the function's calls, the properties a rotation must keep
// (docs/check-rotation.md). `--help` lists the options.
//
// Each run has its own service (service.hpp) on a virtual clock behind its own cpp-httplib
// server on 127.0.0.1; this program plays AWS's rotation service: it takes the steps due from
// the service (`rotation_steps_due`), invokes them (rotation_invoker.hpp) and records each
// outcome (`record_rotation_step`), so retries and reattempts are the server's own. Nothing it
// prints holds a secret value: values appear as "#n".

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <httplib.h>

#include <secretstage/invariants.hpp>
#include <secretstage/rotation_invoker.hpp>
#include <secretstage/service.hpp>

#include "check_rotation.hpp"

namespace ss = secretstage;
namespace check = secretstage::tools::check;

namespace {

constexpr std::string_view usage = R"(Usage: secretstage-check-rotation --function SPEC
           (--secret-string TEXT | --secret-file FILE) [OPTION]...
Runs a rotation function through the failures AWS's rotation service delivers and checks the
properties a rotation must keep between every two of its calls (docs/check-rotation.md).

  --function SPEC       the function: exec:COMMAND (run through /bin/sh -c, the event on
                        standard input, SECRETS_MANAGER_ENDPOINT / AWS_ENDPOINT_URL_SECRETS_MANAGER
                        pointing at this program's own server) or a Lambda Invoke URL http://…
  --secret-string TEXT  the secret's value before each run (its AWSCURRENT)
  --secret-file FILE    the same, read from FILE
  --probe COMMAND       gets a value on standard input; exits 0 when that value works against
                        the protected service. Run after every call of the function
  --reset COMMAND       restores the protected service before each run
  --require-no-outage   a moment where AWSCURRENT's value does not work is a violation (it is
                        always reported)
  --faults LIST         only these faults (comma-separated kinds or fault names): clean,
                        fail-once, duplicate, kill, put, update-stage, rotate, cancel, or e.g.
                        kill:setSecret#2, put@5. The clean run always runs. Default: all
  --seed N              seed of the runs (default 0); a run is a function of the seed and its
                        place in the whole plan
  --jobs N              runs in parallel (default 2). Each gets SECRETSTAGE_CHECK_SLOT=0..N-1
                        in the environment of the function, the probe and the reset, so that
                        each can use a protected service of its own
  --step-timeout MS     a step that runs longer is stopped and fails (default 60000)
  --endpoint-file FILE  write each run's endpoint URL to FILE before its first step, for a
                        function that cannot be told it in its environment (a Lambda URL);
                        needs --jobs 1
  --json FILE           also write the report as JSON to FILE
  --help                print this help and exit

Exit status: 0 no violation; 1 a violation; 2 bad usage, or a function that cannot run at all.
)";

constexpr std::string_view secret_name = "rotation-check";
constexpr std::string_view function_arn =
    "arn:aws:lambda:us-east-1:123456789012:function:secretstage-check-rotation";
constexpr std::string_view initial_token = "00000000-0000-4000-8000-000000000001";
constexpr std::string_view rotation_token = "00000000-0000-4000-8000-0000000000a1";
constexpr std::int64_t start_ms = 1767225600000;  // 2026-01-01T00:00:00Z

struct config {
  ss::invoker::target target;
  std::string secret;
  std::string probe;
  std::string reset;
  bool require_no_outage = false;
  std::string faults;
  std::uint64_t seed = 0;
  std::string json;
  std::string endpoint_file;
  int jobs = 2;
  std::chrono::milliseconds step_timeout{60'000};
};

[[noreturn]] void usage_error(const std::string& message) {
  std::cerr << "secretstage-check-rotation: " << message
            << "\nTry 'secretstage-check-rotation --help'.\n";
  std::exit(2);
}

config parse_arguments(int argc, char** argv) {
  config out;
  bool have_function = false, have_secret = false;
  auto number = [](std::string_view name, const std::string& text, unsigned long long max) {
    bool digits = !text.empty() && text.size() <= 20;
    for (char c : text) digits = digits && c >= '0' && c <= '9';
    if (!digits) usage_error(std::string(name) + " needs a non-negative integer");
    const unsigned long long n = std::strtoull(text.c_str(), nullptr, 10);
    if (n > max) usage_error(std::string(name) + " is out of range");
    return n;
  };
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage_error(std::string(arg) + " needs a value");
      return argv[++i];
    };
    if (arg == "--help") {
      std::cout << usage;
      std::exit(0);
    } else if (arg == "--function") {
      const std::string spec = value();
      auto parsed = ss::invoker::parse_function_spec(std::string(function_arn) + "=" + spec);
      if (!parsed) usage_error("--function needs exec:COMMAND or an http:// Lambda Invoke URL");
      out.target = parsed->target;
      have_function = true;
    } else if (arg == "--secret-string") {
      out.secret = value();
      have_secret = true;
    } else if (arg == "--secret-file") {
      const std::string path = value();
      std::ifstream in(path, std::ios::binary);
      if (!in) usage_error("cannot read --secret-file " + path);
      std::ostringstream text;
      text << in.rdbuf();
      out.secret = text.str();
      have_secret = true;
    } else if (arg == "--probe") {
      out.probe = value();
    } else if (arg == "--reset") {
      out.reset = value();
    } else if (arg == "--require-no-outage") {
      out.require_no_outage = true;
    } else if (arg == "--faults") {
      out.faults = value();
    } else if (arg == "--seed") {
      out.seed = number(arg, value(), ~0ull);
    } else if (arg == "--jobs") {
      out.jobs = static_cast<int>(number(arg, value(), 64));
      if (out.jobs == 0) usage_error("--jobs needs at least 1");
    } else if (arg == "--step-timeout") {
      out.step_timeout = std::chrono::milliseconds(number(arg, value(), 3'600'000));
      if (out.step_timeout.count() == 0) usage_error("--step-timeout needs at least 1 ms");
    } else if (arg == "--json") {
      out.json = value();
    } else if (arg == "--endpoint-file") {
      out.endpoint_file = value();
    } else {
      usage_error("unknown argument " + std::string(arg));
    }
  }
  if (!have_function) usage_error("--function is required");
  if (!have_secret) usage_error("--secret-string or --secret-file is required");
  if (out.secret.empty() || out.secret.size() > 65536)
    usage_error("the secret's value must be 1 to 65536 bytes");
  if (!out.endpoint_file.empty() && out.jobs != 1)
    usage_error("--endpoint-file needs --jobs 1 (runs in parallel have endpoints of their own)");
  if (out.require_no_outage && out.probe.empty())
    usage_error("--require-no-outage needs --probe");
  return out;
}

std::string error_code_of(const ss::service_reply& reply) {
  if (reply.status == 200) return "ok";
  constexpr std::string_view key = "\"__type\":";
  const auto at = reply.body.find(key);
  if (at == std::string::npos) return "HTTP " + std::to_string(reply.status);
  const auto open = reply.body.find('"', at + key.size());
  const auto close = open == std::string::npos ? open : reply.body.find('"', open + 1);
  if (close == std::string::npos) return "HTTP " + std::to_string(reply.status);
  return reply.body.substr(open + 1, close - open - 1);
}

/// The last non-empty line of a function's standard error, at most 240 bytes.
std::string last_line(std::string_view tail) {
  while (!tail.empty() && (tail.back() == '\n' || tail.back() == '\r')) tail.remove_suffix(1);
  const auto nl = tail.rfind('\n');
  if (nl != std::string_view::npos) tail.remove_prefix(nl + 1);
  return std::string(tail.substr(0, 240));
}

/// The environment of everything a run starts: ours, plus its slot.
std::vector<std::string> environment_for(int slot) {
  std::vector<std::string> out;
  for (char** e = environ; *e != nullptr; ++e) {
    if (std::string_view(*e).substr(0, 23) == "SECRETSTAGE_CHECK_SLOT=") continue;
    out.emplace_back(*e);
  }
  out.push_back("SECRETSTAGE_CHECK_SLOT=" + std::to_string(slot));
  return out;
}

/// One run: a service, its server, the function's calls as they come, and the fault.
class run {
 public:
  run(const config& c, check::fault f, std::uint64_t seed, int slot)
      : config_(c), fault_(f), env_(environment_for(slot)), svc_(service_options(seed)) {
    record_.fault = f;
  }

  check::run_record execute() {
    server_.set_keep_alive_max_count(100'000);
    server_.Post("/", [this](const httplib::Request& req, httplib::Response& res) {
      on_request(req, res);
    });
    const int port = server_.bind_to_any_port("127.0.0.1");
    if (port < 0) {
      record_.error = "cannot listen on 127.0.0.1";
      return std::move(record_);
    }
    endpoint_ = "http://127.0.0.1:" + std::to_string(port);
    if (!config_.endpoint_file.empty()) {
      std::ofstream out(config_.endpoint_file, std::ios::trunc);
      out << endpoint_ << '\n';
      if (!out) record_.error = "cannot write --endpoint-file " + config_.endpoint_file;
    }
    if (!record_.error.empty()) {
      server_.stop();
      return std::move(record_);
    }
    std::thread listener([this] { server_.listen_after_bind(); });
    drive();
    server_.stop();
    listener.join();
    return std::move(record_);
  }

 private:
  static ss::service_options service_options(std::uint64_t seed) {
    ss::service_options o;
    o.seed = seed;
    o.external_rotation_functions.emplace_back(function_arn);
    return o;
  }

  ss::timestamp tick() { return {clock_.fetch_add(1000) + 1000}; }

  /// The reply to a request of ours (the setup, another client), with the clock moving on.
  ss::service_reply request(std::string_view op, const std::string& body) {
    return svc_.handle(op, body, tick());
  }

  std::optional<ss::secret> secret() const {
    const auto st = svc_.store();
    const auto* s = st.find(secret_name);
    if (s == nullptr) return std::nullopt;
    return *s;
  }

  int rank(const ss::secret_value* v) {
    if (v == nullptr) return 0;
    std::string key = v->is_string() ? "s" + *v->string()
                                     : "b" + std::string(v->bytes()->begin(), v->bytes()->end());
    auto [at, fresh] = ranks_.emplace(std::move(key), static_cast<int>(ranks_.size()) + 1);
    return at->second;
  }

  check::label_table table_of(const ss::secret& s) {
    check::label_table out;
    const auto stages = s.stages();
    for (const auto* v : s.versions()) {
      check::version_row row{v->id(), {}, rank(v->value())};
      for (const auto& [label, id] : stages)
        if (id == v->id()) row.labels.push_back(label);
      out.push_back(std::move(row));
    }
    return out;
  }

  /// Whether `value` works against the protected service (the probe exits 0).
  std::optional<bool> probe(const ss::secret_value* value) {
    if (config_.probe.empty() || value == nullptr) return std::nullopt;
    std::string input = value->is_string()
                            ? *value->string()
                            : std::string(value->bytes()->begin(), value->bytes()->end());
    ss::invoker::options o;
    o.timeout = config_.step_timeout;
    o.base_environment = &env_;
    const auto r = ss::invoker::invoke_exec(ss::invoker::exec_function{config_.probe}, input, o);
    return r.outcome == ss::invoker::outcome::succeeded;
  }

  /// Fills the point after a request: the label table, the invariants, the probe.
  void fill_point(check::event& e, const std::optional<ss::secret>& before) {
    const auto after = secret();
    if (!after) return;
    e.table = table_of(*after);
    for (auto name : ss::check_invariants(*after)) e.invariants.emplace_back(name);
    if (before)
      for (auto name : ss::check_transition_invariants(*before, *after))
        e.invariants.emplace_back(name);
    const auto* current = after->holder(ss::aws_traits::current());
    e.current_works = probe(current ? current->value() : nullptr);
  }

  /// Another client's request, recorded as such.
  ss::service_reply other(std::string_view op, const std::string& body) {
    const auto before = secret();
    auto reply = request(op, body);
    check::event e;
    e.kind = check::event_kind::other;
    e.step = step_;
    e.what = std::string(op);
    e.detail = error_code_of(reply);
    fill_point(e, before);
    record_.events.push_back(std::move(e));
    return reply;
  }

  std::string next_token() {
    ++tokens_;
    char text[40];
    std::snprintf(text, sizeof text, "00000000-0000-4000-8000-%012x", 0xb00u + tokens_);
    return text;
  }

  std::string current_value_json() {
    const auto s = secret();
    const auto* c = s ? s->holder(ss::aws_traits::current()) : nullptr;
    if (c == nullptr || c->value() == nullptr || !c->value()->is_string()) return {};
    return check::json_string(*c->value()->string());
  }

  /// The concurrent fault's write (lock held).
  void inject() {
    const std::string id = check::json_string(secret_name);
    switch (fault_.kind) {
      case check::fault_kind::put: {
        const auto value = current_value_json();
        if (value.empty()) return;
        other("PutSecretValue", "{\"SecretId\":" + id + ",\"SecretString\":" + value +
                                    ",\"ClientRequestToken\":\"" + next_token() + "\"}");
        break;
      }
      case check::fault_kind::update_stage: {
        const auto value = current_value_json();
        const auto s = secret();
        const auto* c = s ? s->holder(ss::aws_traits::current()) : nullptr;
        if (value.empty() || c == nullptr) return;
        const std::string current_id = c->id();
        const std::string copy = next_token();
        other("PutSecretValue", "{\"SecretId\":" + id + ",\"SecretString\":" + value +
                                    ",\"ClientRequestToken\":\"" + copy +
                                    "\",\"VersionStages\":[\"COPY\"]}");
        other("UpdateSecretVersionStage",
              "{\"SecretId\":" + id + ",\"VersionStage\":\"AWSCURRENT\",\"MoveToVersionId\":\"" +
                  copy + "\",\"RemoveFromVersionId\":\"" + current_id + "\"}");
        break;
      }
      case check::fault_kind::rotate:
        other("RotateSecret",
              "{\"SecretId\":" + id + ",\"ClientRequestToken\":\"" + next_token() + "\"}");
        break;
      case check::fault_kind::cancel:
        other("CancelRotateSecret", "{\"SecretId\":" + id + "}");
        cancelled_ = true;
        break;
      default: break;
    }
  }

  void on_request(const httplib::Request& req, httplib::Response& res) {
    std::unique_lock<std::mutex> lock(mutex_);
    const std::string target = req.get_header_value("X-Amz-Target");
    const auto op = ss::aws_json::operation_from_target(target);
    const auto before = secret();
    const ss::service_reply reply = svc_.handle_target(target, req.body, tick());
    ++total_calls_;
    const int call = ++delivery_calls_;
    check::event e;
    e.kind = check::event_kind::call;
    e.step = step_;
    e.n = call;
    e.what = op ? std::string(op.value()) : std::string("?");
    e.detail = error_code_of(reply);
    fill_point(e, before);
    record_.events.push_back(std::move(e));
    if (invoking_) ++step_calls_[static_cast<std::size_t>(step_)];

    const bool concurrent = fault_.kind == check::fault_kind::put ||
                            fault_.kind == check::fault_kind::update_stage ||
                            fault_.kind == check::fault_kind::rotate ||
                            fault_.kind == check::fault_kind::cancel;
    if (concurrent && !fired_ && total_calls_ == fault_.k) {
      fired_ = true;
      inject();
    }
    if (fault_.kind == check::fault_kind::kill && !fired_ && first_delivery_ &&
        step_ == fault_.step && call == fault_.k && cancel_ != nullptr) {
      // The call has committed; the function dies before it reads the answer.
      fired_ = true;
      killed_ = true;
      cancel_->cancel();
      done_.wait(lock, [this] { return !invoking_; });
      res.status = 500;
      return;
    }
    res.status = reply.status;
    res.set_header("x-amzn-RequestId", reply.request_id);
    res.set_content(reply.body, "application/x-amz-json-1.1");
  }

  /// Delivers one step and returns whether it succeeded (an injected failure counts as failed).
  bool deliver(const ss::service::rotation_job& job, bool duplicate) {
    const int s = static_cast<int>(job.step);
    ss::invoker::cancellation cancel;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      step_ = s;
      delivery_calls_ = 0;
      const int n = ++deliveries_[static_cast<std::size_t>(s)];
      first_delivery_ = n == 1;
      killed_ = false;
      invoking_ = true;
      cancel_ = &cancel;
      check::event e;
      e.kind = check::event_kind::delivery;
      e.step = s;
      e.n = n;
      e.duplicate = duplicate;
      record_.events.push_back(std::move(e));
    }
    ss::invoker::options o;
    o.timeout = config_.step_timeout;
    o.kill_grace = std::chrono::milliseconds(500);
    o.secrets_manager_endpoint = endpoint_;
    o.region = "us-east-1";
    o.base_environment = &env_;
    const std::string event_text =
        ss::invoker::event_json(static_cast<ss::invoker::step>(job.step), job.secret_arn,
                                job.version_id, job.version_id);
    const auto result = ss::invoker::invoke(config_.target, event_text, o, &cancel);
    std::lock_guard<std::mutex> lock(mutex_);
    invoking_ = false;
    cancel_ = nullptr;
    done_.notify_all();
    check::event e;
    e.kind = check::event_kind::outcome;
    e.step = s;
    e.n = deliveries_[static_cast<std::size_t>(s)];
    e.duplicate = duplicate;
    bool ok = result.outcome == ss::invoker::outcome::succeeded;
    if (killed_) {
      e.what = "killed";
      e.detail = "after call " + std::to_string(fault_.k);
      e.injected = true;
      ok = false;
    } else if (ok && fault_.kind == check::fault_kind::fail_once && fault_.step == s && !fired_) {
      fired_ = true;
      e.what = "failed";
      e.detail = "reported failed after it ran (injected)";
      e.injected = true;
      ok = false;
    } else if (ok) {
      e.what = "succeeded";
    } else {
      e.what = "failed";
      e.detail = result.reason;
      const auto line = last_line(result.output_tail);
      if (!line.empty()) e.detail += ": " + line;
      if (s == 0) create_failures_.push_back(e.detail);
    }
    // The point between this step and the next.
    if (const auto after = secret()) {
      const auto* current = after->holder(ss::aws_traits::current());
      e.current_works = probe(current ? current->value() : nullptr);
    }
    if (ok && s == 0) create_succeeded_ = true;
    if (ok && !duplicate && first_ok_calls_[static_cast<std::size_t>(s)] < 0)
      first_ok_calls_[static_cast<std::size_t>(s)] = delivery_calls_;
    record_.events.push_back(std::move(e));
    return ok;
  }

  void drive() {
    if (!config_.reset.empty()) {
      ss::invoker::options o;
      o.timeout = config_.step_timeout;
      o.base_environment = &env_;
      const auto r = ss::invoker::invoke_exec(ss::invoker::exec_function{config_.reset}, "", o);
      if (r.outcome != ss::invoker::outcome::succeeded) {
        record_.error = "--reset failed: " + r.reason;
        return;
      }
    }
    const std::string id = check::json_string(secret_name);
    auto created = request("CreateSecret", "{\"Name\":" + id + ",\"SecretString\":" +
                                               check::json_string(config_.secret) +
                                               ",\"ClientRequestToken\":\"" +
                                               std::string(initial_token) + "\"}");
    if (created.status != 200) {
      record_.error = "CreateSecret failed: " + error_code_of(created);
      return;
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      const auto s = secret();
      (void)rank(s->holder(ss::aws_traits::current())->value());
    }
    auto rotated = request("RotateSecret", "{\"SecretId\":" + id + ",\"RotationLambdaARN\":\"" +
                                               std::string(function_arn) +
                                               "\",\"ClientRequestToken\":\"" +
                                               std::string(rotation_token) +
                                               "\",\"RotationRules\":{\"AutomaticallyAfterDays\":30}}");
    if (rotated.status != 200) {
      record_.error = "RotateSecret failed: " + error_code_of(rotated);
      return;
    }
    record_.rotation_version = std::string(rotation_token);
    bool reattempted = false, recovered = false;
    for (int guard = 0; guard < 200; ++guard) {
      std::optional<ss::timestamp> next;
      const auto jobs = svc_.rotation_steps_due(ss::timestamp{clock_.load()}, &next);
      if (jobs.empty()) {
        const auto s = secret();
        const auto& p = s->rotation_progress();
        std::lock_guard<std::mutex> lock(mutex_);
        if (p && p->given_up()) {
          if (reattempted) break;
          // AWS's reattempt: the next RotateSecret (the schedule's, or an operator's).
          reattempted = true;
          other("RotateSecret",
                "{\"SecretId\":" + id + ",\"ClientRequestToken\":\"" + next_token() + "\"}");
          continue;
        }
        if (p && next) {
          clock_.store(std::max(clock_.load(), next->epoch_ms));  // the retry delay, compressed
          continue;
        }
        if (cancelled_ && !recovered) {
          // After CancelRotateSecret, as AWS's documentation has an operator do: take
          // AWSPENDING off the partial version, then rotate again.
          recovered = true;
          const auto* pending = s->holder(ss::aws_traits::pending());
          if (pending != nullptr && pending != s->holder(ss::aws_traits::current()))
            other("UpdateSecretVersionStage",
                  "{\"SecretId\":" + id +
                      ",\"VersionStage\":\"AWSPENDING\",\"RemoveFromVersionId\":\"" +
                      pending->id() + "\"}");
          other("RotateSecret", "{\"SecretId\":" + id + ",\"RotationLambdaARN\":\"" +
                                    std::string(function_arn) + "\",\"ClientRequestToken\":\"" +
                                    next_token() + "\"}");
          continue;
        }
        record_.completed = !p.has_value();
        break;
      }
      const auto& job = jobs.front();
      record_.rotation_version = job.version_id;
      bool ok = deliver(job, false);
      if (fault_.kind == check::fault_kind::duplicate && fault_.step == static_cast<int>(job.step) &&
          !duplicated_) {
        duplicated_ = true;
        (void)deliver(job, true);
      }
      std::string reason;
      for (auto it = record_.events.rbegin(); it != record_.events.rend(); ++it)
        if (it->kind == check::event_kind::outcome && !it->duplicate) {
          reason = it->what + (it->detail.empty() ? "" : ": " + it->detail);
          break;
        }
      svc_.record_rotation_step(job, ok, reason, tick());
    }
    std::lock_guard<std::mutex> lock(mutex_);
    const auto s = secret();
    record_.final_table = table_of(*s);
    const auto* c = s->holder(ss::aws_traits::current());
    const auto* p = s->holder(ss::aws_traits::previous());
    record_.final_current_works = probe(c ? c->value() : nullptr);
    record_.final_previous_works = probe(p ? p->value() : nullptr);
  }

 public:
  /// Calls per step in the first successful delivery of each (the clean run's plan), or the
  /// most any delivery of that step made.
  [[nodiscard]] check::step_calls calls_per_step() const {
    check::step_calls out{};
    for (std::size_t s = 0; s < 4; ++s)
      out[s] = first_ok_calls_[s] >= 0 ? first_ok_calls_[s] : step_calls_[s];
    return out;
  }
  [[nodiscard]] bool create_succeeded() const { return create_succeeded_; }
  [[nodiscard]] const std::vector<std::string>& create_failures() const { return create_failures_; }

 private:
  const config& config_;
  const check::fault fault_;
  const std::vector<std::string> env_;
  ss::service svc_;
  httplib::Server server_;
  std::string endpoint_;
  std::atomic<std::int64_t> clock_{start_ms};

  std::mutex mutex_;
  std::condition_variable done_;
  check::run_record record_;
  std::map<std::string, int> ranks_;
  int step_ = 0;
  int delivery_calls_ = 0;
  int total_calls_ = 0;
  unsigned tokens_ = 0;
  std::array<int, 4> deliveries_{};
  std::array<int, 4> step_calls_{};
  std::array<int, 4> first_ok_calls_{-1, -1, -1, -1};
  bool first_delivery_ = false;
  bool invoking_ = false;
  bool fired_ = false;
  bool killed_ = false;
  bool duplicated_ = false;
  bool cancelled_ = false;
  bool create_succeeded_ = false;
  std::vector<std::string> create_failures_;
  ss::invoker::cancellation* cancel_ = nullptr;
};

std::uint64_t run_seed(std::uint64_t seed, std::size_t index) {
  return ss::detail::mix_entropy(seed, static_cast<std::uint64_t>(index) + 1);
}

}  // namespace

int main(int argc, char** argv) {
  const config c = parse_arguments(argc, argv);
  const auto started = std::chrono::steady_clock::now();

  // The clean run first: its calls per step place the other faults.
  check::result clean_result;
  check::step_calls calls{};
  {
    run r(c, check::fault{}, run_seed(c.seed, 0), 0);
    clean_result.run = r.execute();
    if (!clean_result.run.error.empty()) {
      std::cerr << "secretstage-check-rotation: " << clean_result.run.error << '\n';
      return 2;
    }
    if (!r.create_succeeded()) {
      std::cerr << "secretstage-check-rotation: the function cannot run at all: createSecret "
                   "never succeeded in the clean run";
      if (!r.create_failures().empty()) std::cerr << " (" << r.create_failures().back() << ')';
      std::cerr << '\n';
      return 2;
    }
    calls = r.calls_per_step();
  }
  const auto plan = check::full_plan(calls);
  std::vector<check::fault> chosen = plan;
  if (!c.faults.empty()) {
    std::string unknown;
    chosen = check::select_faults(plan, c.faults, &unknown);
    if (!unknown.empty()) usage_error("--faults: unknown fault " + unknown);
  }

  std::vector<check::result> results(chosen.size());
  results[0] = std::move(clean_result);
  std::atomic<std::size_t> next{1};
  std::mutex failed_mutex;
  std::string setup_error;
  auto worker = [&](int slot) {
    for (;;) {
      const std::size_t i = next.fetch_add(1);
      if (i >= chosen.size()) return;
      const auto index = static_cast<std::size_t>(
          std::find(plan.begin(), plan.end(), chosen[i]) - plan.begin());
      run r(c, chosen[i], run_seed(c.seed, index), slot);
      results[i].run = r.execute();
      if (!results[i].run.error.empty()) {
        std::lock_guard<std::mutex> lock(failed_mutex);
        setup_error = results[i].run.error;
      }
    }
  };
  std::vector<std::thread> threads;
  for (int j = 0; j < c.jobs; ++j) threads.emplace_back(worker, j);
  for (auto& t : threads) t.join();
  if (!setup_error.empty()) {
    std::cerr << "secretstage-check-rotation: " << setup_error << '\n';
    return 2;
  }

  const check::check_options options{!c.probe.empty(), c.require_no_outage};
  bool violated = false;
  for (auto& r : results) {
    r.verdicts = check::evaluate(r.run, results[0].run, options);
    violated = violated || check::any_violation(r.verdicts);
  }
  const auto seconds = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::steady_clock::now() - started)
                           .count();
  std::cout << check::render_report(results);
  std::cout << '\n'
            << results.size() << " runs in " << seconds / 1000 << '.' << (seconds % 1000) / 100
            << " s; calls per step in the clean run: " << calls[0] << ' ' << calls[1] << ' '
            << calls[2] << ' ' << calls[3] << "; "
            << (violated ? "VIOLATIONS found" : "no violation") << '\n';
  if (!c.json.empty()) {
    std::ofstream out(c.json, std::ios::binary | std::ios::trunc);
    out << check::render_json(results);
    if (!out) {
      std::cerr << "secretstage-check-rotation: cannot write " << c.json << '\n';
      return 2;
    }
  }
  return violated ? 1 : 0;
}
