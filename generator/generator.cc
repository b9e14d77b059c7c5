// One run of the generator: translate every source, then write or print.
#include "generator/generator.h"

#include <sys/stat.h>
#include <unistd.h>

#include <map>

#include "common/atomic_file.h"
#include "common/paths.h"
#include "generator/translate.h"
#include "generator/unit_file.h"

namespace sdme {
namespace {

bool load_unit(const SdmeSource& source, UnitFile* unit, std::string* err) {
  std::string text;
  if (!read_file(source.path, kMaxUnitFileSize, &text, err)) return false;
  if (!unit->parse(source.path, text, err)) return false;
  for (const std::string& dropin : source.dropin_paths) {
    if (!read_file(dropin, kMaxUnitFileSize, &text, err)) return false;
    if (!unit->parse(dropin, text, err)) return false;
  }
  return true;
}

// Translates one source with its own unit file; on success adds the unit
// and its links, and returns its [Install] for instance links to use.
bool generate_one(const SdmeSource& source, const PresetPolicy& presets,
                  const GeneratorConfig& config, GeneratorOutput* output, InstallSection* install) {
  UnitFile unit;
  std::string err;
  TranslationInput input{source.unit_name,    source.container_name, source.path,
                         source.dropin_paths, config.state_dir,      config.helper_dir,
                         config.nspawn_path};
  GeneratedUnit generated{source.unit_name, {}};
  if (!load_unit(source, &unit, &err) || !translate_unit(input, unit, &generated.text, &err) ||
      !read_install_section(source, unit, install, &err)) {
    output->errors.push_back(err);
    return false;
  }
  output->units.push_back(std::move(generated));
  plan_install_links(source, *install, presets, &output->links, &output->errors);
  return true;
}

}  // namespace

GeneratorConfig generator_config_from_environment() {
  return {state_dir(), helper_dir(), nspawn_path(), systemd_unit_dir()};
}

void generate(const std::vector<SdmeSource>& sources, const PresetPolicy& presets,
              const GeneratorConfig& config, GeneratorOutput* output) {
  std::map<std::string, InstallSection> template_installs;  // by template unit name
  for (const SdmeSource& source : sources) {
    if (source.kind == SourceKind::kInstanceLink) continue;
    InstallSection install;
    if (generate_one(source, presets, config, output, &install) &&
        source.kind == SourceKind::kTemplate)
      template_installs[source.unit_name] = install;
  }
  // Instance links enable an instance of a template, so they come after
  // every template has been read.
  for (const SdmeSource& source : sources) {
    if (source.kind != SourceKind::kInstanceLink) continue;
    auto found = template_installs.find(source.template_unit);
    if (found == template_installs.end()) {
      output->errors.push_back(source.path + ": enables an instance of " + source.template_unit +
                               ", but no valid template for it was found; fix or add the "
                               "template's .sdme file");
      continue;
    }
    plan_install_links(source, found->second, presets, &output->links, &output->errors);
  }
  std::vector<std::string> unit_names;
  for (const GeneratedUnit& unit : output->units) unit_names.push_back(unit.unit_name);
  finish_install_links(config.systemd_unit_dir, unit_names, &output->links, &output->errors);
}

bool write_generator_output(const std::string& directory, const GeneratorOutput& output,
                            std::vector<std::string>* errors) {
  struct stat status;
  if (::stat(directory.c_str(), &status) != 0 || !S_ISDIR(status.st_mode) ||
      ::access(directory.c_str(), W_OK) != 0) {
    errors->push_back(directory + ": output directory does not exist or is not writable");
    return false;
  }
  for (const GeneratedUnit& unit : output.units) {
    std::string path = directory + "/" + unit.unit_name;
    std::string err;
    // Output directories start empty on every run, so an existing file was
    // written by another generator; it keeps its unit.
    if (::lstat(path.c_str(), &status) == 0) {
      errors->push_back(path + ": already exists (written by another generator), not replacing it");
      continue;
    }
    if (!write_file_atomically(path, unit.text, 0644, &err)) errors->push_back(err);
  }
  for (const InstallLink& link : output.links) {
    std::string path = directory + "/" + link.link;
    std::string err;
    if (::lstat(path.c_str(), &status) == 0) {
      errors->push_back(path + ": already exists (written by another generator), not replacing it");
      continue;
    }
    size_t slash = path.rfind('/');
    if (!make_directories(path.substr(0, slash), 0755, &err) ||
        !symlink_atomically(link.target, path, &err))
      errors->push_back(err);
  }
  return true;
}

std::string format_dry_run(const GeneratorOutput& output) {
  std::string text;
  for (const GeneratedUnit& unit : output.units)
    text += "---" + unit.unit_name + "---\n" + unit.text;
  for (const InstallLink& link : output.links)
    text += "---" + link.link + " -> " + link.target + "---\n";
  return text;
}

}  // namespace sdme
