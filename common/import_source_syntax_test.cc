// Tests for the import source grammar: what Import= in a .sdme file and
// sdme-import's command line accept, and each refusal word for word.
#include "common/import_source_syntax.h"

#include <gtest/gtest.h>

#include <string>

namespace sdme {
namespace {

ImportSourceSyntax parsed(const std::string& source, ImportSourceOrigin origin) {
  ImportSourceSyntax syntax;
  std::string err;
  EXPECT_TRUE(parse_import_source(source, origin, &syntax, &err)) << source << ": " << err;
  return syntax;
}

std::string refusal(const std::string& source, ImportSourceOrigin origin) {
  ImportSourceSyntax syntax;
  std::string err;
  EXPECT_FALSE(parse_import_source(source, origin, &syntax, &err)) << source;
  return err;
}

constexpr ImportSourceOrigin kFile = ImportSourceOrigin::kSdmeFile;
constexpr ImportSourceOrigin kCommandLine = ImportSourceOrigin::kCommandLine;

TEST(ImportSourceSyntaxTest, AbsolutePaths) {
  ImportSourceSyntax syntax = parsed("/srv//images/debian.tar/", kFile);
  EXPECT_EQ(syntax.form, ImportSourceForm::kAbsolutePath);
  EXPECT_EQ(syntax.location, "/srv/images/debian.tar");
  EXPECT_EQ(refusal("/srv/../etc/debian.tar", kFile), "a path must not contain '..' components");
  EXPECT_EQ(refusal("/srv/./debian.tar", kFile), "a path must not contain '.' components");
  EXPECT_EQ(refusal("/srv/..", kFile), "a path must not contain '..' components");
  // "://" in an absolute path is no scheme.
  EXPECT_EQ(parsed("/srv/..x/a://b", kFile).location, "/srv/..x/a:/b");
  // sdme-import resolves "." and ".." by hand, against the file system.
  syntax = parsed("/srv/../etc/./debian.tar", kCommandLine);
  EXPECT_EQ(syntax.form, ImportSourceForm::kAbsolutePath);
  EXPECT_EQ(syntax.location, "/srv/../etc/./debian.tar");
}

TEST(ImportSourceSyntaxTest, HttpAndHttpsUrlsInAnyCase) {
  for (ImportSourceOrigin origin : {kFile, kCommandLine}) {
    for (const char* url : {"https://alice:secret@example.org/rootfs.tar?token=1",
                            "http://127.0.0.1:8080/x", "HTTPS://example.org/x"}) {
      ImportSourceSyntax syntax = parsed(url, origin);
      EXPECT_EQ(syntax.form, ImportSourceForm::kUrl) << url;
      EXPECT_EQ(syntax.location, url);
    }
    EXPECT_EQ(refusal("https:///debian.tar", origin), "no host name after https://");
    EXPECT_EQ(refusal("HTTP://", origin), "no host name after http://");
    EXPECT_EQ(refusal("https://alice:secret@/x", origin), "no host name after https://");
    EXPECT_EQ(refusal("https://:8080/x", origin), "no host name after https://");
    EXPECT_EQ(refusal("https://?x", origin), "no host name after https://");
  }
}

TEST(ImportSourceSyntaxTest, DockerSchemeNamesAnImage) {
  for (ImportSourceOrigin origin : {kFile, kCommandLine}) {
    ImportSourceSyntax syntax = parsed("docker://debian:12", origin);
    EXPECT_EQ(syntax.form, ImportSourceForm::kImageReference);
    EXPECT_EQ(syntax.location, "debian:12");
    EXPECT_EQ(syntax.reference.to_string(), "docker.io/library/debian:12");
    // Even names that would otherwise be read as files.
    EXPECT_EQ(parsed("docker://rootfs.tar", origin).reference.repository, "library/rootfs.tar");
    EXPECT_EQ(refusal("docker://", origin), "not an image reference: the repository name is empty");
    EXPECT_EQ(refusal("docker:///etc", origin),
              "not an image reference: each '/'-separated part of the repository name must be "
              "lower-case letters and digits joined by '.', '_', \"__\" or '-'");
  }
}

TEST(ImportSourceSyntaxTest, OtherSchemesAreRefusedShowingOnlyAScheme) {
  for (ImportSourceOrigin origin : {kFile, kCommandLine}) {
    EXPECT_EQ(refusal("ftp://example.org/x.tar", origin),
              "unsupported URL scheme 'ftp', use http://, https:// or docker://");
    EXPECT_EQ(refusal("oci-archive:///x.tar", origin),
              "unsupported URL scheme 'oci-archive', use http://, https:// or docker://");
    // Text before "://" that is no scheme may hold a password.
    EXPECT_EQ(refusal("alice:s3cret@example.org/a://b", origin),
              "unsupported URL scheme, use http://, https:// or docker://");
    EXPECT_EQ(refusal("./a://b", origin),
              "unsupported URL scheme, use http://, https:// or docker://");
  }
}

TEST(ImportSourceSyntaxTest, ReferencesInASdmeFile) {
  ImportSourceSyntax syntax = parsed("localhost:5000/x", kFile);
  EXPECT_EQ(syntax.form, ImportSourceForm::kImageReference);
  EXPECT_EQ(syntax.location, "localhost:5000/x");
  EXPECT_EQ(syntax.reference.registry, "localhost:5000");
  EXPECT_EQ(parsed("debian", kFile).reference.to_string(), "docker.io/library/debian:latest");
  EXPECT_EQ(refusal("example.com/a..b:1", kFile),
            "not an image reference: each '/'-separated part of the repository name must be "
            "lower-case letters and digits joined by '.', '_', \"__\" or '-'");
  EXPECT_EQ(refusal("debian:-x", kFile),
            "not an image reference: the tag after ':' must be a letter, digit or '_' and up to "
            "127 more of those, '.' or '-'");
}

TEST(ImportSourceSyntaxTest, ARelativePathIsRefusedInASdmeFile) {
  for (const char* relative :
       {"./debian.tar", "../debian", "~/debian", "debian.tar.gz", "images/disk.qcow2", "."}) {
    EXPECT_EQ(refusal(relative, kFile),
              "a relative path; use an absolute path, an http:// or https:// URL, or "
              "docker://REFERENCE for a registry image")
        << relative;
  }
}

TEST(ImportSourceSyntaxTest, RelativeTextOnTheCommandLine) {
  ImportSourceSyntax syntax = parsed("debian:12", kCommandLine);
  EXPECT_EQ(syntax.form, ImportSourceForm::kRelativePath);
  EXPECT_EQ(syntax.location, "debian:12");
  EXPECT_TRUE(syntax.reads_as_reference);
  EXPECT_EQ(syntax.reference.to_string(), "docker.io/library/debian:12");
  EXPECT_EQ(syntax.reference_error, "");

  syntax = parsed("images/rootfs.tar", kCommandLine);
  EXPECT_EQ(syntax.form, ImportSourceForm::kRelativePath);
  EXPECT_FALSE(syntax.reads_as_reference);
  EXPECT_EQ(syntax.reference_error, "");

  syntax = parsed("example.com/a..b:1", kCommandLine);
  EXPECT_EQ(syntax.form, ImportSourceForm::kRelativePath);
  EXPECT_FALSE(syntax.reads_as_reference);
  EXPECT_EQ(syntax.reference_error,
            "each '/'-separated part of the repository name must be lower-case letters and "
            "digits joined by '.', '_', \"__\" or '-'");
  EXPECT_EQ(parsed("Some Dir", kCommandLine).form, ImportSourceForm::kRelativePath);
}

}  // namespace
}  // namespace sdme
