// Tests for finding .sdme files and drop-ins along the search path, on
// directory trees made under /tmp: priority and masking, drop-in order,
// instance links, bad names, and the parsing of file names.
#include "sdme_file/search_path.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

namespace sdme::file {
namespace {

using Strings = std::vector<std::string>;

class SearchPathTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/sdme-search-path-test.XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr) << std::strerror(errno);
    root_ = pattern;
    etc_ = root_ + "/etc/sdme";
    run_ = root_ + "/run/sdme";
    usr_ = root_ + "/usr/lib/sdme";
    for (const std::string& dir :
         {root_ + "/etc", etc_, root_ + "/run", run_, root_ + "/usr", root_ + "/usr/lib", usr_})
      ASSERT_EQ(::mkdir(dir.c_str(), 0755), 0) << dir;
    directories_ = {{etc_, false}, {run_, false}, {usr_, true}};
  }

  void TearDown() override {
    std::string command = "rm -rf '" + root_ + "'";
    ASSERT_EQ(std::system(command.c_str()), 0);
  }

  // Writes `content` to `path`, creating the parent directory if needed.
  static void write(const std::string& path, const std::string& content = "[Container]\n") {
    std::string parent = path.substr(0, path.rfind('/'));
    ::mkdir(parent.c_str(), 0755);
    std::ofstream(path) << content;
  }

  static void link(const std::string& target, const std::string& path) {
    std::string parent = path.substr(0, path.rfind('/'));
    ::mkdir(parent.c_str(), 0755);
    ASSERT_EQ(::symlink(target.c_str(), path.c_str()), 0) << path;
  }

  std::vector<SdmeSource> find(std::vector<std::string>* errors) const {
    std::vector<SdmeSource> sources;
    find_sources(directories_, &sources, errors);
    return sources;
  }

  std::vector<SdmeSource> find_without_errors() const {
    std::vector<std::string> errors;
    std::vector<SdmeSource> sources = find(&errors);
    EXPECT_EQ(errors, Strings{});
    return sources;
  }

  static Strings file_names(const std::vector<SdmeSource>& sources) {
    Strings names;
    for (const SdmeSource& source : sources) names.push_back(source.file_name);
    return names;
  }

  std::string root_, etc_, run_, usr_;
  std::vector<SearchDirectory> directories_;
};

TEST_F(SearchPathTest, FindsFilesSortedByName) {
  write(usr_ + "/zeta.sdme");
  write(etc_ + "/web.sdme");
  write(run_ + "/db@.sdme");
  write(etc_ + "/db@x.sdme");
  std::vector<SdmeSource> sources = find_without_errors();
  ASSERT_EQ(file_names(sources), (Strings{"db@.sdme", "db@x.sdme", "web.sdme", "zeta.sdme"}));

  EXPECT_EQ(sources[0].kind, SourceKind::kTemplate);
  EXPECT_EQ(sources[0].path, run_ + "/db@.sdme");
  EXPECT_FALSE(sources[0].is_vendor);
  EXPECT_EQ(sources[1].kind, SourceKind::kInstance);
  EXPECT_EQ(sources[1].unit_name, "db@x.service");
  EXPECT_EQ(sources[2].kind, SourceKind::kService);
  EXPECT_EQ(sources[2].unit_name, "web.service");
  EXPECT_EQ(sources[2].container_name, "web");
  EXPECT_EQ(sources[2].path, etc_ + "/web.sdme");
  EXPECT_FALSE(sources[2].is_vendor);
  EXPECT_EQ(sources[3].path, usr_ + "/zeta.sdme");
  EXPECT_TRUE(sources[3].is_vendor);
  for (const SdmeSource& source : sources) EXPECT_EQ(source.dropin_paths, Strings{});
}

TEST_F(SearchPathTest, IgnoresOtherNames) {
  write(etc_ + "/web.conf");
  write(etc_ + "/.hidden.sdme");
  write(etc_ + "/.sdme");
  write(etc_ + "/README");
  write(etc_ + "/web.sdme~");
  write(etc_ + "/web.sdme.d/10.conf");
  EXPECT_EQ(file_names(find_without_errors()), Strings{});
}

TEST_F(SearchPathTest, MissingDirectoriesAreSkipped) {
  directories_ = {{root_ + "/nowhere", false}, {etc_, false}, {root_ + "/file.sdme", true}};
  write(root_ + "/file.sdme");
  write(etc_ + "/web.sdme");
  EXPECT_EQ(file_names(find_without_errors()), Strings{"web.sdme"});
}

TEST_F(SearchPathTest, HigherDirectoryWins) {
  write(etc_ + "/web.sdme", "[Container]\nHostname=etc\n");
  write(run_ + "/web.sdme", "[Container]\nHostname=run\n");
  write(usr_ + "/web.sdme", "[Container]\nHostname=usr\n");
  write(usr_ + "/db.sdme");
  write(run_ + "/db.sdme");
  std::vector<SdmeSource> sources = find_without_errors();
  ASSERT_EQ(file_names(sources), (Strings{"db.sdme", "web.sdme"}));
  EXPECT_EQ(sources[0].path, run_ + "/db.sdme");
  EXPECT_FALSE(sources[0].is_vendor);
  EXPECT_EQ(sources[1].path, etc_ + "/web.sdme");
}

TEST_F(SearchPathTest, EmptyFileMasks) {
  write(etc_ + "/web.sdme", "");
  write(usr_ + "/web.sdme");
  write(usr_ + "/db.sdme", "");  // masks itself: nothing to generate
  EXPECT_EQ(file_names(find_without_errors()), Strings{});
}

TEST_F(SearchPathTest, DevNullSymlinkMasks) {
  link("/dev/null", etc_ + "/web.sdme");
  write(usr_ + "/web.sdme");
  link("/dev/null", run_ + "/db@.sdme");
  write(usr_ + "/db@.sdme");
  write(usr_ + "/other.sdme");
  EXPECT_EQ(file_names(find_without_errors()), Strings{"other.sdme"});
}

TEST_F(SearchPathTest, SymlinkToEmptyFileMasks) {
  write(root_ + "/empty", "");
  link(root_ + "/empty", etc_ + "/web.sdme");
  write(usr_ + "/web.sdme");
  EXPECT_EQ(file_names(find_without_errors()), Strings{});
}

TEST_F(SearchPathTest, SymlinkToAFileIsRead) {
  write(root_ + "/elsewhere.sdme");
  link(root_ + "/elsewhere.sdme", etc_ + "/web.sdme");
  std::vector<SdmeSource> sources = find_without_errors();
  ASSERT_EQ(file_names(sources), Strings{"web.sdme"});
  EXPECT_EQ(sources[0].kind, SourceKind::kService);
  EXPECT_EQ(sources[0].path, etc_ + "/web.sdme");
}

TEST_F(SearchPathTest, DropInsFromEveryDirectoryInFileNameOrder) {
  write(usr_ + "/web.sdme");
  write(usr_ + "/web.sdme.d/30-usr.conf");
  write(usr_ + "/web.sdme.d/10-common.conf");
  write(etc_ + "/web.sdme.d/10-common.conf");
  write(run_ + "/web.sdme.d/20-run.conf");
  write(run_ + "/web.sdme.d/README");
  write(run_ + "/web.sdme.d/.hidden.conf");
  std::vector<SdmeSource> sources = find_without_errors();
  ASSERT_EQ(sources.size(), 1u);
  EXPECT_EQ(sources[0].dropin_paths,
            (Strings{etc_ + "/web.sdme.d/10-common.conf", run_ + "/web.sdme.d/20-run.conf",
                     usr_ + "/web.sdme.d/30-usr.conf"}));
}

// Drop-in directories are found from each directory's one listing; one
// that is a symbolic link to a directory counts as it did for opendir().
TEST_F(SearchPathTest, DropInDirectoriesFromTheListingLinkedOrNot) {
  write(usr_ + "/web.sdme");
  write(root_ + "/elsewhere/10-linked.conf");
  link(root_ + "/elsewhere", etc_ + "/web.sdme.d");
  write(run_ + "/web.sdme.d/20-run.conf");
  write(run_ + "/other.sdme.d/30-other.conf");
  std::vector<SdmeSource> sources = find_without_errors();
  ASSERT_EQ(sources.size(), 1u);
  EXPECT_EQ(sources[0].dropin_paths,
            (Strings{etc_ + "/web.sdme.d/10-linked.conf", run_ + "/web.sdme.d/20-run.conf"}));
}

TEST_F(SearchPathTest, DropInsAreMaskedByTheSameNameHigherUp) {
  write(usr_ + "/web.sdme");
  write(usr_ + "/web.sdme.d/10-a.conf");
  write(usr_ + "/web.sdme.d/20-b.conf");
  write(usr_ + "/web.sdme.d/30-c.conf");
  link("/dev/null", etc_ + "/web.sdme.d/10-a.conf");
  write(run_ + "/web.sdme.d/20-b.conf", "");
  std::vector<SdmeSource> sources = find_without_errors();
  ASSERT_EQ(sources.size(), 1u);
  EXPECT_EQ(sources[0].dropin_paths, Strings{usr_ + "/web.sdme.d/30-c.conf"});
}

TEST_F(SearchPathTest, TemplateDropInsApplyToInstanceFiles) {
  write(etc_ + "/web@db.sdme");
  write(etc_ + "/web@.sdme");
  write(etc_ + "/web@.sdme.d/10-template.conf");
  write(etc_ + "/web@.sdme.d/20-both.conf");
  write(etc_ + "/web@db.sdme.d/20-both.conf");
  write(etc_ + "/web@db.sdme.d/30-instance.conf");
  write(etc_ + "/web@other.sdme.d/40-other.conf");
  std::vector<SdmeSource> sources = find_without_errors();
  ASSERT_EQ(file_names(sources), (Strings{"web@.sdme", "web@db.sdme"}));
  EXPECT_EQ(sources[0].dropin_paths,
            (Strings{etc_ + "/web@.sdme.d/10-template.conf", etc_ + "/web@.sdme.d/20-both.conf"}));
  EXPECT_EQ(sources[1].kind, SourceKind::kInstance);
  EXPECT_EQ(sources[1].dropin_paths,
            (Strings{etc_ + "/web@.sdme.d/10-template.conf", etc_ + "/web@db.sdme.d/20-both.conf",
                     etc_ + "/web@db.sdme.d/30-instance.conf"}));
}

TEST_F(SearchPathTest, HigherDirectoryBeatsInstanceOverTemplate) {
  // As in systemd: directories first, then names within one directory.
  write(usr_ + "/web@db.sdme");
  write(etc_ + "/web@.sdme.d/10.conf");
  write(usr_ + "/web@db.sdme.d/10.conf");
  std::vector<SdmeSource> sources = find_without_errors();
  ASSERT_EQ(sources.size(), 1u);
  EXPECT_EQ(sources[0].dropin_paths, Strings{etc_ + "/web@.sdme.d/10.conf"});
}

TEST_F(SearchPathTest, InstanceLinkIsClassified) {
  write(usr_ + "/web@.sdme");
  write(etc_ + "/web@.sdme.d/10.conf");
  link("web@.sdme", usr_ + "/web@db.sdme");
  link(usr_ + "/web@.sdme", etc_ + "/web@cache.sdme");
  write(etc_ + "/web@cache.sdme.d/10.conf");
  std::vector<SdmeSource> sources = find_without_errors();
  ASSERT_EQ(file_names(sources), (Strings{"web@.sdme", "web@cache.sdme", "web@db.sdme"}));
  EXPECT_EQ(sources[0].kind, SourceKind::kTemplate);
  EXPECT_EQ(sources[1].kind, SourceKind::kInstanceLink);
  EXPECT_EQ(sources[1].unit_name, "web@cache.service");
  EXPECT_EQ(sources[1].template_unit, "web@.service");
  EXPECT_EQ(sources[1].container_name, "web-cache");
  EXPECT_FALSE(sources[1].is_vendor);
  EXPECT_EQ(sources[1].dropin_paths, Strings{}) << "a link has no unit of its own";
  EXPECT_EQ(sources[2].kind, SourceKind::kInstanceLink);
  EXPECT_TRUE(sources[2].is_vendor);
}

TEST_F(SearchPathTest, SymlinkToAnotherFileIsAnInstanceFile) {
  write(etc_ + "/base.sdme");
  link("base.sdme", etc_ + "/web@db.sdme");
  std::vector<SdmeSource> sources = find_without_errors();
  ASSERT_EQ(file_names(sources), (Strings{"base.sdme", "web@db.sdme"}));
  EXPECT_EQ(sources[1].kind, SourceKind::kInstance);
}

TEST_F(SearchPathTest, DanglingSymlinksAreReported) {
  link("missing.sdme", etc_ + "/web.sdme");
  link("web@.sdme", etc_ + "/db@x.sdme");
  link("db@.sdme", etc_ + "/db@y.sdme");
  write(etc_ + "/good.sdme");
  std::vector<std::string> errors;
  std::vector<SdmeSource> sources = find(&errors);
  EXPECT_EQ(file_names(sources), Strings{"good.sdme"});
  const std::string message =
      ": not a regular file (or a dangling symlink); point it at a .sdme file or remove it";
  EXPECT_EQ(errors, (Strings{etc_ + "/db@x.sdme" + message, etc_ + "/db@y.sdme" + message,
                             etc_ + "/web.sdme" + message}));
}

TEST_F(SearchPathTest, DirectoryIsReported) {
  ASSERT_EQ(::mkdir((etc_ + "/web.sdme").c_str(), 0755), 0);
  write(usr_ + "/web.sdme");
  std::vector<std::string> errors;
  EXPECT_EQ(file_names(find(&errors)), Strings{});
  EXPECT_EQ(errors,
            Strings{etc_ + "/web.sdme: not a regular file (or a dangling symlink); point it at "
                           "a .sdme file or remove it"});
}

TEST_F(SearchPathTest, BadNamesAreReportedWithThePath) {
  write(etc_ + "/bad_name.sdme");
  write(run_ + "/a@b@c.sdme");
  write(usr_ + "/-x.sdme");
  write(usr_ + "/web@db_1.sdme");
  write(etc_ + "/good.sdme");
  std::vector<std::string> errors;
  EXPECT_EQ(file_names(find(&errors)), Strings{"good.sdme"});
  EXPECT_EQ(errors,
            (Strings{etc_ + "/bad_name.sdme: container name 'bad_name' may contain only letters, "
                            "digits, '-' and '.'; rename the file",
                     run_ + "/a@b@c.sdme: 'a@b@c' has more than one '@'; rename the file to "
                            "NAME@.sdme or NAME@INSTANCE.sdme",
                     usr_ + "/-x.sdme: container name '-x' must start with a letter or digit; "
                            "rename the file",
                     usr_ + "/web@db_1.sdme: container name 'web-db_1' may contain only letters, "
                            "digits, '-' and '.'; rename the file"}));
}

// A file name is printed as systemd's cescape() shows it, so a newline in
// it cannot start a second, forged message.
TEST_F(SearchPathTest, BadNamesCannotForgeLines) {
  write(etc_ + "/a\nsdme-generator: FAKE.sdme");
  write(etc_ + "/b\\nc@x@y.sdme");
  std::vector<std::string> errors;
  EXPECT_EQ(file_names(find(&errors)), Strings{});
  EXPECT_EQ(errors, (Strings{etc_ + "/a\\nsdme-generator: FAKE.sdme: container name "
                                    "'a\\nsdme-generator: FAKE' may contain only letters, "
                                    "digits, '-' and '.'; rename the file",
                             etc_ + "/b\\\\nc@x@y.sdme: 'b\\\\nc@x@y' has more than one '@'; "
                                    "rename the file to NAME@.sdme or NAME@INSTANCE.sdme"}));
}

TEST_F(SearchPathTest, SourceFromPathInTheSearchPath) {
  write(usr_ + "/web.sdme");
  write(usr_ + "/web.sdme.d/20-usr.conf");
  write(etc_ + "/web.sdme.d/10-etc.conf");
  write(etc_ + "/web.sdme.d/20-usr.conf");
  SdmeSource source;
  bool masked = true;
  std::string err;
  ASSERT_TRUE(source_from_path(usr_ + "/web.sdme", directories_, &source, &masked, &err)) << err;
  EXPECT_FALSE(masked);
  EXPECT_EQ(source.kind, SourceKind::kService);
  EXPECT_EQ(source.unit_name, "web.service");
  EXPECT_EQ(source.path, usr_ + "/web.sdme");
  EXPECT_TRUE(source.is_vendor);
  // The file's own directory comes first.
  EXPECT_EQ(source.dropin_paths,
            (Strings{etc_ + "/web.sdme.d/10-etc.conf", usr_ + "/web.sdme.d/20-usr.conf"}));
}

TEST_F(SearchPathTest, SourceFromPathOutsideTheSearchPath) {
  std::string elsewhere = root_ + "/work";
  write(elsewhere + "/web@db.sdme");
  write(elsewhere + "/web@db.sdme.d/10.conf");
  write(etc_ + "/web@db.sdme.d/10.conf");
  write(etc_ + "/web@.sdme.d/20.conf");
  SdmeSource source;
  bool masked = true;
  std::string err;
  ASSERT_TRUE(source_from_path(elsewhere + "/web@db.sdme", directories_, &source, &masked, &err))
      << err;
  EXPECT_EQ(source.kind, SourceKind::kInstance);
  EXPECT_EQ(source.container_name, "web-db");
  EXPECT_FALSE(source.is_vendor);
  EXPECT_EQ(source.dropin_paths,
            (Strings{elsewhere + "/web@db.sdme.d/10.conf", etc_ + "/web@.sdme.d/20.conf"}));
}

TEST_F(SearchPathTest, SourceFromRelativePath) {
  write(root_ + "/work/web.sdme");
  write(root_ + "/work/web.sdme.d/10.conf");
  char cwd[PATH_MAX];
  ASSERT_NE(::getcwd(cwd, sizeof cwd), nullptr);
  ASSERT_EQ(::chdir((root_ + "/work").c_str()), 0);
  SdmeSource source;
  bool masked = true;
  std::string err;
  bool found = source_from_path("web.sdme", directories_, &source, &masked, &err);
  ASSERT_EQ(::chdir(cwd), 0);
  ASSERT_TRUE(found) << err;
  EXPECT_EQ(source.path, "web.sdme");
  EXPECT_EQ(source.dropin_paths, Strings{"./web.sdme.d/10.conf"});
}

TEST_F(SearchPathTest, SourceFromPathErrors) {
  SdmeSource source;
  bool masked = false;
  std::string err;
  EXPECT_FALSE(source_from_path(etc_ + "/web.service", directories_, &source, &masked, &err));
  EXPECT_EQ(err, etc_ + "/web.service: file name must be NAME.sdme");
  EXPECT_FALSE(source_from_path(etc_ + "/web_1.sdme", directories_, &source, &masked, &err));
  EXPECT_EQ(err, etc_ +
                     "/web_1.sdme: container name 'web_1' may contain only letters, digits, '-' "
                     "and '.'; rename the file");
  EXPECT_FALSE(source_from_path(etc_ + "/missing.sdme", directories_, &source, &masked, &err));
  EXPECT_EQ(err, etc_ +
                     "/missing.sdme: not a regular file (or a dangling symlink); point it at a "
                     ".sdme file or remove it");
}

TEST_F(SearchPathTest, SourceFromPathSeesMasks) {
  write(etc_ + "/empty.sdme", "");
  link("/dev/null", etc_ + "/null.sdme");
  for (const std::string& path : {etc_ + "/empty.sdme", etc_ + "/null.sdme"}) {
    SdmeSource source;
    bool masked = false;
    std::string err;
    ASSERT_TRUE(source_from_path(path, directories_, &source, &masked, &err)) << err;
    EXPECT_TRUE(masked) << path;
  }
}

TEST_F(SearchPathTest, SourceFromPathSeesInstanceLinks) {
  write(etc_ + "/web@.sdme");
  link("web@.sdme", etc_ + "/web@db.sdme");
  write(etc_ + "/web@db.sdme.d/10.conf");
  SdmeSource source;
  bool masked = true;
  std::string err;
  ASSERT_TRUE(source_from_path(etc_ + "/web@db.sdme", directories_, &source, &masked, &err)) << err;
  EXPECT_FALSE(masked);
  EXPECT_EQ(source.kind, SourceKind::kInstanceLink);
  EXPECT_EQ(source.template_unit, "web@.service");
  EXPECT_EQ(source.dropin_paths, Strings{});
}

TEST_F(SearchPathTest, SourceFromPathWithTrailingSlashesInTheSearchPath) {
  directories_ = {{etc_ + "//", false}, {usr_ + "/", true}};
  write(usr_ + "/web.sdme");
  SdmeSource source;
  bool masked = true;
  std::string err;
  ASSERT_TRUE(source_from_path(usr_ + "/web.sdme", directories_, &source, &masked, &err)) << err;
  EXPECT_TRUE(source.is_vendor);
}

// --- classify_source_name ---------------------------------------------------------

SdmeSource classify_ok(const std::string& file_name) {
  SdmeSource source;
  std::string err;
  EXPECT_TRUE(classify_source_name(file_name, &source, &err)) << file_name << ": " << err;
  return source;
}

std::string classify_error(const std::string& file_name) {
  SdmeSource source;
  std::string err;
  EXPECT_FALSE(classify_source_name(file_name, &source, &err)) << file_name;
  return err;
}

// sdme-* unit names are sdme's own: sdme-import@deb.sdme would replace the
// unit that imports rootfs "deb".
TEST(ClassifySourceNameTest, SdmesOwnNamesAreRefused) {
  const std::string rule =
      " would name a unit in sdme's own namespace (sdme-*), such as sdme-import@.service; rename "
      "the file";
  EXPECT_EQ(classify_error("sdme-import@deb.sdme"), "'sdme-import@deb'" + rule);
  EXPECT_EQ(classify_error("sdme-import@.sdme"), "'sdme-import@'" + rule);
  EXPECT_EQ(classify_error("sdme-web.sdme"), "'sdme-web'" + rule);
  EXPECT_EQ(classify_ok("sdme.sdme").unit_name, "sdme.service");
  EXPECT_EQ(classify_ok("web-sdme-x.sdme").unit_name, "web-sdme-x.service");
}

TEST(ClassifySourceNameTest, Service) {
  SdmeSource source = classify_ok("web.sdme");
  EXPECT_EQ(source.kind, SourceKind::kService);
  EXPECT_EQ(source.file_name, "web.sdme");
  EXPECT_EQ(source.unit_name, "web.service");
  EXPECT_EQ(source.template_unit, "");
  EXPECT_EQ(source.container_name, "web");
  source = classify_ok("db.prod-2.sdme");
  EXPECT_EQ(source.unit_name, "db.prod-2.service");
  EXPECT_EQ(source.container_name, "db.prod-2");
}

TEST(ClassifySourceNameTest, Template) {
  SdmeSource source = classify_ok("web@.sdme");
  EXPECT_EQ(source.kind, SourceKind::kTemplate);
  EXPECT_EQ(source.file_name, "web@.sdme");
  EXPECT_EQ(source.unit_name, "web@.service");
  EXPECT_EQ(source.template_unit, "web@.service");
  EXPECT_EQ(source.container_name, "web-%i");
}

TEST(ClassifySourceNameTest, Instance) {
  SdmeSource source = classify_ok("web@db.sdme");
  EXPECT_EQ(source.kind, SourceKind::kInstance);
  EXPECT_EQ(source.file_name, "web@db.sdme");
  EXPECT_EQ(source.unit_name, "web@db.service");
  EXPECT_EQ(source.template_unit, "web@.service");
  EXPECT_EQ(source.container_name, "web-db");
  EXPECT_EQ(classify_ok("web@1.2.sdme").container_name, "web-1.2");
}

TEST(ClassifySourceNameTest, NameMustEndInSdme) {
  for (const char* name : {"web", "web.service", "web.sdme~", "web.SDME", ".sdme", "", "web.sdm"})
    EXPECT_EQ(classify_error(name), "file name must be NAME.sdme") << name;
}

TEST(ClassifySourceNameTest, InvalidNames) {
  EXPECT_EQ(classify_error("web_1.sdme"),
            "container name 'web_1' may contain only letters, digits, '-' and '.'; rename the "
            "file");
  EXPECT_EQ(classify_error("-web.sdme"),
            "container name '-web' must start with a letter or digit; rename the file");
  EXPECT_EQ(classify_error("a..b.sdme"),
            "container name 'a..b' must not contain '..'; rename the file");
  std::string long_name(65, 'w');
  EXPECT_EQ(classify_error(long_name + ".sdme"),
            "container name '" + long_name + "' is longer than 64 characters; rename the file");
}

TEST(ClassifySourceNameTest, InvalidTemplateAndInstanceNames) {
  EXPECT_EQ(classify_error("@.sdme"), "container name is empty; rename the file");
  EXPECT_EQ(classify_error("@db.sdme"), "container name is empty; rename the file");
  EXPECT_EQ(classify_error("web_1@.sdme"),
            "container name 'web_1' may contain only letters, digits, '-' and '.'; rename the "
            "file");
  EXPECT_EQ(classify_error("web@db@x.sdme"),
            "'web@db@x' has more than one '@'; rename the file to NAME@.sdme or "
            "NAME@INSTANCE.sdme");
  EXPECT_EQ(classify_error("web@@.sdme"),
            "'web@@' has more than one '@'; rename the file to NAME@.sdme or NAME@INSTANCE.sdme");
  EXPECT_EQ(classify_error("web@a b.sdme"),
            "container name 'web-a b' may contain only letters, digits, '-' and '.'; rename the "
            "file");
  EXPECT_EQ(classify_error("web@..x.sdme"),
            "container name 'web-..x' must not contain '..'; rename the file");
  // Prefix and instance fit alone, not together.
  std::string prefix(40, 'p');
  std::string instance(30, 'i');
  EXPECT_EQ(classify_error(prefix + "@" + instance + ".sdme"),
            "container name '" + prefix + "-" + instance +
                "' is longer than 64 characters; rename the file");
}

}  // namespace
}  // namespace sdme::file
