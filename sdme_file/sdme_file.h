// The one reader of .sdme files: a file found on the search path, with its
// drop-ins, parsed (unit_file.h) and its [Container] section read through
// the key table (container_keys.h). The generator, sdme-import (for
// sdme-import@NAME.service) and any later tool that lists or checks
// containers read a file through here, so a drop-in applies to all of them
// alike. Translating into a unit is the generator's own business
// (translate.h).
#pragma once

#include <string>

#include "sdme_file/container_settings.h"
#include "sdme_file/search_path.h"
#include "sdme_file/unit_file.h"

namespace sdme::file {

// Reads `source` and then its drop-ins, in order, into *unit. A file that
// is not a regular file, or is too big, is refused without blocking.
// Errors: "PATH: ..." or "PATH:LINE: ...".
bool load_sdme_file(const SdmeSource& source, UnitFile* unit, std::string* err);

// The [Container] section of a loaded file, parsed; a file without one has
// the defaults.
bool read_container_settings(const UnitFile& unit, ContainerSettings* settings, std::string* err);

}  // namespace sdme::file
