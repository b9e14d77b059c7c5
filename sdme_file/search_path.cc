// Finds the .sdme files and their drop-ins along the search path.
#include "sdme_file/search_path.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <iterator>
#include <map>
#include <set>
#include <string_view>
#include <utility>

#include "common/name.h"
#include "common/path_text.h"
#include "common/strings.h"

namespace sdme::file {
namespace {

constexpr std::string_view kSuffix = ".sdme";

// The names in a directory ending in `suffix`, sorted; empty if the
// directory does not exist.
std::vector<std::string> list_directory(const std::string& path, std::string_view suffix) {
  std::vector<std::string> names;
  DIR* dir = ::opendir(path.c_str());
  if (!dir) return names;
  while (struct dirent* entry = ::readdir(dir)) {
    std::string_view name = entry->d_name;
    if (name.size() > suffix.size() && name.ends_with(suffix) && name[0] != '.')
      names.emplace_back(name);
  }
  ::closedir(dir);
  std::sort(names.begin(), names.end());
  return names;
}

// A search directory, read once: its .sdme names (sorted) with the type
// readdir() gave, and the names of its NAME.sdme.d entries, so that a name
// without drop-ins costs no failed opendir() per directory.
struct DirectoryListing {
  std::vector<std::pair<std::string, unsigned char>> sources;
  std::set<std::string> dropin_directories;
};

DirectoryListing list_search_directory(const std::string& path) {
  DirectoryListing listing;
  DIR* dir = ::opendir(path.c_str());
  if (!dir) return listing;
  constexpr std::string_view kDropinSuffix = ".sdme.d";
  while (struct dirent* entry = ::readdir(dir)) {
    std::string_view name = entry->d_name;
    if (name.size() > kSuffix.size() && name.ends_with(kSuffix) && name[0] != '.')
      listing.sources.emplace_back(name, entry->d_type);
    else if (name.ends_with(kDropinSuffix))
      listing.dropin_directories.emplace(name);
  }
  ::closedir(dir);
  std::sort(listing.sources.begin(), listing.sources.end());
  return listing;
}

std::string read_link(const std::string& path) {
  char buffer[4096];
  ssize_t length = ::readlink(path.c_str(), buffer, sizeof buffer - 1);
  if (length < 0) return {};
  return std::string(buffer, static_cast<size_t>(length));
}

// An empty file or a symlink to /dev/null masks a name, as in systemd.
bool is_mask(const std::string& path) {
  struct stat link_status;
  if (::lstat(path.c_str(), &link_status) != 0) return false;
  if (S_ISLNK(link_status.st_mode) && read_link(path) == "/dev/null") return true;
  struct stat status;
  if (::stat(path.c_str(), &status) != 0) return false;
  return S_ISREG(status.st_mode) && status.st_size == 0;
}

// Drop-ins for `names` (e.g. "web@db.sdme", then "web@.sdme"): every
// DIR/NAME.d/*.conf; the first directory to have a file name wins, a mask
// removes it, and the survivors apply in file-name order. `listings`, if
// given, are the directories' listings (same order): a NAME.d they do not
// have is not looked for.
std::vector<std::string> find_dropins(const std::vector<std::string>& names,
                                      const std::vector<std::string>& directories,
                                      const std::vector<DirectoryListing>* listings = nullptr) {
  std::map<std::string, std::string> by_name;  // file name -> path ("" when masked)
  for (size_t index = 0; index < directories.size(); ++index) {
    const std::string& directory = directories[index];
    for (const std::string& name : names) {
      if (listings && !(*listings)[index].dropin_directories.count(name + ".d")) continue;
      std::string dropin_dir = directory + "/" + name + ".d";
      for (const std::string& file : list_directory(dropin_dir, ".conf")) {
        if (by_name.count(file)) continue;
        std::string path = dropin_dir + "/" + file;
        by_name[file] = is_mask(path) ? std::string() : path;
      }
    }
  }
  std::vector<std::string> paths;
  for (const auto& [file, path] : by_name)
    if (!path.empty()) paths.push_back(path);
  return paths;
}

std::vector<std::string> dropin_names(const SdmeSource& source) {
  std::vector<std::string> names = {source.file_name};
  if (source.kind == SourceKind::kInstance) {
    std::string template_file = source.template_unit;
    template_file.replace(template_file.size() - std::string_view(".service").size(),
                          std::string::npos, kSuffix);
    names.push_back(template_file);
  }
  return names;
}

std::vector<std::string> directory_paths(const std::vector<SearchDirectory>& directories) {
  std::vector<std::string> paths;
  for (const SearchDirectory& directory : directories) paths.push_back(directory.path);
  return paths;
}

}  // namespace

bool classify_source_name(const std::string& file_name, SdmeSource* source, std::string* err) {
  if (!file_name.ends_with(kSuffix) || file_name.size() == kSuffix.size()) {
    *err = "file name must be NAME.sdme";
    return false;
  }
  std::string stem = file_name.substr(0, file_name.size() - kSuffix.size());
  if (stem.starts_with(kReservedUnitPrefix)) {
    *err = "'" + cescape(stem) + "' would name a unit in sdme's own namespace (" +
           std::string(kReservedUnitPrefix) + "*), such as sdme-import@.service; rename the file";
    return false;
  }
  source->file_name = file_name;
  size_t at = stem.find('@');
  if (at == std::string::npos) {
    if (!validate_container_name(stem, err)) {
      *err += "; rename the file";
      return false;
    }
    source->kind = SourceKind::kService;
    source->unit_name = stem + ".service";
    source->container_name = stem;
    return true;
  }
  std::string prefix = stem.substr(0, at);
  std::string instance = stem.substr(at + 1);
  if (instance.find('@') != std::string::npos) {
    *err = "'" + cescape(stem) +
           "' has more than one '@'; rename the file to NAME@.sdme or NAME@INSTANCE.sdme";
    return false;
  }
  // Instances become machine names "PREFIX-INSTANCE", so both parts, and the
  // whole, follow the container name rules.
  if (!validate_container_name(prefix, err)) {
    *err += "; rename the file";
    return false;
  }
  source->template_unit = prefix + "@.service";
  if (instance.empty()) {
    source->kind = SourceKind::kTemplate;
    source->unit_name = source->template_unit;
    source->container_name = prefix + "-%i";
    return true;
  }
  if (!validate_container_name(prefix + "-" + instance, err)) {
    *err += "; rename the file";
    return false;
  }
  source->kind = SourceKind::kInstance;
  source->unit_name = stem + ".service";
  source->container_name = prefix + "-" + instance;
  return true;
}

namespace {

enum class Inspection { kSource, kMasked, kError };

// What the file at `path` is: a mask, a source (filled in), or an error.
// Shared by the search-path scan and --dry-run FILE, so both see a file the
// same way.
Inspection inspect_source(const std::string& path, bool is_vendor, SdmeSource* source,
                          std::string* err, unsigned char type = DT_UNKNOWN) {
  // What readdir() says is a plain file needs one lstat(), not three: it is
  // no link (so no instance link), and its size says whether it masks.
  struct stat plain;
  if (type == DT_REG && ::lstat(path.c_str(), &plain) == 0 && S_ISREG(plain.st_mode)) {
    if (plain.st_size == 0) return Inspection::kMasked;
    if (!classify_source_name(base_name(path), source, err)) {
      *err = cescape(path) + ": " + *err;
      return Inspection::kError;
    }
    source->path = path;
    source->is_vendor = is_vendor;
    return Inspection::kSource;
  }
  if (is_mask(path)) return Inspection::kMasked;
  if (!classify_source_name(base_name(path), source, err)) {
    *err = cescape(path) + ": " + *err;
    return Inspection::kError;
  }
  source->path = path;
  source->is_vendor = is_vendor;
  struct stat link_status;
  if (source->kind == SourceKind::kInstance && ::lstat(path.c_str(), &link_status) == 0 &&
      S_ISLNK(link_status.st_mode)) {
    std::string template_file =
        source->template_unit.substr(0, source->template_unit.find('@') + 1) + std::string(kSuffix);
    if (base_name(read_link(path)) == template_file) source->kind = SourceKind::kInstanceLink;
  }
  struct stat status;
  if (::stat(path.c_str(), &status) != 0 || !S_ISREG(status.st_mode)) {
    *err = cescape(path) +
           ": not a regular file (or a dangling symlink); point it at a .sdme file or "
           "remove it";
    return Inspection::kError;
  }
  return Inspection::kSource;
}

}  // namespace

void find_sources(const std::vector<SearchDirectory>& directories, std::vector<SdmeSource>* sources,
                  std::vector<std::string>* errors) {
  std::set<std::string> seen;  // names found (or masked) in a higher directory
  std::vector<SdmeSource> found;
  std::vector<DirectoryListing> listings;
  for (const SearchDirectory& directory : directories)
    listings.push_back(list_search_directory(directory.path));
  // Sized once: growing by doubling leaves the abandoned copies in the
  // heap, which with thousands of files is most of the peak memory.
  size_t listed = 0;
  for (const DirectoryListing& listing : listings) listed += listing.sources.size();
  found.reserve(listed);
  for (size_t index = 0; index < directories.size(); ++index) {
    const SearchDirectory& directory = directories[index];
    for (const auto& [file_name, type] : listings[index].sources) {
      if (!seen.insert(file_name).second) continue;
      SdmeSource source;
      std::string err;
      switch (inspect_source(directory.path + "/" + file_name, directory.is_vendor, &source, &err,
                             type)) {
        case Inspection::kSource:
          found.push_back(std::move(source));
          break;
        case Inspection::kMasked:
          break;
        case Inspection::kError:
          errors->push_back(err);
          break;
      }
    }
  }
  std::sort(found.begin(), found.end(),
            [](const SdmeSource& a, const SdmeSource& b) { return a.file_name < b.file_name; });
  std::vector<std::string> search_dirs = directory_paths(directories);
  // Most installs have no drop-ins at all; then there is nothing to look for.
  const bool any_dropins = std::any_of(listings.begin(), listings.end(), [](const auto& listing) {
    return !listing.dropin_directories.empty();
  });
  for (SdmeSource& source : found)
    if (any_dropins && source.kind != SourceKind::kInstanceLink)
      source.dropin_paths = find_dropins(dropin_names(source), search_dirs, &listings);
  if (sources->empty())
    *sources = std::move(found);
  else
    sources->insert(sources->end(), std::make_move_iterator(found.begin()),
                    std::make_move_iterator(found.end()));
}

bool find_source(const std::string& path, const std::vector<SearchDirectory>& directories,
                 SdmeSource* source, std::string* err) {
  const std::string file_name = base_name(path);
  for (const SearchDirectory& directory : directories) {
    const std::string candidate = directory.path + "/" + file_name;
    struct stat status;
    if (::lstat(candidate.c_str(), &status) != 0) continue;
    if (candidate != path) {
      *err = path + ": " + candidate +
             " comes first on the search path now; run systemctl daemon-reload";
      return false;
    }
    switch (inspect_source(path, directory.is_vendor, source, err)) {
      case Inspection::kMasked:
        *err = path + ": masked now (empty or a link to /dev/null); run systemctl daemon-reload";
        return false;
      case Inspection::kError:
        return false;
      case Inspection::kSource:
        break;
    }
    if (source->kind != SourceKind::kInstanceLink)
      source->dropin_paths = find_dropins(dropin_names(*source), directory_paths(directories));
    return true;
  }
  *err = path + ": not found on the search path any more; run systemctl daemon-reload";
  return false;
}

bool source_from_path(const std::string& path, const std::vector<SearchDirectory>& directories,
                      SdmeSource* source, bool* masked, std::string* err) {
  // The file's own directory first: FILE.d next to it applies before the
  // search path's drop-ins.
  std::string own_directory = parent_directory(path);
  own_directory = own_directory.empty() ? "." : normalize_path(own_directory);
  bool is_vendor = false;
  std::vector<std::string> search_dirs = {own_directory};
  for (const SearchDirectory& directory : directories) {
    if (normalize_path(directory.path) == own_directory)
      is_vendor = directory.is_vendor;
    else
      search_dirs.push_back(directory.path);
  }
  *masked = false;
  switch (inspect_source(path, is_vendor, source, err)) {
    case Inspection::kMasked:
      *masked = true;
      return true;
    case Inspection::kError:
      return false;
    case Inspection::kSource:
      break;
  }
  if (source->kind != SourceKind::kInstanceLink)
    source->dropin_paths = find_dropins(dropin_names(*source), search_dirs);
  return true;
}

}  // namespace sdme::file
