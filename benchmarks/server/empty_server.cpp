// The ceiling of the HTTP layer (issue 5, item 8): a cpp-httplib server configured exactly like
// secretstage-server (127.0.0.1, TCP_NODELAY, same timeouts) whose handler only answers `{}`.
// benchmarks/server.sh drives it with the same wrk script as the real server.
//
//   secretstage-empty-server [--port N]     first stdout line: listening on http://127.0.0.1:<port>

#include <csignal>
#include <cstdlib>
#include <iostream>
#include <string>
#include <string_view>
#include <thread>

#include <httplib.h>

int main(int argc, char** argv) {
  int port = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--port" && i + 1 < argc) {
      port = std::atoi(argv[++i]);
    } else {
      std::cerr << "usage: secretstage-empty-server [--port N]\n";
      return 2;
    }
  }
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);

  httplib::Server server;
  server.set_tcp_nodelay(true);
  server.set_read_timeout(10, 0);
  server.set_write_timeout(10, 0);
  server.set_keep_alive_max_count(10'000);
  server.Post("/", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("{}", "application/x-amz-json-1.1");
  });
  const int bound = port == 0 ? server.bind_to_any_port("127.0.0.1")
                              : (server.bind_to_port("127.0.0.1", port) ? port : -1);
  if (bound < 0) return 1;
  std::thread waiter([&] {
    int signal = 0;
    sigwait(&stop, &signal);
    while (!server.is_running()) std::this_thread::yield();
    server.stop();
  });
  std::cout << "listening on http://127.0.0.1:" << bound << std::endl;
  server.listen_after_bind();
  waiter.join();
  return 0;
}
