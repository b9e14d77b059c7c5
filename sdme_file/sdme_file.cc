// Reading one .sdme file with its drop-ins.
#include "sdme_file/sdme_file.h"

#include "common/atomic_file.h"
#include "sdme_file/container_keys.h"

namespace sdme::file {

bool load_sdme_file(const SdmeSource& source, UnitFile* unit, std::string* err) {
  std::string text;
  if (!read_file(source.path, kMaxUnitFileSize, &text, err)) return false;
  if (!unit->parse(source.path, text, err)) return false;
  for (const std::string& dropin : source.dropin_paths) {
    if (!read_file(dropin, kMaxUnitFileSize, &text, err)) return false;
    if (!unit->parse(dropin, text, err)) return false;
  }
  return true;
}

bool read_container_settings(const UnitFile& unit, ContainerSettings* settings, std::string* err) {
  *settings = ContainerSettings();
  const UnitSection* container = unit.find_section("Container");
  return !container || parse_container_section(*container, settings, err);
}

}  // namespace sdme::file
