// systemd.preset(5) policy: whether a vendor unit is enabled.
//
// This mirrors systemd 252's src/shared/install.c: read_presets() for the
// files, query_presets() with pattern_match_multiple_instances() for the
// matching, as `systemctl preset` runs them. Where 252 misbehaves on a bad
// line (a bare "enable" crashes systemctl) we skip the line with a warning.
#include "generator/preset.h"

#include <dirent.h>
#include <fnmatch.h>
#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <map>
#include <optional>

#include "common/atomic_file.h"
#include "common/strings.h"

namespace sdme::generator {
namespace {

constexpr std::string_view kWhitespace = " \t\n\r";
constexpr std::string_view kPresetSuffix = ".preset";

// No real preset file comes near this; the limit only keeps a runaway file
// (say, a symlink to something huge) from eating the generator's memory.
constexpr size_t kMaxPresetFileSize = 16 * 1024 * 1024;

// systemd's UNIT_NAME_MAX: a name must be shorter than this.
constexpr size_t kMaxUnitNameLength = 256;

constexpr std::array<std::string_view, 11> kUnitTypes = {
    "service",   "mount", "swap", "socket", "target", "device",
    "automount", "timer", "path", "slice",  "scope",
};

bool is_unit_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view(":-_.\\@").find(c) != std::string_view::npos;
}

// A unit name split the way systemd's unit_name_is_valid() sees it:
// PREFIX@INSTANCE.TYPE, where '@' is the first one and '.' the last one.
struct UnitNameParts {
  std::string_view prefix;    // up to, not including, '@'
  std::string_view instance;  // empty for a template
  std::string_view suffix;    // from the last '.', e.g. ".service"
};

// Succeeds for valid template ("foo@.service") and instance
// ("foo@bar.service") names only.
std::optional<UnitNameParts> split_templated_unit_name(std::string_view name) {
  if (name.size() >= kMaxUnitNameLength) return std::nullopt;
  size_t dot = name.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return std::nullopt;
  std::string_view type = name.substr(dot + 1);
  if (std::find(kUnitTypes.begin(), kUnitTypes.end(), type) == kUnitTypes.end())
    return std::nullopt;
  std::string_view stem = name.substr(0, dot);
  if (!std::all_of(stem.begin(), stem.end(), is_unit_name_char)) return std::nullopt;
  size_t at = stem.find('@');
  if (at == std::string_view::npos || at == 0) return std::nullopt;
  return UnitNameParts{stem.substr(0, at), stem.substr(at + 1), name.substr(dot)};
}

bool is_template_name(std::string_view name) {
  std::optional<UnitNameParts> parts = split_templated_unit_name(name);
  return parts && parts->instance.empty();
}

std::vector<std::string> split_on_whitespace(std::string_view text) {
  std::vector<std::string> words;
  for (size_t start = text.find_first_not_of(kWhitespace); start != std::string_view::npos;) {
    size_t end = text.find_first_of(kWhitespace, start);
    words.emplace_back(text.substr(start, end == std::string_view::npos ? end : end - start));
    start = text.find_first_not_of(kWhitespace, end);
  }
  return words;
}

// systemd's first_word(): `line` starts with `word` followed by whitespace
// or its end; returns what follows, without the whitespace.
std::optional<std::string_view> after_first_word(std::string_view line, std::string_view word) {
  if (!line.starts_with(word)) return std::nullopt;
  std::string_view rest = line.substr(word.size());
  if (rest.empty()) return rest;
  size_t parameter = rest.find_first_not_of(kWhitespace);
  if (parameter == 0) return std::nullopt;
  return parameter == std::string_view::npos ? std::string_view() : rest.substr(parameter);
}

// Splits as systemd's read_line() does: at "\n", "\r\n", "\r" or NUL.
std::vector<std::string_view> split_lines(std::string_view content) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start < content.size()) {
    size_t end = content.find_first_of(std::string_view("\n\r\0", 3), start);
    if (end == std::string_view::npos) {
      lines.push_back(content.substr(start));
      break;
    }
    lines.push_back(content.substr(start, end - start));
    start = end + 1;
    if (content[end] == '\r' && start < content.size() && content[start] == '\n') ++start;
  }
  return lines;
}

// One preset line into a rule; false with *problem (the part of the warning
// after "PATH:LINE: ") when the line is malformed.
bool parse_preset_line(std::string_view line, PresetRule* rule, std::string* problem) {
  if (std::optional<std::string_view> parameter = after_first_word(line, "enable")) {
    std::vector<std::string> words = split_on_whitespace(*parameter);
    if (words.empty()) {
      *problem =
          "'enable' without a unit name pattern, ignoring the line; write e.g. "
          "'enable web.service'";
      return false;
    }
    if (words.size() > 1 && !is_template_name(words[0])) {
      *problem = "'" + std::string(line) + "' lists instances, but '" + words[0] +
                 "' is no template, ignoring the line; instances follow a template name such "
                 "as 'foo@.service'";
      return false;
    }
    rule->action = PresetAction::kEnable;
    rule->pattern = words[0];
    rule->instances.assign(words.begin() + 1, words.end());
    return true;
  }
  if (std::optional<std::string_view> parameter = after_first_word(line, "disable")) {
    std::vector<std::string> words = split_on_whitespace(*parameter);
    if (words.empty()) {
      *problem =
          "'disable' without a unit name pattern, ignoring the line; write e.g. "
          "'disable web.service'";
      return false;
    }
    // systemd keeps "a b" as one pattern, which no unit name (they have no
    // spaces) can match; saying so is kinder than keeping a dead rule.
    if (words.size() > 1) {
      *problem = "'disable' takes one pattern, not '" + std::string(*parameter) +
                 "', ignoring the line; write one 'disable' line per pattern";
      return false;
    }
    rule->action = PresetAction::kDisable;
    rule->pattern = words[0];
    return true;
  }
  std::string verb = split_on_whitespace(line)[0];
  *problem = "unknown preset verb '" + verb +
             "', ignoring the line; write 'enable PATTERN' or 'disable PATTERN'";
  return false;
}

// Like systemd's conf_files_list(): every *.preset file, ordered by file
// name across all directories; of files with one name, the one in the
// earliest (highest-priority) directory is kept and masks the others.
std::map<std::string, std::string> list_preset_files(const std::vector<std::string>& directories,
                                                     std::vector<std::string>* warnings) {
  std::map<std::string, std::string> path_by_file_name;
  for (const std::string& directory : directories) {
    if (directory.empty()) continue;
    DIR* listing = opendir(directory.c_str());
    if (listing == nullptr) {
      if (errno != ENOENT)
        warnings->push_back("cannot read preset directory " + directory + ": " +
                            std::strerror(errno) + ", ignoring it");
      continue;
    }
    std::string prefix = directory.ends_with('/') ? directory : directory + "/";
    while (const dirent* entry = readdir(listing)) {
      std::string_view name = entry->d_name;
      // systemd skips hidden files and anything that cannot be a file.
      if (name.starts_with('.') || !name.ends_with(kPresetSuffix)) continue;
      if (entry->d_type != DT_REG && entry->d_type != DT_LNK && entry->d_type != DT_UNKNOWN)
        continue;
      path_by_file_name.emplace(name, prefix + std::string(name));
    }
    closedir(listing);
  }
  return path_by_file_name;
}

// pattern_match_multiple_instances(): does a rule listing instances
// ("enable foo@.service a b") match `unit_name`? The template itself always;
// then *instances gets the listed ones. An instance only if it is listed.
bool matches_listed_instances(const PresetRule& rule, std::string_view unit_name,
                              std::vector<std::string>* instances) {
  if (rule.instances.empty()) return false;
  std::optional<UnitNameParts> parts = split_templated_unit_name(unit_name);
  if (!parts) return false;
  std::string template_name = std::string(parts->prefix) + "@" + std::string(parts->suffix);
  if (rule.pattern != template_name) return false;
  if (parts->instance.empty()) {
    *instances = rule.instances;
    return true;
  }
  return std::find(rule.instances.begin(), rule.instances.end(), parts->instance) !=
         rule.instances.end();
}

// query_presets(): the first rule that matches decides, else enable. Note
// that a rule without instances matches by glob only, so "foo@.service"
// does not match "foo@bar.service"; systemd 252 behaves the same.
PresetAction query(const std::vector<PresetRule>& rules, std::string_view unit_name,
                   std::vector<std::string>* instances) {
  std::string name(unit_name);
  for (const PresetRule& rule : rules) {
    if (matches_listed_instances(rule, unit_name, instances) ||
        fnmatch(rule.pattern.c_str(), name.c_str(), FNM_NOESCAPE) == 0)
      return rule.action;
  }
  return PresetAction::kEnable;
}

bool is_dev_null(const struct stat& status) {
  struct stat null_status;
  return S_ISCHR(status.st_mode) && ::stat("/dev/null", &null_status) == 0 &&
         status.st_rdev == null_status.st_rdev;
}

}  // namespace

void PresetPolicy::load(const std::vector<std::string>& directories,
                        std::vector<std::string>* warnings) {
  for (const auto& [file_name, path] : list_preset_files(directories, warnings)) {
    // A dangling symlink masks like /dev/null; systemd skips it silently.
    // A link to /dev/null is a mask with no rules in it; read_file() would
    // refuse the device.
    struct stat status;
    if (stat(path.c_str(), &status) < 0) {
      if (errno == ENOENT) continue;
    } else if (is_dev_null(status)) {
      continue;
    }
    std::string content, err;
    if (!read_file(path, kMaxPresetFileSize, &content, &err)) {
      warnings->push_back(err + ", ignoring the file");
      continue;
    }
    std::vector<std::string_view> lines = split_lines(content);
    for (size_t index = 0; index < lines.size(); ++index) {
      std::string location = path + ":" + std::to_string(index + 1);
      std::string_view line = strip(lines[index]);
      if (line.empty() || line[0] == '#' || line[0] == ';') continue;
      PresetRule rule;
      std::string problem;
      if (!parse_preset_line(line, &rule, &problem)) {
        warnings->push_back(location + ": " + problem);
        continue;
      }
      rule.location = std::move(location);
      rules_.push_back(std::move(rule));
    }
  }
}

void PresetPolicy::add_rule(PresetRule rule) { rules_.push_back(std::move(rule)); }

PresetAction PresetPolicy::action_for(std::string_view unit_name) const {
  std::vector<std::string> unused_instances;
  return query(rules_, unit_name, &unused_instances);
}

PresetAction PresetPolicy::action_for_template(std::string_view template_name,
                                               std::vector<std::string>* instances) const {
  instances->clear();
  return query(rules_, template_name, instances);
}

}  // namespace sdme::generator
