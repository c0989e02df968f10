// secretstage-server: an AWS Secrets Manager endpoint on 127.0.0.1 that the AWS CLI and SDKs can
// talk to (AWS JSON 1.1 over HTTP/1.1, any credentials accepted), serving one in-memory store.
// An example of embedding service.hpp in an HTTP server (cpp-httplib). `--help` lists the options.

#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <exception>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

#include <httplib.h>

#include <secretstage/service.hpp>

#include "data_dir.hpp"
#include "rotation_function_spec.hpp"

namespace ss = secretstage;

namespace {

constexpr std::string_view usage = R"(Usage: secretstage-server [OPTION]...
Serves AWS Secrets Manager (AWS JSON 1.1) on http://127.0.0.1:<port>, backed by one in-memory
store. Point a client at it with --endpoint-url; any credentials are accepted.

  --port N             TCP port; 0 (the default) picks a free one
  --region R           Region of the ARNs (default us-east-1)
  --account-id A       account of the ARNs (default 123456789012)
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
                       this ARN runs the whole rotation before it answers; finishSecret removes
                       AWSPENDING or keeps it; value=TEXT fixes the new value (default: a fresh
                       password with GetRandomPassword's defaults). Any other ARN gets AWS's
                       AccessDeniedException.
  --external-rotation-function ARN
                       register a rotation function whose steps the caller runs (repeatable):
                       RotateSecret with this ARN starts the rotation as AWS does (a value-less
                       version carrying AWSPENDING) and answers; nothing invokes the function
                       (tests/rotation/drive_rotation.py plays that part). A built-in
                       --rotation-function with the same ARN takes precedence.
  --data-dir DIR       keep the store in DIR across restarts (docs/durability.md): a mutating
                       request is answered only once its journal record is on disk
                       (fdatasync, shared by concurrent writers); start-up recovers the latest
                       snapshot plus the journal, and refuses a damaged file, naming it and the
                       offset. One server per DIR. The seed of generated values is mixed with
                       the directory's generation, so no restart repeats a generated value.
  --data-key-file FILE with --data-dir: encrypt snapshots and journal records with
                       XChaCha20-Poly1305 under the key in FILE (32 bytes, or 64 hex digits)
  --compact-bytes N    with --data-dir: write a new snapshot and start a new journal once the
                       journal holds N bytes (default 67108864; 0: only at start-up)
  --commit-log FILE    append one JSON line per committed mutating request to FILE:
                       {"seq": N, "request_id": "...", "operation": "..."} (never a body)
  --help               print this help and exit

The first line on standard output is "listening on http://127.0.0.1:<port>". Standard error gets
one line per request: the request id, the operation, the HTTP status and the error code, never a
body or a secret value. SIGINT and SIGTERM stop the server; it exits with 0. If the data directory cannot be written,
the requests not yet durable get InternalServiceError and the server exits with 3.
)";

/// AWS JSON 1.1 bodies: the CLI and SDKs send and expect this content type.
constexpr const char* content_type = "application/x-amz-json-1.1";
constexpr std::size_t max_body_bytes = 16u << 20;  // far above any valid request (values ≤ 64 KiB)
constexpr time_t io_timeout_seconds = 10;

struct options {
  int port = 0;
  ss::service_options service;
  std::string commit_log;
  std::string data_dir;
  std::string data_key_file;
  std::uint64_t compact_bytes = 64u << 20;
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
    } else if (arg == "--region") {
      out.service.region = value();
    } else if (arg == "--account-id") {
      out.service.account_id = value();
    } else if (arg == "--rotation-function") {
      auto spec = ss::tools::parse_rotation_function_spec(value());
      if (!spec) fail("--rotation-function needs ARN=remove-pending|keep-pending[,value=TEXT]");
      out.service.rotation_functions[spec->arn] = spec->function;
    } else if (arg == "--external-rotation-function") {
      std::string arn = value();
      if (arn.empty()) fail("--external-rotation-function needs an ARN");
      out.service.external_rotation_functions.push_back(std::move(arn));
    } else if (arg == "--data-dir") {
      out.data_dir = value();
    } else if (arg == "--data-key-file") {
      out.data_key_file = value();
    } else if (arg == "--compact-bytes") {
      out.compact_bytes = number(arg, value(), ~0ull);
    } else if (arg == "--commit-log") {
      out.commit_log = value();
    } else {
      fail("unknown argument " + std::string(arg));
    }
  }
  if (!out.data_key_file.empty() && out.data_dir.empty()) fail("--data-key-file needs --data-dir");
  return out;
}

/// The data directory of --data-dir, recovered, or an exit with a message naming what is wrong.
std::unique_ptr<ss::tools::data_dir> open_data_dir(const options& o, ss::store& recovered,
                                                   std::uint64_t& generation) {
  ss::tools::data_dir::settings settings{o.data_dir, o.compact_bytes, std::nullopt};
  if (!o.data_key_file.empty()) {
    std::string text;
    if (auto e = ss::tools::data_dir::read_key_file(o.data_key_file, text)) {
      std::cerr << "secretstage-server: " << *e << '\n';
      std::exit(1);
    }
    settings.key = ss::tools::sealer::read_key(std::move(text));
    if (!settings.key) {
      std::cerr << "secretstage-server: " << o.data_key_file
                << " holds no key (32 bytes, or 64 hexadecimal digits)\n";
      std::exit(1);
    }
  }
  // The context every journal record shares: what the service will build from these options.
  ss::journal_header header{o.service.region, o.service.account_id, {}};
  // Sorted and without duplicates, as the service keeps them (rotation_functions).
  std::vector<std::string> functions = o.service.external_rotation_functions;
  for (const auto& entry : o.service.rotation_functions) functions.push_back(entry.first);
  header.functions = ss::rotation_functions(std::move(functions)).arns();
  std::unique_ptr<ss::tools::data_dir> dir;
  ss::tools::data_dir::opened found;
  if (auto e = ss::tools::data_dir::open(settings, header, dir, found)) {
    std::cerr << "secretstage-server: " << *e << '\n';
    std::exit(1);
  }
  if (found.torn) std::cerr << "secretstage-server: " << *found.torn << '\n';
  std::cerr << "secretstage-server: recovered " << found.store.size() << " secrets ("
            << found.records << " journal records) from " << o.data_dir << ", generation "
            << found.generation << '\n';
  recovered = std::move(found.store);
  generation = found.generation;
  return dir;
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
  // Called under the service's lock, so the file's lines are in commit order.
  ss::service::commit_observer observer;
  if (commit_log != nullptr) {
    observer = [commit_log](std::uint64_t seq, std::string_view request_id,
                            std::string_view operation) {
      write_line(commit_log, "{\"seq\": " + std::to_string(seq) + ", \"request_id\": \"" +
                                 std::string(request_id) + "\", \"operation\": \"" +
                                 std::string(operation) + "\"}\n");
    };
  }
  std::unique_ptr<ss::tools::data_dir> data;
  ss::store recovered;
  ss::service::journal_hook journal;
  ss::service_options service_options = o.service;
  if (!o.data_dir.empty()) {
    std::uint64_t generation = 0;
    data = open_data_dir(o, recovered, generation);
    service_options.seed ^= generation * 0x9e3779b97f4a7c15ull;
    journal = [d = data.get()](const ss::journal_entry& e, const ss::store& published) {
      return d->append(e, published);
    };
    // The writer thread cannot stop the server itself: it asks the signal thread to.
    data->on_failure([] { ::kill(::getpid(), SIGTERM); });
  }
  ss::service service(service_options, observer, std::move(recovered), std::move(journal));

  httplib::Server server;
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
  if (data) server.new_task_queue = [] { return new httplib::ThreadPool(64); };

  server.Post("/", [&service, &data](const httplib::Request& req, httplib::Response& res) {
    std::string operation;
    try {
      const std::string target = req.get_header_value("X-Amz-Target");
      if (auto op = ss::aws_json::operation_from_target(target))
        operation = std::string(op.value());
      const auto content = ss::aws_json::check_content_type(req.get_header_value("Content-Type"));
      // Once the log has failed, the store may hold writes that were never durable: answer none.
      ss::service_reply reply = data && data->failed()
                                    ? service.reject(ss::messages::internal_service_error(), 500)
                                : content ? service.handle_target(target, req.body, wall_clock())
                                          : service.reject(content.error());
      // A write is answered once its record is durable; reads never wait.
      if (data && reply.sequence != 0 && !data->wait_durable(reply.journal_ticket))
        reply = service.reject(ss::messages::internal_service_error(), 500);
      answer(res, reply);
      log_request(reply.request_id, operation, reply.status, error_code_of(reply));
    } catch (...) {
      const ss::service_reply reply = service.reject(ss::messages::internal_service_error(), 500);
      answer(res, reply);
      log_request(reply.request_id, operation, reply.status, error_code_of(reply));
    }
  });
  // Called for every answer of 400 or more. Ours carry a body and are logged already. Any other
  // method or path gets a 404 with AWS's answer to a request that names no operation; the other
  // errors cpp-httplib answers itself (400 malformed HTTP, 413 body too large) keep its answer
  // and are only logged.
  server.set_error_handler(httplib::Server::HandlerWithResponse(
      [&service](const httplib::Request&, httplib::Response& res) {
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
      [&service](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
        answer(res, service.reject(ss::messages::internal_service_error(), 500));
      });

  const int port = o.port == 0 ? server.bind_to_any_port("127.0.0.1")
                               : (server.bind_to_port("127.0.0.1", o.port) ? o.port : -1);
  if (port < 0) {
    std::cerr << "secretstage-server: cannot listen on 127.0.0.1:" << o.port << '\n';
    if (commit_log != nullptr) std::fclose(commit_log);
    return 1;
  }

  std::atomic<bool> stopping{false};
  std::atomic<bool> finished{false};
  std::thread waiter([&] {
    int signal = 0;
    sigwait(&stop_signals, &signal);
    stopping = true;
    // stop() is a no-op until the accept loop runs: repeat it until listen_after_bind returns.
    while (!finished) {
      server.stop();
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  });

  std::cout << "listening on http://127.0.0.1:" << port << std::endl;
  const bool served = server.listen_after_bind();
  finished = true;
  if (!stopping) pthread_kill(waiter.native_handle(), SIGTERM);  // wake the waiter to end it
  waiter.join();
  if (commit_log != nullptr) std::fclose(commit_log);
  if (data && data->failed()) {
    std::cerr << "secretstage-server: " << data->failure()
              << "; stopped so that a restart recovers what was durable\n";
    return 3;
  }
  if (!served && !stopping) {
    std::cerr << "secretstage-server: the server stopped unexpectedly\n";
    return 1;
  }
  return 0;
}
