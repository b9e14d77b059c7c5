// Tests for the curl transport's scheme rule: plain http only to loopback
// registries. Refused URLs fail before any connection is made.
#include "import/network/registry_transport_curl.h"

#include <gtest/gtest.h>

#include <string>

namespace sdme::import {
namespace {

TEST(CurlRegistryTransportTest, RefusesPlainHttpBeyondLoopback) {
  CurlRegistryTransport transport;
  RegistryResponse response;
  std::string err;
  EXPECT_FALSE(transport.get("http://10.0.0.1:5000/v2/", {}, &response, &err));
  EXPECT_EQ(err,
            "http://10.0.0.1:5000/v2/: registries are reached over https only (plain http only on "
            "loopback)");
  EXPECT_FALSE(
      transport.open("http://registry.example/v2/x/blobs/sha256:00?token=secret", {}, &err));
  EXPECT_EQ(err,
            "http://registry.example/v2/x/blobs/sha256:00?***: registries are reached over https "
            "only (plain http only on loopback)");
  EXPECT_FALSE(transport.get("ftp://127.0.0.1/v2/", {}, &response, &err));
  EXPECT_EQ(err,
            "ftp://127.0.0.1/v2/: registries are reached over https only (plain http only on "
            "loopback)");
}

TEST(CurlRegistryTransportTest, AllowsPlainHttpOnLoopback) {
  CurlRegistryTransport transport;
  RegistryResponse response;
  std::string err;
  // Nothing listens on port 1: the request is made and fails to connect,
  // which shows the scheme check let it through.
  EXPECT_FALSE(transport.get("http://127.0.0.1:1/v2/", {}, &response, &err));
  EXPECT_EQ(err.find("registries are reached over https only"), std::string::npos) << err;
  EXPECT_NE(err, "");
}

}  // namespace
}  // namespace sdme::import
