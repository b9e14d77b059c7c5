// Tests for one generator run: generate() over .sdme files in a temporary
// tree, write_generator_output() into a temporary output directory, the
// --dry-run format, and byte-for-byte reproducibility.
#include "generator/generator.h"

#include <dirent.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "common/import_request.h"
#include "common/paths.h"
#include "common/strings.h"
#include "sdme_file/rootfs_imports.h"
#include "generator/translate.h"
#include "sdme_file/unit_file.h"

namespace sdme::generator {
namespace {

// Links as (link, target) pairs, so gtest can compare and print them.
using Links = std::vector<std::pair<std::string, std::string>>;

Links pairs(const std::vector<InstallLink>& links) {
  Links result;
  for (const InstallLink& link : links) result.emplace_back(link.link, link.target);
  return result;
}

using Strings = std::vector<std::string>;

class GeneratorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/sdme-generator-test.XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr) << std::strerror(errno);
    root_ = pattern;
    etc_ = root_ + "/etc/sdme";
    usr_ = root_ + "/usr/lib/sdme";
    output_ = root_ + "/output";
    for (const std::string& dir :
         {root_ + "/etc", etc_, root_ + "/usr", root_ + "/usr/lib", usr_, output_})
      ASSERT_EQ(::mkdir(dir.c_str(), 0755), 0) << dir;
    directories_ = {{etc_, false}, {usr_, true}};
    config_ = {"/var/lib/sdme",
               "/usr/libexec/sdme",
               "/usr/bin/systemd-nspawn",
               "/lib/systemd/system",
               directories_,
               {root_ + "/etc/systemd/system", root_ + "/run/systemd/system"}};
  }

  void TearDown() override {
    std::string command = "rm -rf '" + root_ + "'";
    ASSERT_EQ(std::system(command.c_str()), 0);
  }

  static void write(const std::string& path, const std::string& content) {
    std::string parent = path.substr(0, path.rfind('/'));
    ::mkdir(parent.c_str(), 0755);
    std::ofstream(path) << content;
  }

  static std::string contents(const std::string& path) {
    std::ifstream stream(path, std::ios::binary);
    std::ostringstream text;
    text << stream.rdbuf();
    return text.str();
  }

  static std::optional<std::string> link_target(const std::string& path) {
    char buffer[4096];
    ssize_t length = ::readlink(path.c_str(), buffer, sizeof buffer);
    if (length < 0) return std::nullopt;
    return std::string(buffer, static_cast<size_t>(length));
  }

  static mode_t file_type_and_mode(const std::string& path) {
    struct stat status;
    if (::lstat(path.c_str(), &status) != 0) return 0;
    return status.st_mode;
  }

  // Every path below `dir`, relative to it, sorted; directories end in '/'.
  static Strings tree(const std::string& dir, const std::string& prefix = "") {
    Strings paths;
    DIR* handle = ::opendir(dir.c_str());
    if (!handle) return paths;
    while (struct dirent* entry = ::readdir(handle)) {
      std::string name = entry->d_name;
      if (name == "." || name == "..") continue;
      std::string path = dir + "/" + name;
      if (S_ISDIR(file_type_and_mode(path))) {
        paths.push_back(prefix + name + "/");
        Strings below = tree(path, prefix + name + "/");
        paths.insert(paths.end(), below.begin(), below.end());
      } else {
        paths.push_back(prefix + name);
      }
    }
    ::closedir(handle);
    std::sort(paths.begin(), paths.end());
    return paths;
  }

  GeneratorOutput run(const PresetPolicy& presets = PresetPolicy()) const {
    std::vector<file::SdmeSource> sources;
    std::vector<std::string> errors;
    file::find_sources(directories_, &sources, &errors);
    EXPECT_EQ(errors, Strings{});
    GeneratorOutput output;
    generate(sources, presets, config_, &output);
    return output;
  }

  static Strings unit_names(const GeneratorOutput& output) {
    Strings names;
    for (const GeneratedUnit& unit : output.units) names.push_back(unit.unit_name);
    return names;
  }

  // The text translate_unit() gives for `path` (and its drop-ins) alone.
  std::string translated(const file::SdmeSource& source) const {
    file::UnitFile unit;
    std::string err;
    EXPECT_TRUE(unit.parse(source.path, contents(source.path), &err)) << err;
    for (const std::string& dropin : source.dropin_paths)
      EXPECT_TRUE(unit.parse(dropin, contents(dropin), &err)) << err;
    TranslationInput input{source.unit_name,    source.container_name, source.path,
                           source.dropin_paths, config_.state_dir,     config_.helper_dir,
                           config_.nspawn_path};
    std::string text;
    EXPECT_TRUE(translate_unit(input, unit, &text, &err)) << err;
    return text;
  }

  std::string root_, etc_, usr_, output_;
  std::vector<SearchDirectory> directories_;
  GeneratorConfig config_;
};

TEST_F(GeneratorTest, GeneratesEveryUnitWithItsLinks) {
  write(etc_ + "/web.sdme", "[Container]\nHostname=web\n[Install]\n");
  write(etc_ + "/web.sdme.d/10-bind.conf", "[Container]\nBind=/srv/www\n");
  write(etc_ + "/db.sdme", "[Container]\nRootfs=debian\n");
  write(usr_ + "/cache@.sdme", "[Install]\nDefaultInstance=main\nWantedBy=multi-user.target\n");
  GeneratorOutput output = run();
  EXPECT_EQ(output.errors, Strings{});
  EXPECT_EQ(unit_names(output), (Strings{"cache@.service", "db.service", "web.service"}));
  EXPECT_EQ(
      pairs(output.links),
      (Links{{"machines.target.wants/web.service", "../web.service"},
             {"multi-user.target.wants/cache@main.service", "../cache@.service"},
             {"multi-user.target.wants/machines.target", "/lib/systemd/system/machines.target"}}));

  std::vector<file::SdmeSource> sources;
  std::vector<std::string> errors;
  file::find_sources(directories_, &sources, &errors);
  ASSERT_EQ(sources.size(), 3u);
  for (size_t i = 0; i < sources.size(); ++i)
    EXPECT_EQ(output.units[i].text, translated(sources[i])) << sources[i].unit_name;
  EXPECT_NE(output.units[2].text.find("# and " + etc_ + "/web.sdme.d/10-bind.conf\n"),
            std::string::npos);
  EXPECT_NE(output.units[2].text.find(" --bind=/srv/www\n"), std::string::npos);
}

TEST_F(GeneratorTest, VendorFilesFollowPresets) {
  write(usr_ + "/web.sdme", "[Install]\n");
  write(usr_ + "/db.sdme", "[Install]\n");
  write(etc_ + "/admin.sdme", "[Install]\n");
  PresetPolicy presets;
  PresetRule enable_web;
  enable_web.action = PresetAction::kEnable;
  enable_web.pattern = "web.service";
  presets.add_rule(enable_web);
  PresetRule disable_all;
  disable_all.action = PresetAction::kDisable;
  disable_all.pattern = "*";
  presets.add_rule(disable_all);
  GeneratorOutput output = run(presets);
  EXPECT_EQ(unit_names(output), (Strings{"admin.service", "db.service", "web.service"}));
  EXPECT_EQ(
      pairs(output.links),
      (Links{{"machines.target.wants/admin.service", "../admin.service"},
             {"machines.target.wants/web.service", "../web.service"},
             {"multi-user.target.wants/machines.target", "/lib/systemd/system/machines.target"}}));
}

TEST_F(GeneratorTest, NoLinksNoMachinesTargetPullIn) {
  write(etc_ + "/web.sdme", "[Container]\n");
  GeneratorOutput output = run();
  EXPECT_EQ(unit_names(output), Strings{"web.service"});
  EXPECT_EQ(pairs(output.links), Links{});
}

TEST_F(GeneratorTest, BrokenFileCostsOnlyItsOwnUnit) {
  write(etc_ + "/a.sdme", "[Install]\n");
  write(etc_ + "/bad.sdme", "[Container]\nHostname=x\nBnd=/srv\n");
  write(etc_ + "/z.sdme", "[Container]\nHostname=z\n");
  GeneratorOutput output = run();
  EXPECT_EQ(unit_names(output), (Strings{"a.service", "z.service"}));
  EXPECT_EQ(output.errors,
            Strings{etc_ + "/bad.sdme:3: unknown key 'Bnd' in [Container], did you mean 'Bind'?"});
  EXPECT_EQ(output.links.size(), 2u);
}

TEST_F(GeneratorTest, EachKindOfFailureIsOneLine) {
  write(etc_ + "/parse.sdme", "[Container\n");
  write(etc_ + "/install.sdme", "[Install]\nAlso=x.service\n");
  write(etc_ + "/dropin.sdme", "[Container]\n");
  write(etc_ + "/dropin.sdme.d/10.conf", "Hostname=x\n");
  write(etc_ + "/good.sdme", "[Install]\n");
  GeneratorOutput output = run();
  EXPECT_EQ(unit_names(output), Strings{"good.service"});
  EXPECT_EQ(output.errors,
            (Strings{etc_ + "/dropin.sdme.d/10.conf:1: assignment Hostname= is outside of any "
                            "section: put a [Section] header above it",
                     etc_ + "/install.sdme:2: Also= cannot enable other units from a generated "
                            "one; give each container its own [Install] section",
                     etc_ + "/parse.sdme:1: invalid section header '[Container': it must end "
                            "with ']'"}));
  EXPECT_EQ(
      pairs(output.links),
      (Links{{"machines.target.wants/good.service", "../good.service"},
             {"multi-user.target.wants/machines.target", "/lib/systemd/system/machines.target"}}));
}

TEST_F(GeneratorTest, UnreadableFileNamesItsPathOnce) {
  file::SdmeSource source;
  std::string err;
  ASSERT_TRUE(file::classify_source_name("gone.sdme", &source, &err)) << err;
  source.path = etc_ + "/gone.sdme";
  GeneratorOutput output;
  generate({source}, PresetPolicy(), config_, &output);
  EXPECT_EQ(output.errors,
            Strings{"cannot open " + etc_ + "/gone.sdme: No such file or directory"});
  EXPECT_EQ(output.units.size(), 0u);
}

TEST_F(GeneratorTest, InstanceLinksEnableTemplateInstances) {
  write(etc_ + "/web@.sdme", "[Install]\nWantedBy=multi-user.target\n");
  ASSERT_EQ(::symlink("web@.sdme", (etc_ + "/web@a.sdme").c_str()), 0);
  ASSERT_EQ(::symlink("web@.sdme", (etc_ + "/web@b.sdme").c_str()), 0);
  write(etc_ + "/db@.sdme", "[Container]\n");
  ASSERT_EQ(::symlink("db@.sdme", (etc_ + "/db@main.sdme").c_str()), 0);
  GeneratorOutput output = run();
  EXPECT_EQ(output.errors, Strings{});
  EXPECT_EQ(unit_names(output), (Strings{"db@.service", "web@.service"}));
  EXPECT_EQ(
      pairs(output.links),
      (Links{{"machines.target.wants/db@main.service", "../db@.service"},
             {"multi-user.target.wants/machines.target", "/lib/systemd/system/machines.target"},
             {"multi-user.target.wants/web@a.service", "../web@.service"},
             {"multi-user.target.wants/web@b.service", "../web@.service"}}));
}

TEST_F(GeneratorTest, InstanceLinkToBrokenTemplateIsOneError) {
  write(etc_ + "/web@.sdme", "[Container]\nBoot=maybe\n");
  ASSERT_EQ(::symlink("web@.sdme", (etc_ + "/web@a.sdme").c_str()), 0);
  GeneratorOutput output = run();
  EXPECT_EQ(unit_names(output), Strings{});
  EXPECT_EQ(output.errors,
            (Strings{etc_ + "/web@.sdme:2: Boot=maybe is not a boolean, use yes or no",
                     etc_ + "/web@a.sdme: enables an instance of web@.service, but no valid "
                            "template for it was found; fix or add the template's .sdme file"}));
  EXPECT_EQ(pairs(output.links), Links{});
}

TEST_F(GeneratorTest, WritesUnitsAndLinks) {
  write(etc_ + "/web.sdme", "[Install]\nAlias=www.service\n");
  write(etc_ + "/db.sdme", "[Container]\n");
  GeneratorOutput output = run();
  std::vector<std::string> errors;
  ASSERT_TRUE(write_generator_output(output_, output, &errors));
  EXPECT_EQ(errors, Strings{});
  EXPECT_EQ(tree(output_),
            (Strings{"db.service", "machines.target.wants/", "machines.target.wants/web.service",
                     "multi-user.target.wants/", "multi-user.target.wants/machines.target",
                     "web.service", "www.service"}));
  for (const GeneratedUnit& unit : output.units) {
    std::string path = output_ + "/" + unit.unit_name;
    EXPECT_EQ(contents(path), unit.text);
    mode_t mode = file_type_and_mode(path);
    EXPECT_TRUE(S_ISREG(mode)) << path;
    EXPECT_EQ(mode & 07777, 0644u) << path;
  }
  EXPECT_EQ(link_target(output_ + "/machines.target.wants/web.service"), "../web.service");
  EXPECT_EQ(link_target(output_ + "/multi-user.target.wants/machines.target"),
            "/lib/systemd/system/machines.target");
  EXPECT_EQ(link_target(output_ + "/www.service"), "web.service");
}

TEST_F(GeneratorTest, ExistingFileIsNotReplaced) {
  write(etc_ + "/web.sdme", "[Install]\n");
  write(etc_ + "/db.sdme", "[Container]\n");
  write(output_ + "/web.service", "from another generator\n");
  GeneratorOutput output = run();
  std::vector<std::string> errors;
  ASSERT_TRUE(write_generator_output(output_, output, &errors));
  EXPECT_EQ(errors, Strings{output_ + "/web.service: already exists (written by another "
                                      "generator), not replacing it"});
  EXPECT_EQ(contents(output_ + "/web.service"), "from another generator\n");
  EXPECT_EQ(contents(output_ + "/db.service"), output.units[0].text);
}

TEST_F(GeneratorTest, ExistingSymlinkIsNotReplaced) {
  write(etc_ + "/web.sdme", "[Container]\n");
  ASSERT_EQ(::symlink("/dev/null", (output_ + "/web.service").c_str()), 0);
  GeneratorOutput output = run();
  std::vector<std::string> errors;
  ASSERT_TRUE(write_generator_output(output_, output, &errors));
  EXPECT_EQ(errors, Strings{output_ + "/web.service: already exists (written by another "
                                      "generator), not replacing it"});
  EXPECT_EQ(link_target(output_ + "/web.service"), "/dev/null");
}

TEST_F(GeneratorTest, AliasCannotTakeAnotherUnitsName) {
  write(etc_ + "/a.sdme", "[Install]\nAlias=b.service\n");
  write(etc_ + "/b.sdme", "[Container]\nHostname=b\n");
  GeneratorOutput output = run();
  EXPECT_EQ(unit_names(output), (Strings{"a.service", "b.service"}));
  EXPECT_EQ(output.errors, Strings{etc_ + "/a.sdme: Alias=b.service is the name of a unit "
                                          "generated from another file; choose another alias"});
  std::vector<std::string> errors;
  ASSERT_TRUE(write_generator_output(output_, output, &errors));
  EXPECT_EQ(errors, Strings{});
  EXPECT_TRUE(S_ISREG(file_type_and_mode(output_ + "/b.service")));
  EXPECT_EQ(contents(output_ + "/b.service"), output.units[1].text);
}

TEST_F(GeneratorTest, TwoFilesClaimingOneAliasFirstWins) {
  write(etc_ + "/a.sdme", "[Install]\nAlias=www.service\n");
  write(etc_ + "/b.sdme", "[Install]\nAlias=www.service\n");
  GeneratorOutput output = run();
  EXPECT_EQ(output.errors, Strings{etc_ + "/b.sdme: Alias=www.service is already taken by " + etc_ +
                                   "/a.sdme; choose another alias"});
  std::vector<std::string> errors;
  ASSERT_TRUE(write_generator_output(output_, output, &errors));
  EXPECT_EQ(link_target(output_ + "/www.service"), "a.service");
}

// Like units, links must not take a name away from another generator.
TEST_F(GeneratorTest, LinkDoesNotReplaceAnotherGeneratorsFile) {
  write(etc_ + "/web.sdme", "[Install]\nAlias=www.service\n");
  write(output_ + "/www.service", "from another generator\n");
  GeneratorOutput output = run();
  std::vector<std::string> errors;
  ASSERT_TRUE(write_generator_output(output_, output, &errors));
  EXPECT_EQ(errors, Strings{output_ + "/www.service: already exists (written by another "
                                      "generator), not replacing it"});
  EXPECT_TRUE(S_ISREG(file_type_and_mode(output_ + "/www.service")));
  EXPECT_EQ(contents(output_ + "/www.service"), "from another generator\n");
}

TEST_F(GeneratorTest, UnusableOutputDirectoryFails) {
  write(etc_ + "/web.sdme", "[Container]\n");
  GeneratorOutput output = run();
  std::vector<std::string> errors;
  EXPECT_FALSE(write_generator_output(root_ + "/missing", output, &errors));
  EXPECT_EQ(errors, Strings{root_ + "/missing: cannot open the directory: No such file or "
                                    "directory"});
  write(root_ + "/file", "x");
  errors.clear();
  EXPECT_FALSE(write_generator_output(root_ + "/file", output, &errors));
  EXPECT_EQ(errors, Strings{root_ + "/file: cannot open the directory: Not a directory"});
  EXPECT_EQ(tree(output_), Strings{});
}

TEST_F(GeneratorTest, LinkProblemsAreReportedAndTheRestIsWritten) {
  // A file where a .wants directory should be.
  write(output_ + "/machines.target.wants", "in the way");
  GeneratorOutput output;
  output.units = {{"a.service", "A\n"}};
  output.links = {{"machines.target.wants/a.service", "../a.service", "", ""},
                  {"www.service", "a.service", "", ""}};
  std::vector<std::string> errors;
  ASSERT_TRUE(write_generator_output(output_, output, &errors));
  EXPECT_EQ(errors, Strings{output_ + "/machines.target.wants: exists and is not a directory"});
  EXPECT_EQ(contents(output_ + "/a.service"), "A\n");
  EXPECT_EQ(link_target(output_ + "/www.service"), "a.service");
}

TEST_F(GeneratorTest, DryRunFormat) {
  GeneratorOutput output;
  output.units = {{"a.service", "[Unit]\nA=1\n"}, {"b@.service", "[Unit]\nB=2\n"}};
  output.links = {{"machines.target.wants/a.service", "../a.service", "", ""},
                  {"www.service", "a.service", "", ""}};
  EXPECT_EQ(format_dry_run(output),
            "---a.service---\n"
            "[Unit]\nA=1\n"
            "---b@.service---\n"
            "[Unit]\nB=2\n"
            "---machines.target.wants/a.service -> ../a.service---\n"
            "---www.service -> a.service---\n");
  EXPECT_EQ(format_dry_run(GeneratorOutput()), "");
}

TEST_F(GeneratorTest, DryRunShowsDropIns) {
  GeneratorOutput output;
  output.units = {{"a.service", "[Unit]\nA=1\n"}};
  output.dropins = {{"sdme-import@d.service.d/50-sdme-import.conf", "[Unit]\nC=1\n"}};
  output.links = {{"www.service", "a.service", "/etc/sdme/a.sdme", ""}};
  EXPECT_EQ(format_dry_run(output),
            "---a.service---\n"
            "[Unit]\nA=1\n"
            "---sdme-import@d.service.d/50-sdme-import.conf---\n"
            "[Unit]\nC=1\n"
            "---www.service -> a.service---\n");
}

// The generator hands sdme-import the names of the .sdme files, never the
// source: a URL's credentials must not reach anything world-readable.
TEST_F(GeneratorTest, ImportDropInNamesTheFilesNotTheSource) {
  write(etc_ + "/web.sdme", "[Container]\nRootfs=debian\nImport=https://u:p@example.org/d.tar\n");
  GeneratorOutput output = run();
  EXPECT_EQ(output.errors, Strings{});
  ASSERT_EQ(output.dropins.size(), 1u);
  EXPECT_EQ(output.dropins[0].path, "sdme-import@debian.service.d/50-sdme-import.conf");
  EXPECT_EQ(output.dropins[0].text,
            "# Automatically generated by sdme-generator for the files that use rootfs "
            "debian:\n"
            "#   " + etc_ + "/web.sdme\n"
            "# sdme-import reads Import= and its keys from them again when it runs, so that\n"
            "# the source, which may hold credentials, is in no unit; see sdme-import(8).\n"
            "\n[Unit]\n"
            "SourcePath=" + etc_ + "/web.sdme\n"
            "\n[Service]\n"
            "Environment=SDME_IMPORT_FILES=" + etc_ + "/web.sdme\n"
            "Environment=SDME_UNIT_PATH=" + etc_ + ":" + usr_ + "\n");
  ASSERT_EQ(output.units.size(), 1u);
  EXPECT_EQ(output.units[0].text.find("u:p"), std::string::npos) << output.units[0].text;
  EXPECT_NE(output.units[0].text.find("\nImport=https://***@example.org/d.tar\n"),
            std::string::npos)
      << output.units[0].text;

  // sdme-import, given what the drop-in says, finds the source again.
  ImportRequest request;
  std::string err;
  ASSERT_TRUE(file::read_import_request("debian", {etc_ + "/web.sdme"}, directories_, &request, &err))
      << err;
  EXPECT_EQ(request.source, "https://u:p@example.org/d.tar");
  EXPECT_EQ(request.origin, etc_ + "/web.sdme:3");
  EXPECT_TRUE(request.boot);
}

// systemd.generator(7): a generator writes into its output directory only.
TEST_F(GeneratorTest, WritesNothingOutsideTheOutputDirectory) {
  write(etc_ + "/web.sdme", "[Container]\nRootfs=debian\nImport=/srv/d.tar\n[Install]\n");
  Strings before = tree(root_);
  before.erase(std::find(before.begin(), before.end(), "output/"));
  std::vector<std::string> errors;
  ASSERT_TRUE(write_generator_output(output_, run(), &errors));
  EXPECT_EQ(errors, Strings{});
  Strings after;
  for (const std::string& path : tree(root_))
    if (path != "output/" && !path.starts_with("output/")) after.push_back(path);
  EXPECT_EQ(after, before);
  EXPECT_EQ(tree(output_),
            (Strings{"machines.target.wants/", "machines.target.wants/web.service",
                     "multi-user.target.wants/", "multi-user.target.wants/machines.target",
                     "sdme-import@debian.service.d/",
                     "sdme-import@debian.service.d/50-sdme-import.conf", "web.service"}));
}

TEST_F(GeneratorTest, LaterConflictingImportIsRefused) {
  write(etc_ + "/a.sdme", "[Container]\nRootfs=debian\nImport=/srv/d.tar\nExec=/bin/true\n");
  write(etc_ + "/b.sdme", "[Container]\nRootfs=debian\nImport=/srv/other.tar\n");
  write(etc_ + "/c.sdme", "[Container]\nRootfs=debian\nImport=/srv/d.tar\nImportMaxSize=1G\n");
  write(etc_ + "/d.sdme",
        "[Container]\nRootfs=debian\nImport=/srv/d.tar\nImportInstallPackages=no\n");
  write(etc_ + "/e.sdme", "[Container]\nRootfs=debian\nImport=/srv/d.tar\nExec=/bin/sh\n");
  GeneratorOutput output = run();
  EXPECT_EQ(
      output.errors,
      (Strings{etc_ + "/b.sdme:3: Import= for rootfs 'debian' differs from " + etc_ +
                   "/a.sdme:3; containers sharing a rootfs must import it the same way",
               etc_ + "/c.sdme:3: ImportMaxSize= for rootfs 'debian' differs from " + etc_ +
                   "/a.sdme:3; containers sharing a rootfs must import it the same way",
               etc_ + "/d.sdme:3: ImportInstallPackages= for rootfs 'debian' differs from " + etc_ +
                   "/a.sdme:3; containers sharing a rootfs must import it the same "
                   "way"}));
  EXPECT_EQ(unit_names(output), (Strings{"a.service", "e.service"}));
  ASSERT_EQ(output.dropins.size(), 1u);
  // Only the files that got a unit are named: b.sdme would have booted it.
  EXPECT_NE(output.dropins[0].text.find("\nEnvironment=SDME_IMPORT_FILES=" + etc_ + "/a.sdme:" +
                                        etc_ + "/e.sdme\n"),
            std::string::npos)
      << output.dropins[0].text;
  ImportRequest request;
  std::string err;
  ASSERT_TRUE(file::read_import_request("debian", {etc_ + "/a.sdme", etc_ + "/e.sdme"}, directories_,
                                  &request, &err))
      << err;
  EXPECT_EQ(request.source, "/srv/d.tar");
  EXPECT_EQ(request.origin, etc_ + "/a.sdme:3");
  EXPECT_FALSE(request.boot);
}

TEST_F(GeneratorTest, AnyBootingContainerOfTheRootfsCounts) {
  write(etc_ + "/a.sdme", "[Container]\nRootfs=debian\nImport=/srv/d.tar\nExec=/bin/true\n");
  write(etc_ + "/b.sdme", "[Container]\nRootfs=alpine\nImport=/srv/a.tar\nExec=/bin/true\n");
  write(etc_ + "/z.sdme", "[Container]\nRootfs=debian\n");
  write(usr_ + "/t@.sdme", "[Container]\nRootfs=%i\n");
  GeneratorOutput output = run();
  EXPECT_EQ(output.errors, Strings{});
  ASSERT_EQ(output.dropins.size(), 2u);
  EXPECT_EQ(output.dropins[0].path, "sdme-import@alpine.service.d/50-sdme-import.conf");
  EXPECT_EQ(output.dropins[1].path, "sdme-import@debian.service.d/50-sdme-import.conf");
  EXPECT_NE(output.dropins[1].text.find("\nEnvironment=SDME_IMPORT_FILES=" + etc_ + "/a.sdme:" +
                                        etc_ + "/z.sdme\n"),
            std::string::npos)
      << output.dropins[1].text;
  ImportRequest alpine, debian;
  std::string err;
  ASSERT_TRUE(file::read_import_request("alpine", {etc_ + "/b.sdme"}, directories_, &alpine, &err));
  EXPECT_FALSE(alpine.boot);
  ASSERT_TRUE(file::read_import_request("debian", {etc_ + "/a.sdme", etc_ + "/z.sdme"}, directories_,
                                  &debian, &err));
  EXPECT_TRUE(debian.boot);
}

TEST_F(GeneratorTest, OtherStateDirectoryIsPassedOnInTheImportDropIn) {
  config_.state_dir = "/srv/sdme 100%";
  write(etc_ + "/web.sdme", "[Container]\nRootfs=debian\nImport=/srv/d.tar\n");
  GeneratorOutput output = run();
  EXPECT_EQ(output.errors, Strings{});
  ASSERT_EQ(output.dropins.size(), 1u);
  const std::string& text = output.dropins[0].text;
  EXPECT_EQ(text.substr(text.find("\n\n")),
            "\n\n[Unit]\n"
            "SourcePath=" + etc_ + "/web.sdme\n"
            "ConditionPathExists=\n"
            "ConditionPathExists=!/srv/sdme 100%%/rootfs/%i\n"
            "RequiresMountsFor=\"/srv/sdme 100%%/rootfs\"\n"
            "\n[Service]\n"
            "Environment=SDME_IMPORT_FILES=" + etc_ + "/web.sdme\n"
            "Environment=SDME_UNIT_PATH=" + etc_ + ":" + usr_ + "\n"
            "Environment=\"SDME_STATE_DIR=/srv/sdme 100%%\"\n");
  std::vector<std::string> errors;
  ASSERT_TRUE(write_generator_output(output_, output, &errors));
  EXPECT_EQ(errors, Strings{});
  std::string path = output_ + "/sdme-import@debian.service.d/50-sdme-import.conf";
  EXPECT_EQ(contents(path), text);
  EXPECT_EQ(file_type_and_mode(path), S_IFREG | 0644);
}

// The default search path and state directory need nothing but the files.
TEST_F(GeneratorTest, DefaultPathsAreNotRepeatedInTheImportDropIn) {
  write(etc_ + "/web.sdme", "[Container]\nRootfs=debian\nImport=/srv/d.tar\n");
  config_.search_path.clear();
  for (const std::string& path : split(kDefaultUnitPath, ':')) config_.search_path.push_back({path});
  std::vector<file::SdmeSource> sources;
  std::vector<std::string> errors;
  file::find_sources(directories_, &sources, &errors);
  GeneratorOutput output;
  generate(sources, PresetPolicy(), config_, &output);
  ASSERT_EQ(output.dropins.size(), 1u);
  const std::string& text = output.dropins[0].text;
  EXPECT_EQ(text.substr(text.find("\n\n")), "\n\n[Unit]\nSourcePath=" + etc_ +
                                                "/web.sdme\n\n[Service]\n"
                                                "Environment=SDME_IMPORT_FILES=" +
                                                etc_ + "/web.sdme\n");
}

// A link planted by another generator must not redirect ours: a .wants or
// .d directory that is a symbolic link is refused, and nothing is written
// where it points.
TEST_F(GeneratorTest, PlantedSymlinkDirectoriesAreNotFollowed) {
  const std::string elsewhere = root_ + "/elsewhere";
  ASSERT_EQ(::mkdir(elsewhere.c_str(), 0755), 0);
  ASSERT_EQ(::symlink(elsewhere.c_str(), (output_ + "/multi-user.target.wants").c_str()), 0);
  ASSERT_EQ(::symlink(elsewhere.c_str(), (output_ + "/sdme-import@debian.service.d").c_str()), 0);
  write(etc_ + "/web.sdme", "[Container]\nRootfs=debian\nImport=/srv/d.tar\n[Install]\n");
  std::vector<std::string> errors;
  ASSERT_TRUE(write_generator_output(output_, run(), &errors));
  EXPECT_EQ(errors,
            (Strings{output_ + "/multi-user.target.wants: is a symbolic link, not a directory; "
                               "not following it",
                     output_ + "/sdme-import@debian.service.d: is a symbolic link, not a "
                               "directory; not following it"}));
  EXPECT_EQ(tree(elsewhere), Strings{});
  EXPECT_EQ(link_target(output_ + "/machines.target.wants/web.service"), "../web.service");
  EXPECT_TRUE(S_ISREG(file_type_and_mode(output_ + "/web.service")));
}

// `systemctl mask machines.target` wins over the link the generator would
// add; `systemctl disable` cannot be told from "never enabled" and does not.
TEST_F(GeneratorTest, MaskedMachinesTargetIsNotPulledIn) {
  write(etc_ + "/web.sdme", "[Install]\n");
  const std::string mask_dir = root_ + "/etc/systemd/system";
  ASSERT_EQ(std::system(("mkdir -p '" + mask_dir + "' '" + root_ + "/run/systemd/system'").c_str()),
            0);
  const Links enabled = {{"machines.target.wants/web.service", "../web.service"}};
  const Links pulled_in = {
      {"machines.target.wants/web.service", "../web.service"},
      {"multi-user.target.wants/machines.target", "/lib/systemd/system/machines.target"}};
  EXPECT_EQ(pairs(run().links), pulled_in);

  ASSERT_EQ(::symlink("/dev/null", (mask_dir + "/machines.target").c_str()), 0);
  EXPECT_EQ(pairs(run().links), enabled);
  ASSERT_EQ(::unlink((mask_dir + "/machines.target").c_str()), 0);

  write(root_ + "/run/systemd/system/machines.target", "");  // systemctl mask --runtime, empty
  EXPECT_EQ(pairs(run().links), enabled);

  // A unit file in /etc comes first and hides the runtime mask.
  write(mask_dir + "/machines.target", "[Unit]\nDescription=Containers\n");
  EXPECT_EQ(pairs(run().links), pulled_in);
}

// Issue 11, item 2: a FIFO or device where a file should be must not block
// the run; each costs its own file one line, and every other file is
// generated.
TEST_F(GeneratorTest, FifosAndDevicesDoNotBlockTheRun) {
  write(etc_ + "/a.sdme", "[Container]\n");
  write(etc_ + "/a.sdme.d/05-good.conf", "[Container]\nHostname=a\n");
  ASSERT_EQ(::mkfifo((etc_ + "/a.sdme.d/10-x.conf").c_str(), 0644), 0);
  write(etc_ + "/b.sdme", "[Container]\n");
  ASSERT_EQ(::mkdir((etc_ + "/b.sdme.d").c_str(), 0755), 0);
  ASSERT_EQ(::symlink("/dev/zero", (etc_ + "/b.sdme.d/10-zero.conf").c_str()), 0);
  ASSERT_EQ(::mkfifo((etc_ + "/c.sdme").c_str(), 0644), 0);
  ASSERT_EQ(::symlink("/dev/zero", (etc_ + "/d.sdme").c_str()), 0);
  write(etc_ + "/good.sdme", "[Container]\n");
  const std::string preset_dir = root_ + "/preset";
  ASSERT_EQ(::mkdir(preset_dir.c_str(), 0755), 0);
  ASSERT_EQ(::mkfifo((root_ + "/fifo").c_str(), 0644), 0);
  ASSERT_EQ(::symlink((root_ + "/fifo").c_str(), (preset_dir + "/50-fifo.preset").c_str()), 0);

  std::vector<file::SdmeSource> sources;
  std::vector<std::string> errors;
  file::find_sources(directories_, &sources, &errors);
  EXPECT_EQ(errors,
            (Strings{etc_ + "/c.sdme: not a regular file (or a dangling symlink); point it at a "
                            ".sdme file or remove it",
                     etc_ + "/d.sdme: not a regular file (or a dangling symlink); point it at a "
                            ".sdme file or remove it"}));
  PresetPolicy presets;
  std::vector<std::string> warnings;
  presets.load({preset_dir}, &warnings);
  EXPECT_EQ(warnings, Strings{preset_dir + "/50-fifo.preset: is a FIFO, not a regular file; "
                                           "replace it with a file or remove it, ignoring the "
                                           "file"});
  GeneratorOutput output;
  generate(sources, presets, config_, &output);
  EXPECT_EQ(unit_names(output), Strings{"good.service"});
  EXPECT_EQ(output.errors,
            (Strings{etc_ + "/a.sdme.d/10-x.conf: is a FIFO, not a regular file; replace it "
                            "with a file or remove it",
                     etc_ + "/b.sdme.d/10-zero.conf: is a character device, not a regular "
                            "file; replace it with a file or remove it"}));
}

TEST_F(GeneratorTest, TwoRunsGiveIdenticalBytes) {
  write(etc_ + "/web.sdme",
        "[Container]\nCapability=net_raw net_admin\nEnvironment=B=2 A=1\nBind=/b /a\n"
        "[Install]\nWantedBy=z.target a.target\nAlias=www.service\n");
  write(etc_ + "/web.sdme.d/20.conf", "[Container]\nSystemCallFilter=@system-service\n");
  write(etc_ + "/web.sdme.d/10.conf", "[Container]\nNetwork=veth\n");
  write(usr_ + "/db@.sdme", "[Install]\nDefaultInstance=main\n");
  ASSERT_EQ(::symlink((usr_ + "/db@.sdme").c_str(), (etc_ + "/db@x.sdme").c_str()), 0);
  GeneratorOutput first = run();
  GeneratorOutput second = run();
  EXPECT_EQ(first.errors, Strings{});
  EXPECT_EQ(format_dry_run(first), format_dry_run(second));

  std::string other_output = root_ + "/output2";
  ASSERT_EQ(::mkdir(other_output.c_str(), 0755), 0);
  std::vector<std::string> errors;
  ASSERT_TRUE(write_generator_output(output_, first, &errors));
  ASSERT_TRUE(write_generator_output(other_output, second, &errors));
  EXPECT_EQ(errors, Strings{});
  Strings paths = tree(output_);
  EXPECT_EQ(paths, tree(other_output));
  for (const std::string& path : paths) {
    if (path.ends_with("/")) continue;
    EXPECT_EQ(contents(output_ + "/" + path), contents(other_output + "/" + path)) << path;
    EXPECT_EQ(link_target(output_ + "/" + path), link_target(other_output + "/" + path)) << path;
  }
}

// The writer gets each unit as soon as its file is translated; what later
// files decide across files (an alias taken first, a rootfs imported
// another way, an alias named like an earlier unit) must still come out
// as when everything was translated first: same tree, same errors in the
// same order, and nothing of a refused file on disk.
TEST_F(GeneratorTest, StreamingGivesWhatTheCollectedRunGives) {
  write(etc_ + "/a.sdme", "[Install]\nAlias=www.service\n");
  write(etc_ + "/b.sdme", "[Install]\nAlias=www.service\n");
  write(etc_ + "/c.sdme", "[Container]\nRootfs=debian\nImport=/srv/d.tar\n");
  write(etc_ + "/d.sdme", "[Container]\nRootfs=debian\nImport=/srv/other.tar\n[Install]\n");
  write(etc_ + "/e.sdme", "[Install]\nAlias=a.service\n");
  write(etc_ + "/f.sdme", "[Container]\nBoot=maybe\n");
  std::string streamed = root_ + "/streamed";
  ASSERT_EQ(::mkdir(streamed.c_str(), 0755), 0);
  // Another generator's unit: reported, and b's links are still written.
  write(output_ + "/b.service", "other");
  write(streamed + "/b.service", "other");

  GeneratorOutput collected = run();
  std::vector<std::string> collected_errors = collected.errors;
  ASSERT_TRUE(write_generator_output(output_, collected, &collected_errors));

  std::vector<file::SdmeSource> sources;
  std::vector<std::string> errors;
  file::find_sources(directories_, &sources, &errors);
  OutputDirectoryWriter writer;
  std::string err;
  ASSERT_TRUE(writer.open(streamed, &err)) << err;
  generate(sources, PresetPolicy(), config_, &writer, &errors);
  std::vector<std::string> write_errors = writer.finish();
  errors.insert(errors.end(), write_errors.begin(), write_errors.end());

  EXPECT_EQ(collected_errors,
            (Strings{etc_ + "/d.sdme:3: Import= for rootfs 'debian' differs from " + etc_ +
                         "/c.sdme:3; containers sharing a rootfs must import it the same way",
                     etc_ + "/f.sdme:2: Boot=maybe is not a boolean, use yes or no",
                     etc_ + "/e.sdme: Alias=a.service is the name of a unit generated from "
                            "another file; choose another alias",
                     etc_ + "/b.sdme: Alias=www.service is already taken by " + etc_ +
                         "/a.sdme; choose another alias",
                     output_ + "/b.service: already exists (written by another generator), "
                               "not replacing it"}));
  for (std::string& error : collected_errors)
    if (error.starts_with(output_)) error.replace(0, output_.size(), streamed);
  EXPECT_EQ(errors, collected_errors);
  Strings paths = tree(output_);
  EXPECT_EQ(tree(streamed), paths);
  EXPECT_EQ(std::count(paths.begin(), paths.end(), "d.service"), 0);
  EXPECT_EQ(std::count(paths.begin(), paths.end(), "machines.target.wants/b.service"), 1);
  for (const std::string& path : paths) {
    if (path.ends_with("/")) continue;
    EXPECT_EQ(contents(streamed + "/" + path), contents(output_ + "/" + path)) << path;
    EXPECT_EQ(link_target(streamed + "/" + path), link_target(output_ + "/" + path)) << path;
  }

  // --dry-run prints as it goes, the same bytes as format_dry_run().
  char* printed = nullptr;
  size_t printed_size = 0;
  std::FILE* stream = ::open_memstream(&printed, &printed_size);
  ASSERT_NE(stream, nullptr);
  DryRunPrinter printer(stream);
  std::vector<std::string> dry_run_errors;
  generate(sources, PresetPolicy(), config_, &printer, &dry_run_errors);
  std::fclose(stream);
  std::string text(printed, printed_size);
  std::free(printed);
  EXPECT_EQ(text, format_dry_run(collected));
  EXPECT_EQ(dry_run_errors, collected.errors);
}

TEST_F(GeneratorTest, ConfigComesFromTheEnvironment) {
  const char* names[] = {"SDME_ROOT", "SDME_STATE_DIR", "SDME_HELPER_DIR", "SDME_NSPAWN"};
  std::vector<std::optional<std::string>> saved;
  for (const char* name : names) {
    const char* value = std::getenv(name);
    saved.push_back(value ? std::optional<std::string>(value) : std::nullopt);
  }
  ::unsetenv("SDME_ROOT");
  ::setenv("SDME_STATE_DIR", "/tmp/state", 1);
  ::setenv("SDME_HELPER_DIR", "/tmp/helpers", 1);
  ::setenv("SDME_NSPAWN", "/tmp/nspawn", 1);
  GeneratorConfig config = generator_config_from_environment();
  for (size_t i = 0; i < std::size(names); ++i) {
    if (saved[i])
      ::setenv(names[i], saved[i]->c_str(), 1);
    else
      ::unsetenv(names[i]);
  }
  EXPECT_EQ(config.state_dir, "/tmp/state");
  EXPECT_EQ(config.helper_dir, "/tmp/helpers");
  EXPECT_EQ(config.nspawn_path, "/tmp/nspawn");
  EXPECT_EQ(config.systemd_unit_dir, systemd_unit_dir());
}

}  // namespace
}  // namespace sdme::generator
