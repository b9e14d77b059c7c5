// [Install] for generated units. `systemctl enable` refuses generated units,
// so the generator writes the .wants/, .requires/ and alias links itself:
// files in /etc/sdme and /run/sdme are enabled by their [Install] section,
// vendor files under /usr only where preset policy says "enable".
#pragma once

#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "generator/preset.h"
#include "sdme_file/search_path.h"
#include "sdme_file/unit_file.h"

namespace sdme::generator {

struct InstallSection {
  bool present = false;  // the file has an [Install] section
  std::vector<std::string> wanted_by;
  std::vector<std::string> required_by;
  std::vector<std::string> aliases;
  std::string default_instance;
};

// A symlink to create in the generator's output directory.
struct InstallLink {
  std::string link;    // relative to the output directory: "machines.target.wants/web.service"
  std::string target;  // what it points to: "../web.service"
  std::string source;  // the .sdme file that asked for it, for messages
  std::string reason;  // the setting that asked for it, for messages: "Alias=db.service"
};

// Whether [Install] assigns WantedBy= or RequiredBy= at all (an empty
// assignment counts: it says "no target"). Without either, the default
// target applies.
bool assigns_install_target(const file::UnitFile& unit);

// Reads and validates [Install]. With a section that assigns no WantedBy=
// and no RequiredBy= at all, the container is wanted by machines.target, as
// systemd-nspawn@.service is. Errors are "PATH:LINE: message".
bool read_install_section(const file::SdmeSource& source, const file::UnitFile& unit,
                          InstallSection* install, std::string* err);

// systemd's unit directory, asked whether it has a name. The first few
// names cost an lstat() each; after that the directory is read once and the
// rest are looked up in memory, so a run over many files costs no system
// call per file.
class SystemUnitDirectory {
 public:
  explicit SystemUnitDirectory(std::string path) : path_(std::move(path)) {}
  const std::string& path() const { return path_; }
  bool has(const std::string& name);

 private:
  static constexpr unsigned kLookupsBeforeListing = 16;
  std::string path_;
  unsigned lookups_ = 0;
  bool listed_ = false;
  std::unordered_set<std::string> names_;
};

// A generated unit or link takes precedence over systemd's own unit directory
// (a generator's output comes first), so one named like a unit there would
// replace it: refuses `source` when its unit (or, for an instance, its
// template) or one of its aliases is in `systemd_unit_dir`. Errors are
// "PATH: message" for the file name and "PATH:LINE: message" for an alias.
bool check_unit_names_are_free(const file::SdmeSource& source, const file::UnitFile& unit,
                               SystemUnitDirectory* systemd_unit_dir, std::string* err);
bool check_unit_names_are_free(const file::SdmeSource& source, const file::UnitFile& unit,
                               const std::string& systemd_unit_dir, std::string* err);

// Decides whether `source` is enabled and appends its links. For an
// instance link, `install` is its template's [Install].
// Instance names a preset rule lists are checked like file names; a bad one
// is reported in *errors and skipped.
void plan_install_links(const file::SdmeSource& source, const InstallSection& install,
                        const PresetPolicy& presets, std::vector<InstallLink>* links,
                        std::vector<std::string>* errors);

// Completes the link list: when any container is wanted or required by
// machines.target, and machines.target is not masked, wants machines.target
// from multi-user.target so an image whose build never enabled it still
// starts its containers at boot (a `systemctl disable machines.target`
// looks the same on disk as "never enabled", so it cannot be told apart and
// is overridden; a mask is what says "never"); sorts;
// drops exact duplicates; and refuses links that would replace a generated
// unit (an alias named like one) or that two files want pointing at different
// units (the first file in file-name order keeps it). Refusals go to *errors.
void finish_install_links(const std::string& systemd_unit_dir, bool machines_target_masked,
                          const std::vector<std::string>& unit_names,
                          std::vector<InstallLink>* links, std::vector<std::string>* errors);

}  // namespace sdme::generator
