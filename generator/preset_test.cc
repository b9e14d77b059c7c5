// Tests for the systemd.preset(5) policy: file ordering and masking across
// directories, line syntax and warnings, first-match rules and the template
// instance rules, each checked against what systemd 252 does.
#include "generator/preset.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

namespace sdme::generator {
namespace {

using Strings = std::vector<std::string>;

class PresetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/sdme-preset-test-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    root_ = pattern;
    etc_ = root_ + "/etc";
    usr_ = root_ + "/usr";
    ASSERT_EQ(mkdir(etc_.c_str(), 0755), 0);
    ASSERT_EQ(mkdir(usr_.c_str(), 0755), 0);
  }

  void TearDown() override {
    std::string command = "rm -rf '" + root_ + "'";
    ASSERT_EQ(std::system(command.c_str()), 0);
  }

  static void write(const std::string& path, const std::string& content) {
    std::ofstream file(path, std::ios::binary);
    file << content;
    ASSERT_TRUE(file.good()) << path;
  }

  // Loads etc_ (higher priority) then usr_.
  PresetPolicy load() {
    PresetPolicy policy;
    policy.load({etc_, usr_}, &warnings_);
    return policy;
  }

  Strings locations(const PresetPolicy& policy) {
    Strings result;
    for (const PresetRule& rule : policy.rules()) result.push_back(rule.location);
    return result;
  }

  std::string root_, etc_, usr_;
  Strings warnings_;
};

TEST_F(PresetTest, NoFilesMeansEnable) {
  PresetPolicy policy = load();
  EXPECT_TRUE(policy.rules().empty());
  EXPECT_EQ(policy.action_for("web.service"), PresetAction::kEnable);
  Strings instances = {"stale"};
  EXPECT_EQ(policy.action_for_template("web@.service", &instances), PresetAction::kEnable);
  EXPECT_TRUE(instances.empty());
  EXPECT_TRUE(warnings_.empty());
}

TEST_F(PresetTest, MissingDirectoriesAreSkippedSilently) {
  write(usr_ + "/50-x.preset", "disable web.service\n");
  PresetPolicy policy;
  policy.load({root_ + "/does-not-exist", "", usr_}, &warnings_);
  EXPECT_EQ(policy.action_for("web.service"), PresetAction::kDisable);
  EXPECT_TRUE(warnings_.empty());
}

TEST_F(PresetTest, FilesAreOrderedByNameAcrossDirectories) {
  write(etc_ + "/20-admin.preset", "disable web.service\n");
  write(usr_ + "/10-vendor.preset", "enable web.service\n");
  write(usr_ + "/30-vendor.preset", "disable *\n");
  PresetPolicy policy = load();
  EXPECT_EQ(locations(policy), (Strings{usr_ + "/10-vendor.preset:1", etc_ + "/20-admin.preset:1",
                                        usr_ + "/30-vendor.preset:1"}));
  EXPECT_EQ(policy.action_for("web.service"), PresetAction::kEnable);
  EXPECT_EQ(policy.action_for("db.service"), PresetAction::kDisable);
}

TEST_F(PresetTest, SameNameInHigherDirectoryMasksLowerOne) {
  write(etc_ + "/50-x.preset", "disable web.service\n");
  write(usr_ + "/50-x.preset", "enable web.service\ndisable db.service\n");
  PresetPolicy policy = load();
  EXPECT_EQ(locations(policy), Strings{etc_ + "/50-x.preset:1"});
  EXPECT_EQ(policy.action_for("web.service"), PresetAction::kDisable);
  EXPECT_EQ(policy.action_for("db.service"), PresetAction::kEnable);
}

TEST_F(PresetTest, EmptyFileMasks) {
  write(etc_ + "/50-x.preset", "");
  write(usr_ + "/50-x.preset", "disable web.service\n");
  PresetPolicy policy = load();
  EXPECT_TRUE(policy.rules().empty());
  EXPECT_EQ(policy.action_for("web.service"), PresetAction::kEnable);
  EXPECT_TRUE(warnings_.empty());
}

TEST_F(PresetTest, SymlinkToDevNullMasks) {
  ASSERT_EQ(symlink("/dev/null", (etc_ + "/50-x.preset").c_str()), 0);
  write(usr_ + "/50-x.preset", "disable web.service\n");
  write(usr_ + "/60-y.preset", "disable db.service\n");
  PresetPolicy policy = load();
  EXPECT_EQ(locations(policy), Strings{usr_ + "/60-y.preset:1"});
  EXPECT_EQ(policy.action_for("web.service"), PresetAction::kEnable);
  EXPECT_EQ(policy.action_for("db.service"), PresetAction::kDisable);
  EXPECT_TRUE(warnings_.empty());
}

// systemd lists the name first and skips the file when it cannot be opened
// for ENOENT, so a dangling symlink masks too.
TEST_F(PresetTest, DanglingSymlinkMasksSilently) {
  ASSERT_EQ(symlink((root_ + "/nowhere").c_str(), (etc_ + "/50-x.preset").c_str()), 0);
  write(usr_ + "/50-x.preset", "disable web.service\n");
  PresetPolicy policy = load();
  EXPECT_TRUE(policy.rules().empty());
  EXPECT_TRUE(warnings_.empty());
}

TEST_F(PresetTest, SymlinkToRegularFileIsRead) {
  write(root_ + "/elsewhere", "disable web.service\n");
  ASSERT_EQ(symlink((root_ + "/elsewhere").c_str(), (usr_ + "/50-x.preset").c_str()), 0);
  EXPECT_EQ(load().action_for("web.service"), PresetAction::kDisable);
}

TEST_F(PresetTest, OnlyVisiblePresetFilesAreRead) {
  write(usr_ + "/50-x.preset.bak", "disable a.service\n");
  write(usr_ + "/50-x.conf", "disable b.service\n");
  write(usr_ + "/.50-x.preset", "disable c.service\n");
  write(usr_ + "/preset", "disable d.service\n");
  ASSERT_EQ(mkdir((usr_ + "/50-dir.preset").c_str(), 0755), 0);
  write(usr_ + "/90-real.preset", "disable e.service\n");
  PresetPolicy policy = load();
  EXPECT_EQ(locations(policy), Strings{usr_ + "/90-real.preset:1"});
  EXPECT_TRUE(warnings_.empty());
}

TEST_F(PresetTest, DirectoryWithTrailingSlash) {
  write(usr_ + "/50-x.preset", "disable web.service\n");
  PresetPolicy policy;
  policy.load({usr_ + "/"}, &warnings_);
  EXPECT_EQ(locations(policy), Strings{usr_ + "/50-x.preset:1"});
}

TEST_F(PresetTest, UnreadableDirectoryWarns) {
  write(root_ + "/plain-file", "");
  PresetPolicy policy;
  policy.load({root_ + "/plain-file", usr_}, &warnings_);
  EXPECT_EQ(warnings_, Strings{"cannot read preset directory " + root_ +
                               "/plain-file: Not a directory, ignoring it"});
}

TEST_F(PresetTest, UnreadableFileWarnsAndMasks) {
  ASSERT_EQ(mkdir((root_ + "/a-directory").c_str(), 0755), 0);
  ASSERT_EQ(symlink((root_ + "/a-directory").c_str(), (etc_ + "/50-x.preset").c_str()), 0);
  write(usr_ + "/50-x.preset", "disable web.service\n");
  write(usr_ + "/60-y.preset", "disable db.service\n");
  PresetPolicy policy = load();
  EXPECT_EQ(warnings_, Strings{etc_ + "/50-x.preset: is a directory, not a regular file; "
                                      "replace it with a file or remove it, ignoring the file"});
  EXPECT_EQ(locations(policy), Strings{usr_ + "/60-y.preset:1"});
}

TEST_F(PresetTest, CommentsAndBlankLinesAreSkipped) {
  write(usr_ + "/50-x.preset",
        "# comment\n"
        "; another comment\n"
        "\n"
        "   \t\n"
        "  # indented comment\n"
        "\tdisable   web.service   \n");
  PresetPolicy policy = load();
  EXPECT_EQ(locations(policy), Strings{usr_ + "/50-x.preset:6"});
  EXPECT_EQ(policy.rules()[0].pattern, "web.service");
  EXPECT_EQ(policy.action_for("web.service"), PresetAction::kDisable);
  EXPECT_TRUE(warnings_.empty());
}

TEST_F(PresetTest, LineEndingsAsSystemdReadsThem) {
  write(usr_ + "/50-x.preset", "disable a.service\r\ndisable b.service\rdisable c.service");
  PresetPolicy policy = load();
  EXPECT_EQ(locations(policy),
            (Strings{usr_ + "/50-x.preset:1", usr_ + "/50-x.preset:2", usr_ + "/50-x.preset:3"}));
  EXPECT_EQ(policy.action_for("c.service"), PresetAction::kDisable);
}

TEST_F(PresetTest, MalformedLinesWarnWithLocationAndAreSkipped) {
  write(usr_ + "/50-x.preset",
        "# header\n"
        "ignore web.service\n"
        "enable\n"
        "disable   \n"
        "enable web.service a b\n"
        "disable a.service b.service\n"
        "enablefoo.service\n"
        "Enable web.service\n"
        "disable web.service\n");
  PresetPolicy policy = load();
  const std::string file = usr_ + "/50-x.preset";
  EXPECT_EQ(warnings_,
            (Strings{
                file + ":2: unknown preset verb 'ignore', ignoring the line; write 'enable "
                       "PATTERN' or 'disable PATTERN'",
                file + ":3: 'enable' without a unit name pattern, ignoring the line; write e.g. "
                       "'enable web.service'",
                file + ":4: 'disable' without a unit name pattern, ignoring the line; write e.g. "
                       "'disable web.service'",
                file + ":5: 'enable web.service a b' lists instances, but 'web.service' is no "
                       "template, ignoring the line; instances follow a template name such as "
                       "'foo@.service'",
                file + ":6: 'disable' takes one pattern, not 'a.service b.service', ignoring the "
                       "line; write one 'disable' line per pattern",
                file + ":7: unknown preset verb 'enablefoo.service', ignoring the line; write "
                       "'enable PATTERN' or 'disable PATTERN'",
                file + ":8: unknown preset verb 'Enable', ignoring the line; write 'enable "
                       "PATTERN' or 'disable PATTERN'",
            }));
  EXPECT_EQ(locations(policy), Strings{file + ":9"});
  EXPECT_EQ(policy.action_for("web.service"), PresetAction::kDisable);
}

TEST_F(PresetTest, FirstMatchingRuleWins) {
  write(usr_ + "/50-x.preset", "enable web.service\ndisable *\ndisable db.service\n");
  PresetPolicy policy = load();
  EXPECT_EQ(policy.action_for("web.service"), PresetAction::kEnable);
  EXPECT_EQ(policy.action_for("db.service"), PresetAction::kDisable);
  EXPECT_EQ(policy.action_for("anything.socket"), PresetAction::kDisable);
}

TEST_F(PresetTest, CatchAllFirstDisablesEverything) {
  write(usr_ + "/10-all.preset", "disable *\n");
  write(usr_ + "/50-x.preset", "enable web.service\n");
  EXPECT_EQ(load().action_for("web.service"), PresetAction::kDisable);
}

TEST_F(PresetTest, PatternsAreFnmatchGlobs) {
  write(usr_ + "/50-x.preset",
        "disable web-?.service\n"
        "disable *.socket\n"
        "disable db[0-9].service\n");
  PresetPolicy policy = load();
  EXPECT_EQ(policy.action_for("web-1.service"), PresetAction::kDisable);
  EXPECT_EQ(policy.action_for("web-12.service"), PresetAction::kEnable);
  EXPECT_EQ(policy.action_for("cups.socket"), PresetAction::kDisable);
  EXPECT_EQ(policy.action_for("cups.socket.service"), PresetAction::kEnable);
  EXPECT_EQ(policy.action_for("db7.service"), PresetAction::kDisable);
  EXPECT_EQ(policy.action_for("dbx.service"), PresetAction::kEnable);
}

// FNM_NOESCAPE: a backslash is a plain character, as in escaped unit names.
TEST_F(PresetTest, BackslashIsLiteral) {
  write(usr_ + "/50-x.preset", "disable foo\\x2d*.service\n");
  PresetPolicy policy = load();
  EXPECT_EQ(policy.action_for("foo\\x2dbar.service"), PresetAction::kDisable);
  EXPECT_EQ(policy.action_for("foox2dbar.service"), PresetAction::kEnable);
}

TEST_F(PresetTest, TemplateRuleListsInstances) {
  write(usr_ + "/50-x.preset", "enable foo@.service a  b\ndisable *\n");
  PresetPolicy policy = load();
  ASSERT_EQ(policy.rules().size(), 2u);
  EXPECT_EQ(policy.rules()[0].pattern, "foo@.service");
  EXPECT_EQ(policy.rules()[0].instances, (Strings{"a", "b"}));

  Strings instances;
  EXPECT_EQ(policy.action_for_template("foo@.service", &instances), PresetAction::kEnable);
  EXPECT_EQ(instances, (Strings{"a", "b"}));
  EXPECT_EQ(policy.action_for("foo@.service"), PresetAction::kEnable);
  EXPECT_EQ(policy.action_for("foo@a.service"), PresetAction::kEnable);
  EXPECT_EQ(policy.action_for("foo@b.service"), PresetAction::kEnable);
  // Not listed: the instance rule does not match, the next one decides.
  EXPECT_EQ(policy.action_for("foo@c.service"), PresetAction::kDisable);
  // Another template is not matched by foo's instance list.
  EXPECT_EQ(policy.action_for_template("bar@.service", &instances), PresetAction::kDisable);
  EXPECT_TRUE(instances.empty());
  EXPECT_EQ(policy.action_for("bar@a.service"), PresetAction::kDisable);
}

TEST_F(PresetTest, UnlistedInstanceFallsThroughToDefault) {
  write(usr_ + "/50-x.preset", "enable foo@.service a\n");
  EXPECT_EQ(load().action_for("foo@z.service"), PresetAction::kEnable);
}

// A rule naming the template without instances is a plain glob, and
// "foo@.service" does not match "foo@bar.service": systemd 252's
// `systemctl preset foo@bar.service` ignores "disable foo@.service".
TEST_F(PresetTest, TemplateRuleWithoutInstancesMatchesOnlyTheTemplate) {
  write(usr_ + "/50-x.preset",
        "disable foo@.service\n"
        "enable bar@.service\n"
        "disable bar@*\n");
  PresetPolicy policy = load();
  Strings instances = {"stale"};
  EXPECT_EQ(policy.action_for_template("foo@.service", &instances), PresetAction::kDisable);
  EXPECT_TRUE(instances.empty());
  EXPECT_EQ(policy.action_for("foo@x.service"), PresetAction::kEnable);

  EXPECT_EQ(policy.action_for_template("bar@.service", &instances), PresetAction::kEnable);
  EXPECT_TRUE(instances.empty());
  EXPECT_EQ(policy.action_for("bar@x.service"), PresetAction::kDisable);
}

TEST_F(PresetTest, GlobOverTemplateMatchesTemplateAndInstances) {
  write(usr_ + "/50-x.preset", "disable foo@*.service\n");
  PresetPolicy policy = load();
  Strings instances;
  EXPECT_EQ(policy.action_for_template("foo@.service", &instances), PresetAction::kDisable);
  EXPECT_EQ(policy.action_for("foo@x.service"), PresetAction::kDisable);
  EXPECT_EQ(policy.action_for("foo.service"), PresetAction::kEnable);
}

TEST_F(PresetTest, EarlierGlobBeatsLaterInstanceList) {
  write(usr_ + "/50-x.preset", "enable foo@*\nenable foo@.service a b\n");
  Strings instances;
  EXPECT_EQ(load().action_for_template("foo@.service", &instances), PresetAction::kEnable);
  EXPECT_TRUE(instances.empty());
}

TEST_F(PresetTest, InstanceListNeedsAValidTemplateName) {
  write(usr_ + "/50-x.preset",
        "enable foo@*.service a\n"
        "enable @.service a\n"
        "enable foo@.nosuchtype a\n"
        "enable foo@x.service a\n"
        "enable foo@.socket a\n");
  PresetPolicy policy = load();
  ASSERT_EQ(warnings_.size(), 4u);
  EXPECT_EQ(locations(policy), Strings{usr_ + "/50-x.preset:5"});
  Strings instances;
  EXPECT_EQ(policy.action_for_template("foo@.socket", &instances), PresetAction::kEnable);
  EXPECT_EQ(instances, Strings{"a"});
}

TEST_F(PresetTest, AddedRulesComeAfterLoadedOnes) {
  write(usr_ + "/50-x.preset", "enable web.service\n");
  PresetPolicy policy = load();
  PresetRule rule;
  rule.action = PresetAction::kDisable;
  rule.pattern = "*";
  rule.location = "test";
  policy.add_rule(rule);
  EXPECT_EQ(policy.action_for("web.service"), PresetAction::kEnable);
  EXPECT_EQ(policy.action_for("db.service"), PresetAction::kDisable);
  EXPECT_EQ(locations(policy), (Strings{usr_ + "/50-x.preset:1", "test"}));
}

}  // namespace
}  // namespace sdme::generator
