// Proves the registry fixture the import tests rely on: a real
// docker-registry on loopback, an OCI layout built by hand, pushed with
// skopeo and read back with skopeo.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "helpers/import/oci_manifest.h"
#include "helpers/test_support.h"
#include "tests/support/oci_test_image.h"
#include "tests/support/registry_server.h"

namespace sdme {
namespace {

using test_support::RegistryServer;
using test_support::run_program;
using test_support::ScratchDirectory;

TEST(RegistryFixtureTest, PushesAHandBuiltImageThatReadsBackUnchanged) {
  ScratchDirectory scratch;
  RegistryServer registry(scratch.path());
  std::string err;
  ASSERT_TRUE(registry.start(&err)) << err;
  std::string architecture = host_oci_architecture();
  test_support::TestImage image =
      test_support::write_test_oci_layout(scratch.path() + "/layout", "v1", architecture);
  ASSERT_TRUE(registry.push_oci_layout(scratch.path() + "/layout", "v1", "sdme/test", &err)) << err;

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
}  // namespace sdme
