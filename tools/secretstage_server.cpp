// secretstage-server: an AWS Secrets Manager endpoint that the AWS CLI and SDKs can talk to (AWS
// JSON 1.1 over HTTP/1.1 or HTTPS), serving one store per (account, Region); any credentials are
// accepted unless --credentials names the keys that may call (docs/authentication.md).
// An example of embedding service.hpp in an HTTP server (cpp-httplib). `--help` lists the options.

#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <vector>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <exception>
#include <functional>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <variant>

#include <httplib.h>

#include <secretstage/rotation_invoker.hpp>
#include <secretstage/service.hpp>

#include "auth.hpp"
#include "builtin_function.hpp"
#include "data_dir.hpp"
#include "pg_store.hpp"
#include "request_scope.hpp"
#include "rotation_function_spec.hpp"
#include "stores.hpp"

namespace ss = secretstage;

namespace {

constexpr std::string_view usage = R"(Usage: secretstage-server [OPTION]...
Serves AWS Secrets Manager (AWS JSON 1.1) on http://127.0.0.1:<port>, one in-memory store per
account and Region. Point a client at it with --endpoint-url. The Region of a request is the one
its SigV4 signature is scoped to (aws --region); without --credentials any credentials are
accepted and every request belongs to --account-id.

  --port N             TCP port; 0 (the default) picks a free one
  --listen ADDRESS     address to listen on (default 127.0.0.1); an address other than loopback
                       needs --credentials
  --credentials FILE   verify every request's SigV4 signature against the keys in FILE, one line
                       per key: ACCESS_KEY_ID SECRET_ACCESS_KEY ACCOUNT_ID ('#' starts a comment).
                       A request gets the account of its key; a missing, unknown or wrong
                       signature gets AWS's error and changes nothing (docs/authentication.md)
  --tls-cert FILE      serve HTTPS with this PEM certificate (chain); needs --tls-key
  --tls-key FILE       the PEM private key of --tls-cert
  --region R           Region of requests that are not signed (default us-east-1)
  --account-id A       account (12 digits) of every request without --credentials (default
                       123456789012)
  --seed N             seed of every generated value: ARN characters, ClientRequestTokens the
                       server fills in, rotated passwords, request ids (default 0)
  --generate-client-request-tokens
                       fill in a UUIDv4 ClientRequestToken when a CreateSecret, PutSecretValue,
                       UpdateSecret or RotateSecret request has none, as the AWS CLI and SDKs
                       do. Without it the server answers such a request as AWS answers a raw
                       HTTP one: InvalidRequestException (InvalidParameterException for
                       RotateSecret), "You must provide a ClientRequestToken value. ..."
  --rotation-function ARN=remove-pending|keep-pending[,value=TEXT]
                       register a built-in rotation function (repeatable): RotateSecret with
                       this ARN creates the AWSPENDING version and answers at once, as AWS does;
                       the rotation workers then run AWS's rotation template step by step, each
                       step calling this server: createSecret puts the new value (value=TEXT, or
                       a fresh password from GetRandomPassword's defaults), finishSecret moves
                       AWSCURRENT to it and removes AWSPENDING (remove-pending) or keeps it
                       (keep-pending). Retries, schedules and the log are those of the functions
                       below. Any other ARN gets AWS's AccessDeniedException.
  --rotation-function ARN=exec:COMMAND
  --rotation-function ARN=http://HOST[:PORT]/PATH
                       register your own rotation function (repeatable): RotateSecret with this
                       ARN creates the AWSPENDING version and answers at once; the server then
                       invokes createSecret, setSecret, testSecret and finishSecret with AWS's
                       event {"Step","SecretId","ClientRequestToken","RotationToken"}. exec: runs
                       COMMAND through /bin/sh -c with the event on standard input and
                       SECRETS_MANAGER_ENDPOINT, AWS_ENDPOINT_URL_SECRETS_MANAGER (this server),
                       AWS_REGION, AWS_DEFAULT_REGION (and dummy credentials when none are set);
                       exit status 0 is success. http:// POSTs the event to that Lambda Invoke
                       API URL. A failed step retries the whole rotation (see below); scheduled
                       rotations of such secrets start on the server's clock
  --lambda-endpoint URL
                       invoke any other Lambda function ARN through the Lambda Invoke API at URL
                       (sam local start-lambda, the Lambda RIE, LocalStack): POST
                       URL/2015-03-31/functions/<function name>/invocations
  --rotation-step-timeout MS
                       a step that runs longer is stopped and fails (default 60000)
  --rotation-workers N threads that run rotation steps (default 4, at most 64): the steps of
                       that many secrets run at once; one secret's steps never overlap. A step
                       of a secret deleted or whose rotation is cancelled (CancelRotateSecret)
                       while it runs is stopped at once and its outcome ignored
  --rotation-attempts N
                       attempts of a whole rotation before the server gives up, the first
                       included (default 3); RotateSecret then reattempts it
  --rotation-retry-delay MS
                       from a failed step to the next attempt's createSecret (default 60000)
  --external-rotation-function ARN
                       deprecated: register a function whose steps the caller runs itself
                       (the server starts its rotations and never invokes it)
  --data-dir DIR       keep the stores in DIR across restarts, each in DIR/<account>/<region>/
                       (docs/durability.md): a mutating request is answered only once its
                       journal record is on disk (fdatasync, shared by concurrent writers);
                       start-up recovers every store's latest snapshot plus its journal, and
                       refuses a damaged file, naming it and the offset. One server per DIR.
                       The seed of generated values is mixed with each store's generation, so
                       no restart repeats a generated value.
  --data-key-file FILE with --data-dir: encrypt snapshots and journal records with
                       XChaCha20-Poly1305 under the key in FILE (32 bytes, or 64 hex digits)
  --compact-bytes N    with --data-dir: write a new snapshot and start a new journal once the
                       journal holds N bytes (default 67108864; 0: only at start-up)
  --database URI       keep every store in the PostgreSQL database of this libpq connection URI
                       (postgresql://USER@HOST:PORT/DB; a password from PGPASSWORD or
                       ~/.pgpass rather than the URI), which several servers may share
                       (docs/durability.md): the schema is created or migrated at start (a
                       database of a newer server is refused); each request is one transaction
                       that commits only if the secrets it read are unchanged, else runs again;
                       a database that is gone gets InternalServiceError. Not with --data-dir
                       or --commit-log. A rotation step of an invoked function (exec:, http:,
                       --lambda-endpoint) is run by one server at a time, which holds its lease
                       for the step timeout plus 5 s; a server that dies holding one leaves the
                       step to any other once it expires (the step runs again). Every server on
                       one database needs the same --rotation-function and --lambda-endpoint
                       options
  --commit-log FILE    append one JSON line per committed mutating request to FILE:
                       {"seq": N, "request_id": "...", "operation": "...", "account": "...",
                       "region": "..."} (never a body); N counts per store
  --help               print this help and exit

The first line on standard output is "listening on http(s)://<address>:<port>". Standard error gets
one line per request: the request id, the operation, the HTTP status and the error code, never a
body, a header other than the operation, or a secret value. SIGINT and SIGTERM stop the server;
it exits with 0. If the data directory cannot be written, the requests not yet durable get
InternalServiceError and the server exits with 3.
)";

/// AWS JSON 1.1 bodies: the CLI and SDKs send and expect this content type.
constexpr const char* content_type = "application/x-amz-json-1.1";
constexpr std::size_t max_body_bytes = 16u << 20;  // far above any valid request (values ≤ 64 KiB)
constexpr time_t io_timeout_seconds = 10;

struct options {
  int port = 0;
  std::string listen = "127.0.0.1";
  std::string credentials_file;
  std::string tls_cert;
  std::string tls_key;
  ss::service_options service;
  std::string commit_log;
  std::string data_dir;
  std::string data_key_file;
  std::uint64_t compact_bytes = 64u << 20;
  std::string database;
  /// The functions the rotation worker invokes, by ARN; any other Lambda ARN through the
  /// endpoint, when there is one.
  std::map<std::string, ss::invoker::target, std::less<>> invoked;
  /// The built-in functions, by ARN: run step by step by the same workers, in process.
  std::map<std::string, ss::builtin_rotation_function, std::less<>> builtin;
  std::string lambda_endpoint;
  std::chrono::milliseconds step_timeout{60'000};
  /// Threads that run rotation steps: as many secrets' steps at once.
  unsigned rotation_workers = 4;
};

options parse_arguments(int argc, char** argv) {
  options out;
  // A raw HTTP request reaches AWS as sent: a missing ClientRequestToken is an error there, so it
  // is one here unless asked otherwise (the CLI and SDKs always send one).
  out.service.raw = true;
  auto fail = [](const std::string& message) {
    std::cerr << "secretstage-server: " << message << "\nTry 'secretstage-server --help'.\n";
    std::exit(2);
  };
  auto number = [&](std::string_view name, const std::string& text, unsigned long long max) {
    bool digits = !text.empty() && text.size() <= 20;
    for (char c : text) digits = digits && c >= '0' && c <= '9';
    if (!digits) fail(std::string(name) + " needs a non-negative integer");
    errno = 0;
    const unsigned long long n = std::strtoull(text.c_str(), nullptr, 10);
    if (errno == ERANGE || n > max) fail(std::string(name) + " is out of range");
    return n;
  };
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) fail(std::string(arg) + " needs a value");
      return argv[++i];
    };
    if (arg == "--help") {
      std::cout << usage;
      std::exit(0);
    } else if (arg == "--port") {
      out.port = static_cast<int>(number(arg, value(), 65535));
    } else if (arg == "--seed") {
      out.service.seed = number(arg, value(), ~0ull);
    } else if (arg == "--generate-client-request-tokens") {
      out.service.raw = false;
    } else if (arg == "--listen") {
      out.listen = value();
    } else if (arg == "--credentials") {
      out.credentials_file = value();
    } else if (arg == "--tls-cert") {
      out.tls_cert = value();
    } else if (arg == "--tls-key") {
      out.tls_key = value();
    } else if (arg == "--region") {
      out.service.region = value();
    } else if (arg == "--account-id") {
      out.service.account_id = value();
    } else if (arg == "--rotation-function") {
      const std::string text = value();
      if (auto invoked = ss::invoker::parse_function_spec(text)) {
        if (out.builtin.count(invoked->arn) == 0 && out.invoked.count(invoked->arn) == 0)
          out.service.external_rotation_functions.push_back(invoked->arn);
        out.builtin.erase(invoked->arn);
        out.invoked[invoked->arn] = invoked->target;
        continue;
      }
      auto spec = ss::tools::parse_rotation_function_spec(text);
      if (!spec)
        fail("--rotation-function needs ARN=exec:COMMAND, ARN=http://URL or "
             "ARN=remove-pending|keep-pending[,value=TEXT]");
      // Run asynchronously, as AWS runs every function: the service sees an invoked function.
      if (out.builtin.count(spec->arn) == 0 && out.invoked.count(spec->arn) == 0)
        out.service.external_rotation_functions.push_back(spec->arn);
      out.invoked.erase(spec->arn);
      out.builtin[spec->arn] = spec->function;
    } else if (arg == "--lambda-endpoint") {
      out.lambda_endpoint = value();
      if (!ss::invoker::parse_http_url(out.lambda_endpoint) ||
          out.lambda_endpoint.find('?') != std::string::npos)
        fail("--lambda-endpoint needs an http:// URL without a query");
      out.service.external_rotation_functions.emplace_back(ss::rotation_functions::any_lambda);
    } else if (arg == "--rotation-step-timeout") {
      out.step_timeout = std::chrono::milliseconds(number(arg, value(), 3'600'000));
      if (out.step_timeout.count() == 0) fail("--rotation-step-timeout needs at least 1 ms");
    } else if (arg == "--rotation-workers") {
      out.rotation_workers = static_cast<unsigned>(number(arg, value(), 64));
      if (out.rotation_workers == 0) fail("--rotation-workers needs at least 1");
    } else if (arg == "--rotation-attempts") {
      out.service.rotation_retry.attempts = static_cast<std::uint32_t>(number(arg, value(), 1000));
      if (out.service.rotation_retry.attempts == 0) fail("--rotation-attempts needs at least 1");
    } else if (arg == "--rotation-retry-delay") {
      out.service.rotation_retry.retry_delay_ms =
          static_cast<std::int64_t>(number(arg, value(), 86'400'000));
    } else if (arg == "--external-rotation-function") {
      std::string arn = value();
      if (arn.empty()) fail("--external-rotation-function needs an ARN");
      out.service.caller_rotation_functions.push_back(arn);  // no test with RotateImmediately false
      out.service.external_rotation_functions.push_back(std::move(arn));
    } else if (arg == "--data-dir") {
      out.data_dir = value();
    } else if (arg == "--data-key-file") {
      out.data_key_file = value();
    } else if (arg == "--compact-bytes") {
      out.compact_bytes = number(arg, value(), ~0ull);
    } else if (arg == "--database") {
      out.database = value();
      if (out.database.empty()) fail("--database needs a connection URI");
    } else if (arg == "--commit-log") {
      out.commit_log = value();
    } else {
      fail("unknown argument " + std::string(arg));
    }
  }
  if (!out.data_key_file.empty() && out.data_dir.empty()) fail("--data-key-file needs --data-dir");
  if (!out.database.empty() && (!out.data_dir.empty() || !out.commit_log.empty()))
    fail("--database keeps the stores in the database: it goes with neither --data-dir nor "
         "--commit-log");
  if (out.tls_cert.empty() != out.tls_key.empty()) fail("--tls-cert and --tls-key go together");
  if (!ss::tools::valid_region_name(out.service.region))
    fail("--region needs a Region name (1 to 32 of a-z, 0-9 and '-')");
  if (!ss::tools::valid_account_id(out.service.account_id))
    fail("--account-id needs an account id (12 digits)");
  if (!ss::tools::is_loopback(out.listen) && out.credentials_file.empty())
    fail("--listen " + out.listen +
         " is not a loopback address: refusing to serve it without --credentials");
  return out;
}

/// The data key of --data-key-file, or an exit with a message naming what is wrong.
std::optional<std::string> read_data_key(const options& o) {
  if (o.data_key_file.empty()) return std::nullopt;
  std::string text;
  if (auto e = ss::tools::data_dir::read_key_file(o.data_key_file, text)) {
    std::cerr << "secretstage-server: " << *e << '\n';
    std::exit(1);
  }
  auto key = ss::tools::sealer::read_key(std::move(text));
  if (!key) {
    std::cerr << "secretstage-server: " << o.data_key_file
              << " holds no key (32 bytes, or 64 hexadecimal digits)\n";
    std::exit(1);
  }
  return key;
}

ss::timestamp wall_clock() {
  using namespace std::chrono;
  return {duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count()};
}

/// One whole line to a stream in one call, so concurrent lines never interleave.
void write_line(std::FILE* stream, const std::string& line) {
  std::fwrite(line.data(), 1, line.size(), stream);
  std::fflush(stream);
}

/// The request log line: never a body, a header value other than the operation, or a value.
void log_request(std::string_view request_id, std::string_view operation, int status,
                 std::string_view error_code) {
  std::string line = std::string(request_id) + ' ' +
                     (operation.empty() ? std::string("-") : std::string(operation)) + ' ' +
                     std::to_string(status);
  if (!error_code.empty()) line += ' ' + std::string(error_code);
  write_line(stderr, line + '\n');
}

/// The `__type` of an error body, for the log ("" when there is none).
std::string error_code_of(const ss::service_reply& reply) {
  if (reply.status == 200) return {};
  constexpr std::string_view key = "\"__type\":";
  const auto at = reply.body.find(key);
  if (at == std::string::npos) return {};
  const auto open = reply.body.find('"', at + key.size());
  const auto close = open == std::string::npos ? open : reply.body.find('"', open + 1);
  if (close == std::string::npos) return {};
  return reply.body.substr(open + 1, close - open - 1);
}

/// The current time as an HTTP date (RFC 7231 §7.1.1.1 IMF-fixdate, "Sun, 06 Nov 1994 08:49:37
/// GMT"), built by hand: strftime's names would follow the locale.
std::string http_date() {
  static constexpr const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const std::time_t now = std::time(nullptr);
  std::tm t{};
  gmtime_r(&now, &t);
  char text[32];
  std::snprintf(text, sizeof text, "%s, %02d %s %04d %02d:%02d:%02d GMT", days[t.tm_wday % 7],
                t.tm_mday, months[t.tm_mon % 12], t.tm_year + 1900, t.tm_hour, t.tm_min, t.tm_sec);
  return text;
}

void answer(httplib::Response& res, const ss::service_reply& reply) {
  res.status = reply.status;
  res.set_header("x-amzn-RequestId", reply.request_id);
  res.set_content(reply.body, content_type);
}

/// A request refused by authentication: it reaches no store; its request id is the server's own
/// store's.
void answer_auth_error(httplib::Response& res, const ss::sigv4::auth_error& e,
                       std::string request_id) {
  res.status = e.status();
  res.set_header("x-amzn-RequestId", request_id);
  res.set_content(ss::tools::auth_error_body(e), content_type);
}

/// What runs a rotation's steps: a function the worker invokes, or a built-in one it runs in
/// process (tools/builtin_function.hpp).
using step_runner = std::variant<ss::invoker::target, ss::builtin_rotation_function>;

/// How the rotation worker runs `arn`'s steps, or nothing (an ARN of
/// --external-rotation-function, or no function at all).
std::optional<step_runner> runner_of(const options& o, std::string_view arn) {
  if (auto at = o.builtin.find(arn); at != o.builtin.end()) return step_runner(at->second);
  if (auto at = o.invoked.find(arn); at != o.invoked.end()) return step_runner(at->second);
  if (!o.lambda_endpoint.empty())
    if (auto url = ss::invoker::lambda_invocation_url(o.lambda_endpoint, arn))
      return step_runner(ss::invoker::target(ss::invoker::lambda_function{*url}));
  return std::nullopt;
}

/// One request of (account, Region) as the server runs it once authenticated: `operation` names
/// it ("PutSecretValue"); the built-in functions' steps call the server through this.
using request_runner = std::function<ss::service_reply(
    const std::string& account, const std::string& region, std::string_view operation,
    const std::string& body)>;

/// The rotation worker: a pool of `--rotation-workers` threads that run the steps of rotations
/// in progress in every store, with no service lock held during an invocation (the function
/// calls back into the server), and record each outcome; one log line per step (secret name,
/// step, outcome, duration; never a value). A secret is claimed while its step runs, so one
/// secret's steps never overlap, and a hanging function holds one thread, not the others'
/// rotations. Each running step has its own cancellation: a watcher thread cancels the step of a
/// secret that was deleted or whose rotation was cancelled (CancelRotateSecret) while it ran (its
/// process group gets SIGTERM, an HTTP wait is abandoned), and `stop` cancels them all. A
/// cancelled step's outcome is not recorded.
/// With --database the steps are the database's (pg_store.hpp): a thread claims a due step's
/// lease (any server's threads may), runs the step with no transaction open, and records the
/// outcome only if its claim still holds the lease; the watcher also cancels a step whose lease
/// another server took. A lease lasts the step timeout plus `lease_margin`: the step is stopped at
/// its timeout (a process group gets SIGKILL at most the invoker's 2 s grace later), so it never
/// outlives its lease.
class rotation_worker {
 public:
  static constexpr std::chrono::milliseconds lease_margin{5'000};

  rotation_worker(const options& o, ss::tools::store_registry& stores,
                  ss::tools::pg_backend* database, std::string endpoint, request_runner serve)
      : options_(o),
        stores_(stores),
        database_(database),
        endpoint_(std::move(endpoint)),
        serve_(std::move(serve)) {}

  void start() {
    for (unsigned i = 0; i < options_.rotation_workers; ++i)
      threads_.emplace_back([this] { run(); });
    watcher_ = std::thread([this] { watch(); });
  }
  /// Cancels every running step and ends the loops; safe from any thread, more than once.
  void request_stop() {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    for (const auto& [id, step] : running_) step->cancel.cancel();
    wake_.notify_all();
  }
  void stop() {
    request_stop();
    for (std::thread& t : threads_)
      if (t.joinable()) t.join();
    if (watcher_.joinable()) watcher_.join();
  }

 private:
  /// A step one thread runs: the job, the store it belongs to (in memory) or its claim (on the
  /// database), its own cancellation.
  struct claimed_step {
    ss::service::rotation_job job;
    ss::service* svc = nullptr;
    ss::tools::pg_backend::rotation_step_claim claim;
    step_runner target;
    ss::invoker::cancellation cancel;
    std::atomic<bool> abandoned{false};  // cancelled by the watcher, not by stop
  };

  std::optional<step_runner> target_of(const std::string& arn) const {
    return runner_of(options_, arn);
  }

  /// On the database: a due step whose lease this server's claim now holds; or nothing. Without
  /// mutex_ (it waits for the database).
  std::shared_ptr<claimed_step> claim_from_database() {
    for (auto& found : database_->due_rotation_steps(wall_clock(), 16)) {
      auto target = target_of(found.job.function_arn);
      if (!target) continue;  // the caller runs it (--external-rotation-function)
      if (!database_->claim_rotation_step(found, options_.step_timeout + lease_margin)) continue;
      auto out = std::make_shared<claimed_step>();
      out->job = found.job;
      out->claim = std::move(found);
      out->target = std::move(*target);
      return out;
    }
    return nullptr;
  }

  /// A due step of a secret no thread runs a step of, claimed; or nothing, with `*next` the
  /// earliest next attempt seen. Under mutex_.
  std::shared_ptr<claimed_step> claim(std::optional<ss::timestamp>* next) {
    std::shared_ptr<claimed_step> out;
    stores_.for_each([&](ss::service& svc) {
      if (out || stopping_) return;
      std::optional<ss::timestamp> due_next;
      for (auto& job : svc.rotation_steps_due(wall_clock(), &due_next)) {
        if (claimed_.count({&svc, job.secret_name}) != 0) continue;
        auto target = target_of(job.function_arn);
        if (!target) continue;  // the caller runs it (--external-rotation-function)
        out = std::make_shared<claimed_step>();
        out->job = std::move(job);
        out->svc = &svc;
        out->target = std::move(*target);
        break;
      }
      *next = ss::earlier_due(*next, due_next);
    });
    if (out) {
      claimed_.insert({out->svc, out->job.secret_name});
      running_.emplace(++ids_, out);
    }
    return out;
  }

  void run() {
    std::unique_lock<std::mutex> lock(mutex_);
    while (!stopping_) {
      std::optional<ss::timestamp> next;
      std::shared_ptr<claimed_step> step;
      if (database_) {
        lock.unlock();
        step = claim_from_database();
        lock.lock();
        if (step && stopping_) {  // claimed as the server stops: due again at once elsewhere
          lock.unlock();
          database_->release_rotation_step(step->claim);
          return;
        }
        if (step) running_.emplace(++ids_, step);
      } else {
        step = claim(&next);
      }
      if (step) {
        const std::uint64_t id = ids_;
        lock.unlock();
        invoke(*step);
        lock.lock();
        if (!database_) claimed_.erase({step->svc, step->job.secret_name});
        running_.erase(id);
        wake_.notify_all();  // the secret's next step is due now, for any thread
        continue;
      }
      // The database is polled less often: every server's threads ask it.
      auto wait = std::chrono::milliseconds(database_ ? 250 : 50);
      if (next) {
        const auto until = std::chrono::milliseconds(next->epoch_ms - wall_clock().epoch_ms);
        if (until < wait) wait = std::max(until, std::chrono::milliseconds(1));
      }
      wake_.wait_for(lock, wait, [this] { return stopping_; });
    }
  }

  /// Whether the rotation a running step belongs to is gone: the secret was deleted (or
  /// scheduled for deletion) or its rotation cancelled. A rotation that merely finished (the
  /// function's own finishSecret removed AWSPENDING) is not: its step is left to return.
  bool abandoned(const claimed_step& step) {
    if (database_) return database_->rotation_step_abandoned(step.claim);
    const auto store = step.svc->store();
    const auto* s = store.find(std::string_view(step.job.secret_name));
    return s == nullptr || s->deleted_date().has_value() || !s->rotation_enabled();
  }

  /// Every 50 ms (on the database, 250 ms): cancels the running steps whose rotation is gone.
  void watch() {
    std::unique_lock<std::mutex> lock(mutex_);
    while (!stopping_) {
      std::vector<std::shared_ptr<claimed_step>> steps;
      for (const auto& [id, step] : running_) steps.push_back(step);
      lock.unlock();
      for (const auto& step : steps) {
        if (step->abandoned.load() || !abandoned(*step)) continue;
        step->abandoned = true;
        step->cancel.cancel();
      }
      lock.lock();
      wake_.wait_for(lock, std::chrono::milliseconds(database_ ? 250 : 50),
                     [this] { return stopping_; });
    }
  }

  void invoke(claimed_step& c) {
    ss::invoker::options opts;
    opts.timeout = options_.step_timeout;
    opts.secrets_manager_endpoint = endpoint_;
    opts.region = database_ ? c.claim.region : c.svc->options().region;
    const auto step = static_cast<ss::invoker::step>(c.job.step);
    ss::invoker::invocation result;
    if (const auto* builtin = std::get_if<ss::builtin_rotation_function>(&c.target)) {
      const std::string account = database_ ? c.claim.account : c.svc->options().account_id;
      result = ss::tools::invoke_builtin(
          step, c.job.secret_arn, c.job.version_id, *builtin,
          [&](std::string_view operation, const std::string& body) {
            return serve_(account, opts.region, operation, body);
          });
    } else {
      // The RotationToken: the version's token, which PutSecretValue accepts as RotationToken.
      const std::string event =
          ss::invoker::event_json(step, c.job.secret_arn, c.job.version_id, c.job.version_id);
      result = ss::invoker::invoke(std::get<ss::invoker::target>(c.target), event, opts, &c.cancel);
    }
    std::string line = "secretstage-server: " + ss::invoker::log_line(c.job.secret_name, step, result);
    if (result.outcome == ss::invoker::outcome::cancelled && c.abandoned)
      line += database_ ? " (the secret was deleted, its rotation cancelled, or its lease taken)"
                        : " (the secret was deleted or its rotation cancelled)";
    write_line(stderr, line + '\n');
    const bool succeeded = result.outcome == ss::invoker::outcome::succeeded;
    if (!database_) {
      if (result.outcome == ss::invoker::outcome::cancelled) return;  // nothing recorded
      c.svc->record_rotation_step(c.job, succeeded, result.reason, wall_clock());
      return;
    }
    if (result.outcome == ss::invoker::outcome::cancelled) {
      database_->release_rotation_step(c.claim);  // the lease ends; nothing recorded
      return;
    }
    using recorded = ss::tools::pg_backend::step_recorded;
    const recorded r = database_->record_rotation_step(c.claim, succeeded, result.reason, wall_clock());
    if (r == recorded::lease_lost)
      write_line(stderr, "secretstage-server: rotation " + c.job.secret_name + ' ' +
                             std::string(ss::invoker::step_name(step)) +
                             " not recorded: its lease was lost (another server runs the step)\n");
    else if (r == recorded::failed)
      write_line(stderr, "secretstage-server: rotation " + c.job.secret_name + ' ' +
                             std::string(ss::invoker::step_name(step)) +
                             " not recorded: the database failed; the step runs again once its "
                             "lease expires\n");
  }

  const options& options_;
  ss::tools::store_registry& stores_;
  ss::tools::pg_backend* database_;
  const std::string endpoint_;
  const request_runner serve_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::set<std::pair<ss::service*, std::string>> claimed_;
  std::map<std::uint64_t, std::shared_ptr<claimed_step>> running_;
  std::uint64_t ids_ = 0;
  std::vector<std::thread> threads_;
  std::thread watcher_;
};

}  // namespace

int main(int argc, char** argv) {
  const options o = parse_arguments(argc, argv);

  // Block SIGINT and SIGTERM in every thread (the server's threads inherit the mask); one thread
  // waits for them and stops the server, so shutdown never runs inside a signal handler.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  if (pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr) != 0) {
    std::cerr << "secretstage-server: cannot block SIGINT/SIGTERM\n";
    return 1;
  }

  std::FILE* commit_log = nullptr;
  if (!o.commit_log.empty()) {
    commit_log = std::fopen(o.commit_log.c_str(), "a");
    if (commit_log == nullptr) {
      std::cerr << "secretstage-server: cannot open " << o.commit_log << " for appending\n";
      return 1;
    }
  }
  // Called under each store's lock, so a store's lines are in its commit order; `seq` counts
  // per store.
  std::function<ss::service::commit_observer(const std::string&, const std::string&)> observer_for;
  if (commit_log != nullptr) {
    observer_for = [commit_log](const std::string& account, const std::string& region) {
      std::string store = ", \"account\": ";
      ss::detail::json::append_string(store, account);
      store += ", \"region\": ";
      ss::detail::json::append_string(store, region);
      store += "}\n";
      return ss::service::commit_observer([commit_log, store](std::uint64_t seq,
                                                              std::string_view request_id,
                                                              std::string_view operation) {
        write_line(commit_log, "{\"seq\": " + std::to_string(seq) + ", \"request_id\": \"" +
                                   std::string(request_id) + "\", \"operation\": \"" +
                                   std::string(operation) + "\"" + store);
      });
    };
  }
  std::optional<ss::sigv4::credentials> keys;
  if (!o.credentials_file.empty()) {
    keys.emplace();
    if (auto e = ss::tools::read_credentials(o.credentials_file, *keys)) {
      std::cerr << "secretstage-server: " << *e << '\n';
      return 2;
    }
    std::cerr << "secretstage-server: " << keys->size() << " keys from " << o.credentials_file
              << '\n';
  }

  ss::tools::store_registry::settings settings;
  settings.base = o.service;
  settings.observer_for = observer_for;
  if (!o.data_dir.empty()) {
    settings.data = ss::tools::data_dir::settings{o.data_dir, o.compact_bytes, read_data_key(o)};
    // A writer thread cannot stop the server itself: it asks the signal thread to.
    settings.on_failure = [] { ::kill(::getpid(), SIGTERM); };
  }
  settings.log = [](const std::string& line) {
    write_line(stderr, "secretstage-server: " + line + '\n');
  };
  std::unique_ptr<ss::tools::store_registry> stores;
  if (auto e = ss::tools::store_registry::open(std::move(settings), stores)) {
    std::cerr << "secretstage-server: " << *e << '\n';
    return 1;
  }
  ss::service& home = *stores->home().svc;

  std::unique_ptr<ss::tools::pg_backend> database;
  if (!o.database.empty()) {
    ss::tools::pg_backend::settings ps;
    ps.uri = o.database;
    ps.base = o.service;
    ps.log = [](const std::string& line) {
      write_line(stderr, "secretstage-server: " + line + '\n');
    };
    ps.invokes = [&o](std::string_view arn) { return runner_of(o, arn).has_value(); };
    if (auto e = ss::tools::pg_backend::open(std::move(ps), database)) {
      std::cerr << "secretstage-server: " << *e << '\n';
      return 1;
    }
  }

  std::unique_ptr<httplib::Server> server_owner;
  if (!o.tls_cert.empty()) {
    auto tls = std::make_unique<httplib::SSLServer>(o.tls_cert.c_str(), o.tls_key.c_str());
    if (!tls->is_valid()) {
      std::cerr << "secretstage-server: cannot use --tls-cert " << o.tls_cert << " with --tls-key "
                << o.tls_key << " (unreadable, not PEM, or the key does not match)\n";
      return 1;
    }
    server_owner = std::move(tls);
  } else {
    server_owner = std::make_unique<httplib::Server>();
  }
  httplib::Server& server = *server_owner;
  server.set_tcp_nodelay(true);
  server.set_payload_max_length(max_body_bytes);
  server.set_read_timeout(io_timeout_seconds, 0);
  server.set_write_timeout(io_timeout_seconds, 0);
  server.set_keep_alive_max_count(10'000);
  // Every answer, cpp-httplib's own error answers included, carries the Date an origin server
  // must send (RFC 7231 §7.1.1.2) and AWS sends.
  server.set_post_routing_handler([](const httplib::Request&, httplib::Response& res) {
    res.set_header("Date", http_date());
  });
  // A durable write holds its thread until the sync: more threads than cpp-httplib's default 8,
  // so that many clients' writes can share one sync (group commit).
  if (!o.data_dir.empty() || database)
    server.new_task_queue = [] { return new httplib::ThreadPool(64); };

  // One authenticated request of (account, Region) by its X-Amz-Target: the way into the stores
  // of HTTP requests and of the built-in rotation functions' steps alike.
  auto serve_target = [&](const std::string& account, const std::string& region,
                          std::string_view target, const std::string& body) -> ss::service_reply {
    if (database) return database->handle(account, region, target, body, wall_clock());
    std::string open_error;
    ss::tools::store_registry::entry* store = stores->get(account, region, &open_error);
    if (store == nullptr) {
      write_line(stderr, "secretstage-server: " + open_error + '\n');
      return home.reject(ss::messages::internal_service_error(), 500);
    }
    ss::service& service = *store->svc;
    ss::tools::data_dir* data = store->data.get();
    // Once the log has failed, the store may hold writes that were never durable: answer none.
    if (data && data->failed()) return service.reject(ss::messages::internal_service_error(), 500);
    ss::service_reply reply = service.handle_target(target, body, wall_clock());
    // A write is answered once its record is durable; reads never wait.
    if (data && reply.sequence != 0 && !data->wait_durable(reply.journal_ticket))
      return service.reject(ss::messages::internal_service_error(), 500);
    // A write that changed a primary, a replica's link or a replica list reaches the other
    // Regions before it is answered (replication.hpp; docs/durability.md, "Replication").
    if (reply.sequence != 0 && reply.status == 200) {
      const auto op = ss::aws_json::operation_from_target(target);
      const auto names = stores->replicated_among(
          account, region, op ? std::string(op.value()) : std::string(),
          ss::tools::store_registry::names_touched(body, reply.body));
      if (!names.empty()) {
        if (auto e = stores->sync_replicas(account, names, wall_clock()))
          write_line(stderr, "secretstage-server: " + *e + '\n');
      }
    }
    return reply;
  };

  const ss::sigv4::credentials* key_table = keys ? &*keys : nullptr;
  server.Post("/", [&](const httplib::Request& req, httplib::Response& res) {
    std::string operation;
    try {
      const std::string target = req.get_header_value("X-Amz-Target");
      if (auto op = ss::aws_json::operation_from_target(target))
        operation = std::string(op.value());
      // Who and where: a refused signature reaches no store.
      auto owner = ss::tools::authenticate(req, key_table, o.service.account_id, o.service.region,
                                           std::chrono::system_clock::now());
      if (const auto* refused = std::get_if<ss::sigv4::auth_error>(&owner)) {
        const std::string request_id = home.next_request_id();
        answer_auth_error(res, *refused, request_id);
        log_request(request_id, operation, res.status, refused->name());
        return;
      }
      const auto& who = std::get<ss::tools::request_owner>(owner);
      const auto content = ss::aws_json::check_content_type(req.get_header_value("Content-Type"));
      const ss::service_reply reply =
          content ? serve_target(who.account_id, who.region, target, req.body)
                  : home.reject(content.error());
      answer(res, reply);
      log_request(reply.request_id, operation, reply.status, error_code_of(reply));
    } catch (...) {
      const ss::service_reply reply = home.reject(ss::messages::internal_service_error(), 500);
      answer(res, reply);
      log_request(reply.request_id, operation, reply.status, error_code_of(reply));
    }
  });
  // Called for every answer of 400 or more. Ours carry a body and are logged already. Any other
  // method or path gets a 404 with AWS's answer to a request that names no operation; the other
  // errors cpp-httplib answers itself (400 malformed HTTP, 413 body too large) keep its answer
  // and are only logged.
  server.set_error_handler(httplib::Server::HandlerWithResponse(
      [&service = home](const httplib::Request&, httplib::Response& res) {
        if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
        if (res.status != 404) {
          const std::string request_id = service.next_request_id();
          res.set_header("x-amzn-RequestId", request_id);
          log_request(request_id, "", res.status, "");
          return httplib::Server::HandlerResponse::Unhandled;
        }
        const auto unknown = ss::aws_json::operation_from_target("");
        const ss::service_reply reply = service.reject(
            unknown ? ss::messages::internal_service_error() : unknown.error(), res.status);
        answer(res, reply);
        log_request(reply.request_id, "", reply.status, error_code_of(reply));
        return httplib::Server::HandlerResponse::Handled;
      }));
  server.set_exception_handler(
      [&service = home](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
        answer(res, service.reject(ss::messages::internal_service_error(), 500));
      });

  const int port = o.port == 0 ? server.bind_to_any_port(o.listen)
                               : (server.bind_to_port(o.listen, o.port) ? o.port : -1);
  if (port < 0) {
    std::cerr << "secretstage-server: cannot listen on " << o.listen << ':' << o.port << '\n';
    if (commit_log != nullptr) std::fclose(commit_log);
    return 1;
  }

  const bool ipv6 = o.listen.find(':') != std::string::npos;
  const std::string url = std::string(o.tls_cert.empty() ? "http" : "https") + "://" +
                          (ipv6 ? "[" + o.listen + "]" : o.listen) + ':' + std::to_string(port);
  // Functions call back on the loopback address when the server listens on every address.
  std::string callback = url;
  const std::string scheme = o.tls_cert.empty() ? "http" : "https";
  if (o.listen == "0.0.0.0") callback = scheme + "://127.0.0.1:" + std::to_string(port);
  if (o.listen == "::") callback = scheme + "://[::1]:" + std::to_string(port);
  rotation_worker worker(o, *stores, database.get(), callback,
                         [&](const std::string& account, const std::string& region,
                             std::string_view operation, const std::string& body) {
                           // Logged as the requests a function makes over HTTP are.
                           ss::service_reply reply = serve_target(
                               account, region, "secretsmanager." + std::string(operation), body);
                           log_request(reply.request_id, operation, reply.status,
                                       error_code_of(reply));
                           return reply;
                         });

  std::atomic<bool> stopping{false};
  std::atomic<bool> finished{false};
  std::thread waiter([&] {
    int signal = 0;
    sigwait(&stop_signals, &signal);
    stopping = true;
    worker.request_stop();  // a running step is cancelled before the server stops answering
    // stop() is a no-op until the accept loop runs: repeat it until listen_after_bind returns.
    while (!finished) {
      server.stop();
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  });

  // --database: background work of secrets nobody asks for, by whichever server holds the
  // database's background lock (pg_store.hpp), about once a second.
  std::thread sweeper;
  if (database) {
    sweeper = std::thread([&] {
      while (!finished) {
        try {
          database->sweep(wall_clock());
        } catch (...) {  // resource exhaustion: nothing was committed; try again next time
        }
        for (int i = 0; i < 20 && !finished; ++i)
          std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    });
  }

  worker.start();
  std::cout << "listening on " << url << std::endl;
  const bool served = server.listen_after_bind();
  worker.stop();
  finished = true;
  if (!stopping) pthread_kill(waiter.native_handle(), SIGTERM);  // wake the waiter to end it
  waiter.join();
  if (sweeper.joinable()) sweeper.join();
  if (database) write_line(stderr, "secretstage-server: " + database->counters_line() + '\n');
  if (commit_log != nullptr) std::fclose(commit_log);
  if (auto failure = stores->failure()) {
    std::cerr << "secretstage-server: " << *failure
              << "; stopped so that a restart recovers what was durable\n";
    return 3;
  }
  if (!served && !stopping) {
    std::cerr << "secretstage-server: the server stopped unexpectedly\n";
    return 1;
  }
  return 0;
}
