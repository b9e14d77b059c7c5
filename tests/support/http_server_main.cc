// sdme-test-http-server: serves a directory on 127.0.0.1 for the shell-driven
// tests (a tarball for a test host to import), until SIGTERM or SIGINT.
//   sdme-test-http-server --root DIR --port-file FILE [--port N]
// The port is written to FILE (atomically, by rename) once the server
// listens, so a script can wait for the file instead of guessing a port.
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "common/atomic_file.h"
#include "tests/support/http_server.h"

int main(int argc, char** argv) {
  std::string root, port_file;
  long port = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string option = argv[i];
    if (option == "--root") {
      root = argv[i + 1];
    } else if (option == "--port-file") {
      port_file = argv[i + 1];
    } else if (option == "--port") {
      char* end = nullptr;
      port = std::strtol(argv[i + 1], &end, 10);
      if (*end != '\0' || port < 0 || port > 65535) root.clear();
    } else {
      root.clear();
      break;
    }
  }
  if (root.empty() || port_file.empty() || argc % 2 != 1) {
    std::fprintf(stderr, "usage: sdme-test-http-server --root DIR --port-file FILE [--port N]\n");
    return 2;
  }

  // Blocked before any thread starts, so only sigwait() below sees them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  sdme::test_support::TestHttpServer server(root);
  std::string err;
  if (!server.start(&err, static_cast<uint16_t>(port))) {
    std::fprintf(stderr, "sdme-test-http-server: %s\n", err.c_str());
    return 1;
  }
  if (!sdme::write_file_atomically(port_file, std::to_string(server.port()) + "\n", 0644, &err)) {
    std::fprintf(stderr, "sdme-test-http-server: %s\n", err.c_str());
    return 1;
  }
  int received = 0;
  sigwait(&signals, &received);
  server.stop();
  return 0;
}
