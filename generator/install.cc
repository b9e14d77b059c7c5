// [Install] for generated units: which links the generator writes.
#include "generator/install.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <unordered_set>

#include "common/closest_match.h"
#include "common/name.h"
#include "common/strings.h"
#include "generator/translate.h"
#include "sdme_file/words.h"

namespace sdme::generator {
namespace {

constexpr const char* kInstallKeys[] = {"WantedBy", "RequiredBy", "Alias", "DefaultInstance",
                                        "Also"};

// A unit name as systemd accepts it: NAME.SUFFIX with the usual characters.
bool is_unit_name(std::string_view name) {
  size_t dot = name.rfind('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == name.size() || name.size() > 255)
    return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == ':' || c == '-' || c == '_' ||
           c == '.' || c == '\\' || c == '@';
  });
}

// Reads every unit name of `key`. `requirement`, if given, is an extra rule
// each name must meet, described by `requirement_text` in the error.
bool read_unit_names(const file::UnitFile& unit, std::string_view key, std::vector<std::string>* names,
                     std::string* err, bool (*requirement)(std::string_view) = nullptr,
                     std::string_view requirement_text = {}) {
  std::unordered_set<std::string> seen(names->begin(), names->end());
  for (const file::UnitEntry* entry : unit.lookup_list("Install", key)) {
    std::vector<std::string> words;
    std::string message;
    if (!file::split_words(entry->value, &words, &message)) {
      *err = entry->location() + ": " + std::string(key) + "=: " + message;
      return false;
    }
    for (std::string& word : words) {
      if (!is_unit_name(word)) {
        *err = entry->location() + ": " + std::string(key) + "=" + printable(word) +
               " is not a unit name, write e.g. machines.target";
        return false;
      }
      if (requirement && !requirement(word)) {
        *err = entry->location() + ": " + std::string(key) + "=" + word + " " +
               std::string(requirement_text);
        return false;
      }
      if (seen.insert(word).second) names->push_back(std::move(word));
    }
  }
  return true;
}

std::string unknown_install_key_message(std::string_view key) {
  std::string message = "unknown key '" + std::string(key) + "' in [Install]";
  ClosestMatch closest(key);
  for (const char* known : kInstallKeys) closest.offer(known);
  if (!closest.best().empty()) return message + closest.did_you_mean();
  return message + ", use WantedBy=, RequiredBy=, Alias= or DefaultInstance=";
}

// `why` says what enabled this unit beyond [Install] itself, for messages:
// " with DefaultInstance=a", or empty.
void add_links(const file::SdmeSource& source, const std::string& unit_name, const std::string& unit_file,
               const InstallSection& install, std::vector<InstallLink>* links,
               const std::string& why = {}) {
  for (const std::string& target : install.wanted_by)
    links->push_back({target + ".wants/" + unit_name, "../" + unit_file, source.path,
                      "WantedBy=" + target + why});
  for (const std::string& target : install.required_by)
    links->push_back({target + ".requires/" + unit_name, "../" + unit_file, source.path,
                      "RequiredBy=" + target + why});
}

// The file in systemd's unit directory that a unit named `unit_name` would
// replace: the unit itself or, for an instance, its template. Empty if none.
std::string system_unit_replaced_by(SystemUnitDirectory* systemd_unit_dir,
                                    const std::string& unit_name) {
  if (systemd_unit_dir->has(unit_name)) return systemd_unit_dir->path() + "/" + unit_name;
  if (size_t at = unit_name.find('@'); at != std::string::npos) {
    std::string template_name = unit_name.substr(0, at + 1) + unit_name.substr(unit_name.rfind('.'));
    if (systemd_unit_dir->has(template_name)) return systemd_unit_dir->path() + "/" + template_name;
  }
  return {};
}

std::string instance_unit(const std::string& template_unit, const std::string& instance) {
  size_t at = template_unit.find('@');
  return template_unit.substr(0, at + 1) + instance + template_unit.substr(at + 1);
}

}  // namespace

bool assigns_install_target(const file::UnitFile& unit) {
  return !unit.lookup_all("Install", "WantedBy").empty() ||
         !unit.lookup_all("Install", "RequiredBy").empty();
}

bool read_install_section(const file::SdmeSource& source, const file::UnitFile& unit, InstallSection* install,
                          std::string* err) {
  const file::UnitSection* section = unit.find_section("Install");
  if (!section) return true;
  install->present = true;
  for (const file::UnitEntry& entry : section->entries) {
    if (std::find(std::begin(kInstallKeys), std::end(kInstallKeys), entry.key) ==
        std::end(kInstallKeys)) {
      *err = entry.location() + ": " + unknown_install_key_message(entry.key);
      return false;
    }
    if (entry.key == "Also" && !entry.value.empty()) {
      *err = entry.location() +
             ": Also= cannot enable other units from a generated one; give each container its "
             "own [Install] section";
      return false;
    }
  }
  if (!read_unit_names(unit, "WantedBy", &install->wanted_by, err) ||
      !read_unit_names(unit, "RequiredBy", &install->required_by, err) ||
      !read_unit_names(unit, "Alias", &install->aliases, err))
    return false;
  for (const file::UnitEntry* entry : unit.lookup_list("Install", "Alias")) {
    std::vector<std::string> aliases;
    std::string ignored;
    file::split_words(entry->value, &aliases, &ignored);  // already checked above
    for (const std::string& alias : aliases) {
      if (source.kind != file::SourceKind::kService) {
        *err = entry->location() + ": Alias=" + alias +
               (source.kind == file::SourceKind::kTemplate
                    ? ": a template (NAME@.sdme) cannot have aliases; remove Alias="
                    : ": an instance (NAME@INSTANCE.sdme) cannot have aliases; remove Alias=");
        return false;
      }
      if (alias.starts_with(kReservedUnitPrefix)) {
        *err = entry->location() + ": Alias=" + alias + " is in sdme's own unit namespace (" +
               std::string(kReservedUnitPrefix) + "*); choose another alias";
        return false;
      }
      if (!alias.ends_with(".service") || alias.find('@') != std::string::npos) {
        std::string stem = alias.substr(0, alias.rfind('.'));
        stem = stem.substr(0, stem.find('@'));
        *err = entry->location() + ": Alias=" + alias + " must be a plain NAME.service, such as " +
               stem + ".service";
        return false;
      }
    }
  }
  if (!assigns_install_target(unit)) install->wanted_by.push_back(kDefaultInstallTarget);

  if (const file::UnitEntry* entry = unit.lookup("Install", "DefaultInstance")) {
    if (source.kind != file::SourceKind::kTemplate) {
      *err = entry->location() + ": DefaultInstance= only applies to templates (NAME@.sdme)";
      return false;
    }
    // The instance becomes part of the machine name "PREFIX-INSTANCE".
    const std::string& instance = entry->value;
    std::string prefix = source.unit_name.substr(0, source.unit_name.find('@'));
    std::string message;
    if (!instance.empty() && !validate_container_name(prefix + "-" + instance, &message)) {
      *err = entry->location() + ": DefaultInstance=" + instance +
             " does not give a valid machine name: " + message;
      return false;
    }
    install->default_instance = instance;
  }
  return true;
}

bool SystemUnitDirectory::has(const std::string& name) {
  if (!listed_ && ++lookups_ > kLookupsBeforeListing) {
    if (DIR* dir = ::opendir(path_.c_str())) {
      while (struct dirent* entry = ::readdir(dir)) names_.emplace(entry->d_name);
      ::closedir(dir);
      listed_ = true;
    } else if (errno == ENOENT) {
      listed_ = true;  // no directory, no names
    }
  }
  if (listed_) return names_.count(name) != 0;
  const std::string path = path_ + "/" + name;
  struct stat status;
  return ::lstat(path.c_str(), &status) == 0;
}

bool check_unit_names_are_free(const file::SdmeSource& source, const file::UnitFile& unit,
                               const std::string& systemd_unit_dir, std::string* err) {
  SystemUnitDirectory directory(systemd_unit_dir);
  return check_unit_names_are_free(source, unit, &directory, err);
}

bool check_unit_names_are_free(const file::SdmeSource& source, const file::UnitFile& unit,
                               SystemUnitDirectory* systemd_unit_dir, std::string* err) {
  if (std::string system_unit = system_unit_replaced_by(systemd_unit_dir, source.unit_name);
      !system_unit.empty()) {
    *err = cescape(source.path) + ": " + source.unit_name + " would replace the system's unit " +
           cescape(system_unit) + "; rename the file";
    return false;
  }
  for (const file::UnitEntry* entry : unit.lookup_list("Install", "Alias")) {
    std::vector<std::string> aliases;
    std::string ignored;
    file::split_words(entry->value, &aliases, &ignored);  // checked by read_install_section()
    for (const std::string& alias : aliases) {
      std::string system_unit = system_unit_replaced_by(systemd_unit_dir, alias);
      if (system_unit.empty()) continue;
      *err = entry->location() + ": Alias=" + alias + " would replace the system's unit " +
             cescape(system_unit) + "; choose another alias";
      return false;
    }
  }
  return true;
}

void plan_install_links(const file::SdmeSource& source, const InstallSection& install,
                        const PresetPolicy& presets, std::vector<InstallLink>* links,
                        std::vector<std::string>* errors) {
  if (!install.present && source.kind != file::SourceKind::kInstanceLink) return;
  switch (source.kind) {
    case file::SourceKind::kService:
    case file::SourceKind::kInstance:
      if (source.is_vendor && presets.action_for(source.unit_name) != PresetAction::kEnable) return;
      add_links(source, source.unit_name, source.unit_name, install, links);
      for (const std::string& alias : install.aliases)
        links->push_back({alias, source.unit_name, source.path, "Alias=" + alias});
      return;
    case file::SourceKind::kTemplate: {
      std::vector<std::string> instances;
      if (source.is_vendor &&
          presets.action_for_template(source.unit_name, &instances) != PresetAction::kEnable)
        return;
      std::string why = " with the preset's instance ";
      if (instances.empty() && !install.default_instance.empty()) {
        instances.push_back(install.default_instance);
        why = " with DefaultInstance=";
      }
      // Preset rules come from other files; their instance names become
      // link names and machine names, so they are checked like file names.
      std::string prefix = source.unit_name.substr(0, source.unit_name.find('@'));
      for (const std::string& instance : instances) {
        std::string message;
        if (!validate_container_name(prefix + "-" + instance, &message)) {
          errors->push_back(cescape(source.path) + ": preset instance '" + cescape(instance) +
                            "' does not give a valid machine name (" + message +
                            "); fix the preset rule");
          continue;
        }
        add_links(source, instance_unit(source.unit_name, instance), source.unit_name, install,
                  links, why + instance);
      }
      return;
    }
    case file::SourceKind::kInstanceLink: {
      if (source.is_vendor && presets.action_for(source.unit_name) != PresetAction::kEnable) return;
      // The link itself asks for enablement: without a template [Install],
      // the default target applies.
      InstallSection effective = install;
      if (!effective.present) effective.wanted_by = {kDefaultInstallTarget};
      add_links(source, source.unit_name, source.template_unit, effective, links,
                " of the instance link");
      return;
    }
  }
}

void finish_install_links(const std::string& systemd_unit_dir, bool machines_target_masked,
                          const std::vector<std::string>& unit_names,
                          std::vector<InstallLink>* links, std::vector<std::string>* errors) {
  bool wants_machines_target = std::any_of(links->begin(), links->end(), [](const InstallLink& l) {
    return l.link.starts_with("machines.target.wants/") ||
           l.link.starts_with("machines.target.requires/");
  });
  // Seed report 004: an image whose build enabled a unit but never ran
  // `systemctl preset-all` left machines.target disabled, and nothing it
  // wanted started at boot. So the link is written on every run, as
  // systemd's own generators write theirs (getty.target.wants/,
  // local-fs.target.requires/) whatever the target's enablement; only a mask
  // stops it. systemd would not start a masked target anyway; leaving the
  // link out also keeps --dry-run honest.
  if (wants_machines_target && !machines_target_masked)
    links->push_back(
        {"multi-user.target.wants/machines.target", systemd_unit_dir + "/machines.target", "", ""});
  // Links were added in source file-name order; a stable sort keeps that
  // order among links of the same path, so the first file wins. They are
  // usually in order already, and then the sort's buffer (a copy of every
  // link) is not needed.
  auto by_link = [](const InstallLink& a, const InstallLink& b) { return a.link < b.link; };
  if (!std::is_sorted(links->begin(), links->end(), by_link))
    std::stable_sort(links->begin(), links->end(), by_link);
  const std::unordered_set<std::string> generated(unit_names.begin(), unit_names.end());
  // Kept links move to the front of *links, in place.
  size_t kept_count = 0;
  for (InstallLink& link : *links) {
    if (link.link == link.target) {
      errors->push_back(cescape(link.source) + ": Alias=" + link.link +
                        " is the unit's own name; remove it");
      continue;
    }
    if (generated.count(link.link)) {
      errors->push_back(cescape(link.source) + ": Alias=" + link.link +
                        " is the name of a unit generated from another file; choose another alias");
      continue;
    }
    if (kept_count > 0 && (*links)[kept_count - 1].link == link.link) {
      const InstallLink& first = (*links)[kept_count - 1];
      if (first.target == link.target) continue;
      // Say what really collided: two aliases, or an instance enabled by
      // two files (a template's DefaultInstance= and an instance file).
      if (link.reason.starts_with("Alias=") && first.reason.starts_with("Alias="))
        errors->push_back(cescape(link.source) + ": " + link.reason + " is already taken by " +
                          cescape(first.source) + "; choose another alias");
      else
        errors->push_back(cescape(link.source) + ": " + link.reason + " would link " + link.link +
                          " to " + link.target + ", but " + cescape(first.source) + " (" +
                          first.reason + ") links it to " + first.target +
                          "; enable the unit from one file only");
      continue;
    }
    if (&(*links)[kept_count] != &link) (*links)[kept_count] = std::move(link);
    ++kept_count;
  }
  links->resize(kept_count);
}

}  // namespace sdme::generator
