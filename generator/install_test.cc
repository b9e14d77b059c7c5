// Tests for [Install]: reading and validating the section, the links each
// kind of source gets (admin files by their [Install], vendor files by
// preset policy), and the final link list.
#include "generator/install.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "generator/preset.h"
#include "sdme_file/search_path.h"
#include "sdme_file/unit_file.h"

namespace sdme::generator {

namespace {

// Links as (link, target) pairs, so gtest can compare and print them.
using Links = std::vector<std::pair<std::string, std::string>>;
using Strings = std::vector<std::string>;

file::SdmeSource source_named(const std::string& file_name, bool is_vendor = false) {
  file::SdmeSource source;
  std::string err;
  EXPECT_TRUE(file::classify_source_name(file_name, &source, &err)) << err;
  source.path = (is_vendor ? "/usr/lib/sdme/" : "/etc/sdme/") + file_name;
  source.is_vendor = is_vendor;
  return source;
}

file::UnitFile parse(const file::SdmeSource& source, const std::string& text) {
  file::UnitFile unit;
  std::string err;
  EXPECT_TRUE(unit.parse(source.path, text, &err)) << err;
  return unit;
}

InstallSection install_ok(const std::string& text, const std::string& file_name = "web.sdme") {
  file::SdmeSource source = source_named(file_name);
  InstallSection install;
  std::string err;
  EXPECT_TRUE(read_install_section(source, parse(source, text), &install, &err))
      << text << "\nerror: " << err;
  return install;
}

std::string install_error(const std::string& text, const std::string& file_name = "web.sdme") {
  file::SdmeSource source = source_named(file_name);
  InstallSection install;
  std::string err;
  EXPECT_FALSE(read_install_section(source, parse(source, text), &install, &err)) << text;
  return err;
}

Links pairs(const std::vector<InstallLink>& links) {
  Links result;
  for (const InstallLink& link : links) result.emplace_back(link.link, link.target);
  return result;
}

// plan_install_links() for `install`; it must report nothing unless
// `errors` is given to collect what it reports.
Links plan(const file::SdmeSource& source, const InstallSection& install,
           const PresetPolicy& presets = PresetPolicy(), Strings* errors = nullptr) {
  std::vector<InstallLink> links;
  Strings problems;
  plan_install_links(source, install, presets, &links, &problems);
  if (errors)
    *errors = problems;
  else
    EXPECT_EQ(problems, Strings{});
  for (const InstallLink& link : links) EXPECT_EQ(link.source, source.path) << link.link;
  return pairs(links);
}

Links links_for(const file::SdmeSource& source, const std::string& text,
                const PresetPolicy& presets = PresetPolicy(), Strings* errors = nullptr) {
  InstallSection install;
  std::string err;
  EXPECT_TRUE(read_install_section(source, parse(source, text), &install, &err)) << err;
  return plan(source, install, presets, errors);
}

file::SdmeSource instance_link(const std::string& file_name, bool is_vendor = false) {
  file::SdmeSource source = source_named(file_name, is_vendor);
  source.kind = file::SourceKind::kInstanceLink;
  return source;
}

PresetRule rule(PresetAction action, const std::string& pattern, Strings instances = {}) {
  PresetRule preset_rule;
  preset_rule.action = action;
  preset_rule.pattern = pattern;
  preset_rule.instances = std::move(instances);
  preset_rule.location = "test.preset:1";
  return preset_rule;
}

PresetPolicy policy(std::vector<PresetRule> rules) {
  PresetPolicy presets;
  for (PresetRule& preset_rule : rules) presets.add_rule(std::move(preset_rule));
  return presets;
}

// --- read_install_section ---------------------------------------------------------

TEST(ReadInstallSectionTest, NoSectionMeansNothing) {
  InstallSection install = install_ok("[Container]\nHostname=web\n");
  EXPECT_FALSE(install.present);
  EXPECT_EQ(install.wanted_by, Strings{});
  EXPECT_EQ(install.required_by, Strings{});
  EXPECT_EQ(install.aliases, Strings{});
  EXPECT_EQ(install.default_instance, "");
}

TEST(ReadInstallSectionTest, EmptySectionIsWantedByMachinesTarget) {
  InstallSection install = install_ok("[Install]\n");
  EXPECT_TRUE(install.present);
  EXPECT_EQ(install.wanted_by, Strings{"machines.target"});
  EXPECT_EQ(install.required_by, Strings{});
}

TEST(ReadInstallSectionTest, AliasAloneKeepsTheDefaultTarget) {
  InstallSection install = install_ok("[Install]\nAlias=www.service\n");
  EXPECT_EQ(install.wanted_by, Strings{"machines.target"});
  EXPECT_EQ(install.aliases, Strings{"www.service"});
}

TEST(ReadInstallSectionTest, TargetsAccumulateWithoutDuplicates) {
  InstallSection install = install_ok(
      "[Install]\nWantedBy=b.target a.target\nWantedBy=b.target\nRequiredBy=\"c.target\"\n");
  EXPECT_EQ(install.wanted_by, (Strings{"b.target", "a.target"}));
  EXPECT_EQ(install.required_by, Strings{"c.target"});
}

TEST(ReadInstallSectionTest, RequiredByAloneReplacesTheDefault) {
  InstallSection install = install_ok("[Install]\nRequiredBy=web-stack.target\n");
  EXPECT_EQ(install.wanted_by, Strings{});
  EXPECT_EQ(install.required_by, Strings{"web-stack.target"});
}

TEST(ReadInstallSectionTest, EmptyAssignmentResets) {
  EXPECT_EQ(install_ok("[Install]\nWantedBy=x.target\nWantedBy=\nWantedBy=y.target\n").wanted_by,
            Strings{"y.target"});
  // Empty alone means "no target", not the default.
  EXPECT_EQ(install_ok("[Install]\nWantedBy=\n").wanted_by, Strings{});
  EXPECT_EQ(install_ok("[Install]\nWantedBy=a.target\nWantedBy=\n").wanted_by, Strings{});
  EXPECT_EQ(install_ok("[Install]\nAlias=a.service\nAlias=\n").aliases, Strings{});
}

TEST(ReadInstallSectionTest, DropInsContinueTheSection) {
  file::SdmeSource source = source_named("web.sdme");
  file::UnitFile unit = parse(source, "[Install]\nWantedBy=a.target\n");
  std::string err;
  ASSERT_TRUE(unit.parse("/etc/sdme/web.sdme.d/x.conf",
                         "[Install]\nWantedBy=\nRequiredBy=b.target\n", &err))
      << err;
  InstallSection install;
  ASSERT_TRUE(read_install_section(source, unit, &install, &err)) << err;
  EXPECT_EQ(install.wanted_by, Strings{});
  EXPECT_EQ(install.required_by, Strings{"b.target"});
}

TEST(ReadInstallSectionTest, UnknownKeysWithSuggestion) {
  EXPECT_EQ(install_error("[Install]\nWantedBy=a.target\nWantedB=b.target\n"),
            "/etc/sdme/web.sdme:3: unknown key 'WantedB' in [Install], did you mean 'WantedBy'?");
  EXPECT_EQ(install_error("[Install]\nwantedby=a.target\n"),
            "/etc/sdme/web.sdme:2: unknown key 'wantedby' in [Install], did you mean 'WantedBy'?");
  EXPECT_EQ(install_error("[Install]\nREQUIREDBY=a.target\n"),
            "/etc/sdme/web.sdme:2: unknown key 'REQUIREDBY' in [Install], did you mean "
            "'RequiredBy'?");
  EXPECT_EQ(install_error("[Install]\nDefaultInstanc=a\n", "web@.sdme"),
            "/etc/sdme/web@.sdme:2: unknown key 'DefaultInstanc' in [Install], did you mean "
            "'DefaultInstance'?");
  // Case does not count as an edit (common/closest_match.h): before, a
  // wrong case was forgiven only when it was the whole difference.
  EXPECT_EQ(install_error("[Install]\nWANTEDBI=a.target\n"),
            "/etc/sdme/web.sdme:2: unknown key 'WANTEDBI' in [Install], did you mean 'WantedBy'?");
}

TEST(ReadInstallSectionTest, UnknownKeysWithoutSuggestion) {
  EXPECT_EQ(install_error("[Install]\nUpheldBy=a.target\n"),
            "/etc/sdme/web.sdme:2: unknown key 'UpheldBy' in [Install], use WantedBy=, "
            "RequiredBy=, Alias= or DefaultInstance=");
}

// The closest key, not the first one within two edits: "Alsa" is one edit
// from Also but two from Alias, which is listed first.
TEST(ReadInstallSectionTest, SuggestsTheClosestKey) {
  EXPECT_EQ(install_error("[Install]\nAlsa=x.service\n"),
            "/etc/sdme/web.sdme:2: unknown key 'Alsa' in [Install], did you mean 'Also'?");
}

TEST(ReadInstallSectionTest, AlsoIsRefusedUnlessEmpty) {
  EXPECT_EQ(install_error("[Install]\nWantedBy=a.target\nAlso=db.service\n"),
            "/etc/sdme/web.sdme:3: Also= cannot enable other units from a generated one; give "
            "each container its own [Install] section");
  EXPECT_EQ(install_ok("[Install]\nAlso=\n").wanted_by, Strings{"machines.target"});
}

TEST(ReadInstallSectionTest, RefusesWhatIsNotAUnitName) {
  EXPECT_EQ(install_error("[Install]\nWantedBy=machines\n"),
            "/etc/sdme/web.sdme:2: WantedBy=machines is not a unit name, write e.g. "
            "machines.target");
  EXPECT_EQ(install_error("[Install]\nRequiredBy=a.target ../b.target\n"),
            "/etc/sdme/web.sdme:2: RequiredBy=../b.target is not a unit name, write e.g. "
            "machines.target");
  EXPECT_EQ(install_error("[Install]\nWantedBy=a.\n"),
            "/etc/sdme/web.sdme:2: WantedBy=a. is not a unit name, write e.g. machines.target");
  EXPECT_EQ(install_error("[Install]\nWantedBy=\"a b.target\"\n"),
            "/etc/sdme/web.sdme:2: WantedBy=a b.target is not a unit name, write e.g. "
            "machines.target");
  EXPECT_EQ(install_error("[Install]\nAlias=www\n"),
            "/etc/sdme/web.sdme:2: Alias=www is not a unit name, write e.g. machines.target");
  EXPECT_EQ(install_error("[Install]\nWantedBy='a.target\n"),
            "/etc/sdme/web.sdme:2: WantedBy=: missing closing ' quote: add one, or write \\' for "
            "a literal single quote");
}

// As in [Container], the decoded word is quoted with its control
// characters escaped; one error stays one line.
TEST(ReadInstallSectionTest, MessageShowsControlCharactersEscaped) {
  EXPECT_EQ(install_error("[Install]\nWantedBy=\"a\\nb.target\"\n"),
            "/etc/sdme/web.sdme:2: WantedBy=a\\x0ab.target is not a unit name, write e.g. "
            "machines.target");
}

TEST(ReadInstallSectionTest, AliasMustBeAPlainService) {
  EXPECT_EQ(install_ok("[Install]\nAlias=www.service http.service\n").aliases,
            (Strings{"www.service", "http.service"}));
  EXPECT_EQ(install_error("[Install]\nAlias=www.target\n"),
            "/etc/sdme/web.sdme:2: Alias=www.target must be a plain NAME.service, such as "
            "www.service");
  EXPECT_EQ(install_error("[Install]\nAlias=www@x.service\n"),
            "/etc/sdme/web.sdme:2: Alias=www@x.service must be a plain NAME.service, such as "
            "www.service");
  EXPECT_EQ(install_error("[Install]\nAlias=www.service\n", "web@.sdme"),
            "/etc/sdme/web@.sdme:2: Alias=www.service: a template (NAME@.sdme) cannot have "
            "aliases; remove Alias=");
}

TEST(ReadInstallSectionTest, BadAliasIsReportedAtItsOwnLine) {
  EXPECT_EQ(install_error("[Install]\nAlias=www.target\nAlias=http.service\n"),
            "/etc/sdme/web.sdme:2: Alias=www.target must be a plain NAME.service, such as "
            "www.service");
}

TEST(ReadInstallSectionTest, InstanceCannotHaveAnAlias) {
  EXPECT_EQ(install_error("[Install]\nAlias=db.service\n", "web@db.sdme"),
            "/etc/sdme/web@db.sdme:2: Alias=db.service: an instance (NAME@INSTANCE.sdme) cannot "
            "have aliases; remove Alias=");
}

TEST(ReadInstallSectionTest, DefaultInstanceForTemplates) {
  InstallSection install = install_ok("[Install]\nDefaultInstance=db\n", "web@.sdme");
  EXPECT_EQ(install.default_instance, "db");
  EXPECT_EQ(install.wanted_by, Strings{"machines.target"});
  EXPECT_EQ(install_ok("[Install]\nDefaultInstance=a\nDefaultInstance=b.2\n", "web@.sdme")
                .default_instance,
            "b.2");
  EXPECT_EQ(
      install_ok("[Install]\nDefaultInstance=a\nDefaultInstance=\n", "web@.sdme").default_instance,
      "");
}

TEST(ReadInstallSectionTest, DefaultInstanceOnlyForTemplates) {
  const std::string message = ": DefaultInstance= only applies to templates (NAME@.sdme)";
  EXPECT_EQ(install_error("[Install]\nWantedBy=a.target\nDefaultInstance=db\n"),
            "/etc/sdme/web.sdme:3" + message);
  EXPECT_EQ(install_error("[Install]\nDefaultInstance=\n"), "/etc/sdme/web.sdme:2" + message);
  EXPECT_EQ(install_error("[Install]\nDefaultInstance=x\n", "web@db.sdme"),
            "/etc/sdme/web@db.sdme:2" + message);
}

TEST(ReadInstallSectionTest, DefaultInstanceMustGiveAValidMachineName) {
  EXPECT_EQ(install_error("[Install]\nDefaultInstance=a_b\n", "web@.sdme"),
            "/etc/sdme/web@.sdme:2: DefaultInstance=a_b does not give a valid machine name: "
            "container name 'web-a_b' may contain only letters, digits, '-' and '.'");
  std::string long_instance(61, 'x');  // "web-" + 61 = 65 characters
  EXPECT_EQ(install_error("[Install]\nDefaultInstance=" + long_instance + "\n", "web@.sdme"),
            "/etc/sdme/web@.sdme:2: DefaultInstance=" + long_instance +
                " does not give a valid machine name: container name 'web-" + long_instance +
                "' is longer than 64 characters");
  EXPECT_EQ(install_error("[Install]\nDefaultInstance=..\n", "web@.sdme"),
            "/etc/sdme/web@.sdme:2: DefaultInstance=.. does not give a valid machine name: "
            "container name 'web-..' must not contain '..'");
}

// --- plan_install_links -------------------------------------------------------------

TEST(PlanInstallLinksTest, AdminServiceIsEnabledByItsInstallSection) {
  EXPECT_EQ(links_for(source_named("web.sdme"), "[Install]\n"),
            (Links{{"machines.target.wants/web.service", "../web.service"}}));
}

TEST(PlanInstallLinksTest, NoInstallSectionNoLinks) {
  EXPECT_EQ(links_for(source_named("web.sdme"), "[Container]\n"), Links{});
  EXPECT_EQ(links_for(source_named("web.sdme", true), "[Container]\n"), Links{});
  EXPECT_EQ(links_for(source_named("web@.sdme"), "[Container]\n"), Links{});
}

TEST(PlanInstallLinksTest, EveryKindOfLink) {
  EXPECT_EQ(links_for(source_named("web.sdme"),
                      "[Install]\nWantedBy=a.target b.target\nRequiredBy=c.target\n"
                      "Alias=www.service\n"),
            (Links{{"a.target.wants/web.service", "../web.service"},
                   {"b.target.wants/web.service", "../web.service"},
                   {"c.target.requires/web.service", "../web.service"},
                   {"www.service", "web.service"}}));
}

TEST(PlanInstallLinksTest, EmptyWantedByMeansNoTargetLinks) {
  EXPECT_EQ(links_for(source_named("web.sdme"), "[Install]\nWantedBy=\nAlias=www.service\n"),
            (Links{{"www.service", "web.service"}}));
}

TEST(PlanInstallLinksTest, AdminFilesIgnorePresets) {
  PresetPolicy presets = policy({rule(PresetAction::kDisable, "*")});
  EXPECT_EQ(links_for(source_named("web.sdme"), "[Install]\n", presets),
            (Links{{"machines.target.wants/web.service", "../web.service"}}));
}

TEST(PlanInstallLinksTest, VendorServiceFollowsPresets) {
  file::SdmeSource vendor = source_named("web.sdme", true);
  const Links enabled = {{"machines.target.wants/web.service", "../web.service"}};
  EXPECT_EQ(links_for(vendor, "[Install]\n"), enabled);  // no rule: enable
  EXPECT_EQ(links_for(vendor, "[Install]\n", policy({rule(PresetAction::kEnable, "web.*")})),
            enabled);
  EXPECT_EQ(links_for(vendor, "[Install]\n", policy({rule(PresetAction::kDisable, "*")})), Links{});
  EXPECT_EQ(links_for(vendor, "[Install]\n",
                      policy({rule(PresetAction::kDisable, "web.service"),
                              rule(PresetAction::kEnable, "*")})),
            Links{});
  EXPECT_EQ(links_for(vendor, "[Install]\n",
                      policy({rule(PresetAction::kEnable, "web.service"),
                              rule(PresetAction::kDisable, "*")})),
            enabled);
}

TEST(PlanInstallLinksTest, DisabledVendorServiceGetsNoAliasEither) {
  EXPECT_EQ(links_for(source_named("web.sdme", true), "[Install]\nAlias=www.service\n",
                      policy({rule(PresetAction::kDisable, "*")})),
            Links{});
}

TEST(PlanInstallLinksTest, InstanceFileIsEnabledLikeAService) {
  EXPECT_EQ(links_for(source_named("web@db.sdme"), "[Install]\nWantedBy=multi-user.target\n"),
            (Links{{"multi-user.target.wants/web@db.service", "../web@db.service"}}));
  EXPECT_EQ(links_for(source_named("web@db.sdme", true), "[Install]\n",
                      policy({rule(PresetAction::kDisable, "web@db.service")})),
            Links{});
}

TEST(PlanInstallLinksTest, AdminTemplateEnablesItsDefaultInstance) {
  EXPECT_EQ(links_for(source_named("web@.sdme"), "[Install]\nDefaultInstance=db\n"),
            (Links{{"machines.target.wants/web@db.service", "../web@.service"}}));
  EXPECT_EQ(links_for(source_named("web@.sdme"), "[Install]\n"), Links{});
  // Presets list instances for vendor templates only.
  EXPECT_EQ(links_for(source_named("web@.sdme"), "[Install]\nDefaultInstance=db\n",
                      policy({rule(PresetAction::kEnable, "web@.service", {"a", "b"})})),
            (Links{{"machines.target.wants/web@db.service", "../web@.service"}}));
}

TEST(PlanInstallLinksTest, VendorTemplateTakesInstancesFromPresets) {
  file::SdmeSource vendor = source_named("web@.sdme", true);
  const std::string text = "[Install]\nDefaultInstance=db\nRequiredBy=stack.target\n";
  EXPECT_EQ(
      links_for(vendor, text, policy({rule(PresetAction::kEnable, "web@.service", {"a", "b"})})),
      (Links{{"stack.target.requires/web@a.service", "../web@.service"},
             {"stack.target.requires/web@b.service", "../web@.service"}}));
  // A rule without instances falls back to DefaultInstance=.
  EXPECT_EQ(links_for(vendor, text, policy({rule(PresetAction::kEnable, "web@.service")})),
            (Links{{"stack.target.requires/web@db.service", "../web@.service"}}));
  EXPECT_EQ(links_for(vendor, text),
            (Links{{"stack.target.requires/web@db.service", "../web@.service"}}));
  EXPECT_EQ(links_for(vendor, text, policy({rule(PresetAction::kDisable, "web@*")})), Links{});
}

TEST(PlanInstallLinksTest, InstanceLinkUsesItsTemplatesInstall) {
  file::SdmeSource template_source = source_named("web@.sdme");
  InstallSection install;
  std::string err;
  ASSERT_TRUE(read_install_section(
      template_source, parse(template_source, "[Install]\nWantedBy=multi-user.target\n"), &install,
      &err))
      << err;
  EXPECT_EQ(plan(instance_link("web@db.sdme"), install),
            (Links{{"multi-user.target.wants/web@db.service", "../web@.service"}}));
}

TEST(PlanInstallLinksTest, InstanceLinkWithoutTemplateInstallIsWantedByMachinesTarget) {
  EXPECT_EQ(plan(instance_link("web@db.sdme"), InstallSection()),
            (Links{{"machines.target.wants/web@db.service", "../web@.service"}}));
}

TEST(PlanInstallLinksTest, InstanceLinkWithEmptyTemplateTargetsGetsNoLinks) {
  file::SdmeSource template_source = source_named("web@.sdme");
  InstallSection install;
  std::string err;
  ASSERT_TRUE(read_install_section(
      template_source, parse(template_source, "[Install]\nWantedBy=\n"), &install, &err))
      << err;
  EXPECT_EQ(plan(instance_link("web@db.sdme"), install), Links{});
}

TEST(PlanInstallLinksTest, VendorInstanceLinkFollowsPresets) {
  file::SdmeSource link = instance_link("web@db.sdme", true);
  EXPECT_EQ(plan(link, InstallSection(), policy({rule(PresetAction::kDisable, "*")})), Links{});
  // As in systemd, a rule naming the template matches an instance only if
  // it lists it.
  EXPECT_EQ(plan(link, InstallSection(),
                 policy({rule(PresetAction::kEnable, "web@.service"),
                         rule(PresetAction::kDisable, "*")})),
            Links{});
  EXPECT_EQ(plan(link, InstallSection(),
                 policy({rule(PresetAction::kEnable, "web@.service", {"db"}),
                         rule(PresetAction::kDisable, "*")})),
            (Links{{"machines.target.wants/web@db.service", "../web@.service"}}));
}

TEST(PlanInstallLinksTest, BadPresetInstancesAreReportedAndSkipped) {
  Strings errors;
  EXPECT_EQ(links_for(source_named("web@.sdme", true), "[Install]\n",
                      policy({rule(PresetAction::kEnable, "web@.service", {"a_b", "ok", ".."})}),
                      &errors),
            (Links{{"machines.target.wants/web@ok.service", "../web@.service"}}));
  EXPECT_EQ(errors,
            (Strings{"/usr/lib/sdme/web@.sdme: preset instance 'a_b' does not give a valid machine "
                     "name (container name 'web-a_b' may contain only letters, digits, '-' and "
                     "'.'); fix the preset rule",
                     "/usr/lib/sdme/web@.sdme: preset instance '..' does not give a valid machine "
                     "name (container name 'web-..' must not contain '..'); fix the preset "
                     "rule"}));
}

TEST(PlanInstallLinksTest, LinksAreAppended) {
  file::SdmeSource source = source_named("web.sdme");
  InstallSection install;
  std::string err;
  ASSERT_TRUE(read_install_section(source, parse(source, "[Install]\n"), &install, &err));
  std::vector<InstallLink> links = {{"existing", "x", "/etc/sdme/x.sdme", ""}};
  Strings errors;
  plan_install_links(source, install, PresetPolicy(), &links, &errors);
  EXPECT_EQ(pairs(links),
            (Links{{"existing", "x"}, {"machines.target.wants/web.service", "../web.service"}}));
  EXPECT_EQ(links[0].source, "/etc/sdme/x.sdme");
  EXPECT_EQ(links[1].source, "/etc/sdme/web.sdme");
}

TEST(ReadInstallSectionTest, AliasesInSdmesOwnNamespaceAreRefused) {
  EXPECT_EQ(install_error("[Install]\nAlias=db.service sdme-db.service\n"),
            "/etc/sdme/web.sdme:2: Alias=sdme-db.service is in sdme's own unit namespace "
            "(sdme-*); choose another alias");
}

// --- check_unit_names_are_free ------------------------------------------------------

class UnitNamesAreFreeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/sdme-install-test.XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    unit_dir_ = pattern;
    for (const char* name : {"dbus.service", "getty@.service"})
      std::ofstream(unit_dir_ + "/" + name) << "[Service]\n";
  }
  void TearDown() override { std::system(("rm -rf '" + unit_dir_ + "'").c_str()); }

  std::string check(const std::string& file_name, const std::string& text) {
    file::SdmeSource source = source_named(file_name);
    std::string err;
    bool names_free = check_unit_names_are_free(source, parse(source, text), unit_dir_, &err);
    EXPECT_EQ(names_free, err.empty()) << err;
    return err;
  }

  std::string unit_dir_;
};

TEST_F(UnitNamesAreFreeTest, UnitsAndAliasesOfOtherNamesAreFree) {
  EXPECT_EQ(check("web.sdme", "[Install]\nAlias=www.service\n"), "");
  EXPECT_EQ(check("web@a.sdme", "[Container]\n"), "");
}

TEST_F(UnitNamesAreFreeTest, ASystemUnitIsNotReplaced) {
  EXPECT_EQ(check("dbus.sdme", "[Container]\n"),
            "/etc/sdme/dbus.sdme: dbus.service would replace the system's unit " + unit_dir_ +
                "/dbus.service; rename the file");
  EXPECT_EQ(check("getty@tty9.sdme", "[Container]\n"),
            "/etc/sdme/getty@tty9.sdme: getty@tty9.service would replace the system's unit " +
                unit_dir_ + "/getty@.service; rename the file");
  EXPECT_EQ(check("web.sdme", "[Install]\nAlias=www.service\nAlias=dbus.service\n"),
            "/etc/sdme/web.sdme:3: Alias=dbus.service would replace the system's unit " + unit_dir_ +
                "/dbus.service; choose another alias");
}

// After the first lookups the directory is read once; the answers stay the
// same, also for a directory that does not exist.
TEST_F(UnitNamesAreFreeTest, ManyLookupsGiveTheSameAnswers) {
  SystemUnitDirectory directory(unit_dir_);
  SystemUnitDirectory missing(unit_dir_ + "/missing");
  for (int round = 0; round < 40; ++round) {
    EXPECT_TRUE(directory.has("dbus.service")) << round;
    EXPECT_TRUE(directory.has("getty@.service")) << round;
    EXPECT_FALSE(directory.has("web" + std::to_string(round) + ".service")) << round;
    EXPECT_FALSE(missing.has("dbus.service")) << round;
  }
  file::SdmeSource source = source_named("getty@tty9.sdme");
  std::string err;
  EXPECT_FALSE(check_unit_names_are_free(source, parse(source, "[Container]\n"), &directory, &err));
  EXPECT_EQ(err, "/etc/sdme/getty@tty9.sdme: getty@tty9.service would replace the system's unit " +
                     unit_dir_ + "/getty@.service; rename the file");
}

// --- finish_install_links --------------------------------------------------------------

// A link as plan_install_links() makes it: one without a '/' is an alias.
InstallLink link_from(const std::string& link, const std::string& target,
                      const std::string& source, const std::string& reason = {}) {
  InstallLink install_link;
  install_link.link = link;
  install_link.target = target;
  install_link.source = source;
  install_link.reason =
      !reason.empty() ? reason : link.find('/') == std::string::npos ? "Alias=" + link : "";
  return install_link;
}

// finish_install_links() with `unit_names` generated; problems go to
// *errors, which must stay empty when not given.
Links finish(std::vector<InstallLink> links, const Strings& unit_names = {},
             Strings* errors = nullptr, const std::string& unit_dir = "/lib/systemd/system",
             bool machines_target_masked = false) {
  Strings problems;
  finish_install_links(unit_dir, machines_target_masked, unit_names, &links, &problems);
  if (errors)
    *errors = problems;
  else
    EXPECT_EQ(problems, Strings{});
  return pairs(links);
}

TEST(FinishInstallLinksTest, MachinesTargetIsPulledInWhenUsed) {
  EXPECT_EQ(
      finish({link_from("machines.target.wants/web.service", "../web.service", "w.sdme")}),
      (Links{{"machines.target.wants/web.service", "../web.service"},
             {"multi-user.target.wants/machines.target", "/lib/systemd/system/machines.target"}}));
  EXPECT_EQ(finish({link_from("machines.target.requires/db.service", "../db.service", "d.sdme")},
                   {}, nullptr, "/usr/lib/systemd/system"),
            (Links{{"machines.target.requires/db.service", "../db.service"},
                   {"multi-user.target.wants/machines.target",
                    "/usr/lib/systemd/system/machines.target"}}));
}

// `systemctl mask machines.target` says "never start it": no link then.
TEST(FinishInstallLinksTest, MachinesTargetIsNotPulledInWhenMasked) {
  EXPECT_EQ(finish({link_from("machines.target.wants/web.service", "../web.service", "w.sdme")},
                   {}, nullptr, "/lib/systemd/system", true),
            (Links{{"machines.target.wants/web.service", "../web.service"}}));
}

TEST(FinishInstallLinksTest, MachinesTargetIsNotPulledInOtherwise) {
  EXPECT_EQ(finish({link_from("multi-user.target.wants/web.service", "../web.service", "w"),
                    link_from("www.service", "web.service", "w"),
                    link_from("machines.target", "web.service", "w")}),
            (Links{{"machines.target", "web.service"},
                   {"multi-user.target.wants/web.service", "../web.service"},
                   {"www.service", "web.service"}}));
  EXPECT_EQ(finish({}), Links{});
}

TEST(FinishInstallLinksTest, SortsAndDropsExactDuplicates) {
  EXPECT_EQ(
      finish({link_from("z.target.wants/a.service", "../a.service", "a"),
              link_from("machines.target.wants/b.service", "../b.service", "b"),
              link_from("a.target.wants/a.service", "../a.service", "a"),
              link_from("machines.target.wants/b.service", "../b.service", "b2"),
              link_from("multi-user.target.wants/machines.target",
                        "/lib/systemd/system/machines.target", "")}),
      (Links{{"a.target.wants/a.service", "../a.service"},
             {"machines.target.wants/b.service", "../b.service"},
             {"multi-user.target.wants/machines.target", "/lib/systemd/system/machines.target"},
             {"z.target.wants/a.service", "../a.service"}}));
}

TEST(FinishInstallLinksTest, FirstFileKeepsAContestedLink) {
  Strings errors;
  EXPECT_EQ(finish({link_from("www.service", "a.service", "/etc/sdme/a.sdme"),
                    link_from("x.target.wants/a.service", "../a.service", "/etc/sdme/a.sdme"),
                    link_from("www.service", "b.service", "/etc/sdme/b.sdme")},
                   {"a.service", "b.service"}, &errors),
            (Links{{"www.service", "a.service"}, {"x.target.wants/a.service", "../a.service"}}));
  EXPECT_EQ(errors, Strings{"/etc/sdme/b.sdme: Alias=www.service is already taken by "
                            "/etc/sdme/a.sdme; choose another alias"});
}

// A template's DefaultInstance= and an instance file both enable the
// instance: the message names the settings that collided, not an Alias=.
TEST(FinishInstallLinksTest, AContestedTargetLinkNamesWhatAskedForIt) {
  Strings errors;
  EXPECT_EQ(finish({link_from("machines.target.wants/web@a.service", "../web@.service",
                              "/etc/sdme/web@.sdme", "WantedBy=machines.target with DefaultInstance=a"),
                    link_from("machines.target.wants/web@a.service", "../web@a.service",
                              "/etc/sdme/web@a.sdme", "WantedBy=machines.target")},
                   {"web@.service", "web@a.service"}, &errors),
            (Links{{"machines.target.wants/web@a.service", "../web@.service"},
                   {"multi-user.target.wants/machines.target",
                    "/lib/systemd/system/machines.target"}}));
  EXPECT_EQ(errors,
            Strings{"/etc/sdme/web@a.sdme: WantedBy=machines.target would link "
                    "machines.target.wants/web@a.service to ../web@a.service, but "
                    "/etc/sdme/web@.sdme (WantedBy=machines.target with DefaultInstance=a) links "
                    "it to ../web@.service; enable the unit from one file only"});
}

TEST(PlanInstallLinksTest, LinksSayWhatAskedForThem) {
  file::SdmeSource source;
  std::string err;
  ASSERT_TRUE(file::classify_source_name("web@.sdme", &source, &err)) << err;
  source.path = "/etc/sdme/web@.sdme";
  InstallSection install;
  install.present = true;
  install.wanted_by = {"machines.target"};
  install.required_by = {"x.target"};
  install.default_instance = "a";
  std::vector<InstallLink> links;
  Strings errors;
  plan_install_links(source, install, PresetPolicy(), &links, &errors);
  ASSERT_EQ(links.size(), 2u);
  EXPECT_EQ(links[0].reason, "WantedBy=machines.target with DefaultInstance=a");
  EXPECT_EQ(links[1].reason, "RequiredBy=x.target with DefaultInstance=a");
}

TEST(FinishInstallLinksTest, AliasCannotReplaceAGeneratedUnit) {
  Strings errors;
  EXPECT_EQ(finish({link_from("b.service", "a.service", "/etc/sdme/a.sdme"),
                    link_from("web.service", "web.service", "/etc/sdme/web.sdme")},
                   {"a.service", "b.service", "web.service"}, &errors),
            Links{});
  EXPECT_EQ(errors,
            (Strings{"/etc/sdme/a.sdme: Alias=b.service is the name of a unit generated from "
                     "another file; choose another alias",
                     "/etc/sdme/web.sdme: Alias=web.service is the unit's own name; remove it"}));
}

}  // namespace
}  // namespace sdme::generator
