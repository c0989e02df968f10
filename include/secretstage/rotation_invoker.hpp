#ifndef SECRETSTAGE_ROTATION_INVOKER_HPP
#define SECRETSTAGE_ROTATION_INVOKER_HPP

// Running one step of a user's rotation function, as Secrets Manager invokes a rotation Lambda:
// the event `{"Step", "SecretId", "ClientRequestToken", "RotationToken"}` in, success or a failed
// step out (issue 14, item 2). Two kinds of function:
//   exec:COMMAND  COMMAND runs through /bin/sh -c with the event on standard input; exit status 0
//                 is success, anything else a failed step with the tail of its standard error.
//   http://URL    the Lambda Invoke API, as `sam local start-lambda`, the Lambda Runtime Interface
//                 Emulator and LocalStack serve it: POST the event to the function's invocation
//                 URL with `X-Amz-Invocation-Type: RequestResponse`; a non-2xx status or an
//                 `X-Amz-Function-Error` header is a failed step with the tail of the payload.
// Every step has a timeout, and a `cancellation` stops every step that watches it (a server's
// SIGTERM): a process group gets SIGTERM, then SIGKILL after a grace period.
//
// Opt-in and POSIX-only (plus pipe2, which Linux and the BSDs have, and Linux's pidfd_open when
// the headers know it); like sigv4.hpp it is not included by secretstage.hpp. It lives in
// include/ rather than tools/ because an embedder who runs the model behind their own server
// wants the same invocations; it needs nothing but the C library (posix_spawn, poll, sockets).
// It holds no state between calls, so any number of threads may invoke at once: every
// descriptor is opened close-on-exec (a process spawned by another thread inherits none of this
// one's pipes), children start through posix_spawn (no code of ours runs between fork and exec),
// each child is reaped by the call that started it, and SIGPIPE is blocked only in the calling
// thread while it writes. Host names are resolved with getaddrinfo, which neither the timeout
// nor a cancellation can interrupt; local endpoints (127.0.0.1, localhost) resolve at once. An
// exec function's environment is copied from `environ` at each call unless
// `options::base_environment` is given: a program that calls setenv while other threads invoke
// should pass one. The caller must not set SIGCHLD to SIG_IGN (the exit status would be lost;
// such a step fails).
//
// Nothing here writes a log or reads a secret value: the event carries ARNs and tokens only, and
// `log_line` formats what an invocation returned (the tail it keeps is the function's own
// output, which the caller chooses to log).

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <variant>
#include <vector>

#include "detail/json.hpp"

extern "C" char** environ;  // POSIX leaves its declaration to the program

namespace secretstage::invoker {

// ---- the event -------------------------------------------------------------------------------

/// The four steps of a rotation, in the order Secrets Manager invokes them.
enum class step : std::uint8_t { create_secret, set_secret, test_secret, finish_secret };

/// The event's `Step` member: `createSecret`, `setSecret`, `testSecret` or `finishSecret`.
[[nodiscard]] constexpr std::string_view step_name(step s) noexcept {
  constexpr std::string_view names[] = {"createSecret", "setSecret", "testSecret", "finishSecret"};
  const auto i = static_cast<std::size_t>(s);
  return i < std::size(names) ? names[i] : "unknownStep";
}

/// The event of one step, as compact JSON with the members in AWS's documented order:
/// `{"Step":…,"SecretId":<the secret's ARN>,"ClientRequestToken":…,"RotationToken":…}`. It has
/// no member that could carry a secret value.
[[nodiscard]] inline std::string event_json(step s, std::string_view secret_arn,
                                            std::string_view client_request_token,
                                            std::string_view rotation_token) {
  namespace json = secretstage::detail::json;
  std::string out = "{\"Step\":";
  json::append_string(out, step_name(s));
  out += ",\"SecretId\":";
  json::append_string(out, secret_arn);
  out += ",\"ClientRequestToken\":";
  json::append_string(out, client_request_token);
  out += ",\"RotationToken\":";
  json::append_string(out, rotation_token);
  out += '}';
  return out;
}

// ---- the function ----------------------------------------------------------------------------

/// A command run through `/bin/sh -c` once per step.
struct exec_function {
  std::string command;

  friend bool operator==(const exec_function&, const exec_function&) = default;
};

/// The Lambda Invoke API URL of one function (`http://host[:port]/…/invocations`).
struct lambda_function {
  std::string url;

  friend bool operator==(const lambda_function&, const lambda_function&) = default;
};

/// What runs a secret's rotation: a command or a Lambda invocation URL.
using target = std::variant<exec_function, lambda_function>;

/// A function as given on a command line: `ARN=exec:COMMAND` or `ARN=http://…`.
struct function_spec {
  std::string arn;
  invoker::target target;

  friend bool operator==(const function_spec&, const function_spec&) = default;
};

/// An `http://` URL taken apart. No TLS: local Lambda endpoints speak plain HTTP.
struct http_url {
  std::string host;  // without the brackets of an IPv6 literal
  std::string port = "80";
  std::string target = "/";  // path and query, as the request line sends it
  std::string authority;     // the Host header: host[:port] as written

  friend bool operator==(const http_url&, const http_url&) = default;
};

/// Parses `http://host[:port][/path][?query]`; std::nullopt for any other form (https, user
/// info, an empty host, a port that is not 1–65535, a fragment, spaces or control characters).
[[nodiscard]] inline std::optional<http_url> parse_http_url(std::string_view text) {
  constexpr std::string_view scheme = "http://";
  if (text.substr(0, scheme.size()) != scheme) return std::nullopt;
  for (char c : text)
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f || c == '#') return std::nullopt;
  text.remove_prefix(scheme.size());
  const auto slash = std::min(text.find('/'), text.find('?'));
  const std::string_view authority = text.substr(0, slash);
  http_url out;
  out.authority = std::string(authority);
  if (slash != std::string_view::npos) out.target = std::string(text.substr(slash));
  if (out.target.front() == '?') out.target.insert(0, 1, '/');
  if (authority.empty() || authority.find('@') != std::string_view::npos) return std::nullopt;
  std::string_view host = authority;
  std::string_view port;
  if (authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos || close == 1) return std::nullopt;
    host = authority.substr(1, close - 1);
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return std::nullopt;
      port = after.substr(1);
    }
  } else if (const auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
    if (host.empty() || host.find(':') != std::string_view::npos) return std::nullopt;
  }
  out.host = std::string(host);
  if (authority.find(':') != std::string_view::npos && authority.back() != ']') {
    if (port.empty() || port.size() > 5) return std::nullopt;
    unsigned number = 0;
    for (char c : port) {
      if (c < '0' || c > '9') return std::nullopt;
      number = number * 10 + static_cast<unsigned>(c - '0');
    }
    if (number == 0 || number > 65535) return std::nullopt;
    out.port = std::to_string(number);
  }
  return out;
}

/// Parses `ARN=exec:COMMAND` (COMMAND not empty, the rest of the text) or `ARN=http://…` (a URL
/// `parse_http_url` accepts); std::nullopt for any other form, including the built-ins
/// (`remove-pending`, `keep-pending`), which service.hpp parses.
[[nodiscard]] inline std::optional<function_spec> parse_function_spec(std::string_view text) {
  const auto equals = text.find('=');
  if (equals == std::string_view::npos || equals == 0) return std::nullopt;
  const std::string_view arn = text.substr(0, equals);
  const std::string_view rest = text.substr(equals + 1);
  constexpr std::string_view exec_prefix = "exec:";
  if (rest.substr(0, exec_prefix.size()) == exec_prefix) {
    if (rest.size() == exec_prefix.size()) return std::nullopt;
    return function_spec{std::string(arn),
                         exec_function{std::string(rest.substr(exec_prefix.size()))}};
  }
  if (!parse_http_url(rest)) return std::nullopt;
  return function_spec{std::string(arn), lambda_function{std::string(rest)}};
}

/// The Lambda function name in a FunctionName as the Invoke API accepts it: a full ARN
/// (`arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]`), a partial one
/// (`ACCOUNT:function:NAME[:QUALIFIER]`) or a name (`NAME[:QUALIFIER]`); std::nullopt when the
/// name is not 1–64 of `[A-Za-z0-9_-]`. The qualifier is dropped: the local endpoints do not
/// version functions, and `sam local` rejects the `Qualifier` query parameter.
[[nodiscard]] inline std::optional<std::string> lambda_function_name(std::string_view arn) {
  std::vector<std::string_view> parts;
  for (std::size_t from = 0;;) {
    const auto colon = arn.find(':', from);
    parts.push_back(arn.substr(from, colon - from));
    if (colon == std::string_view::npos) break;
    from = colon + 1;
  }
  std::string_view name;
  if (parts.size() >= 7 && parts[0] == "arn" && parts[2] == "lambda" && parts[5] == "function" &&
      parts.size() <= 8) {
    name = parts[6];
  } else if (parts.size() >= 3 && parts.size() <= 4 && parts[1] == "function") {
    name = parts[2];
  } else if (parts.size() <= 2 && parts[0] != "arn") {
    name = parts[0];
  } else {
    return std::nullopt;
  }
  if (name.empty() || name.size() > 64) return std::nullopt;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_';
    if (!ok) return std::nullopt;
  }
  return std::string(name);
}

/// The invocation URL of a function behind a Lambda endpoint (`--lambda-endpoint`):
/// `<endpoint>/2015-03-31/functions/<function name>/invocations`, the path of the Invoke API.
/// The function name, not the ARN, goes in the path: every `sam local start-lambda` finds a
/// function by name (only recent ones also by ARN), and LocalStack accepts either. std::nullopt
/// when the endpoint is not an `http://` URL without a query, or the ARN names no function.
[[nodiscard]] inline std::optional<std::string> lambda_invocation_url(std::string_view endpoint,
                                                                      std::string_view arn) {
  const auto url = parse_http_url(endpoint);
  const auto name = lambda_function_name(arn);
  if (!url || !name || url->target.find('?') != std::string::npos) return std::nullopt;
  std::string out(endpoint);
  while (out.back() == '/') out.pop_back();
  return out + "/2015-03-31/functions/" + *name + "/invocations";
}

// ---- invoking --------------------------------------------------------------------------------

/// Stops the invocations that watch it. `cancel` is async-signal-safe (a lock-free atomic store),
/// so a signal handler may call it; an invocation notices within `options::poll_interval`.
class cancellation {
 public:
  void cancel() noexcept { requested_.store(true, std::memory_order_relaxed); }
  [[nodiscard]] bool requested() const noexcept {
    return requested_.load(std::memory_order_relaxed);
  }

 private:
  std::atomic<bool> requested_{false};
  static_assert(std::atomic<bool>::is_always_lock_free);
};

/// How a step is invoked. The defaults suit a local test endpoint.
struct options {
  /// The whole step, from start to the function's answer. AWS gives a rotation Lambda its own
  /// timeout (at most 15 minutes); a local run wants a shorter one.
  std::chrono::milliseconds timeout{std::chrono::seconds(60)};
  /// exec: how long a process group has after SIGTERM before it gets SIGKILL.
  std::chrono::milliseconds kill_grace{std::chrono::seconds(2)};
  /// How often a running step looks at its cancellation (and, where pidfd_open is missing,
  /// whether its process has exited).
  std::chrono::milliseconds poll_interval{20};
  /// The most output kept: the tail of standard error (exec) or of the error payload (HTTP).
  std::size_t tail_bytes = 4096;
  /// exec: the server's URL, given to the function as `SECRETS_MANAGER_ENDPOINT` and
  /// `AWS_ENDPOINT_URL_SECRETS_MANAGER` (empty: neither is set).
  std::string secrets_manager_endpoint;
  /// exec: the Region, as `AWS_REGION` and `AWS_DEFAULT_REGION` (empty: neither is set).
  std::string region;
  /// exec: the environment the function's is built from; nullptr: this process's `environ`.
  const std::vector<std::string>* base_environment = nullptr;
};

enum class outcome : std::uint8_t { succeeded, failed, timed_out, cancelled };

[[nodiscard]] constexpr std::string_view outcome_name(outcome o) noexcept {
  constexpr std::string_view names[] = {"succeeded", "failed", "timed-out", "cancelled"};
  const auto i = static_cast<std::size_t>(o);
  return i < std::size(names) ? names[i] : "unknown";
}

/// What one step came to.
struct invocation {
  invoker::outcome outcome = outcome::failed;
  std::chrono::milliseconds duration{0};
  /// Why it did not succeed, in a few words ("exit status 3", "HTTP 500", "function error
  /// Unhandled", "timed out after 500 ms", "cannot connect to …"); empty on success.
  std::string reason;
  /// The last `options::tail_bytes` of standard error (exec) or of the response body of a
  /// failed HTTP step, starting at a line boundary when it was cut.
  std::string output_tail;
};

/// The dummy credentials an exec function gets when the environment has none.
inline constexpr std::string_view dummy_access_key_id = "secretstage";
inline constexpr std::string_view dummy_secret_access_key = "secretstage";

/// The environment of an exec function: `base` (each entry `NAME=value`) with
/// SECRETS_MANAGER_ENDPOINT, AWS_ENDPOINT_URL_SECRETS_MANAGER, AWS_REGION and AWS_DEFAULT_REGION
/// replaced by the options' values (when not empty), and AWS_ACCESS_KEY_ID and
/// AWS_SECRET_ACCESS_KEY added with dummy values only when `base` has no credentials at all
/// (neither of them, nor AWS_SESSION_TOKEN, nor AWS_PROFILE, whose credentials a dummy key would
/// override).
[[nodiscard]] inline std::vector<std::string> function_environment(
    const std::vector<std::string>& base, const options& opts) {
  std::vector<std::string> added;
  auto add = [&](std::string_view name, std::string_view value) {
    if (!value.empty()) added.push_back(std::string(name) + '=' + std::string(value));
  };
  add("SECRETS_MANAGER_ENDPOINT", opts.secrets_manager_endpoint);
  add("AWS_ENDPOINT_URL_SECRETS_MANAGER", opts.secrets_manager_endpoint);
  add("AWS_REGION", opts.region);
  add("AWS_DEFAULT_REGION", opts.region);
  auto name_of = [](std::string_view entry) { return entry.substr(0, entry.find('=')); };
  bool has_credentials = false;
  for (const std::string& entry : base) {
    const std::string_view name = name_of(entry);
    has_credentials = has_credentials || name == "AWS_ACCESS_KEY_ID" ||
                      name == "AWS_SECRET_ACCESS_KEY" || name == "AWS_SESSION_TOKEN" ||
                      name == "AWS_PROFILE";
  }
  if (!has_credentials) {
    add("AWS_ACCESS_KEY_ID", dummy_access_key_id);
    add("AWS_SECRET_ACCESS_KEY", dummy_secret_access_key);
  }
  std::vector<std::string> out;
  out.reserve(base.size() + added.size());
  for (const std::string& entry : base) {
    const bool replaced = std::any_of(added.begin(), added.end(), [&](const std::string& a) {
      return name_of(a) == name_of(entry);
    });
    if (!replaced) out.push_back(entry);
  }
  out.insert(out.end(), added.begin(), added.end());
  return out;
}

namespace detail {

using clock = std::chrono::steady_clock;

inline std::string errno_text(int error) { return std::generic_category().message(error); }

/// A file descriptor, closed once.
class unique_fd {
 public:
  unique_fd() = default;
  explicit unique_fd(int fd) noexcept : fd_(fd) {}
  unique_fd(unique_fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  unique_fd& operator=(unique_fd&& other) noexcept {
    if (this != &other) reset(std::exchange(other.fd_, -1));
    return *this;
  }
  unique_fd(const unique_fd&) = delete;
  unique_fd& operator=(const unique_fd&) = delete;
  ~unique_fd() { reset(); }
  void reset(int fd = -1) noexcept {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }
  [[nodiscard]] int get() const noexcept { return fd_; }
  [[nodiscard]] bool open() const noexcept { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

/// The last `limit` bytes of a stream, in bounded memory however long the stream.
class tail_buffer {
 public:
  explicit tail_buffer(std::size_t limit) : limit_(limit) {}
  void append(std::string_view data) {
    total_ += data.size();
    if (data.size() >= limit_) {
      text_.assign(data.substr(data.size() - limit_));
      return;
    }
    text_.append(data);
    if (text_.size() > 2 * limit_) text_.erase(0, text_.size() - limit_);
  }
  /// The kept tail; when the stream was cut, from the first line start (or, in one long line,
  /// the first UTF-8 lead byte) inside the last `limit` bytes.
  [[nodiscard]] std::string text() const {
    if (total_ <= limit_) return text_;
    std::string_view kept(text_);
    kept.remove_prefix(kept.size() - std::min(kept.size(), limit_));
    if (const auto newline = kept.find('\n');
        newline != std::string_view::npos && newline + 1 < kept.size()) {
      kept.remove_prefix(newline + 1);
    } else {
      while (!kept.empty() && (static_cast<unsigned char>(kept.front()) & 0xC0) == 0x80)
        kept.remove_prefix(1);
    }
    return std::string(kept);
  }

 private:
  std::size_t limit_;
  std::size_t total_ = 0;
  std::string text_;
};

/// Blocks SIGPIPE in the calling thread for its lifetime, so a write to a pipe whose reader has
/// gone fails with EPIPE instead of killing the process; on the way out a SIGPIPE raised in the
/// meantime is consumed, and the thread's mask restored.
class sigpipe_blocker {
 public:
  sigpipe_blocker() noexcept {
    sigemptyset(&pipe_);
    sigaddset(&pipe_, SIGPIPE);
    sigset_t pending;
    sigemptyset(&pending);
    sigpending(&pending);
    was_pending_ = sigismember(&pending, SIGPIPE) == 1;
    pthread_sigmask(SIG_BLOCK, &pipe_, &old_);
  }
  sigpipe_blocker(const sigpipe_blocker&) = delete;
  sigpipe_blocker& operator=(const sigpipe_blocker&) = delete;
  ~sigpipe_blocker() {
    if (!was_pending_) {
      const timespec zero{};
      sigset_t pending;
      sigemptyset(&pending);
      sigpending(&pending);
      if (sigismember(&pending, SIGPIPE) == 1) sigtimedwait(&pipe_, nullptr, &zero);
    }
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }

 private:
  sigset_t pipe_{};
  sigset_t old_{};
  bool was_pending_ = false;
};

/// A pipe between this process and a child, both ends close-on-exec and neither on 0, 1 or 2
/// (posix_spawn's dup2 onto an fd equal to the source would leave close-on-exec set). Only
/// `ours` is made non-blocking: the child's end keeps blocking I/O, and the two ends of a pipe
/// are separate open file descriptions, so the flag of one is not the other's.
inline bool make_pipe(unique_fd& read_end, unique_fd& write_end, bool ours_is_read_end) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return false;
  read_end.reset(fds[0]);
  write_end.reset(fds[1]);
  for (unique_fd* end : {&read_end, &write_end}) {
    if (end->get() > 2) continue;
    const int moved = ::fcntl(end->get(), F_DUPFD_CLOEXEC, 3);
    if (moved < 0) return false;
    end->reset(moved);
  }
  const int ours = ours_is_read_end ? read_end.get() : write_end.get();
  const int flags = ::fcntl(ours, F_GETFL);
  return flags >= 0 && ::fcntl(ours, F_SETFL, flags | O_NONBLOCK) == 0;
}

/// Milliseconds from `now` to `until` for poll(), at least 0 and at most `cap`.
inline int poll_wait(clock::time_point now, clock::time_point until,
                     std::chrono::milliseconds cap) {
  using std::chrono::milliseconds;
  auto left = std::chrono::ceil<milliseconds>(until - now);
  left = std::clamp(left, milliseconds(0), cap);
  return static_cast<int>(left.count());
}

inline std::chrono::milliseconds since(clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - start);
}

inline invocation finished(outcome o, clock::time_point start, std::string reason,
                           std::string tail = {}) {
  return invocation{o, since(start), std::move(reason), std::move(tail)};
}

inline std::string stop_reason(outcome o, const options& opts) {
  return o == outcome::cancelled
             ? std::string("cancelled")
             : "timed out after " + std::to_string(opts.timeout.count()) + " ms";
}

/// Reads what `fd` has now into `sink` (nullptr: discard); closes it at end of file or error.
inline void drain(unique_fd& fd, tail_buffer* sink) {
  char buffer[65536];
  while (fd.open()) {
    const ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
    if (n > 0) {
      if (sink != nullptr) sink->append(std::string_view(buffer, static_cast<std::size_t>(n)));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    fd.reset();
  }
}

enum class child_state : std::uint8_t { running, exited, gone };

/// Whether the child `pid` has exited, without reaping it: while it stays a zombie its pid, and
/// so its process group id, cannot be reused, and signalling the group stays safe. `gone`: it was
/// reaped elsewhere (SIGCHLD ignored), so its group must not be signalled any more.
inline child_state state_of(pid_t pid) noexcept {
  siginfo_t info{};
  info.si_pid = 0;
  if (::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) != 0)
    return errno == ECHILD ? child_state::gone : child_state::running;
  return info.si_pid != 0 ? child_state::exited : child_state::running;
}

/// Kills and reaps a child unless `release`d: a step left by an exception leaves no process
/// behind.
class child_reaper {
 public:
  explicit child_reaper(pid_t pid) noexcept : pid_(pid) {}
  child_reaper(const child_reaper&) = delete;
  child_reaper& operator=(const child_reaper&) = delete;
  ~child_reaper() {
    if (pid_ < 0) return;
    ::kill(-pid_, SIGKILL);
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
  }
  void release() noexcept { pid_ = -1; }

 private:
  pid_t pid_;
};

/// A descriptor that polls readable when `pid` exits (Linux ≥ 5.3); not open elsewhere, where
/// the invocation looks every poll interval instead.
inline unique_fd open_pidfd([[maybe_unused]] pid_t pid) noexcept {
#ifdef SYS_pidfd_open
  const long fd = ::syscall(SYS_pidfd_open, pid, 0);  // always close-on-exec
  if (fd >= 0) return unique_fd(static_cast<int>(fd));
#endif
  return unique_fd();
}

/// A posix_spawn attributes or file-actions object, destroyed once; `get` is nullptr when its
/// initialisation failed.
template <class T, int (*Init)(T*), int (*Destroy)(T*)>
class spawn_object {
 public:
  spawn_object() noexcept : initialized_(Init(&value_) == 0) {}
  spawn_object(const spawn_object&) = delete;
  spawn_object& operator=(const spawn_object&) = delete;
  ~spawn_object() {
    if (initialized_) Destroy(&value_);
  }
  [[nodiscard]] T* get() noexcept { return initialized_ ? &value_ : nullptr; }

 private:
  T value_{};
  bool initialized_;
};

using spawn_attributes =
    spawn_object<posix_spawnattr_t, ::posix_spawnattr_init, ::posix_spawnattr_destroy>;
using spawn_files = spawn_object<posix_spawn_file_actions_t, ::posix_spawn_file_actions_init,
                                 ::posix_spawn_file_actions_destroy>;

/// A step's attributes: its own process group (so a timeout reaches its children too), every
/// signal unblocked and at its default action (the server may block or ignore some, and ignored
/// signals survive exec).
inline bool set_up(spawn_attributes& attributes) noexcept {
  posix_spawnattr_t* attr = attributes.get();
  if (attr == nullptr) return false;
  sigset_t none;
  sigset_t all;
  sigemptyset(&none);
  sigfillset(&all);
  sigdelset(&all, SIGKILL);
  sigdelset(&all, SIGSTOP);
  return ::posix_spawnattr_setflags(
             attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF) == 0 &&
         ::posix_spawnattr_setpgroup(attr, 0) == 0 &&
         ::posix_spawnattr_setsigmask(attr, &none) == 0 &&
         ::posix_spawnattr_setsigdefault(attr, &all) == 0;
}

/// A step's file actions: the three pipe ends onto 0, 1 and 2 (dup2 clears close-on-exec on the
/// copies; every other descriptor of the process is close-on-exec or the caller's own).
inline bool set_up(spawn_files& files, int in, int out, int err) noexcept {
  posix_spawn_file_actions_t* actions = files.get();
  return actions != nullptr && ::posix_spawn_file_actions_adddup2(actions, in, 0) == 0 &&
         ::posix_spawn_file_actions_adddup2(actions, out, 1) == 0 &&
         ::posix_spawn_file_actions_adddup2(actions, err, 2) == 0;
}

inline std::vector<std::string> process_environment() {
  std::vector<std::string> out;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry)
    out.emplace_back(*entry);
  return out;
}

/// The exit of a reaped child as a reason ("" for exit status 0).
inline std::string exit_reason(int status) {
  if (WIFEXITED(status)) {
    return WEXITSTATUS(status) == 0 ? std::string()
                                    : "exit status " + std::to_string(WEXITSTATUS(status));
  }
  if (WIFSIGNALED(status)) return "terminated by signal " + std::to_string(WTERMSIG(status));
  return "ended with wait status " + std::to_string(status);
}

}  // namespace detail

/// Runs `command` through `/bin/sh -c` with `event` on its standard input and the environment of
/// `function_environment`, and waits for it, reading standard output (discarded) and standard
/// error (its tail kept) while it writes standard input, so no pipe fills up.
///   exit status 0                         succeeded
///   any other exit, or a signal           failed, reason "exit status N" / "terminated by signal
///   N" still running at `opts.timeout`       timed_out: SIGTERM to its process group, SIGKILL
///   after
///                                         `opts.kill_grace`
///   `cancel` requested while running      cancelled, stopped as on a timeout
///   /bin/sh cannot start                  failed, reason "cannot start /bin/sh: …"
/// Whatever the command leaves behind in its process group when it exits is killed (SIGKILL), as
/// Lambda freezes an environment once its handler returns; the child is always reaped.
[[nodiscard]] inline invocation invoke_exec(const exec_function& function, std::string_view event,
                                            const options& opts,
                                            const cancellation* cancel = nullptr) {
  using detail::unique_fd;
  const auto start = detail::clock::now();
  detail::sigpipe_blocker sigpipe_blocked;

  unique_fd in_read, in_write, out_read, out_write, err_read, err_write;
  if (!detail::make_pipe(in_read, in_write, false) ||
      !detail::make_pipe(out_read, out_write, true) ||
      !detail::make_pipe(err_read, err_write, true)) {
    return detail::finished(outcome::failed, start,
                            "cannot make a pipe: " + detail::errno_text(errno));
  }
  const std::vector<std::string> environment = function_environment(
      opts.base_environment != nullptr ? *opts.base_environment : detail::process_environment(),
      opts);
  std::vector<char*> envp;
  envp.reserve(environment.size() + 1);
  for (const std::string& entry : environment) envp.push_back(const_cast<char*>(entry.c_str()));
  envp.push_back(nullptr);
  char shell[] = "/bin/sh";
  char dash_c[] = "-c";
  std::string command = function.command;
  char* argv[] = {shell, dash_c, command.data(), nullptr};

  detail::spawn_attributes attributes;
  detail::spawn_files files;
  if (!detail::set_up(attributes) ||
      !detail::set_up(files, in_read.get(), out_write.get(), err_write.get()))
    return detail::finished(outcome::failed, start, "cannot set up posix_spawn");
  pid_t pid = -1;
  if (const int error =
          ::posix_spawn(&pid, shell, files.get(), attributes.get(), argv, envp.data());
      error != 0) {
    return detail::finished(outcome::failed, start,
                            "cannot start /bin/sh: " + detail::errno_text(error));
  }
  detail::child_reaper reaper(pid);
  in_read.reset();
  out_write.reset();
  err_write.reset();
  const unique_fd pidfd = detail::open_pidfd(pid);

  detail::tail_buffer err_tail(opts.tail_bytes);
  std::size_t written = 0;
  const auto deadline = start + opts.timeout;
  std::optional<outcome> stopped;  // timed_out or cancelled, once the group got SIGTERM
  detail::clock::time_point kill_at{};
  bool killed = false;
  for (;;) {
    const auto now = detail::clock::now();
    if (const auto state = detail::state_of(pid); state != detail::child_state::running) {
      // What it left behind; the zombie keeps the group id ours.
      if (state == detail::child_state::exited) ::kill(-pid, SIGKILL);
      detail::drain(out_read, nullptr);
      detail::drain(err_read, &err_tail);
      break;
    }
    if (!stopped && (now >= deadline || (cancel != nullptr && cancel->requested()))) {
      stopped = now >= deadline ? outcome::timed_out : outcome::cancelled;
      ::kill(-pid, SIGTERM);
      kill_at = now + opts.kill_grace;
      in_write.reset();
    }
    if (stopped && !killed && now >= kill_at) {
      ::kill(-pid, SIGKILL);
      killed = true;
    }
    pollfd fds[4];
    nfds_t count = 0;
    auto watch = [&](const unique_fd& fd, short events) {
      if (fd.open()) fds[count++] = pollfd{fd.get(), events, 0};
    };
    watch(in_write, POLLOUT);
    watch(out_read, POLLIN);
    watch(err_read, POLLIN);
    watch(pidfd, POLLIN);
    const auto next = stopped && !killed ? kill_at : deadline;
    // A failed poll (EINTR; nothing else is expected) only shortens the wait: the deadline
    // still comes, and the loop ends once the child has exited.
    ::poll(fds, count, detail::poll_wait(now, next, opts.poll_interval));
    if (in_write.open()) {
      const ssize_t n = ::write(in_write.get(), event.data() + written, event.size() - written);
      if (n > 0) written += static_cast<std::size_t>(n);
      const bool gone = n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR;
      if (gone || written == event.size()) in_write.reset();  // EOF for the function
    }
    detail::drain(out_read, nullptr);
    detail::drain(err_read, &err_tail);
  }

  reaper.release();
  int status = 0;
  pid_t waited = 0;
  while ((waited = ::waitpid(pid, &status, 0)) < 0 && errno == EINTR) {
  }
  if (waited < 0 && !stopped) {
    // ECHILD: the process reaps its children behind our back (SIGCHLD set to SIG_IGN).
    return detail::finished(outcome::failed, start,
                            "cannot read the exit status: " + detail::errno_text(errno),
                            err_tail.text());
  }
  if (stopped) {
    return detail::finished(*stopped, start, detail::stop_reason(*stopped, opts), err_tail.text());
  }
  std::string reason = detail::exit_reason(status);
  const outcome o = reason.empty() ? outcome::succeeded : outcome::failed;
  return detail::finished(o, start, std::move(reason), err_tail.text());
}

namespace detail {

/// The most a Lambda endpoint may answer: Lambda's synchronous payload limit is 6 MB.
inline constexpr std::size_t max_response_bytes = 8u << 20;

struct http_response {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  [[nodiscard]] const std::string* header(std::string_view name) const {
    for (const auto& [key, value] : headers) {
      if (key.size() != name.size()) continue;
      bool same = true;
      for (std::size_t i = 0; i < key.size() && same; ++i) {
        auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
        same = lower(key[i]) == lower(name[i]);
      }
      if (same) return &value;
    }
    return nullptr;
  }
};

enum class parse_state : std::uint8_t { incomplete, complete, invalid };

/// Decodes a chunked body (trailers ignored).
inline parse_state decode_chunked(std::string_view data, std::string& out) {
  out.clear();
  for (;;) {
    const auto line_end = data.find("\r\n");
    if (line_end == std::string_view::npos) return parse_state::incomplete;
    std::size_t size = 0;
    std::size_t i = 0;
    for (; i < line_end; ++i) {
      const char c = data[i];
      int digit = -1;
      if (c >= '0' && c <= '9') digit = c - '0';
      if (c >= 'a' && c <= 'f') digit = c - 'a' + 10;
      if (c >= 'A' && c <= 'F') digit = c - 'A' + 10;
      if (digit < 0) break;
      if (size > max_response_bytes) return parse_state::invalid;
      size = size * 16 + static_cast<std::size_t>(digit);
    }
    if (i == 0 || (i < line_end && data[i] != ';' && data[i] != ' ')) return parse_state::invalid;
    data.remove_prefix(line_end + 2);
    if (size == 0) {
      return data.find("\r\n") == std::string_view::npos ? parse_state::incomplete
                                                         : parse_state::complete;
    }
    if (data.size() < size + 2) return parse_state::incomplete;
    if (data.substr(size, 2) != "\r\n") return parse_state::invalid;
    out.append(data.substr(0, size));
    data.remove_prefix(size + 2);
  }
}

/// Parses what has arrived of a response; `at_eof` when the server has closed the connection.
/// Interim responses (100 Continue and the like) are skipped.
inline parse_state parse_response(std::string_view data, bool at_eof, http_response& out) {
  auto head_end = data.find("\r\n\r\n");
  while (head_end != std::string_view::npos && data.substr(0, 10) == "HTTP/1.1 1" &&
         data.substr(0, 12) != "HTTP/1.1 101") {
    data.remove_prefix(head_end + 4);
    head_end = data.find("\r\n\r\n");
  }
  if (head_end == std::string_view::npos)
    return at_eof ? parse_state::invalid : parse_state::incomplete;
  std::string_view head = data.substr(0, head_end + 2);
  const std::string_view body = data.substr(head_end + 4);
  const auto status_end = head.find("\r\n");
  const std::string_view status_line = head.substr(0, status_end);
  if (status_line.substr(0, 5) != "HTTP/" || status_line.size() < 12 || status_line[8] != ' ')
    return parse_state::invalid;
  out.status = 0;
  for (char c : status_line.substr(9, 3)) {
    if (c < '0' || c > '9') return parse_state::invalid;
    out.status = out.status * 10 + (c - '0');
  }
  out.headers.clear();
  head.remove_prefix(status_end + 2);
  auto trim = [](std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
  };
  while (!head.empty()) {
    const auto end = head.find("\r\n");
    const std::string_view line = head.substr(0, end);
    head.remove_prefix(end + 2);
    const auto colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) return parse_state::invalid;
    out.headers.emplace_back(std::string(line.substr(0, colon)),
                             std::string(trim(line.substr(colon + 1))));
  }
  if (out.status == 204 || out.status == 304 || out.status == 101) {
    out.body.clear();
    return parse_state::complete;
  }
  if (const std::string* te = out.header("Transfer-Encoding");
      te != nullptr && te->find("chunked") != std::string::npos) {
    const parse_state state = decode_chunked(body, out.body);
    return state == parse_state::incomplete && at_eof ? parse_state::invalid : state;
  }
  if (const std::string* length = out.header("Content-Length")) {
    std::size_t n = 0;
    if (length->empty() || length->size() > 10) return parse_state::invalid;
    for (char c : *length) {
      if (c < '0' || c > '9') return parse_state::invalid;
      n = n * 10 + static_cast<std::size_t>(c - '0');
    }
    if (body.size() < n) return at_eof ? parse_state::invalid : parse_state::incomplete;
    out.body.assign(body.substr(0, n));
    return parse_state::complete;
  }
  if (!at_eof) return parse_state::incomplete;
  out.body.assign(body);
  return parse_state::complete;
}

inline std::string http_request(const http_url& url, std::string_view body) {
  std::string out = "POST " + url.target + " HTTP/1.1\r\nHost: " + url.authority +
                    "\r\n"
                    "Content-Type: application/json\r\n"
                    "X-Amz-Invocation-Type: RequestResponse\r\n"
                    "User-Agent: secretstage-rotation-invoker\r\n"
                    "Connection: close\r\n"
                    "Content-Length: " +
                    std::to_string(body.size()) + "\r\n\r\n";
  out.append(body);
  return out;
}

/// Waits until `fd` is ready for `events`, the deadline passes or `cancel` is requested.
inline std::optional<outcome> wait_for(int fd, short events, detail::clock::time_point deadline,
                                       const options& opts, const cancellation* cancel) {
  for (;;) {
    const auto now = detail::clock::now();
    if (cancel != nullptr && cancel->requested()) return outcome::cancelled;
    if (now >= deadline) return outcome::timed_out;
    pollfd fd_events{fd, events, 0};
    const int ready = ::poll(&fd_events, 1, poll_wait(now, deadline, opts.poll_interval));
    if (ready > 0) return std::nullopt;
    if (ready < 0 && errno != EINTR) return outcome::failed;
  }
}

}  // namespace detail

/// POSTs `event` to the Lambda Invoke API URL of `function` (`X-Amz-Invocation-Type:
/// RequestResponse`, `Content-Type: application/json`, `Connection: close`) and reads the answer.
///   2xx without X-Amz-Function-Error       succeeded
///   X-Amz-Function-Error: E                failed, reason "function error E (HTTP 200)", the
///                                          payload's tail kept
///   any other status                       failed, reason "HTTP N", the body's tail kept
///   no connection, no HTTP, > 8 MiB        failed, reason says which
///   no answer by `opts.timeout`            timed_out
///   `cancel` requested before the answer   cancelled
[[nodiscard]] inline invocation invoke_lambda(const lambda_function& function,
                                              std::string_view event, const options& opts,
                                              const cancellation* cancel = nullptr) {
  using detail::unique_fd;
  const auto start = detail::clock::now();
  const auto deadline = start + opts.timeout;
  auto fail = [&](std::string reason, std::string tail = {}) {
    return detail::finished(outcome::failed, start, std::move(reason), std::move(tail));
  };
  auto stop = [&](outcome o) {
    return o == outcome::failed ? fail("poll failed: " + detail::errno_text(errno))
                                : detail::finished(o, start, detail::stop_reason(o, opts));
  };
  const auto url = parse_http_url(function.url);
  if (!url) return fail("not an http:// URL: " + function.url);

  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* found = nullptr;
  if (const int error = ::getaddrinfo(url->host.c_str(), url->port.c_str(), &hints, &found);
      error != 0) {
    return fail("cannot resolve " + url->host + ": " + ::gai_strerror(error));
  }
  unique_fd socket;
  std::string connect_error = "no address";
  for (const addrinfo* a = found; a != nullptr && !socket.open(); a = a->ai_next) {
    unique_fd s(
        ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, a->ai_protocol));
    if (!s.open()) {
      connect_error = detail::errno_text(errno);
      continue;
    }
    if (::connect(s.get(), a->ai_addr, a->ai_addrlen) != 0) {
      if (errno != EINPROGRESS) {
        connect_error = detail::errno_text(errno);
        continue;
      }
      if (const auto stopped = detail::wait_for(s.get(), POLLOUT, deadline, opts, cancel)) {
        ::freeaddrinfo(found);
        return stop(*stopped);
      }
      int error = 0;
      socklen_t size = sizeof error;
      ::getsockopt(s.get(), SOL_SOCKET, SO_ERROR, &error, &size);
      if (error != 0) {
        connect_error = detail::errno_text(error);
        continue;
      }
    }
    socket = std::move(s);
  }
  ::freeaddrinfo(found);
  if (!socket.open()) return fail("cannot connect to " + url->authority + ": " + connect_error);

  const std::string request = detail::http_request(*url, event);
  std::size_t sent = 0;
  std::string received;
  detail::http_response response;
  for (;;) {
    const auto events = static_cast<short>(sent < request.size() ? POLLOUT | POLLIN : POLLIN);
    if (const auto stopped = detail::wait_for(socket.get(), events, deadline, opts, cancel))
      return stop(*stopped);
    if (sent < request.size()) {
      const ssize_t n =
          ::send(socket.get(), request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
      if (n > 0) sent += static_cast<std::size_t>(n);
      if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
        // The server may have answered before reading everything (413, say): read that.
        sent = request.size();
      }
    }
    char buffer[65536];
    const ssize_t n = ::recv(socket.get(), buffer, sizeof buffer, 0);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) continue;
    if (n < 0)
      return fail("connection to " + url->authority + " failed: " + detail::errno_text(errno));
    received.append(buffer, static_cast<std::size_t>(n));
    if (received.size() > detail::max_response_bytes)
      return fail("response larger than " + std::to_string(detail::max_response_bytes) + " bytes");
    const auto state = detail::parse_response(received, n == 0, response);
    if (state == detail::parse_state::invalid) return fail("not an HTTP response");
    if (state == detail::parse_state::complete) break;
  }

  detail::tail_buffer tail(opts.tail_bytes);
  tail.append(response.body);
  if (const std::string* error = response.header("X-Amz-Function-Error")) {
    return fail("function error " + *error + " (HTTP " + std::to_string(response.status) + ")",
                tail.text());
  }
  if (response.status / 100 != 2)
    return fail("HTTP " + std::to_string(response.status), tail.text());
  return detail::finished(outcome::succeeded, start, {});
}

/// Invokes one step of `f` (`invoke_exec` or `invoke_lambda`).
[[nodiscard]] inline invocation invoke(const target& f, std::string_view event, const options& opts,
                                       const cancellation* cancel = nullptr) {
  if (const auto* e = std::get_if<exec_function>(&f)) return invoke_exec(*e, event, opts, cancel);
  return invoke_lambda(std::get<lambda_function>(f), event, opts, cancel);
}

/// The log line of one step, without a newline:
/// `rotation <secret name> <Step> <outcome> <N>ms[ reason="…"][ output="…"]`, the quoted parts
/// JSON-escaped so the line stays one line. Never a value: the event has none, and the output
/// tail is the function's own standard error or error payload.
[[nodiscard]] inline std::string log_line(std::string_view secret_name, step s,
                                          const invocation& result) {
  std::string out = "rotation ";
  out.append(secret_name);
  out += ' ';
  out.append(step_name(s));
  out += ' ';
  out.append(outcome_name(result.outcome));
  out += ' ' + std::to_string(result.duration.count()) + "ms";
  if (!result.reason.empty()) {
    out += " reason=";
    secretstage::detail::json::append_string(out, result.reason);
  }
  if (!result.output_tail.empty()) {
    out += " output=";
    secretstage::detail::json::append_string(out, result.output_tail);
  }
  return out;
}

}  // namespace secretstage::invoker

#endif  // SECRETSTAGE_ROTATION_INVOKER_HPP
