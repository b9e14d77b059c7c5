// The root file systems that containers share, as their .sdme files
// describe them: which container uses which rootfs, whether one of them
// boots it, and how Import= fetches it.
//
// This is the handoff between the generator and sdme-import. The generator
// adds every file it generates, in file-name order, and writes for each
// imported rootfs a drop-in that names, in that order, the files that use
// it (common/import_request.h). sdme-import@NAME.service reads those files
// again through the same reader and adds them here in the same order, and
// so reaches the request the generator checked, without the source (a URL
// may carry credentials) ever being written into a world-readable unit.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/import_request.h"
#include "common/paths.h"
#include "sdme_file/container_settings.h"
#include "sdme_file/unit_file.h"

namespace sdme::file {

// How one container uses its rootfs.
struct RootfsUse {
  std::string rootfs_name;  // Rootfs=NAME; empty for the host clone or a directory
  bool boots = false;       // the container boots (Boot=yes, or no Exec=)
  bool imports = false;     // Import= is set; then `import` is filled in
  ImportRequest import;     // its boot is this container's alone
  // AppImage=: the app's own rootfs and its import (app set, never
  // booted); an empty rootfs: no app.
  ImportRequest app_import;
};

// From a file's parsed [Container] section (`container` may be null).
RootfsUse describe_rootfs_use(const ContainerSettings& settings, const UnitSection* container);

struct SharedRootfs {
  bool imports = false;
  // From the first file that imports it; `boot` says whether any file
  // using the rootfs boots it.
  ImportRequest request;
  std::string import_file;         // the file `request` comes from
  std::vector<std::string> files;  // every file using it, in the order added
};

class RootfsImports {
 public:
  // Records how the .sdme file at `path` uses its rootfs. A later file may
  // import a rootfs only the way the first one did, as there is one
  // sdme-import@NAME.service for all of them; otherwise this fails,
  // recording nothing, with "ORIGIN: KEY= for rootfs 'NAME' differs from
  // ORIGIN; containers sharing a rootfs must import it the same way".
  bool add(const std::string& path, const RootfsUse& use, std::string* err);

  // By rootfs name.
  const std::map<std::string, SharedRootfs>& rootfs() const { return rootfs_; }

 private:
  // Whether `request` imports its rootfs the way an earlier file did.
  bool check(const ImportRequest& request, std::string* err) const;
  // Adds the file at `path` to rootfs `name`'s users; the first request
  // for it is the one sdme-import@NAME.service carries out.
  void record(const std::string& path, const std::string& name, const ImportRequest* request,
              bool boots);

  std::map<std::string, SharedRootfs> rootfs_;
};

// What sdme-import@ROOTFS.service does: reads the .sdme files `files` (as
// the generator named them) through the search path `directories`, with
// their drop-ins, and gives the import request for `rootfs`. Fails with one
// line naming the file, and "run systemctl daemon-reload" where the files
// changed since the generator ran so that they no longer import `rootfs`.
bool read_import_request(const std::string& rootfs, const std::vector<std::string>& files,
                         const std::vector<SearchDirectory>& directories, ImportRequest* request,
                         std::string* err);

}  // namespace sdme::file
