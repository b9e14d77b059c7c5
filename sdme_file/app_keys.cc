// The App* rows of the [Container] key table; see app_keys.h.
#include "sdme_file/app_keys.h"

#include <algorithm>
#include <cctype>
#include <cstdint>

#include "common/import_source_syntax.h"
#include "common/name.h"
#include "common/path_text.h"
#include "common/strings.h"
#include "common/url_redaction.h"
#include "sdme_file/key_values.h"

namespace sdme::file {
namespace {

// Room for the readable part of a derived rootfs name: 64 characters in
// all, less "app-", '-' and 16 hex digits.
constexpr size_t kMaxReadablePart = 64 - 4 - 1 - 16;

std::string hex16(uint64_t value) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string text(16, '0');
  for (int i = 15; i >= 0; --i, value >>= 4) text[static_cast<size_t>(i)] = kDigits[value & 0xF];
  return text;
}

// The last path component of a path or URL, without an archive suffix.
std::string last_component(std::string_view location) {
  location = location.substr(0, location.find_first_of("?#"));
  while (!location.empty() && location.back() == '/') location.remove_suffix(1);
  std::string_view name = location.substr(location.rfind('/') + 1);
  for (std::string_view suffix : {".tar.gz", ".tar.xz", ".tar.zst", ".tar.bz2", ".tgz", ".tar"}) {
    if (name.size() > suffix.size() && name.ends_with(suffix)) {
      name.remove_suffix(suffix.size());
      break;
    }
  }
  return std::string(name);
}

// What a reader recognizes the image by: "nginx-1.25" for a reference
// (the last part of its repository and its tag), the file or directory
// name otherwise.
std::string readable_part(std::string_view source) {
  ImportSourceSyntax syntax;
  std::string ignored;
  std::string raw;
  if (parse_import_source(source, ImportSourceOrigin::kSdmeFile, &syntax, &ignored) &&
      syntax.form == ImportSourceForm::kImageReference) {
    const std::string& repository = syntax.reference.repository;
    raw = repository.substr(repository.rfind('/') + 1);
    if (syntax.reference.digest.empty()) raw += "-" + syntax.reference.tag;
  } else {
    raw = last_component(url_without_userinfo(source));
  }
  // Letters, digits, '-' and single dots; starting and ending with a
  // letter or digit, as rootfs names must (common/name.h).
  std::string part;
  for (char c : raw) {
    bool alnum = std::isalnum(static_cast<unsigned char>(c)) != 0;
    char kept = alnum ? static_cast<char>(std::tolower(static_cast<unsigned char>(c)))
                      : (c == '.' ? '.' : '-');
    if (!alnum && (part.empty() || part.back() == '.' || part.back() == '-')) continue;
    if (part.size() == kMaxReadablePart) break;
    part += kept;
  }
  while (!part.empty() && !std::isalnum(static_cast<unsigned char>(part.back()))) part.pop_back();
  return part.empty() ? "image" : part;
}

bool parse_optional_words(std::string_view key, std::string_view value,
                          std::optional<std::vector<std::string>>* words, std::string* err) {
  if (value.empty()) {
    words->reset();
    return true;
  }
  std::vector<std::string> parsed;
  if (!parse_words(value, &parsed, err)) {
    *err = std::string(key) + "=: " + *err;
    return false;
  }
  if (parsed.empty()) {
    *err = std::string(key) + "= has no words; leave it empty to keep the image's own";
    return false;
  }
  *words = std::move(parsed);
  return true;
}

// HOST:PATH[:ro|rw], as podman run -v reads it.
bool parse_app_bind_spec(std::string_view spec, BindMount* bind, std::string* err) {
  const std::string written = "AppBind=" + std::string(spec);
  // nspawn reads '\\' in --bind= as an escape; see Bind=.
  if (spec.find('\\') != std::string_view::npos) {
    *err = written +
           " contains '\\', which systemd-nspawn reads as an escape in a bind mount; move or "
           "link the directory to a path without one";
    return false;
  }
  std::vector<std::string> fields = split(spec, ':');
  if (fields.size() < 2 || fields.size() > 3) {
    *err =
        written + " is not HOSTPATH:PATH[:ro|rw], the host's path and where it appears in the app";
    return false;
  }
  // validate_absolute_path() says "WHAT path 'P' is not absolute".
  if (!validate_absolute_path(fields[0], "AppBind= host", err) ||
      !validate_absolute_path(fields[1], "AppBind= app", err))
    return false;
  if (fields.size() == 3 && fields[2] != "ro" && fields[2] != "rw") {
    *err = written + ": unknown option '" + fields[2] + "', use ro or rw";
    return false;
  }
  bind->source = normalize_path(fields[0]);
  bind->destination = normalize_path(fields[1]);
  bind->options = fields.size() == 3 ? fields[2] : "rw";
  return true;
}

bool has_user_namespace(const ContainerSettings& settings) {
  if (settings.security != SecurityTier::kNone) return true;
  return !settings.private_users.empty() && settings.private_users != "no";
}

}  // namespace

std::string app_rootfs_name(std::string_view source) {
  // Both parts leave a URL's credentials out: changing a password is not
  // a new image, and a URL without a path ("https://user:pass@host") must
  // not lend its userinfo to the readable part, a unit name.
  return "app-" + readable_part(source) + "-" + hex16(fnv1a_hash(url_without_userinfo(source)));
}

bool parse_app_image(std::string_view value, ContainerSettings* settings, std::string* err) {
  if (value.empty()) {
    settings->app.image.clear();
    settings->app.rootfs.clear();
    return true;
  }
  if (!parse_image_source("AppImage", value, &settings->app.image, err)) return false;
  settings->app.rootfs = app_rootfs_name(settings->app.image);
  return true;
}

bool parse_app_entrypoint(std::string_view value, ContainerSettings* settings, std::string* err) {
  return parse_optional_words("AppEntrypoint", value, &settings->app.entrypoint, err);
}

bool parse_app_exec(std::string_view value, ContainerSettings* settings, std::string* err) {
  return parse_optional_words("AppExec", value, &settings->app.exec, err);
}

bool parse_app_environment(std::string_view value, ContainerSettings* settings, std::string* err) {
  std::vector<std::string>& list = settings->app.environment;
  const size_t first_new = value.empty() ? 0 : list.size();
  if (!parse_assignments("AppEnvironment", value, &list, err)) return false;
  // systemd.exec(5): "non-printable characters are currently rejected".
  for (size_t i = first_new; i < list.size(); ++i) {
    if (!has_control_character(list[i])) continue;
    *err = "AppEnvironment=: the value of " + list[i].substr(0, list[i].find('=')) +
           " has a control character, which systemd refuses in an environment";
    list.resize(first_new);
    return false;
  }
  return true;
}

bool parse_app_user(std::string_view value, ContainerSettings* settings, std::string* err) {
  if (value.empty()) {
    settings->app.user.reset();
    return true;
  }
  // USER[:GROUP], each a name or a number, resolved in the app's own
  // /etc/passwd and /etc/group when the container starts (sdme-app).
  std::vector<std::string> parts = split(value, ':');
  const bool well_formed =
      parts.size() <= 2 && std::all_of(parts.begin(), parts.end(), [](const std::string& part) {
        return !part.empty() && !has_control_character(part) &&
               part.find_first_of(" \t/") == std::string::npos;
      });
  if (!well_formed) {
    *err = "AppUser=" + printable(value) +
           " is not USER or USER:GROUP, each a name or a number from the app's /etc/passwd and "
           "/etc/group";
    return false;
  }
  settings->app.user = std::string(value);
  return true;
}

bool parse_app_working_directory(std::string_view value, ContainerSettings* settings,
                                 std::string* err) {
  if (value.empty()) {
    settings->app.working_directory.reset();
    return true;
  }
  if (!validate_absolute_path(value, "AppWorkingDirectory=", err)) return false;
  settings->app.working_directory = normalize_path(value);
  return true;
}

bool parse_app_bind(std::string_view value, ContainerSettings* settings, std::string* err) {
  return parse_word_list("AppBind", value, &settings->app.binds, parse_app_bind_spec, err);
}

bool parse_app_pod(std::string_view value, ContainerSettings* settings, std::string* err) {
  settings->app.pod.clear();
  if (value.empty()) return true;
  if (!validate_pod_name(value, err)) {
    *err = "AppPod=" + std::string(value) + ": " + *err;
    return false;
  }
  settings->app.pod = std::string(value);
  return true;
}

void emit_app_image(const ContainerSettings& settings, const std::string& state_dir,
                    ContainerPlan* plan) {
  const AppSettings& app = settings.app;
  if (app.image.empty()) return;
  // Imported once, by the same unit and rules as Import=, for every
  // container naming the same image.
  plan->import_units.push_back("sdme-import@" + app.rootfs + ".service");
  plan->requires_mounts_for.push_back(state_dir + "/rootfs/" + app.rootfs);
  AppRequest& request = plan->app;
  request.image_rootfs = app.rootfs;
  request.entrypoint = app.entrypoint;
  request.exec = app.exec;
  request.environment = app.environment;
  request.user = app.user;
  request.working_directory = app.working_directory;
  if (!app.pod.empty()) request.network_namespace = std::string(kAppPodNamespaceInContainer);
}

void emit_app_bind(const ContainerSettings& settings, const std::string&, ContainerPlan* plan) {
  if (settings.app.image.empty()) return;
  // Into the app's tree, which sdme-app mounted before nspawn starts;
  // nspawn makes the mount point if the image lacks it.
  for (const BindMount& bind : settings.app.binds) {
    plan->nspawn_arguments.push_back((bind.options == "ro" ? "--bind-ro=" : "--bind=") +
                                     bind.source + ":" + std::string(kAppRootInContainer) +
                                     bind.destination);
    plan->requires_mounts_for.push_back(bind.source);
  }
}

void emit_app_pod(const ContainerSettings& settings, const std::string&, ContainerPlan* plan) {
  if (settings.app.pod.empty() || settings.app.image.empty()) return;
  const std::string pod_unit = "sdme-pod@" + settings.app.pod + ".service";
  if (std::find(plan->pod_units.begin(), plan->pod_units.end(), pod_unit) == plan->pod_units.end())
    plan->pod_units.push_back(pod_unit);
  // The pod's namespace file, bound into the container; the app's unit
  // joins it, the rest of the container keeps its own network.
  plan->nspawn_arguments.push_back("--bind-ro=" + pod_network_namespace_path(settings.app.pod) +
                                   ":" + std::string(kAppPodNamespaceInContainer));
}

bool check_app_keys(const ContainerSettings& settings, const LaterAssignment& later,
                    std::string* err) {
  const AppSettings& app = settings.app;
  if (app.image.empty()) {
    const std::pair<std::string_view, bool> overrides[] = {
        {"AppEntrypoint", app.entrypoint.has_value()},
        {"AppExec", app.exec.has_value()},
        {"AppEnvironment", !app.environment.empty()},
        {"AppUser", app.user.has_value()},
        {"AppWorkingDirectory", app.working_directory.has_value()},
        {"AppBind", !app.binds.empty()},
        {"AppPod", !app.pod.empty()}};
    for (const auto& [key, set] : overrides) {
      if (!set) continue;
      *err = later(key, key)->location() + ": " + std::string(key) +
             "= needs AppImage= to name the application image it applies to";
      return false;
    }
    return true;
  }
  // The app is a service of the container's systemd: the container boots.
  if (!settings.exec.empty() || (settings.boot.has_value() && !*settings.boot)) {
    const UnitEntry* other = settings.exec.empty() ? later("Boot", "Boot") : later("Exec", "Exec");
    const UnitEntry* where = later("AppImage", other->key);
    // Boot=yes is fine: name the value that is not.
    const std::string setting = settings.exec.empty() ? "Boot=no" : "Exec=";
    *err = where->location() + ": AppImage= cannot be combined with " + setting +
           ": the app runs as a service of the container's systemd, so the container boots; "
           "remove " +
           setting + " (AppExec= sets the app's command)";
    return false;
  }
  if (!app.pod.empty() && has_user_namespace(settings)) {
    // The kernel lets a process join a network namespace only with
    // CAP_SYS_ADMIN over the namespace's owner (netns_install()), and a
    // pod's belongs to the host's user namespace; systemd 252 would log
    // "ignoring" and run the app outside the pod.
    const bool tier = settings.security != SecurityTier::kNone;
    const UnitEntry* where = later("AppPod", tier ? "Security" : "PrivateUsers");
    *err = where->location() + ": AppPod=" + app.pod + " cannot be combined with " +
           (tier ? "Security=" + std::string(security_tier_name(settings.security))
                 : "PrivateUsers=" + settings.private_users) +
           ": the container runs in a user namespace, and the kernel lets no process in it "
           "join a network namespace owned by the host's, which the pod's is; remove " +
           (tier ? "Security=" : "PrivateUsers=") + " or AppPod=";
    return false;
  }
  return true;
}

}  // namespace sdme::file
