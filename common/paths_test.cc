// Tests for the locations sdme uses and their environment overrides. Every
// test starts with the SDME_* variables unset and restores them afterwards.
#include "common/paths.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace sdme {

// For readable failure messages.
bool operator==(const SearchDirectory& a, const SearchDirectory& b) {
  return a.path == b.path && a.is_vendor == b.is_vendor;
}
void PrintTo(const SearchDirectory& directory, std::ostream* out) {
  *out << "{" << directory.path << (directory.is_vendor ? ", vendor}" : ", admin}");
}

namespace {

constexpr const char* kVariables[] = {"SDME_ROOT",      "SDME_UNIT_PATH",  "SDME_PRESET_PATH",
                                      "SDME_STATE_DIR", "SDME_HELPER_DIR", "SDME_NSPAWN",
                                      "SDME_PROC_DIR",  "SDME_SYS_DIR",    "SDME_RUN_DIR"};

using Directories = std::vector<SearchDirectory>;
using Paths = std::vector<std::string>;

class PathsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* name : kVariables) {
      const char* value = std::getenv(name);
      saved_.emplace_back(name, value ? std::optional<std::string>(value) : std::nullopt);
      ::unsetenv(name);
    }
  }

  void TearDown() override {
    for (const auto& [name, value] : saved_) {
      if (value)
        ::setenv(name.c_str(), value->c_str(), 1);
      else
        ::unsetenv(name.c_str());
    }
  }

  static void set(const char* name, const char* value) { ::setenv(name, value, 1); }

 private:
  std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

TEST_F(PathsTest, DefaultUnitSearchPath) {
  EXPECT_EQ(root_prefix(), "");
  EXPECT_EQ(unit_search_path(), (Directories{{"/etc/sdme", false},
                                             {"/run/sdme", false},
                                             {"/usr/local/lib/sdme", true},
                                             {"/usr/lib/sdme", true}}));
}

TEST_F(PathsTest, RootPrefixesEveryDefault) {
  set("SDME_ROOT", "/tmp/image");
  EXPECT_EQ(root_prefix(), "/tmp/image");
  EXPECT_EQ(unit_search_path(), (Directories{{"/tmp/image/etc/sdme", false},
                                             {"/tmp/image/run/sdme", false},
                                             {"/tmp/image/usr/local/lib/sdme", true},
                                             {"/tmp/image/usr/lib/sdme", true}}));
  EXPECT_EQ(preset_search_path(),
            (Paths{"/tmp/image/etc/systemd/system-preset", "/tmp/image/run/systemd/system-preset",
                   "/tmp/image/usr/local/lib/systemd/system-preset",
                   "/tmp/image/usr/lib/systemd/system-preset"}));
  EXPECT_EQ(state_dir(), "/tmp/image/var/lib/sdme");
  EXPECT_EQ(run_dir(), "/tmp/image/run/sdme");
}

TEST_F(PathsTest, RootLosesTrailingSlashes) {
  set("SDME_ROOT", "/tmp/image//");
  EXPECT_EQ(root_prefix(), "/tmp/image");
  set("SDME_ROOT", "/");
  EXPECT_EQ(root_prefix(), "");
  EXPECT_EQ(state_dir(), "/var/lib/sdme");
}

TEST_F(PathsTest, EmptyVariablesCountAsUnset) {
  for (const char* name : kVariables) set(name, "");
  EXPECT_EQ(root_prefix(), "");
  EXPECT_EQ(unit_search_path().size(), 4u);
  EXPECT_EQ(unit_search_path()[0].path, "/etc/sdme");
  EXPECT_EQ(preset_search_path().size(), 4u);
  EXPECT_EQ(state_dir(), "/var/lib/sdme");
  EXPECT_FALSE(helper_dir().empty());
  EXPECT_FALSE(nspawn_path().empty());
}

TEST_F(PathsTest, UnitPathOverrideReplacesTheDefaultsInOrder) {
  set("SDME_UNIT_PATH", "/tmp/t/admin::/tmp/t/usr/lib/sdme:/usr/lib/sdme:/usr:");
  EXPECT_EQ(unit_search_path(), (Directories{{"/tmp/t/admin", false},
                                             {"/tmp/t/usr/lib/sdme", false},
                                             {"/usr/lib/sdme", true},
                                             {"/usr", false}}));
}

TEST_F(PathsTest, UnitPathOverrideClassifiesVendorDirectoriesBelowTheRoot) {
  set("SDME_ROOT", "/tmp/t");
  set("SDME_UNIT_PATH", "/tmp/t/etc/sdme:/tmp/t/usr/lib/sdme:/usr/local/lib/sdme");
  EXPECT_EQ(unit_search_path(), (Directories{{"/tmp/t/etc/sdme", false},
                                             {"/tmp/t/usr/lib/sdme", true},
                                             {"/usr/local/lib/sdme", true}}));
}

TEST_F(PathsTest, UnitPathOverrideIgnoresTheRootForItsEntries) {
  set("SDME_ROOT", "/tmp/t");
  set("SDME_UNIT_PATH", "/elsewhere");
  EXPECT_EQ(unit_search_path(), (Directories{{"/elsewhere", false}}));
}

TEST_F(PathsTest, DefaultPresetSearchPath) {
  EXPECT_EQ(preset_search_path(),
            (Paths{"/etc/systemd/system-preset", "/run/systemd/system-preset",
                   "/usr/local/lib/systemd/system-preset", "/usr/lib/systemd/system-preset"}));
}

TEST_F(PathsTest, PresetPathOverride) {
  set("SDME_ROOT", "/tmp/t");
  set("SDME_PRESET_PATH", ":/tmp/p1::/tmp/p2:");
  EXPECT_EQ(preset_search_path(), (Paths{"/tmp/p1", "/tmp/p2"}));
}

TEST_F(PathsTest, StateDirOverrideIsTakenAsIs) {
  EXPECT_EQ(state_dir(), "/var/lib/sdme");
  set("SDME_ROOT", "/tmp/t");
  set("SDME_STATE_DIR", "/srv/sdme-state");
  EXPECT_EQ(state_dir(), "/srv/sdme-state");
}

TEST_F(PathsTest, RunDirOverrideIsTakenAsIs) {
  EXPECT_EQ(run_dir(), "/run/sdme");
  set("SDME_ROOT", "/tmp/t");
  set("SDME_RUN_DIR", "/tmp/run-sdme");
  EXPECT_EQ(run_dir(), "/tmp/run-sdme");
}

TEST_F(PathsTest, HelperDirAndNspawnOverrides) {
  std::string default_helper_dir = helper_dir();
  std::string default_nspawn = nspawn_path();
  EXPECT_EQ(default_helper_dir.front(), '/');
  EXPECT_EQ(default_nspawn.front(), '/');
  set("SDME_HELPER_DIR", "/tmp/helpers");
  set("SDME_NSPAWN", "/tmp/fake-nspawn");
  EXPECT_EQ(helper_dir(), "/tmp/helpers");
  EXPECT_EQ(nspawn_path(), "/tmp/fake-nspawn");
  ::unsetenv("SDME_HELPER_DIR");
  ::unsetenv("SDME_NSPAWN");
  EXPECT_EQ(helper_dir(), default_helper_dir);
  EXPECT_EQ(nspawn_path(), default_nspawn);
}

TEST_F(PathsTest, HelperDirAndNspawnIgnoreTheRoot) {
  std::string default_helper_dir = helper_dir();
  set("SDME_ROOT", "/tmp/t");
  EXPECT_EQ(helper_dir(), default_helper_dir);
}

TEST_F(PathsTest, ProcDirIgnoresTheRootAndIsOverridden) {
  EXPECT_EQ(proc_dir(), "/proc");
  set("SDME_ROOT", "/tmp/t");
  EXPECT_EQ(proc_dir(), "/proc");
  set("SDME_PROC_DIR", "/tmp/fake-proc");
  EXPECT_EQ(proc_dir(), "/tmp/fake-proc");
}

TEST_F(PathsTest, SysDirIgnoresTheRootAndIsOverridden) {
  EXPECT_EQ(sys_dir(), "/sys");
  set("SDME_ROOT", "/tmp/root");
  EXPECT_EQ(sys_dir(), "/sys");
  set("SDME_SYS_DIR", "/tmp/fake-sys");
  EXPECT_EQ(sys_dir(), "/tmp/fake-sys");
}

TEST_F(PathsTest, SystemdUnitDirIsAbsolute) {
  std::string dir = systemd_unit_dir();
  ASSERT_FALSE(dir.empty());
  EXPECT_EQ(dir.front(), '/');
  set("SDME_ROOT", "/tmp/t");
  EXPECT_EQ(systemd_unit_dir(), dir);
}

TEST_F(PathsTest, MaskDirectoriesAreBelowTheRoot) {
  EXPECT_EQ(systemd_mask_dirs(),
            (std::vector<std::string>{"/etc/systemd/system", "/run/systemd/system"}));
  set("SDME_ROOT", "/tmp/root/");
  EXPECT_EQ(systemd_mask_dirs(), (std::vector<std::string>{"/tmp/root/etc/systemd/system",
                                                           "/tmp/root/run/systemd/system"}));
}

TEST_F(PathsTest, DefaultUnitPathIsTheSearchPathWithoutRoot) {
  std::string joined;
  for (const SearchDirectory& directory : unit_search_path())
    joined += (joined.empty() ? "" : ":") + directory.path;
  EXPECT_EQ(joined, kDefaultUnitPath);
}

TEST_F(PathsTest, ImageConfigIsAHiddenFileNextToTheTree) {
  EXPECT_EQ(image_config_file_name("debian12"), ".debian12.image-config.json");
  EXPECT_EQ(image_config_path("/var/lib/sdme/rootfs", "nginx"),
            "/var/lib/sdme/rootfs/.nginx.image-config.json");
  // Neither the environment nor the root prefix: the caller gives the directory.
  set("SDME_ROOT", "/tmp/root");
  EXPECT_EQ(image_config_path("/srv/rootfs", "a.b"), "/srv/rootfs/.a.b.image-config.json");
}

}  // namespace
}  // namespace sdme
