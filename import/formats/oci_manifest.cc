#include "import/formats/oci_manifest.h"

#include <sys/utsname.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "common/strings.h"
#include "import/formats/sha256.h"

namespace sdme::import {
namespace {

using nlohmann::json;

// Nested indexes are legal, but a real image needs two levels at most
// (index.json pointing at a multi-platform index); a loop must end.
constexpr int kMaxIndexDepth = 4;

bool parse_json_object(std::string_view text, const std::string& source, json* document,
                       std::string* err) {
  *document = json::parse(text.begin(), text.end(), nullptr, false);
  if (document->is_discarded()) {
    *err = source + ": not valid JSON";
    return false;
  }
  if (!document->is_object()) {
    *err = source + ": not a JSON object";
    return false;
  }
  return true;
}

// Reads an optional string field; a field of another type is an error.
bool optional_string(const json& object, const char* key, const std::string& source,
                     std::string* value, std::string* err) {
  value->clear();
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return true;
  if (!it->is_string()) {
    *err = source + ": field \"" + key + "\" is not a string";
    return false;
  }
  *value = it->get<std::string>();
  return true;
}

bool required_string(const json& object, const char* key, const std::string& source,
                     std::string* value, std::string* err) {
  if (!optional_string(object, key, source, value, err)) return false;
  if (value->empty()) {
    *err = source + ": field \"" + key + "\" is missing";
    return false;
  }
  return true;
}

bool parse_descriptor(const json& object, const std::string& source, Descriptor* descriptor,
                      std::string* err) {
  if (!object.is_object()) {
    *err = source + ": a descriptor is not a JSON object";
    return false;
  }
  if (!optional_string(object, "mediaType", source, &descriptor->media_type, err) ||
      !required_string(object, "digest", source, &descriptor->digest, err))
    return false;
  if (!validate_digest(descriptor->digest, err)) {
    *err = source + ": " + *err;
    return false;
  }
  descriptor->size = 0;
  if (auto it = object.find("size"); it != object.end()) {
    if (!it->is_number_unsigned()) {
      *err = source + ": field \"size\" of " + descriptor->digest + " is not a size";
      return false;
    }
    descriptor->size = it->get<uint64_t>();
  }
  descriptor->has_platform = false;
  if (auto it = object.find("platform"); it != object.end() && !it->is_null()) {
    if (!it->is_object()) {
      *err = source + ": field \"platform\" of " + descriptor->digest + " is not an object";
      return false;
    }
    descriptor->has_platform = true;
    if (!optional_string(*it, "os", source, &descriptor->platform.os, err) ||
        !optional_string(*it, "architecture", source, &descriptor->platform.architecture, err) ||
        !optional_string(*it, "variant", source, &descriptor->platform.variant, err))
      return false;
  }
  if (auto it = object.find("annotations"); it != object.end() && !it->is_null()) {
    if (!it->is_object()) {
      *err = source + ": field \"annotations\" of " + descriptor->digest + " is not an object";
      return false;
    }
    if (!optional_string(*it, kRefNameAnnotation.data(), source, &descriptor->ref_name, err) ||
        !optional_string(*it, kContainerdImageNameAnnotation.data(), source,
                         &descriptor->containerd_name, err))
      return false;
  }
  return true;
}

bool is_foreign_layer(std::string_view media_type) {
  return media_type.find(".foreign.") != std::string_view::npos ||
         media_type.find(".nondistributable.") != std::string_view::npos;
}

bool is_supported_layer(std::string_view media_type) {
  return media_type == kOciLayerTarMediaType || media_type == kOciLayerGzipMediaType ||
         media_type == kOciLayerZstdMediaType || media_type == kDockerLayerGzipMediaType;
}

void split_architecture(const std::string& architecture, std::string* arch, std::string* variant) {
  size_t slash = architecture.find('/');
  *arch = architecture.substr(0, slash);
  *variant = slash == std::string::npos ? "" : architecture.substr(slash + 1);
}

std::string platform_text(const Platform& platform) {
  std::string text = platform.os + "/" + platform.architecture;
  if (!platform.variant.empty()) text += "/" + platform.variant;
  return text;
}

bool name_matches(const Descriptor& descriptor, const std::string& name) {
  if (descriptor.ref_name == name || descriptor.containerd_name == name) return true;
  const std::string& full = descriptor.containerd_name;
  return full.size() > name.size() &&
         full.compare(full.size() - name.size(), name.size(), name) == 0 &&
         full[full.size() - name.size() - 1] == '/';
}

std::string entry_name(const Descriptor& descriptor) {
  if (!descriptor.ref_name.empty()) return descriptor.ref_name;
  if (!descriptor.containerd_name.empty()) return descriptor.containerd_name;
  return descriptor.digest;
}

// Checks that `content` is what `descriptor` promised.
bool check_content(const Descriptor& descriptor, std::string_view content,
                   const std::string& source, std::string* err) {
  if (descriptor.size != 0 && content.size() != descriptor.size) {
    *err = source + ": size mismatch: expected " + std::to_string(descriptor.size) +
           " bytes, got " + std::to_string(content.size()) + "; the image is corrupt";
    return false;
  }
  std::string actual = "sha256:" + sha256_hex(content);
  if (actual != descriptor.digest) {
    *err = source + ": digest mismatch: expected " + descriptor.digest + ", got " + actual +
           "; the image is corrupt";
    return false;
  }
  return true;
}

// Which characters a runtime config string may hold.
enum class RuntimeText {
  // An argument of Entrypoint or Cmd: anything but NUL, which no argv can
  // carry; ExecStart= quoting writes the rest as C escapes.
  kArgument,
  // Everything else goes into a unit file as it is, where a newline would
  // start a line of its own: no control character.
  kLine,
};

bool check_runtime_string(const std::string& value, const std::string& field,
                          const std::string& source, std::string* err,
                          RuntimeText kind = RuntimeText::kLine) {
  if (value.size() > kMaxRuntimeConfigStringSize) {
    *err = source + ": " + field + " is longer than " +
           std::to_string(kMaxRuntimeConfigStringSize >> 10) + " KiB";
    return false;
  }
  for (char c : value) {
    auto byte = static_cast<unsigned char>(c);
    bool refused = kind == RuntimeText::kArgument ? byte == 0 : byte < 0x20 || byte == 0x7F;
    if (refused) {
      *err = source + ": " + field + " holds a control character (" +
             printable(std::string_view(&c, 1)) + ")";
      return false;
    }
  }
  return true;
}

// A value quoted in a message: printable, and cut short (at a character
// boundary) when long, since an entry may be 128 KiB.
std::string quoted_excerpt(std::string_view value) {
  constexpr size_t kMaxShown = 64;
  if (value.size() <= kMaxShown) return "\"" + printable(value) + "\"";
  size_t cut = kMaxShown;
  while (cut > 0 && (static_cast<unsigned char>(value[cut]) & 0xC0) == 0x80) --cut;
  return "\"" + printable(value.substr(0, cut)) + "...\"";
}

// A string field of the runtime config; absent or null reads as empty.
bool runtime_string(const json& object, const char* key, const std::string& source,
                    std::string* value, std::string* err) {
  std::string field = std::string("config.") + key;
  value->clear();
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return true;
  if (!it->is_string()) {
    *err = source + ": field \"" + field + "\" is not a string";
    return false;
  }
  *value = it->get<std::string>();
  return check_runtime_string(*value, field, source, err);
}

// A list of strings of the runtime config; `*present` says whether the field
// held an array, since absent (or null) and empty differ for Docker's Cmd.
bool runtime_string_list(const json& object, const char* key, const std::string& source,
                         RuntimeText kind, std::vector<std::string>* values, bool* present,
                         std::string* err) {
  std::string field = std::string("config.") + key;
  values->clear();
  *present = false;
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return true;
  if (!it->is_array()) {
    *err = source + ": field \"" + field + "\" is not an array";
    return false;
  }
  if (it->size() > kMaxRuntimeConfigEntries) {
    *err = source + ": field \"" + field + "\" has " + std::to_string(it->size()) +
           " entries; at most " + std::to_string(kMaxRuntimeConfigEntries) + " are supported";
    return false;
  }
  for (size_t i = 0; i < it->size(); ++i) {
    const json& entry = (*it)[i];
    std::string entry_field = field + "[" + std::to_string(i) + "]";
    if (!entry.is_string()) {
      *err = source + ": " + entry_field + " is not a string";
      return false;
    }
    values->push_back(entry.get<std::string>());
    if (!check_runtime_string(values->back(), entry_field, source, err, kind)) return false;
  }
  *present = true;
  return true;
}

bool check_environment(const std::vector<std::string>& env, const std::string& source,
                       std::string* err) {
  for (size_t i = 0; i < env.size(); ++i) {
    const std::string& entry = env[i];
    std::string field = "config.Env[" + std::to_string(i) + "] " + quoted_excerpt(entry);
    size_t equals = entry.find('=');
    if (equals == std::string::npos) {
      *err = source + ": " + field + " is not NAME=VALUE";
      return false;
    }
    if (equals == 0) {
      *err = source + ": " + field + " has an empty variable name";
      return false;
    }
    if (!is_environment_name(std::string_view(entry).substr(0, equals))) {
      *err = source + ": " + field +
             " has an invalid variable name (expected letters, digits and underscores, not "
             "starting with a digit)";
      return false;
    }
  }
  return true;
}

// ExposedPorts is an object whose keys are the ports and whose values are
// empty objects (a Go map to struct{}); the keys, sorted, are what counts.
bool runtime_exposed_ports(const json& object, const std::string& source,
                           std::vector<std::string>* ports, std::string* err) {
  ports->clear();
  auto it = object.find("ExposedPorts");
  if (it == object.end() || it->is_null()) return true;
  if (!it->is_object()) {
    *err = source + ": field \"config.ExposedPorts\" is not an object";
    return false;
  }
  if (it->size() > kMaxRuntimeConfigEntries) {
    *err = source + ": field \"config.ExposedPorts\" has " + std::to_string(it->size()) +
           " entries; at most " + std::to_string(kMaxRuntimeConfigEntries) + " are supported";
    return false;
  }
  for (const auto& [port, value] : it->items()) {
    std::string field = "config.ExposedPorts[" + quoted_excerpt(port) + "]";
    if (!check_runtime_string(port, field, source, err)) return false;
    if (!value.is_object() && !value.is_null()) {
      *err = source + ": " + field + " is not an object";
      return false;
    }
    ports->push_back(port);
  }
  std::sort(ports->begin(), ports->end());
  return true;
}

// The "config" object of an image config: how the image runs.
bool parse_runtime_config(const json& document, const std::string& source, ImageConfig* config,
                          std::string* err) {
  auto it = document.find("config");
  if (it == document.end() || it->is_null()) return true;
  if (!it->is_object()) {
    *err = source + ": field \"config\" is not an object";
    return false;
  }
  const json& runtime = *it;
  if (!runtime_string_list(runtime, "Entrypoint", source, RuntimeText::kArgument,
                           &config->entrypoint, &config->has_entrypoint, err) ||
      !runtime_string_list(runtime, "Cmd", source, RuntimeText::kArgument, &config->cmd,
                           &config->has_cmd, err))
    return false;
  bool has_env = false;
  if (!runtime_string_list(runtime, "Env", source, RuntimeText::kLine, &config->env, &has_env,
                           err) ||
      !check_environment(config->env, source, err))
    return false;
  if (!runtime_string(runtime, "User", source, &config->user, err) ||
      !runtime_string(runtime, "WorkingDir", source, &config->working_dir, err) ||
      !runtime_string(runtime, "StopSignal", source, &config->stop_signal, err) ||
      !runtime_exposed_ports(runtime, source, &config->exposed_ports, err))
    return false;
  if (!config->working_dir.empty() && config->working_dir[0] != '/') {
    *err = source + ": config.WorkingDir " + quoted_excerpt(config->working_dir) +
           " is not an absolute path";
    return false;
  }
  return true;
}

}  // namespace

std::string host_oci_architecture() {
  struct utsname names;
  if (::uname(&names) != 0) return "unknown";
  std::string machine = names.machine;
  if (machine == "x86_64") return "amd64";
  if (machine == "aarch64" || machine == "arm64" || machine == "armv8l") return "arm64";
  if (machine == "armv7l" || machine == "armv7") return "arm/v7";
  if (machine == "armv6l" || machine == "armv6") return "arm/v6";
  if (machine == "i386" || machine == "i486" || machine == "i586" || machine == "i686")
    return "386";
  return machine;  // ppc64le, s390x, riscv64 are named alike in both worlds
}

bool validate_digest(std::string_view digest, std::string* err) {
  constexpr std::string_view kPrefix = "sha256:";
  bool valid = digest.size() == kPrefix.size() + 64 && digest.substr(0, kPrefix.size()) == kPrefix;
  for (size_t i = kPrefix.size(); valid && i < digest.size(); ++i) {
    char c = digest[i];
    valid = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  }
  if (!valid) {
    *err = "invalid digest \"" + printable(digest) +
           "\": expected sha256: followed by 64 lower-case hexadecimal digits";
    return false;
  }
  return true;
}

bool is_index_media_type(std::string_view media_type) {
  return media_type == kOciImageIndexMediaType || media_type == kDockerManifestListMediaType;
}

bool is_manifest_media_type(std::string_view media_type) {
  return media_type == kOciImageManifestMediaType || media_type == kDockerManifestMediaType;
}

bool detect_manifest_media_type(std::string_view text, std::string_view content_type,
                                const std::string& source, std::string* media_type,
                                std::string* err) {
  json document;
  if (!parse_json_object(text, source, &document, err)) return false;
  std::string declared;
  if (!optional_string(document, "mediaType", source, &declared, err)) return false;
  if (declared.empty()) {
    // A Content-Type may carry parameters ("; charset=utf-8").
    std::string_view type = strip(content_type.substr(0, content_type.find(';')));
    if (is_index_media_type(type) || is_manifest_media_type(type)) declared = type;
  }
  if (declared.empty()) {
    // OCI makes mediaType optional; the fields tell the two apart.
    if (document.contains("manifests"))
      declared = kOciImageIndexMediaType;
    else if (document.contains("layers") && document.contains("config"))
      declared = kOciImageManifestMediaType;
  }
  if (is_index_media_type(declared) || is_manifest_media_type(declared)) {
    *media_type = declared;
    return true;
  }
  if (auto it = document.find("schemaVersion"); it != document.end() && *it == 1) {
    *err = source +
           ": a Docker schema 1 manifest, which sdme does not support; push the image again with "
           "a current tool";
    return false;
  }
  *err = source + ": not an image index or image manifest" +
         (declared.empty() ? std::string() : " (media type " + printable(declared) + ")");
  return false;
}

bool parse_image_index(std::string_view text, const std::string& source, ImageIndex* index,
                       std::string* err) {
  json document;
  if (!parse_json_object(text, source, &document, err)) return false;
  auto manifests = document.find("manifests");
  if (manifests == document.end() || !manifests->is_array()) {
    *err = source + ": field \"manifests\" is missing or not an array";
    return false;
  }
  index->manifests.clear();
  for (const json& entry : *manifests) {
    Descriptor descriptor;
    if (!parse_descriptor(entry, source, &descriptor, err)) return false;
    index->manifests.push_back(std::move(descriptor));
  }
  return true;
}

bool parse_image_manifest(std::string_view text, const std::string& source, ImageManifest* manifest,
                          std::string* err) {
  json document;
  if (!parse_json_object(text, source, &document, err)) return false;
  if (!optional_string(document, "mediaType", source, &manifest->media_type, err)) return false;
  if (auto it = document.find("config"); it == document.end()) {
    *err = source + ": field \"config\" is missing";
    return false;
  } else if (!parse_descriptor(*it, source, &manifest->config, err)) {
    return false;
  }
  const std::string& config_type = manifest->config.media_type;
  if (config_type != kOciImageConfigMediaType && config_type != kDockerImageConfigMediaType) {
    *err = source + ": not a container image (its config has media type \"" +
           printable(config_type) + "\")";
    return false;
  }
  auto layers = document.find("layers");
  if (layers == document.end() || !layers->is_array()) {
    *err = source + ": field \"layers\" is missing or not an array";
    return false;
  }
  manifest->layers.clear();
  for (const json& entry : *layers) {
    Descriptor descriptor;
    if (!parse_descriptor(entry, source, &descriptor, err)) return false;
    if (is_foreign_layer(descriptor.media_type)) {
      *err = source + ": layer " + descriptor.digest + " is a foreign (non-distributable) layer (" +
             descriptor.media_type +
             ") that is not stored with the image; sdme cannot import such images";
      return false;
    }
    if (!is_supported_layer(descriptor.media_type)) {
      *err = source + ": layer " + descriptor.digest + " has media type \"" +
             printable(descriptor.media_type) +
             "\", which sdme cannot unpack (expected a tar, tar+gzip or tar+zstd layer)";
      return false;
    }
    manifest->layers.push_back({descriptor.media_type, descriptor.digest, descriptor.size});
  }
  return true;
}

bool parse_image_config(std::string_view text, const std::string& source, ImageConfig* config,
                        std::string* err) {
  json document;
  if (!parse_json_object(text, source, &document, err)) return false;
  ImageConfig result;
  if (!optional_string(document, "os", source, &result.os, err) ||
      !optional_string(document, "architecture", source, &result.architecture, err) ||
      !optional_string(document, "variant", source, &result.variant, err))
    return false;
  if (auto rootfs = document.find("rootfs"); rootfs != document.end() && rootfs->is_object()) {
    if (auto ids = rootfs->find("diff_ids"); ids != rootfs->end()) {
      if (!ids->is_array()) {
        *err = source + ": field \"rootfs.diff_ids\" is not an array";
        return false;
      }
      for (const json& id : *ids) {
        if (!id.is_string() || !validate_digest(id.get<std::string>(), err)) {
          *err = source + ": field \"rootfs.diff_ids\" holds an invalid digest";
          return false;
        }
        result.diff_ids.push_back(id.get<std::string>());
      }
    }
  }
  // Not fatal: the layers are all a rootfs import needs.
  if (std::string runtime_err; !parse_runtime_config(document, source, &result, &runtime_err)) {
    ImageConfig platform_only;
    platform_only.os = std::move(result.os);
    platform_only.architecture = std::move(result.architecture);
    platform_only.variant = std::move(result.variant);
    platform_only.diff_ids = std::move(result.diff_ids);
    platform_only.runtime_error = std::move(runtime_err);
    result = std::move(platform_only);
  }
  *config = std::move(result);
  return true;
}

bool select_from_index(const ImageIndex& index, const std::string& architecture,
                       const std::string& name, const std::string& source, Descriptor* chosen,
                       std::string* err) {
  std::vector<const Descriptor*> candidates;
  for (const Descriptor& entry : index.manifests) {
    // Other entries (signatures, attestations as artifacts) are not images.
    if (!entry.media_type.empty() && !is_index_media_type(entry.media_type) &&
        !is_manifest_media_type(entry.media_type))
      continue;
    if (!name.empty() && !name_matches(entry, name)) continue;
    candidates.push_back(&entry);
  }
  if (candidates.empty()) {
    std::vector<std::string> names;
    for (const Descriptor& entry : index.manifests) {
      if (!entry.ref_name.empty() || !entry.containerd_name.empty())
        names.push_back(entry_name(entry));
    }
    if (!name.empty()) {
      *err = source + ": no image named \"" + name + "\"" +
             (names.empty() ? "" : "; available: " + join(names, ", "));
    } else {
      *err = source + ": lists no images";
    }
    return false;
  }
  std::string arch, variant;
  split_architecture(architecture, &arch, &variant);
  const Descriptor* exact = nullptr;
  const Descriptor* without_variant = nullptr;
  std::vector<const Descriptor*> unlabelled;
  std::vector<std::string> available;
  for (const Descriptor* entry : candidates) {
    if (!entry->has_platform) {
      unlabelled.push_back(entry);
      continue;
    }
    const Platform& platform = entry->platform;
    available.push_back(platform_text(platform));
    if (platform.os != "linux" || platform.architecture != arch) continue;
    if (variant.empty() || platform.variant == variant) {
      if (!exact) exact = entry;
    } else if (platform.variant.empty() && !without_variant) {
      without_variant = entry;
    }
  }
  if (exact || without_variant) {
    *chosen = exact ? *exact : *without_variant;
    return true;
  }
  if (available.empty() && unlabelled.size() == 1) {
    *chosen = *unlabelled.front();
    return true;
  }
  if (available.empty()) {
    std::vector<std::string> names;
    for (const Descriptor* entry : unlabelled) names.push_back(entry_name(*entry));
    *err = source + ": holds " + std::to_string(unlabelled.size()) +
           " images; name one of them: " + join(names, ", ");
    return false;
  }
  *err = source + ": no image for linux/" + architecture +
         "; available platforms: " + join(available, ", ");
  return false;
}

bool check_config_platform(const ImageConfig& config, const std::string& architecture,
                           const std::string& source, std::string* err) {
  std::string arch, variant;
  split_architecture(architecture, &arch, &variant);
  bool os_matches = config.os.empty() || config.os == "linux";
  bool variant_matches = variant.empty() || config.variant.empty() || config.variant == variant;
  if (!os_matches || config.architecture != arch || !variant_matches) {
    Platform platform{config.os.empty() ? "linux" : config.os, config.architecture, config.variant};
    *err = source + ": the image is for " +
           (config.architecture.empty() ? std::string("an unnamed architecture")
                                        : printable(platform_text(platform))) +
           ", not linux/" + architecture;
    return false;
  }
  return true;
}

bool resolve_image_layers(ManifestStore& store, std::string_view top_text,
                          std::string_view top_content_type, const std::string& top_source,
                          const std::string& architecture, const std::string& name,
                          ResolvedImage* image, std::string* err) {
  std::string text(top_text), content_type(top_content_type), source = top_source;
  std::string expected_type;  // what the index entry said the document is
  for (int depth = 0;; ++depth) {
    std::string media_type;
    if (!detect_manifest_media_type(text, content_type, source, &media_type, err)) return false;
    if (!expected_type.empty() && media_type != expected_type) {
      *err = source + ": the index lists it as " + expected_type + " but it is " + media_type;
      return false;
    }
    if (is_manifest_media_type(media_type)) break;
    if (depth == kMaxIndexDepth) {
      *err = source + ": indexes nested too deeply";
      return false;
    }
    ImageIndex index;
    Descriptor chosen;
    if (!parse_image_index(text, source, &index, err) ||
        !select_from_index(index, architecture, depth == 0 ? name : "", source, &chosen, err))
      return false;
    source = store.describe(chosen);
    if (!store.read_manifest(chosen, &text, &content_type, err) ||
        !check_content(chosen, text, source, err))
      return false;
    expected_type = chosen.media_type;
  }
  ImageManifest manifest;
  if (!parse_image_manifest(text, source, &manifest, err)) return false;
  ResolvedImage result;
  std::string config_source = store.describe(manifest.config);
  if (!store.read_config(manifest.config, &result.config_text, err) ||
      !check_content(manifest.config, result.config_text, config_source, err) ||
      !parse_image_config(result.config_text, config_source, &result.config, err) ||
      !check_config_platform(result.config, architecture, config_source, err))
    return false;
  result.layers = std::move(manifest.layers);
  result.config_digest = manifest.config.digest;
  *image = std::move(result);
  return true;
}

}  // namespace sdme::import
