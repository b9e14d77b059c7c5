// Tests for sdme-import's command line: both forms, every option, and each
// usage error word for word.
#include "import/import_command_line.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sdme::import {
namespace {

constexpr char kChecksum[] =
    "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

std::string usage_error(const std::vector<std::string>& arguments) {
  ImportCommand command;
  std::string err;
  EXPECT_FALSE(parse_import_command_line(arguments, &command, &err));
  return err;
}

ImportCommand parse(const std::vector<std::string>& arguments) {
  ImportCommand command;
  std::string err;
  EXPECT_TRUE(parse_import_command_line(arguments, &command, &err)) << err;
  return command;
}

TEST(ImportCommandLineTest, SourceAndNameAloneTakeTheDefaults) {
  ImportCommand command = parse({"/srv/tree", "debian"});
  EXPECT_FALSE(command.help);
  EXPECT_EQ(command.unit_rootfs, "");
  EXPECT_EQ(command.request.source, "/srv/tree");
  EXPECT_EQ(command.request.rootfs, "debian");
  EXPECT_EQ(command.request.checksum, "");
  EXPECT_EQ(command.request.install_packages, InstallPackages::kAuto);
  // By hand the tree is assumed to be booted, as most containers do.
  EXPECT_TRUE(command.request.boot);
  EXPECT_EQ(command.request.max_size, 0u);
  EXPECT_EQ(command.request.origin, "");
  EXPECT_EQ(command.architecture, "");
}

TEST(ImportCommandLineTest, ParsesEveryOption) {
  ImportCommand command =
      parse({"--checksum=SHA256:0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef",
             "--install-packages=yes", "--no-boot", "--max-size=1.5G", "--architecture=arm64",
             "https://example.com/rootfs.tar.zst", "web"});
  EXPECT_EQ(command.request.checksum, kChecksum);
  EXPECT_EQ(command.request.install_packages, InstallPackages::kYes);
  EXPECT_FALSE(command.request.boot);
  EXPECT_EQ(command.request.max_size, 1536u * 1024 * 1024);
  EXPECT_EQ(command.architecture, "arm64");
  EXPECT_EQ(command.request.source, "https://example.com/rootfs.tar.zst");
  EXPECT_EQ(command.request.rootfs, "web");
}

TEST(ImportCommandLineTest, OptionsMayFollowThePositionalArguments) {
  ImportCommand command = parse(
      {"docker.io/library/debian:12", "debian", "--install-packages=no", "--no-boot", "--boot"});
  EXPECT_EQ(command.request.source, "docker.io/library/debian:12");
  EXPECT_EQ(command.request.install_packages, InstallPackages::kNo);
  // The last of --boot and --no-boot wins.
  EXPECT_TRUE(command.request.boot);
}

TEST(ImportCommandLineTest, InstallPackagesTakesAutoAndBooleans) {
  EXPECT_EQ(parse({"--install-packages=auto", "a", "b"}).request.install_packages,
            InstallPackages::kAuto);
  EXPECT_EQ(parse({"--install-packages=true", "a", "b"}).request.install_packages,
            InstallPackages::kYes);
  EXPECT_EQ(parse({"--install-packages=0", "a", "b"}).request.install_packages,
            InstallPackages::kNo);
}

TEST(ImportCommandLineTest, DoubleDashEndsTheOptions) {
  ImportCommand command = parse({"--no-boot", "--", "-tree", "name"});
  EXPECT_EQ(command.request.source, "-tree");
  EXPECT_EQ(command.request.rootfs, "name");
  EXPECT_FALSE(command.request.boot);
}

TEST(ImportCommandLineTest, UnitFormTakesOnlyTheName) {
  ImportCommand command = parse({"--unit=debian-12"});
  EXPECT_EQ(command.unit_rootfs, "debian-12");
  EXPECT_EQ(command.request.source, "");
}

TEST(ImportCommandLineTest, HelpInBothSpellings) {
  EXPECT_TRUE(parse({"-h"}).help);
  EXPECT_TRUE(parse({"--help"}).help);
  // Help wins over whatever follows, even arguments that would not parse.
  EXPECT_TRUE(parse({"source", "--help", "--bogus"}).help);
  EXPECT_FALSE(parse({"source", "name"}).help);
  EXPECT_EQ(import_usage().substr(0, 42), "Usage: sdme-import [OPTIONS] SOURCE NAME\n ");
}

TEST(ImportCommandLineTest, RefusesUnknownOptions) {
  EXPECT_EQ(usage_error({"--bogus", "a", "b"}), "unknown option '--bogus'");
  EXPECT_EQ(usage_error({"--bogus=1", "a", "b"}), "unknown option '--bogus'");
  EXPECT_EQ(usage_error({"-x", "a", "b"}), "unknown option '-x'");
}

TEST(ImportCommandLineTest, RefusesOptionsWithoutTheirValue) {
  for (const char* option :
       {"--checksum", "--install-packages", "--max-size", "--architecture", "--unit"}) {
    std::string expected = std::string("option ") + option + " needs a value: " + option + "=VALUE";
    EXPECT_EQ(usage_error({option, "a", "b"}), expected);
    EXPECT_EQ(usage_error({std::string(option) + "=", "a", "b"}), expected);
  }
}

TEST(ImportCommandLineTest, RefusesValuesOnFlags) {
  EXPECT_EQ(usage_error({"--boot=yes", "a", "b"}), "option --boot takes no value");
  EXPECT_EQ(usage_error({"--no-boot=1", "a", "b"}), "option --no-boot takes no value");
  EXPECT_EQ(usage_error({"--help=me"}), "option --help takes no value");
}

TEST(ImportCommandLineTest, UnitFormRefusesOtherArguments) {
  const std::string expected =
      "--unit=NAME takes no other arguments; its settings come from the .sdme file";
  EXPECT_EQ(usage_error({"--unit=debian", "source"}), expected);
  EXPECT_EQ(usage_error({"--unit=debian", "--no-boot"}), expected);
  EXPECT_EQ(usage_error({"--unit=debian", "--unit=debian"}), expected);
  EXPECT_EQ(usage_error({"--unit=../etc"}),
            "rootfs name '../etc' must start with a letter or digit");
}

TEST(ImportCommandLineTest, RefusesTheWrongNumberOfPositionalArguments) {
  EXPECT_EQ(usage_error({}), "expected SOURCE and NAME");
  EXPECT_EQ(usage_error({"source"}), "expected SOURCE and NAME");
  EXPECT_EQ(usage_error({"a", "b", "c"}), "too many arguments, expected SOURCE and NAME");
}

TEST(ImportCommandLineTest, RefusesABadRootfsName) {
  EXPECT_EQ(usage_error({"source", "a/b"}),
            "rootfs name 'a/b' may contain only letters, digits, '-' and '.'");
  EXPECT_EQ(usage_error({"source", "-", "--"}),
            "rootfs name '-' must start with a letter or digit");
  EXPECT_EQ(usage_error({"source", ""}), "rootfs name is empty");
}

TEST(ImportCommandLineTest, RefusesABadChecksum) {
  EXPECT_EQ(usage_error({"--checksum=md5:abc", "a", "b"}),
            "invalid checksum \"md5:abc\": expected sha256: followed by 64 hexadecimal digits");
  EXPECT_EQ(usage_error({"--checksum=sha256:0123", "a", "b"}),
            "invalid checksum \"sha256:0123\": expected sha256: followed by 64 hexadecimal "
            "digits");
}

TEST(ImportCommandLineTest, RefusesABadSize) {
  EXPECT_EQ(usage_error({"--max-size=lots", "a", "b"}),
            "invalid --max-size: 'lots' is not a size; write a number with an optional K, M, G "
            "or T suffix (powers of 1024), e.g. 8G");
  EXPECT_EQ(usage_error({"--max-size=0", "a", "b"}), "--max-size must be more than 0");
  EXPECT_EQ(usage_error({"--max-size=8GB", "a", "b"}),
            "invalid --max-size: '8GB' is not a size; write a number with an optional K, M, G "
            "or T suffix (powers of 1024), e.g. 8G");
}

TEST(ImportCommandLineTest, RefusesABadInstallPackagesValue) {
  EXPECT_EQ(usage_error({"--install-packages=maybe", "a", "b"}),
            "invalid --install-packages='maybe', expected yes, no or auto");
}

}  // namespace
}  // namespace sdme::import
