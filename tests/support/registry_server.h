// A real OCI registry on loopback for integration tests: Debian's
// docker-registry with filesystem storage in a scratch directory, on a free
// port of 127.0.0.1, and skopeo to push test images into it.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace sdme::test_support {

// Runs a program (no shell) and waits; returns its exit status (-1 if it
// could not run or was killed) and, in `*output`, what it wrote to stdout and
// stderr.
int run_program(const std::vector<std::string>& argv, std::string* output);

class RegistryServer {
 public:
  // `scratch_dir` holds the config, the storage and the log; it must exist.
  explicit RegistryServer(std::string scratch_dir) : scratch_dir_(std::move(scratch_dir)) {}
  RegistryServer(const RegistryServer&) = delete;
  RegistryServer& operator=(const RegistryServer&) = delete;
  ~RegistryServer() { stop(); }

  // Starts the registry and waits until GET /v2/ answers 200.
  bool start(std::string* err);
  void stop();

  // "127.0.0.1:PORT", as written in image references.
  std::string host() const { return "127.0.0.1:" + std::to_string(port_); }
  int port() const { return port_; }

  // Pushes the image TAG of the OCI layout `layout_dir` as NAME:TAG, with
  // skopeo over plain http.
  bool push_oci_layout(const std::string& layout_dir, const std::string& tag,
                       const std::string& name, std::string* err);

 private:
  std::string scratch_dir_;
  int port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace sdme::test_support
