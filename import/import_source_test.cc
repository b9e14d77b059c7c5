// Tests for telling an import source's kind: URLs by scheme, paths by what
// is on disk, other names as registry references, and the messages for
// what is none of them, on the command line and for Import= in a .sdme file.
#include "import/import_source.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "sdme_file/container_keys.h"
#include "sdme_file/unit_file.h"
#include "tests/support/test_support.h"

namespace sdme::import {
namespace {

using test_support::ScratchDirectory;
using test_support::write_test_file;

class ImportSourceTest : public ::testing::Test {
 protected:
  ImportSource classify(const std::string& source,
                        ImportSourceOrigin origin = ImportSourceOrigin::kCommandLine) {
    ImportSource result;
    std::string err;
    EXPECT_TRUE(classify_import_source(source, origin, kOrigin, scratch_.path(), &result, &err))
        << err;
    return result;
  }
  std::string refusal(const std::string& source,
                      ImportSourceOrigin origin = ImportSourceOrigin::kCommandLine) {
    ImportSource result;
    std::string err;
    EXPECT_FALSE(classify_import_source(source, origin, kOrigin, scratch_.path(), &result, &err))
        << source;
    return err;
  }
  static constexpr std::string_view kOrigin = "/etc/sdme/web.sdme:4";
  std::string in_scratch(const std::string& path) const { return scratch_.path() + "/" + path; }

  ScratchDirectory scratch_;
};

TEST_F(ImportSourceTest, UrlsByTheirScheme) {
  ImportSource source = classify("https://user:secret@example.com/rootfs.tar.gz");
  EXPECT_EQ(source.kind, SourceKind::kUrl);
  EXPECT_EQ(source.location, "https://user:secret@example.com/rootfs.tar.gz");
  EXPECT_EQ(classify("http://127.0.0.1:8080/x").kind, SourceKind::kUrl);
}

TEST_F(ImportSourceTest, DockerSchemeIsARegistryReference) {
  ImportSource source = classify("docker://docker.io/library/debian:12");
  EXPECT_EQ(source.kind, SourceKind::kRegistry);
  EXPECT_EQ(source.location, "docker.io/library/debian:12");
  EXPECT_EQ(source.reference.to_string(), "docker.io/library/debian:12");
  // Even when a path of that name exists.
  std::filesystem::create_directories(in_scratch("debian"));
  EXPECT_EQ(classify("docker://debian").kind, SourceKind::kRegistry);
  EXPECT_EQ(refusal("docker://"),
            "'docker://': not an image reference: the repository name is empty");
  EXPECT_EQ(refusal("docker:///etc"),
            "'docker:///etc': not an image reference: each '/'-separated part of the repository "
            "name must be lower-case letters and digits joined by '.', '_', \"__\" or '-'");
}

TEST_F(ImportSourceTest, RefusesOtherSchemesWithoutShowingCredentials) {
  EXPECT_EQ(refusal("ftp://alice:secret@example.com/rootfs.tar?token=1"),
            "'ftp://***@example.com/rootfs.tar?***': unsupported URL scheme 'ftp', use http://, "
            "https:// or docker://");
  EXPECT_EQ(refusal("oci-archive:///x.tar"),
            "'oci-archive:///x.tar': unsupported URL scheme 'oci-archive', use http://, https:// "
            "or docker://");
}

// As sdme-import@NAME.service: Import= is read as the generator read it,
// and a refusal is the generator's line.
TEST_F(ImportSourceTest, ASourceFromASdmeFileIsNeverARelativePath) {
  std::filesystem::create_directories(in_scratch("debian"));
  ImportSource source = classify("debian", ImportSourceOrigin::kSdmeFile);
  EXPECT_EQ(source.kind, SourceKind::kRegistry);
  EXPECT_EQ(source.location, "debian");
  EXPECT_EQ(source.reference.to_string(), "docker.io/library/debian:latest");
  EXPECT_EQ(refusal("example.com/a..b:1", ImportSourceOrigin::kSdmeFile),
            "/etc/sdme/web.sdme:4: Import=example.com/a..b:1: not an image reference: each "
            "'/'-separated part of the repository name must be lower-case letters and digits "
            "joined by '.', '_', \"__\" or '-'");
  EXPECT_EQ(refusal("https://alice:secret@/x", ImportSourceOrigin::kSdmeFile),
            "/etc/sdme/web.sdme:4: Import=https://***@/x: no host name after https://");
  write_test_file(in_scratch("rootfs.tar"), "x");
  EXPECT_EQ(classify(in_scratch("rootfs.tar"), ImportSourceOrigin::kSdmeFile).kind,
            SourceKind::kFile);
}

// What the generator says about Import=VALUE at daemon-reload, or "" if
// it accepts it; its source in *source.
std::string generator_verdict(const std::string& value, std::string* source) {
  file::UnitFile unit;
  std::string err;
  EXPECT_TRUE(
      unit.parse("/etc/sdme/web.sdme", "[Container]\nRootfs=d\nImport=" + value + "\n", &err))
      << err;
  file::ContainerSettings settings;
  if (!file::parse_container_section(*unit.find_section("Container"), &settings, &err)) return err;
  *source = settings.import_source;
  return "";
}

// The generator refuses at daemon-reload exactly what sdme-import would
// refuse when the container starts, in the same words, and what it accepts
// sdme-import reads as the same kind of source.
TEST_F(ImportSourceTest, TheGeneratorAndSdmeImportAgree) {
  write_test_file(in_scratch("rootfs.tar"), "x");
  const std::string values[] = {"docker://debian:12",
                                "debian",
                                "localhost:5000/x",
                                "HTTPS://example.org/x.tar",
                                in_scratch("rootfs.tar"),
                                "example.com/a..b:1",
                                "Library/Debian:12",
                                "debian:-x",
                                "debian@sha256:abc",
                                "docker://",
                                "docker://Debian",
                                "ftp://alice:secret@example.org/x",
                                "alice:secret@example.org/a://b",
                                "https:///x.tar",
                                "./debian.tar",
                                "debian.tar.gz",
                                "~/debian",
                                "/srv/../debian.tar",
                                "bad_host:1/x",
                                "a:b:c"};
  for (const std::string& value : values) {
    std::string generator_source;
    std::string generator_error = generator_verdict(value, &generator_source);
    ImportSource source;
    std::string import_error;
    bool imported = classify_import_source(generator_error.empty() ? generator_source : value,
                                           ImportSourceOrigin::kSdmeFile, "/etc/sdme/web.sdme:3",
                                           scratch_.path(), &source, &import_error);
    EXPECT_EQ(generator_error.empty(), imported) << value << ": " << import_error;
    if (!imported) {
      EXPECT_EQ(import_error, generator_error) << value;
    }
  }
}

TEST_F(ImportSourceTest, RefusesAnEmptySource) {
  EXPECT_EQ(refusal(""),
            "empty import source; give a directory, a file, an http(s) URL or a registry image");
}

TEST_F(ImportSourceTest, DirectoryAndOciLayoutDirectory) {
  std::filesystem::create_directories(in_scratch("tree/etc"));
  ImportSource tree = classify(in_scratch("tree"));
  EXPECT_EQ(tree.kind, SourceKind::kDirectory);
  EXPECT_EQ(tree.location, in_scratch("tree"));

  write_test_file(in_scratch("layout/oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
  ImportSource layout = classify(in_scratch("layout"));
  EXPECT_EQ(layout.kind, SourceKind::kOciLayout);
  EXPECT_EQ(layout.location, in_scratch("layout"));

  // Only a file named oci-layout makes a layout.
  std::filesystem::create_directories(in_scratch("odd/oci-layout"));
  EXPECT_EQ(classify(in_scratch("odd")).kind, SourceKind::kDirectory);
}

TEST_F(ImportSourceTest, RegularFile) {
  write_test_file(in_scratch("rootfs.tar"), "x");
  ImportSource file = classify(in_scratch("rootfs.tar"));
  EXPECT_EQ(file.kind, SourceKind::kFile);
  EXPECT_EQ(file.location, in_scratch("rootfs.tar"));
}

TEST_F(ImportSourceTest, RelativePathsStartAtTheWorkingDirectory) {
  write_test_file(in_scratch("images/rootfs.tar"), "x");
  std::filesystem::create_directories(in_scratch("tree"));
  EXPECT_EQ(classify("images/rootfs.tar").location, in_scratch("images/rootfs.tar"));
  EXPECT_EQ(classify("./images/.//rootfs.tar").location, in_scratch("images/rootfs.tar"));
  // ".." stays: only the file system knows where it leads behind a symlink.
  EXPECT_EQ(classify("images/../images/rootfs.tar").location,
            in_scratch("images/../images/rootfs.tar"));
  EXPECT_EQ(classify(".").location, scratch_.path());
  ImportSource tree = classify("tree/");
  EXPECT_EQ(tree.kind, SourceKind::kDirectory);
  EXPECT_EQ(tree.location, in_scratch("tree"));
}

TEST_F(ImportSourceTest, AnExistingPathWinsOverAReferenceReading) {
  std::filesystem::create_directories(in_scratch("debian"));
  ImportSource source = classify("debian");
  EXPECT_EQ(source.kind, SourceKind::kDirectory);
  EXPECT_EQ(source.location, in_scratch("debian"));
  write_test_file(in_scratch("alpine:3"), "x");
  EXPECT_EQ(classify("alpine:3").kind, SourceKind::kFile);
}

TEST_F(ImportSourceTest, AMissingPathThatReadsAsAReferenceIsOne) {
  ImportSource source = classify("debian:12");
  EXPECT_EQ(source.kind, SourceKind::kRegistry);
  EXPECT_EQ(source.location, "debian:12");
  EXPECT_EQ(source.reference.to_string(), "docker.io/library/debian:12");
  source = classify("localhost:5000/x");
  EXPECT_EQ(source.kind, SourceKind::kRegistry);
  EXPECT_EQ(source.location, "localhost:5000/x");
}

TEST_F(ImportSourceTest, AMissingPathIsNamedWithAHintOnlyWhereItCouldBeAnImage) {
  EXPECT_EQ(refusal("./x"), in_scratch("x") + ": no such file or directory");
  EXPECT_EQ(refusal("/nonexistent-sdme/x"), "/nonexistent-sdme/x: no such file or directory");
  // A file name that reads as an archive is not taken for a reference, but
  // could still be meant as one.
  EXPECT_EQ(refusal("rootfs.tar.gz"), in_scratch("rootfs.tar.gz") +
                                          ": no such file or directory (for a registry image, "
                                          "write docker://rootfs.tar.gz)");
  // Text meant as an image that is none says why.
  EXPECT_EQ(refusal("example.com/a..b:1"),
            in_scratch("example.com/a..b:1") +
                ": no such file or directory, nor an image reference: each '/'-separated part of "
                "the repository name must be lower-case letters and digits joined by '.', '_', "
                "\"__\" or '-'");
  EXPECT_EQ(refusal("~/x"), in_scratch("~/x") + ": no such file or directory");
}

TEST_F(ImportSourceTest, RefusesSpecialFiles) {
  ASSERT_EQ(::mkfifo(in_scratch("fifo").c_str(), 0600), 0);
  EXPECT_EQ(refusal(in_scratch("fifo")),
            in_scratch("fifo") + " is neither a directory nor a regular file");
  EXPECT_EQ(refusal("/dev/null"), "/dev/null is neither a directory nor a regular file");
}

TEST_F(ImportSourceTest, ReportsAPathItCannotLookAt) {
  write_test_file(in_scratch("file"), "x");
  EXPECT_EQ(refusal(in_scratch("file/below")),
            "cannot access " + in_scratch("file/below") + ": Not a directory");
}

}  // namespace
}  // namespace sdme::import
