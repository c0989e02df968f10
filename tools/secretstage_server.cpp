// secretstage-server: an AWS Secrets Manager endpoint that the AWS CLI and SDKs can talk to (AWS
// JSON 1.1 over HTTP/1.1 or HTTPS), serving one store per (account, Region); any credentials are
// accepted unless --credentials names the keys that may call (docs/authentication.md).
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

#include "auth.hpp"
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
                       or --commit-log. Every server on one database needs the same
                       --rotation-function options
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

  const ss::sigv4::credentials* key_table = keys ? &*keys : nullptr;
  server.Post("/", [&](const httplib::Request& req, httplib::Response& res) {
    std::string operation;
    ss::service* target_service = &home;
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
      if (database) {
        const auto content = ss::aws_json::check_content_type(req.get_header_value("Content-Type"));
        const ss::service_reply reply =
            content ? database->handle(who.account_id, who.region, target, req.body, wall_clock())
                    : home.reject(content.error());
        answer(res, reply);
        log_request(reply.request_id, operation, reply.status, error_code_of(reply));
        return;
      }
      std::string open_error;
      ss::tools::store_registry::entry* store = stores->get(who.account_id, who.region, &open_error);
      if (store == nullptr) {
        write_line(stderr, "secretstage-server: " + open_error + '\n');
        const ss::service_reply reply = home.reject(ss::messages::internal_service_error(), 500);
        answer(res, reply);
        log_request(reply.request_id, operation, reply.status, error_code_of(reply));
        return;
      }
      ss::service& service = *store->svc;
      target_service = &service;
      ss::tools::data_dir* data = store->data.get();
      const auto content = ss::aws_json::check_content_type(req.get_header_value("Content-Type"));
      // Once the log has failed, the store may hold writes that were never durable: answer none.
      ss::service_reply reply = data && data->failed()
                                    ? service.reject(ss::messages::internal_service_error(), 500)
                                : content ? service.handle_target(target, req.body, wall_clock())
                                          : service.reject(content.error());
      // A write is answered once its record is durable; reads never wait.
      if (data && reply.sequence != 0 && !data->wait_durable(reply.journal_ticket))
        reply = service.reject(ss::messages::internal_service_error(), 500);
      // A write that changed a primary, a replica's link or a replica list reaches the other
      // Regions before it is answered (replication.hpp; docs/durability.md, "Replication").
      if (reply.sequence != 0 && reply.status == 200) {
        const auto names = stores->replicated_among(
            who.account_id, who.region, operation,
            ss::tools::store_registry::names_touched(req.body, reply.body));
        if (!names.empty()) {
          if (auto e = stores->sync_replicas(who.account_id, names, wall_clock()))
            write_line(stderr, "secretstage-server: " + *e + '\n');
        }
      }
      answer(res, reply);
      log_request(reply.request_id, operation, reply.status, error_code_of(reply));
    } catch (...) {
      const ss::service_reply reply =
          target_service->reject(ss::messages::internal_service_error(), 500);
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

  const bool ipv6 = o.listen.find(':') != std::string::npos;
  std::cout << "listening on " << (o.tls_cert.empty() ? "http" : "https") << "://"
            << (ipv6 ? "[" + o.listen + "]" : o.listen) << ':' << port << std::endl;
  const bool served = server.listen_after_bind();
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
