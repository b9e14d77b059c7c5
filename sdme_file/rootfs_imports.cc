// The rootfs containers share, and the import request sdme-import rebuilds
// from the files the generator names.
#include "sdme_file/rootfs_imports.h"

#include "common/strings.h"
#include "sdme_file/sdme_file.h"

namespace sdme::file {
namespace {

// The first key in which two imports of one rootfs differ, or empty.
std::string_view first_difference(const ImportRequest& a, const ImportRequest& b) {
  if (a.app != b.app) return "AppImage";
  if (a.source != b.source) return a.app ? "AppImage" : "Import";
  if (a.checksum != b.checksum) return "ImportChecksum";
  if (a.install_packages != b.install_packages) return "ImportInstallPackages";
  if (a.max_size != b.max_size) return "ImportMaxSize";
  return {};
}

std::string joined(const std::vector<std::string>& paths) {
  std::string text;
  for (const std::string& path : paths) text += (text.empty() ? "" : ", ") + printable(path);
  return text;
}

// Where `key` was last set in `container`, for messages; "" if nowhere.
std::string origin_of(const UnitSection* container, std::string_view key) {
  const UnitEntry* entry = container ? container->lookup(key) : nullptr;
  return entry ? entry->location() : std::string();
}

}  // namespace

RootfsUse describe_rootfs_use(const ContainerSettings& settings, const UnitSection* container) {
  RootfsUse use;
  // A name with specifiers differs per instance and matches no import.
  if (!settings.rootfs.empty() && settings.rootfs[0] != '/' &&
      settings.rootfs.find('%') == std::string::npos)
    use.rootfs_name = settings.rootfs;
  use.boots = settings.boot.value_or(settings.exec.empty());
  if (!settings.app.image.empty()) {
    use.app_import.rootfs = settings.app.rootfs;
    use.app_import.source = settings.app.image;
    use.app_import.app = true;
    use.app_import.origin = origin_of(container, "AppImage");
  }
  if (settings.import_source.empty()) return use;
  use.imports = true;
  use.import.rootfs = settings.rootfs;
  use.import.source = settings.import_source;
  use.import.checksum = settings.import_checksum;
  use.import.install_packages = settings.import_install_packages.value_or(InstallPackages::kAuto);
  use.import.max_size = settings.import_max_size;
  use.import.boot = use.boots;
  use.import.origin = origin_of(container, "Import");
  return use;
}

bool RootfsImports::check(const ImportRequest& request, std::string* err) const {
  auto found = rootfs_.find(request.rootfs);
  if (found == rootfs_.end() || !found->second.imports) return true;
  std::string_view key = first_difference(found->second.request, request);
  if (key.empty()) return true;
  *err = request.origin + ": " + std::string(key) + "= for rootfs '" + request.rootfs +
         "' differs from " + found->second.request.origin +
         "; containers sharing a rootfs must import it the same way";
  return false;
}

void RootfsImports::record(const std::string& path, const std::string& name,
                           const ImportRequest* request, bool boots) {
  SharedRootfs& rootfs = rootfs_[name];
  if (request && !rootfs.imports) {
    rootfs.imports = true;
    bool boot = rootfs.request.boot;
    rootfs.request = *request;
    rootfs.request.boot = boot;
    rootfs.import_file = path;
  }
  rootfs.request.boot = rootfs.request.boot || boots;
  rootfs.files.push_back(path);
}

bool RootfsImports::add(const std::string& path, const RootfsUse& use, std::string* err) {
  const bool app = !use.app_import.rootfs.empty();
  if ((use.imports && !check(use.import, err)) || (app && !check(use.app_import, err)))
    return false;
  if (!use.rootfs_name.empty())
    record(path, use.rootfs_name, use.imports ? &use.import : nullptr, use.boots);
  if (app) record(path, use.app_import.rootfs, &use.app_import, false);
  return true;
}

bool read_import_request(const std::string& rootfs, const std::vector<std::string>& files,
                         const std::vector<SearchDirectory>& directories, ImportRequest* request,
                         std::string* err) {
  RootfsImports imports;
  for (const std::string& path : files) {
    SdmeSource source;
    UnitFile unit;
    ContainerSettings settings;
    if (!find_source(path, directories, &source, err) || !load_sdme_file(source, &unit, err) ||
        !read_container_settings(unit, &settings, err) ||
        !imports.add(path, describe_rootfs_use(settings, unit.find_section("Container")), err))
      return false;
  }
  auto found = imports.rootfs().find(rootfs);
  if (found == imports.rootfs().end() || !found->second.imports) {
    *err = "none of " + joined(files) + " imports rootfs '" + rootfs +
           "' any more; run systemctl daemon-reload";
    return false;
  }
  *request = found->second.request;
  return true;
}

}  // namespace sdme::file
