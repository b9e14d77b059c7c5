// The registry client's transport over sdme's libcurl client: whole
// responses for manifests, configs and tokens, streams for layer blobs.
// Plain http is allowed only to loopback hosts; everything else is https.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "import/network/registry_client.h"

namespace sdme::import {

class CurlRegistryTransport : public RegistryTransport {
 public:
  // `cancel`, when given, stops transfers when it becomes true.
  explicit CurlRegistryTransport(const std::atomic<bool>* cancel = nullptr) : cancel_(cancel) {}

  bool get(const std::string& url, const std::vector<std::string>& headers,
           RegistryResponse* response, std::string* err) override;
  std::unique_ptr<ByteSource> open(const std::string& url, const std::vector<std::string>& headers,
                                   std::string* err) override;

 private:
  const std::atomic<bool>* cancel_;
};

}  // namespace sdme::import
