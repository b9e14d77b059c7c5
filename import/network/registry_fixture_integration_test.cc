// Proves the registry fixture the import tests rely on (a real
// docker-registry on loopback, an OCI layout built by hand, pushed with
// skopeo and read back with skopeo), then pulls the image with sdme's own
// registry client over libcurl.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "import/formats/oci_manifest.h"
#include "import/formats/sha256.h"
#include "import/network/registry_client.h"
#include "import/network/registry_transport_curl.h"
#include "tests/support/oci_test_image.h"
#include "tests/support/registry_server.h"
#include "tests/support/test_support.h"

namespace sdme::import {
namespace {

using test_support::RegistryServer;
using test_support::run_program;
using test_support::ScratchDirectory;

// A registry on loopback holding the hand-built image as sdme/test:v1.
class PushedImageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(registry.start(&err)) << err;
    image = test_support::write_test_oci_layout(scratch.path() + "/layout", "v1", architecture);
    ASSERT_TRUE(registry.push_oci_layout(scratch.path() + "/layout", "v1", "sdme/test", &err))
        << err;
  }

  ScratchDirectory scratch;
  RegistryServer registry{scratch.path()};
  std::string err;
  std::string architecture = host_oci_architecture();
  test_support::TestImage image;
};

TEST_F(PushedImageTest, PushesAHandBuiltImageThatReadsBackUnchanged) {
  std::string reference = "docker://" + registry.host() + "/sdme/test:v1";
  std::string output;
  ASSERT_EQ(run_program({"/usr/bin/skopeo", "inspect", "--tls-verify=false", "--raw", reference},
                        &output),
            0)
      << output;
  // An OCI manifest goes to the registry as it is, byte for byte.
  EXPECT_EQ(output, image.manifest);

  ASSERT_EQ(run_program({"/usr/bin/skopeo", "inspect", "--tls-verify=false", reference}, &output),
            0)
      << output;
  auto inspected = nlohmann::json::parse(output, nullptr, false);
  ASSERT_TRUE(inspected.is_object()) << output;
  EXPECT_EQ(inspected.value("Digest", ""), image.manifest_digest);
  EXPECT_EQ(inspected.value("Architecture", ""), architecture.substr(0, architecture.find('/')));
  EXPECT_EQ(inspected.value("Os", ""), "linux");
  ASSERT_TRUE(inspected["Layers"].is_array());
  EXPECT_EQ(inspected["Layers"],
            nlohmann::json::array({image.layers[0].digest, image.layers[1].digest}));
}

TEST_F(PushedImageTest, PullsThePushedImageWithVerifiedLayers) {
  RegistryReference reference;
  ASSERT_TRUE(parse_registry_reference(registry.host() + "/sdme/test:v1", &reference, &err)) << err;
  EXPECT_EQ(reference.api_base_url, "http://" + registry.host());
  CurlRegistryTransport transport;
  RegistryImage pulled;
  ASSERT_TRUE(resolve_registry_image(transport, reference, architecture, &pulled, &err)) << err;
  ASSERT_EQ(pulled.layers.size(), 2u);
  EXPECT_EQ(pulled.authorization, "");  // this registry runs without auth
  EXPECT_EQ(pulled.config_text, image.config);
  EXPECT_EQ(pulled.config_digest, image.config_digest);
  EXPECT_EQ(pulled.config.cmd, (std::vector<std::string>{"/bin/sh"}));
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(pulled.layers[i].digest, image.layers[i].digest);
    EXPECT_EQ(pulled.layers[i].size, image.layers[i].content.size());
    std::unique_ptr<ByteSource> blob =
        open_registry_blob(transport, pulled, pulled.layers[i], &err);
    ASSERT_TRUE(blob) << err;
    std::string hex;
    ASSERT_TRUE(sha256_stream(*blob, &hex, &err)) << err;
    EXPECT_EQ("sha256:" + hex, image.layers[i].digest);
  }

  // By digest too, and a wrong platform and a missing tag with their messages.
  ASSERT_TRUE(parse_registry_reference(registry.host() + "/sdme/test@" + image.manifest_digest,
                                       &reference, &err));
  ASSERT_TRUE(resolve_registry_image(transport, reference, architecture, &pulled, &err)) << err;
  EXPECT_EQ(pulled.layers.size(), 2u);
  std::string other = architecture == "amd64" ? "arm64" : "amd64";
  EXPECT_FALSE(resolve_registry_image(transport, reference, other, &pulled, &err));
  EXPECT_EQ(err, "http://" + registry.host() + "/v2/sdme/test/blobs/" + image.config_digest +
                     ": the image is for linux/" + architecture + ", not linux/" + other);
  ASSERT_TRUE(parse_registry_reference(registry.host() + "/sdme/test:v2", &reference, &err));
  EXPECT_FALSE(resolve_registry_image(transport, reference, architecture, &pulled, &err));
  EXPECT_EQ(err, "image sdme/test:v2 not found in registry " + registry.host() +
                     " (check the name and tag)");
}

TEST(RegistryFixtureTest, AMissingTagIsReportedBySkopeo) {
  ScratchDirectory scratch;
  RegistryServer registry(scratch.path());
  std::string err;
  ASSERT_TRUE(registry.start(&err)) << err;
  std::string output;
  EXPECT_NE(run_program({"/usr/bin/skopeo", "inspect", "--tls-verify=false", "--raw",
                         "docker://" + registry.host() + "/sdme/none:v1"},
                        &output),
            0);
  EXPECT_NE(output.find("manifest unknown"), std::string::npos) << output;
}

}  // namespace
}  // namespace sdme::import
