// systemd.preset(5) policy: whether a vendor unit is enabled.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sdme::generator {

enum class PresetAction { kEnable, kDisable };

struct PresetRule {
  PresetAction action = PresetAction::kEnable;
  std::string pattern;                 // fnmatch(3) glob on the unit name
  std::vector<std::string> instances;  // "enable foo@.service a b" lists instances
  std::string location;                // "PATH:LINE" for messages
};

class PresetPolicy {
 public:
  // Loads every *.preset file from `directories` (highest priority first).
  // Files are ordered by file name across all directories; a file name in a
  // higher directory masks the same name lower down; a file that is empty or
  // a symlink to /dev/null masks without adding rules. Rules are read in
  // that order and the first matching rule wins, as systemd does.
  // Unreadable directories are skipped. Malformed lines are skipped, and a
  // "PATH:LINE: ..." warning for each is appended to *warnings.
  void load(const std::vector<std::string>& directories, std::vector<std::string>* warnings);

  // Adds a rule by hand (tests); appended after the loaded ones.
  void add_rule(PresetRule rule);

  // The first rule matching `unit_name` decides; with no match, enable
  // (systemd's default when no rule matches).
  // As in systemd 252: for an instance "foo@bar.service", a rule
  // "enable foo@.service a b" matches only if "bar" is listed; a rule naming
  // the template without instances (enable or disable) does not match
  // instances, only globs such as "foo@*" do.
  PresetAction action_for(std::string_view unit_name) const;

  // For a template "foo@.service": the first matching rule's action, and in
  // *instances the instances that rule lists ("enable foo@.service a b"),
  // empty when it lists none (the template's DefaultInstance= is used then).
  PresetAction action_for_template(std::string_view template_name,
                                   std::vector<std::string>* instances) const;

  const std::vector<PresetRule>& rules() const { return rules_; }

 private:
  std::vector<PresetRule> rules_;
};

}  // namespace sdme::generator
