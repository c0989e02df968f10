// rotation_invoker.hpp: the event, the function specs, exec: functions and the Lambda Invoke API
// against tests/invoker/lambda_endpoint.py (run with /usr/bin/python3 on a free port).

#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <doctest/doctest.h>

#include <secretstage/rotation_invoker.hpp>

#ifndef SECRETSTAGE_INVOKER_TEST_DIR
#error "SECRETSTAGE_INVOKER_TEST_DIR must name tests/invoker (the build files define it)"
#endif

namespace inv = secretstage::invoker;
using namespace std::chrono_literals;

namespace {

constexpr std::string_view arn =
    "arn:aws:secretsmanager:us-east-1:123456789012:secret:app/db-AbCdEf";
constexpr std::string_view token = "11111111-2222-4333-8444-555555555555";
constexpr std::string_view rotation_token = "rotation-token-0001";

std::string event_of(inv::step s = inv::step::create_secret) {
  return inv::event_json(s, arn, token, rotation_token);
}

inv::options quick(std::chrono::milliseconds timeout = 10s) {
  inv::options o;
  o.timeout = timeout;
  o.kill_grace = 300ms;
  o.secrets_manager_endpoint = "http://127.0.0.1:4566";
  o.region = "eu-west-3";
  return o;
}

inv::invocation run(const std::string& command, const inv::options& o = quick(),
                    std::string_view event = {}) {
  const std::string fallback = event_of();
  return inv::invoke(inv::exec_function{command}, event.empty() ? fallback : event, o);
}

/// A directory removed with its files at the end of the test.
struct temp_dir {
  std::string path;
  temp_dir() {
    char pattern[] = "/tmp/secretstage-invoker-XXXXXX";
    REQUIRE(::mkdtemp(pattern) != nullptr);
    path = pattern;
  }
  ~temp_dir() { std::system(("rm -rf '" + path + "'").c_str()); }
  [[nodiscard]] std::string file(std::string_view name) const {
    return path + '/' + std::string(name);
  }
};

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// The descriptors of this process (from /proc/self/fd), and which of them a child inherits.
std::set<int> open_fds(bool inheritable_only) {
  std::set<int> out;
  DIR* dir = ::opendir("/proc/self/fd");
  REQUIRE(dir != nullptr);
  const int own = ::dirfd(dir);
  while (const dirent* entry = ::readdir(dir)) {
    if (entry->d_name[0] == '.') continue;
    const int fd = std::atoi(entry->d_name);
    if (fd == own) continue;
    if (inheritable_only && (::fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0) continue;
    out.insert(fd);
  }
  ::closedir(dir);
  return out;
}

/// The live (not zombie) processes whose parent is this process, plus the zombies among them.
struct children {
  int alive = 0;
  int zombies = 0;
};
children children_of_this_process() {
  children out;
  DIR* dir = ::opendir("/proc");
  REQUIRE(dir != nullptr);
  const std::string self = std::to_string(::getpid());
  while (const dirent* entry = ::readdir(dir)) {
    if (entry->d_name[0] < '0' || entry->d_name[0] > '9') continue;
    const std::string stat = read_file(std::string("/proc/") + entry->d_name + "/stat");
    const auto close = stat.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream fields(stat.substr(close + 2));
    std::string state, parent;
    fields >> state >> parent;
    if (parent != self) continue;
    (state == "Z" ? out.zombies : out.alive) += 1;
  }
  ::closedir(dir);
  return out;
}

/// Whether `pid` is gone (or a zombie nobody has reaped yet), waiting up to 5 s.
bool process_ends(pid_t pid) {
  for (int i = 0; i < 500; ++i) {
    if (::kill(pid, 0) != 0) return true;
    const std::string stat = read_file("/proc/" + std::to_string(pid) + "/stat");
    const auto close = stat.rfind(')');
    if (close != std::string::npos && stat.substr(close + 2, 1) == "Z") return true;
    std::this_thread::sleep_for(10ms);
  }
  return false;
}

std::chrono::milliseconds elapsed_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                               start);
}

}  // namespace

// ---- the event, specs, URLs --------------------------------------------------------------

TEST_CASE("the event has AWS's four members and no value") {
  CHECK(inv::event_json(inv::step::create_secret, arn, token, rotation_token) ==
        R"({"Step":"createSecret","SecretId":")" + std::string(arn) +
            R"(","ClientRequestToken":")" + std::string(token) + R"(","RotationToken":")" +
            std::string(rotation_token) + R"("})");
  CHECK(inv::step_name(inv::step::set_secret) == "setSecret");
  CHECK(inv::step_name(inv::step::test_secret) == "testSecret");
  CHECK(inv::step_name(inv::step::finish_secret) == "finishSecret");
  // Escaped as JSON, whatever the token holds.
  CHECK(
      inv::event_json(inv::step::finish_secret, "a\"b", "t\\", "\n") ==
      R"({"Step":"finishSecret","SecretId":"a\"b","ClientRequestToken":"t\\","RotationToken":"\n"})");
}

TEST_CASE("function specs: exec: and http://, nothing else") {
  const auto exec = inv::parse_function_spec("arn:aws:lambda:us-east-1:1:function:f=exec:a=b, c");
  REQUIRE(exec);
  CHECK(exec->arn == "arn:aws:lambda:us-east-1:1:function:f");
  CHECK(exec->target == inv::target{inv::exec_function{"a=b, c"}});
  const auto http =
      inv::parse_function_spec("f=http://localhost:9000/2015-03-31/functions/function/invocations");
  REQUIRE(http);
  CHECK(http->target == inv::target{inv::lambda_function{
                            "http://localhost:9000/2015-03-31/functions/function/invocations"}});
  for (std::string_view bad :
       {"", "=exec:x", "f", "f=exec:", "f=remove-pending", "f=keep-pending,value=x",
        "f=https://host/x", "f=http://", "f=http://user@host/", "f=http://host:0/",
        "f=http://host:70000/", "f=http://host:x/", "f=http://ho st/", "f=http://host/#frag"}) {
    CAPTURE(bad);
    CHECK_FALSE(inv::parse_function_spec(bad));
  }
}

TEST_CASE("http URLs are taken apart for the request line and the Host header") {
  const auto a = inv::parse_http_url("http://127.0.0.1:3001/2015-03-31/functions/f/invocations");
  REQUIRE(a);
  CHECK(a->host == "127.0.0.1");
  CHECK(a->port == "3001");
  CHECK(a->authority == "127.0.0.1:3001");
  CHECK(a->target == "/2015-03-31/functions/f/invocations");
  const auto b = inv::parse_http_url("http://[::1]:8080?x=1");
  REQUIRE(b);
  CHECK(b->host == "::1");
  CHECK(b->port == "8080");
  CHECK(b->target == "/?x=1");
  const auto c = inv::parse_http_url("http://localhost");
  REQUIRE(c);
  CHECK(c->port == "80");
  CHECK(c->target == "/");
  CHECK_FALSE(inv::parse_http_url("http://[::1"));
  CHECK_FALSE(inv::parse_http_url("http://a:b:c/"));
}

TEST_CASE("a Lambda endpoint gets the function name from the ARN") {
  CHECK(inv::lambda_function_name("arn:aws:lambda:us-east-1:123456789012:function:my-fn") ==
        "my-fn");
  CHECK(inv::lambda_function_name("arn:aws:lambda:us-east-1:123456789012:function:my-fn:live") ==
        "my-fn");
  CHECK(inv::lambda_function_name("123456789012:function:my_fn") == "my_fn");
  CHECK(inv::lambda_function_name("MyFunction") == "MyFunction");
  CHECK(inv::lambda_function_name("MyFunction:3") == "MyFunction");
  CHECK_FALSE(inv::lambda_function_name(""));
  CHECK_FALSE(inv::lambda_function_name("arn:aws:sqs:us-east-1:123456789012:queue"));
  CHECK_FALSE(inv::lambda_function_name("bad/name"));
  CHECK_FALSE(inv::lambda_function_name(std::string(65, 'f')));
  CHECK(inv::lambda_invocation_url("http://127.0.0.1:3001/",
                                   "arn:aws:lambda:us-east-1:123456789012:function:rotate") ==
        "http://127.0.0.1:3001/2015-03-31/functions/rotate/invocations");
  CHECK(inv::lambda_invocation_url("http://localstack:4566", "rotate") ==
        "http://localstack:4566/2015-03-31/functions/rotate/invocations");
  CHECK_FALSE(inv::lambda_invocation_url("https://lambda.us-east-1.amazonaws.com", "rotate"));
  CHECK_FALSE(inv::lambda_invocation_url("http://127.0.0.1:3001/?x=1", "rotate"));
  CHECK_FALSE(inv::lambda_invocation_url("http://127.0.0.1:3001", "arn:aws:s3:::bucket"));
}

TEST_CASE("the function's environment: endpoint and Region set, credentials only if none") {
  inv::options o = quick();
  const std::vector<std::string> bare = {"PATH=/usr/bin", "AWS_REGION=us-west-2", "EMPTY="};
  const auto env = inv::function_environment(bare, o);
  const std::vector<std::string> expected = {
      "PATH=/usr/bin",
      "EMPTY=",
      "SECRETS_MANAGER_ENDPOINT=http://127.0.0.1:4566",
      "AWS_ENDPOINT_URL_SECRETS_MANAGER=http://127.0.0.1:4566",
      "AWS_REGION=eu-west-3",
      "AWS_DEFAULT_REGION=eu-west-3",
      "AWS_ACCESS_KEY_ID=secretstage",
      "AWS_SECRET_ACCESS_KEY=secretstage"};
  CHECK(env == expected);
  for (std::string_view existing : {"AWS_ACCESS_KEY_ID=AKIAREAL", "AWS_PROFILE=dev"}) {
    const auto with = inv::function_environment({std::string(existing)}, o);
    CHECK(with.front() == existing);
    CHECK(with.size() == 5);  // the four added, no dummy credentials
  }
  o.region.clear();
  o.secrets_manager_endpoint.clear();
  CHECK(inv::function_environment({"AWS_REGION=us-west-2", "AWS_SESSION_TOKEN=t"}, o) ==
        std::vector<std::string>{"AWS_REGION=us-west-2", "AWS_SESSION_TOKEN=t"});
}

TEST_CASE("the log line: name, step, outcome, duration - reason and output escaped") {
  inv::invocation ok{inv::outcome::succeeded, 42ms, {}, {}};
  CHECK(inv::log_line("app/db", inv::step::set_secret, ok) ==
        "rotation app/db setSecret succeeded 42ms");
  inv::invocation failed{inv::outcome::failed, 7ms, "exit status 1", "Traceback\n  \"x\"\n"};
  CHECK(
      inv::log_line("app/db", inv::step::test_secret, failed) ==
      R"(rotation app/db testSecret failed 7ms reason="exit status 1" output="Traceback\n  \"x\"\n")");
  CHECK(inv::outcome_name(inv::outcome::timed_out) == "timed-out");
  CHECK(inv::outcome_name(inv::outcome::cancelled) == "cancelled");
}

TEST_CASE("output tails are bounded and start at a line") {
  inv::detail::tail_buffer short_one(16);
  short_one.append("abc");
  short_one.append("def\n");
  CHECK(short_one.text() == "abcdef\n");
  inv::detail::tail_buffer lines(20);
  for (int i = 0; i < 1000; ++i) lines.append("line " + std::to_string(i) + "\n");
  CHECK(lines.text() == "line 998\nline 999\n");
  inv::detail::tail_buffer one_line(3);
  one_line.append("xx\xC3\xA9\xC3\xA9");  // "xxéé": the cut falls inside the first é
  CHECK(one_line.text() == "\xC3\xA9");
}

TEST_CASE("HTTP responses: Content-Length, chunked, until close - incomplete and invalid") {
  using inv::detail::parse_state;
  inv::detail::http_response r;
  CHECK(inv::detail::parse_response("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nnu", false, r) ==
        parse_state::incomplete);
  CHECK(inv::detail::parse_response("HTTP/1.1 200 OK\r\ncontent-length: 4\r\n\r\nnull", false, r) ==
        parse_state::complete);
  CHECK(r.body == "null");
  CHECK(inv::detail::parse_response(
            "HTTP/1.1 200 OK\r\nX-Amz-Function-Error:  Unhandled \r\n"
            "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n",
            false, r) == parse_state::complete);
  CHECK(r.body == "abcde");
  REQUIRE(r.header("x-amz-function-error") != nullptr);
  CHECK(*r.header("x-amz-function-error") == "Unhandled");
  CHECK(inv::detail::parse_response("HTTP/1.0 500 Oops\r\n\r\nall of it", false, r) ==
        parse_state::incomplete);
  CHECK(inv::detail::parse_response("HTTP/1.0 500 Oops\r\n\r\nall of it", true, r) ==
        parse_state::complete);
  CHECK(r.status == 500);
  CHECK(r.body == "all of it");
  CHECK(inv::detail::parse_response(
            "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n",
            false, r) == parse_state::complete);
  CHECK(r.status == 202);
  CHECK(inv::detail::parse_response("SSH-2.0-OpenSSH\r\n\r\n", true, r) == parse_state::invalid);
  CHECK(inv::detail::parse_response("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nshort", true, r) ==
        parse_state::invalid);
  CHECK(inv::detail::parse_response("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
                                    false, r) == parse_state::invalid);
}

// ---- exec: -------------------------------------------------------------------------------------

TEST_CASE("exec: exit status 0 succeeds") {
  const auto result = run("cat >/dev/null; echo to stdout");
  CHECK(result.outcome == inv::outcome::succeeded);
  CHECK(result.reason.empty());
  CHECK(result.output_tail.empty());
}

TEST_CASE("exec: a non-zero exit fails with the tail of standard error") {
  const auto result = run("echo first >&2; echo 'last line' >&2; exit 3");
  CHECK(result.outcome == inv::outcome::failed);
  CHECK(result.reason == "exit status 3");
  CHECK(result.output_tail == "first\nlast line\n");
  const auto long_one =
      run("i=0; while [ $i -lt 2000 ]; do echo \"noise line $i\" >&2; i=$((i+1)); done;"
          "echo 'Traceback: the end' >&2; exit 1");
  CHECK(long_one.reason == "exit status 1");
  CHECK(long_one.output_tail.size() <= 4096);
  CHECK(long_one.output_tail.size() > 4000);
  CHECK(long_one.output_tail.rfind("noise line ", 0) == 0);
  CHECK(long_one.output_tail.find("Traceback: the end\n") + 19 == long_one.output_tail.size());
  const auto signalled = run("kill -9 $$");
  CHECK(signalled.outcome == inv::outcome::failed);
  CHECK(signalled.reason == "terminated by signal 9");
}

TEST_CASE("exec: a process that ignores SIGCHLD loses exit statuses: the step fails") {
  ::signal(SIGCHLD, SIG_IGN);
  const auto result = run("exit 3");
  ::signal(SIGCHLD, SIG_DFL);
  CHECK(result.outcome == inv::outcome::failed);
  CHECK(result.reason.rfind("cannot read the exit status: ", 0) == 0);
}

TEST_CASE("exec: standard input is exactly the event, then end of file") {
  const temp_dir dir;
  for (inv::step s : {inv::step::create_secret, inv::step::finish_secret}) {
    const auto result = run("cat > '" + dir.file("event") + "'", quick(), event_of(s));
    REQUIRE(result.outcome == inv::outcome::succeeded);
    CHECK(read_file(dir.file("event")) == event_of(s));
  }
  // A function that never reads its input still succeeds (EPIPE, no SIGPIPE).
  const std::string big(1 << 20, 'e');
  CHECK(run("exit 0", quick(), big).outcome == inv::outcome::succeeded);
}

TEST_CASE("exec: the environment has the endpoint, the Region and credentials") {
  const temp_dir dir;
  const std::string dump = "env > '" + dir.file("env") + "'";
  auto lines_of = [&] {
    std::set<std::string> lines;
    std::istringstream in(read_file(dir.file("env")));
    for (std::string line; std::getline(in, line);) lines.insert(line);
    return lines;
  };
  inv::options o = quick();
  const std::vector<std::string> base = {"PATH=/usr/bin:/bin", "AWS_ACCESS_KEY_ID=AKIAREAL",
                                         "AWS_SECRET_ACCESS_KEY=real-secret",
                                         "AWS_REGION=us-west-2"};
  o.base_environment = &base;
  REQUIRE(run(dump, o).outcome == inv::outcome::succeeded);
  auto env = lines_of();
  CHECK(env.count("SECRETS_MANAGER_ENDPOINT=http://127.0.0.1:4566") == 1);
  CHECK(env.count("AWS_ENDPOINT_URL_SECRETS_MANAGER=http://127.0.0.1:4566") == 1);
  CHECK(env.count("AWS_REGION=eu-west-3") == 1);
  CHECK(env.count("AWS_DEFAULT_REGION=eu-west-3") == 1);
  CHECK(env.count("AWS_ACCESS_KEY_ID=AKIAREAL") == 1);
  CHECK(env.count("AWS_SECRET_ACCESS_KEY=real-secret") == 1);
  CHECK(env.count("AWS_REGION=us-west-2") == 0);

  // This process's environment by default; dummy credentials when it has none.
  ::unsetenv("AWS_ACCESS_KEY_ID");
  ::unsetenv("AWS_SECRET_ACCESS_KEY");
  ::unsetenv("AWS_SESSION_TOKEN");
  ::unsetenv("AWS_PROFILE");
  ::setenv("SECRETSTAGE_INVOKER_MARKER", "inherited", 1);
  REQUIRE(run(dump).outcome == inv::outcome::succeeded);
  env = lines_of();
  CHECK(env.count("SECRETSTAGE_INVOKER_MARKER=inherited") == 1);
  CHECK(env.count("AWS_ACCESS_KEY_ID=secretstage") == 1);
  CHECK(env.count("AWS_SECRET_ACCESS_KEY=secretstage") == 1);
}

TEST_CASE("exec: a command that hangs is killed at its timeout, children included") {
  const temp_dir dir;
  const std::string pid_file = dir.file("pid");
  auto start = std::chrono::steady_clock::now();
  const auto result = run("sleep 30 & echo $! > '" + pid_file + "'; sleep 30", quick(300ms));
  CHECK(result.outcome == inv::outcome::timed_out);
  CHECK(result.reason == "timed out after 300 ms");
  CHECK(elapsed_since(start) >= 300ms);
  CHECK(elapsed_since(start) < 3s);
  const pid_t grandchild = std::atoi(read_file(pid_file).c_str());
  REQUIRE(grandchild > 0);
  CHECK(process_ends(grandchild));

  // SIGTERM ignored: SIGKILL after the grace period.
  start = std::chrono::steady_clock::now();
  const auto stubborn = run("trap '' TERM; sleep 30", quick(300ms));
  CHECK(stubborn.outcome == inv::outcome::timed_out);
  CHECK(elapsed_since(start) >= 600ms);  // timeout + kill_grace
  CHECK(elapsed_since(start) < 4s);
  CHECK(children_of_this_process().alive == 0);
  CHECK(children_of_this_process().zombies == 0);
}

TEST_CASE("exec: what a successful command leaves in its process group is killed") {
  const temp_dir dir;
  const std::string pid_file = dir.file("pid");
  const auto result = run("sleep 30 & echo $! > '" + pid_file + "'; exit 0");
  CHECK(result.outcome == inv::outcome::succeeded);
  const pid_t left = std::atoi(read_file(pid_file).c_str());
  REQUIRE(left > 0);
  CHECK(process_ends(left));
}

TEST_CASE("exec: megabytes on stdout and stderr while stdin is written do not deadlock") {
  const std::string event(1000000, 'x');
  const auto start = std::chrono::steady_clock::now();
  const auto result =
      run("head -c 4000000 /dev/zero; head -c 4000000 /dev/zero >&2;"
          "n=$(wc -c); echo \"read $n bytes\" >&2",
          quick(30s), event);
  CHECK(result.outcome == inv::outcome::succeeded);
  CHECK(result.output_tail.size() <= 4096);
  const std::string last = "read 1000000 bytes\n";
  REQUIRE(result.output_tail.size() >= last.size());
  CHECK(result.output_tail.substr(result.output_tail.size() - last.size()) == last);
  CHECK(elapsed_since(start) < 20s);
}

TEST_CASE("exec: 8 threads at once, no pipe leaks into another's child, no zombie") {
  const std::set<int> fds_before = open_fds(false);
  const std::set<int> inheritable = open_fds(true);
  constexpr int threads = 8;
  constexpr int rounds = 12;
  std::vector<std::string> failures[threads];
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([t, &failures, &inheritable] {
      for (int r = 0; r < rounds; ++r) {
        const std::string token_here =
            "thread-" + std::to_string(t) + "-round-" + std::to_string(r);
        const std::string event = inv::event_json(inv::step::test_secret, arn, token_here, "rt");
        // Echo the event back, then list the shell's open descriptors. `exec 1>&2` leaves no
        // saved copy of fd 1 open, and the glob's own directory descriptor is closed by the
        // time `[ -e ]` looks.
        const auto result =
            run("exec 1>&2; cat; echo; for f in /proc/$$/fd/*; do [ -e \"$f\" ] && echo \"fd "
                "${f##*/}\"; done; true",
                quick(), event);
        std::istringstream lines(result.output_tail);
        std::string echoed;
        std::getline(lines, echoed);
        if (result.outcome != inv::outcome::succeeded || echoed != event)
          failures[t].push_back("round " + std::to_string(r) + ": " + result.reason);
        for (std::string line; std::getline(lines, line);) {
          const int fd = std::atoi(line.c_str() + 3);
          if (fd > 2 && inheritable.count(fd) == 0)
            failures[t].push_back("child inherited fd " + std::to_string(fd));
        }
      }
    });
  }
  for (auto& w : workers) w.join();
  for (const auto& f : failures) CHECK(f.empty());
  for (const auto& f : failures)
    for (const auto& line : f) MESSAGE(line);
  CHECK(open_fds(false) == fds_before);
  CHECK(children_of_this_process().alive == 0);
  CHECK(children_of_this_process().zombies == 0);
}

TEST_CASE("exec: a cancellation stops a running step at once") {
  inv::cancellation cancel;
  inv::invocation result;
  const auto start = std::chrono::steady_clock::now();
  std::thread worker([&] {
    result = inv::invoke(inv::exec_function{"sleep 30"}, event_of(), quick(60s), &cancel);
  });
  std::this_thread::sleep_for(200ms);
  CHECK_FALSE(cancel.requested());
  cancel.cancel();
  worker.join();
  CHECK(result.outcome == inv::outcome::cancelled);
  CHECK(result.reason == "cancelled");
  CHECK(elapsed_since(start) < 3s);
  // Already cancelled: the next step stops too.
  CHECK(inv::invoke(inv::exec_function{"sleep 30"}, event_of(), quick(60s), &cancel).outcome ==
        inv::outcome::cancelled);
  CHECK(children_of_this_process().alive == 0);
}

namespace {
inv::cancellation* cancelled_by_signal = nullptr;
extern "C" void cancel_on_signal(int) { cancelled_by_signal->cancel(); }
}  // namespace

TEST_CASE("exec: one cancellation, requested from a signal handler, stops every step at once") {
  inv::cancellation cancel;
  cancelled_by_signal = &cancel;
  struct sigaction action {};
  action.sa_handler = cancel_on_signal;
  sigemptyset(&action.sa_mask);
  struct sigaction old {};
  REQUIRE(::sigaction(SIGUSR1, &action, &old) == 0);
  const auto start = std::chrono::steady_clock::now();
  inv::invocation results[4];
  std::vector<std::thread> workers;
  for (auto& result : results) {
    workers.emplace_back([&] {
      result = inv::invoke(inv::exec_function{"sleep 30"}, event_of(), quick(60s), &cancel);
    });
  }
  std::this_thread::sleep_for(300ms);
  ::kill(::getpid(), SIGUSR1);  // delivered to any thread, as a server's SIGTERM would be
  for (auto& w : workers) w.join();
  ::sigaction(SIGUSR1, &old, nullptr);
  for (const auto& result : results) CHECK(result.outcome == inv::outcome::cancelled);
  CHECK(elapsed_since(start) < 3s);
  CHECK(children_of_this_process().alive == 0);
  CHECK(children_of_this_process().zombies == 0);
}

// ---- the Lambda Invoke API -------------------------------------------------------------------

namespace {

/// tests/invoker/lambda_endpoint.py on a free port of 127.0.0.1, stopped by its PID.
class lambda_endpoint {
 public:
  lambda_endpoint() {
    int out[2];
    REQUIRE(::pipe2(out, O_CLOEXEC) == 0);
    posix_spawn_file_actions_t files;
    ::posix_spawn_file_actions_init(&files);
    ::posix_spawn_file_actions_adddup2(&files, out[1], 1);
    std::string script = SECRETSTAGE_INVOKER_TEST_DIR "/lambda_endpoint.py";
    char python[] = "/usr/bin/python3";
    char* argv[] = {python, script.data(), nullptr};
    const int error = ::posix_spawn(&pid_, python, &files, nullptr, argv, environ);
    ::posix_spawn_file_actions_destroy(&files);
    ::close(out[1]);
    REQUIRE(error == 0);
    std::string line;
    char c = 0;
    while (::read(out[0], &c, 1) == 1 && c != '\n') line += c;
    ::close(out[0]);
    REQUIRE_MESSAGE(!line.empty(), "the endpoint did not print its port");
    base_ = "http://127.0.0.1:" + line;
  }
  lambda_endpoint(const lambda_endpoint&) = delete;
  lambda_endpoint& operator=(const lambda_endpoint&) = delete;
  ~lambda_endpoint() {
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
  [[nodiscard]] const std::string& base() const { return base_; }
  [[nodiscard]] inv::lambda_function function(std::string_view name) const {
    return inv::lambda_function{base_ + "/2015-03-31/functions/" + std::string(name) +
                                "/invocations"};
  }

 private:
  pid_t pid_ = -1;
  std::string base_;
};

}  // namespace

TEST_CASE("lambda: success, and the request the endpoint saw") {
  const lambda_endpoint endpoint;
  for (std::string_view name : {"ok", "chunked-ok"}) {
    CAPTURE(name);
    const auto ok = inv::invoke(endpoint.function(name), event_of(), quick());
    CHECK(ok.outcome == inv::outcome::succeeded);
    CHECK(ok.reason.empty());
  }
  // Through --lambda-endpoint: the function name from the ARN.
  const auto url = inv::lambda_invocation_url(endpoint.base(),
                                              "arn:aws:lambda:us-east-1:123456789012:function:ok");
  REQUIRE(url);
  CHECK(inv::invoke(inv::lambda_function{*url}, event_of(inv::step::set_secret), quick()).outcome ==
        inv::outcome::succeeded);

  const std::string event = event_of(inv::step::test_secret);
  const auto echo = inv::invoke(endpoint.function("echo"), event, quick());
  CHECK(echo.outcome == inv::outcome::failed);
  CHECK(echo.output_tail ==
        "method POST\n"
        "path /2015-03-31/functions/echo/invocations\n"
        "invocation-type RequestResponse\n"
        "content-type application/json\n"
        "content-length " +
            std::to_string(event.size()) + "\nbody " + event);
}

TEST_CASE("lambda: X-Amz-Function-Error and non-2xx statuses are failed steps") {
  const lambda_endpoint endpoint;
  for (std::string_view name : {"unhandled", "chunked-error"}) {
    CAPTURE(name);
    const auto r = inv::invoke(endpoint.function(name), event_of(inv::step::set_secret), quick());
    CHECK(r.outcome == inv::outcome::failed);
    CHECK(r.reason == "function error Unhandled (HTTP 200)");
    CHECK(r.output_tail ==
          R"({"errorMessage": "rotation failed at setSecret", "errorType": "ValueError"})");
  }
  const auto broken = inv::invoke(endpoint.function("broken"), event_of(), quick());
  CHECK(broken.outcome == inv::outcome::failed);
  CHECK(broken.reason == "HTTP 500");
  CHECK(broken.output_tail == R"({"Type": "User", "Message": "the endpoint broke"})");
  const auto missing = inv::invoke(endpoint.function("nobody"), event_of(), quick());
  CHECK(missing.reason == "HTTP 404");
  // The endpoint checks the body: anything but a rotation event is a 400.
  const auto not_event =
      inv::invoke(endpoint.function("ok"), R"({"Step":"createSecret"})", quick());
  CHECK(not_event.reason == "HTTP 400");
}

TEST_CASE("lambda: a slow answer times out - a cancellation stops the wait") {
  const lambda_endpoint endpoint;
  auto start = std::chrono::steady_clock::now();
  const auto slow = inv::invoke(endpoint.function("slow"), event_of(), quick(400ms));
  CHECK(slow.outcome == inv::outcome::timed_out);
  CHECK(slow.reason == "timed out after 400 ms");
  CHECK(elapsed_since(start) >= 400ms);
  CHECK(elapsed_since(start) < 3s);

  inv::cancellation cancel;
  inv::invocation result;
  start = std::chrono::steady_clock::now();
  std::thread worker(
      [&] { result = inv::invoke(endpoint.function("slow"), event_of(), quick(60s), &cancel); });
  std::this_thread::sleep_for(200ms);
  cancel.cancel();
  worker.join();
  CHECK(result.outcome == inv::outcome::cancelled);
  CHECK(elapsed_since(start) < 3s);
}

TEST_CASE("lambda: nobody listening is a failed step") {
  const int s = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(s >= 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(s, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  socklen_t size = sizeof address;
  REQUIRE(::getsockname(s, reinterpret_cast<sockaddr*>(&address), &size) == 0);
  ::close(s);  // bound, never listening, now closed: connections are refused
  const std::string url = "http://127.0.0.1:" + std::to_string(ntohs(address.sin_port)) +
                          "/2015-03-31/functions/f/invocations";
  const auto r = inv::invoke(inv::lambda_function{url}, event_of(), quick());
  CHECK(r.outcome == inv::outcome::failed);
  CHECK(r.reason.rfind("cannot connect to 127.0.0.1:", 0) == 0);
}

TEST_CASE("lambda: 8 threads at once") {
  const lambda_endpoint endpoint;
  const std::set<int> fds_before = open_fds(false);
  std::vector<std::thread> workers;
  int failures[8] = {};
  for (int t = 0; t < 8; ++t) {
    workers.emplace_back([&, t] {
      for (int r = 0; r < 10; ++r) {
        const std::string event = inv::event_json(
            inv::step::create_secret, arn, "t" + std::to_string(t) + "r" + std::to_string(r), "rt");
        const auto echo = inv::invoke(endpoint.function("echo"), event, quick());
        const std::string body = "\nbody " + event;
        const bool echoed = echo.output_tail.size() > body.size() &&
                            echo.output_tail.substr(echo.output_tail.size() - body.size()) == body;
        const auto ok = inv::invoke(endpoint.function("ok"), event, quick());
        if (!echoed || ok.outcome != inv::outcome::succeeded) ++failures[t];
      }
    });
  }
  for (auto& w : workers) w.join();
  for (int f : failures) CHECK(f == 0);
  CHECK(open_fds(false) == fds_before);
}
