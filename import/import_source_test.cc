// Tests for telling an import source's kind: URLs by scheme, paths by what
// is on disk, other names as registry references, and the messages for
// what is none of them.
#include "import/import_source.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "tests/support/test_support.h"

namespace sdme::import {
namespace {

using test_support::ScratchDirectory;
using test_support::write_test_file;

class ImportSourceTest : public ::testing::Test {
 protected:
  ImportSource classify(const std::string& source) {
    ImportSource result;
    std::string err;
    EXPECT_TRUE(classify_import_source(source, scratch_.path(), &result, &err)) << err;
    return result;
  }
  std::string refusal(const std::string& source) {
    ImportSource result;
    std::string err;
    EXPECT_FALSE(classify_import_source(source, scratch_.path(), &result, &err)) << source;
    return err;
  }
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
  // Even when a path of that name exists.
  std::filesystem::create_directories(in_scratch("debian"));
  EXPECT_EQ(classify("docker://debian").kind, SourceKind::kRegistry);
  EXPECT_EQ(refusal("docker://"), "'docker://' is not a registry image reference");
  EXPECT_EQ(refusal("docker:///etc"), "'docker:///etc' is not a registry image reference");
}

TEST_F(ImportSourceTest, RefusesOtherSchemes) {
  EXPECT_EQ(refusal("ftp://example.com/rootfs.tar"),
            "unsupported URL scheme in 'ftp://example.com/rootfs.tar'; sdme-import fetches "
            "http:// and https:// URLs and docker:// images");
  EXPECT_EQ(refusal("oci-archive:///x.tar"),
            "unsupported URL scheme in 'oci-archive:///x.tar'; sdme-import fetches http:// and "
            "https:// URLs and docker:// images");
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
