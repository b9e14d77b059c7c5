// The app unit's text, following systemd 252's parsers for each line.
#include "helpers/app/app_unit.h"

#include <vector>

#include "common/strings.h"
#include "common/utf8.h"
#include "helpers/app/stop_signal.h"
#include "sdme_file/words.h"

namespace sdme::app {
namespace {

constexpr std::string_view kDefaultDescription = "The application of this sdme container";

// systemd's filename_is_valid() bound, for a bare command name.
constexpr size_t kNameMax = 255;

// A value written as it is on a unit line: one line, valid UTF-8 (systemd
// refuses a file that is not), nothing the line's end would strip.
bool check_line_value(std::string_view value, std::string_view what, std::string* err) {
  if (has_control_character(value)) {
    *err = std::string(what) + " '" + printable(value) +
           "' has a control character, which a unit line cannot hold";
    return false;
  }
  if (!is_valid_utf8(value)) {
    *err = std::string(what) + " '" + printable(value) + "' is not valid UTF-8";
    return false;
  }
  return true;
}

// An absolute path systemd takes as it is: path_is_normalized() (no "."
// or ".." component, no "//") and no whitespace at its end, which the
// unit parser would strip.
bool is_normalized_absolute_path(std::string_view path) {
  if (path.empty() || path[0] != '/') return false;
  if (path.back() == ' ' || path.back() == '\t') return false;
  for (const std::string& component : split(path.substr(1), '/')) {
    if (component == "." || component == "..") return false;
  }
  return path.find("//") == std::string_view::npos;
}

bool check_directory(std::string_view path, std::string_view what, std::string* err) {
  if (!check_line_value(path, what, err)) return false;
  if (!is_normalized_absolute_path(path)) {
    *err = std::string(what) + " '" + std::string(path) +
           "' is not an absolute path without '.', '..' or '//'";
    return false;
  }
  return true;
}

// ExecStart='s first word: systemd (config_parse_exec) takes an absolute,
// normalized path, or a bare file name it looks up in ExecSearchPath=; a
// leading '-', '@', ':', '+' or '!' would be read as one of its prefixes.
bool check_command(const std::vector<std::string>& command, std::string* err) {
  for (size_t i = 0; i < command.size(); ++i) {
    if (command[i].find('\0') != std::string::npos) {
      *err = "argument " + std::to_string(i) + " of the command has a NUL byte";
      return false;
    }
  }
  const std::string& program = command[0];
  if (program.empty()) {
    *err = "the command's program is empty";
    return false;
  }
  // config_parse_exec() takes the program only when string_is_safe(): no
  // quote, backslash or control character, even quoted; ";" alone
  // separates commands; and each path component fits a file name.
  for (char c : program) {
    auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7F || c == '"' || c == '\'' || c == '\\') {
      *err = "the command's program '" + printable(program) +
             "' has a quote, backslash or control character, which systemd refuses in a "
             "program's name";
      return false;
    }
  }
  if (program == ";") {
    *err = "the command's program is ';', which systemd reads as a separator of commands";
    return false;
  }
  for (size_t start = 0; start < program.size();) {
    size_t end = program.find('/', start);
    if (end == std::string::npos) end = program.size();
    if (end - start > kNameMax) {
      *err = "the command's program '" + printable(program) +
             "' has a path component longer than a file name can be";
      return false;
    }
    start = end + 1;
  }
  if (program[0] == '/') {
    if (is_normalized_absolute_path(program) && program.back() != '/') return true;
    *err = "the command's program '" + printable(program) +
           "' is not a normalized path (no '.', '..', '//' or trailing '/')";
    return false;
  }
  if (program.find('/') != std::string::npos) {
    *err = "the command's program '" + printable(program) +
           "' is a relative path: systemd runs an absolute path, or a bare name found in the "
           "image's PATH";
    return false;
  }
  if (program == "." || program == ".." || program.size() > kNameMax) {
    *err = "the command's program '" + printable(program) + "' is not a file name";
    return false;
  }
  if (std::string_view("-@:+!").find(program[0]) != std::string_view::npos) {
    *err = "the command's program '" + printable(program) +
           "' starts with a character systemd reads as an ExecStart= prefix; give its "
           "absolute path";
    return false;
  }
  return true;
}

// The image's PATH as ExecSearchPath=, so a bare command name is found
// where Docker finds it: runc looks it up in the process's PATH. Without
// it systemd would use its compiled-in search path (systemd.service(5),
// "Command lines"). ExecSearchPath= takes absolute paths only
// (systemd.exec(5)); other entries, which no lookup by systemd could use,
// are left out, as are entries with a backslash, which its ':'-separated
// parser would read as an escape. "" if nothing is left, or no PATH.
std::string exec_search_path(const std::vector<std::string>& environment) {
  std::string path_value;
  bool found = false;
  for (const std::string& assignment : environment) {
    if (assignment.compare(0, 5, "PATH=") == 0) {
      path_value = assignment.substr(5);
      found = true;
    }
  }
  if (!found) return "";
  std::vector<std::string> kept;
  for (const std::string& entry : split(path_value, ':')) {
    if (is_normalized_absolute_path(entry) && entry.find('\\') == std::string::npos &&
        !has_control_character(entry) && is_valid_utf8(entry))
      kept.push_back(entry);
  }
  return join(kept, ":");
}

}  // namespace

std::string escape_specifiers(std::string_view text) {
  std::string escaped;
  escaped.reserve(text.size());
  for (char c : text) {
    if (c == '%') escaped.push_back('%');
    escaped.push_back(c);
  }
  return escaped;
}

bool quote_environment_assignment(std::string_view assignment, std::string* quoted,
                                  std::string* err) {
  size_t equals = assignment.find('=');
  if (equals == std::string_view::npos) {
    *err = "environment entry '" + printable(assignment) + "' has no '=': expected NAME=VALUE";
    return false;
  }
  std::string_view name = assignment.substr(0, equals);
  std::string_view value = assignment.substr(equals + 1);
  if (!is_environment_name(name)) {
    *err = "environment variable '" + printable(name) +
           "' cannot be set by systemd: a name has ASCII letters, digits and '_' only, and does "
           "not start with a digit";
    return false;
  }
  // systemd.exec(5): "In variable values, most characters are allowed, but
  // non-printable characters are currently rejected."
  if (has_control_character(value)) {
    *err = "the value of environment variable " + std::string(name) +
           " has a control character, which systemd refuses";
    return false;
  }
  if (!is_valid_utf8(value)) {
    *err = "the value of environment variable " + std::string(name) +
           " is not valid UTF-8, which systemd refuses";
    return false;
  }
  // Double quotes keep spaces and '=' in one assignment; inside them only
  // '\' and '"' need a backslash, since control characters were refused.
  std::string result = "\"";
  for (char c : assignment) {
    if (c == '\\' || c == '"') result.push_back('\\');
    if (c == '%') result.push_back('%');
    result.push_back(c);
  }
  result.push_back('"');
  *quoted = std::move(result);
  return true;
}

bool app_unit_text(const AppSpec& spec, const AppIdentity& identity,
                   const AppUnitSettings& settings, std::string* text, std::string* err) {
  std::vector<std::string> command;
  if (!app_command(spec, &command, err)) return false;
  if (!check_command(command, err)) return false;

  if (!check_directory(settings.root_directory, "the app's root directory", err)) return false;
  std::string working_directory = spec.working_directory.empty() ? "/" : spec.working_directory;
  if (!check_directory(working_directory, "the working directory", err)) return false;

  std::string description =
      settings.description.empty() ? std::string(kDefaultDescription) : settings.description;
  if (!check_line_value(description, "the description", err)) return false;

  // runc sets HOME to the user's home when the image's Env has none; so
  // do we, from the app's passwd (systemd would take the container's).
  std::vector<std::string> environment = spec.environment;
  bool has_home = false;
  for (const std::string& assignment : environment) {
    if (assignment.compare(0, 5, "HOME=") == 0) has_home = true;
  }
  if (!has_home) environment.push_back("HOME=" + identity.home);
  std::vector<std::string> environment_lines;
  for (const std::string& assignment : environment) {
    std::string quoted;
    if (!quote_environment_assignment(assignment, &quoted, err)) return false;
    environment_lines.push_back("Environment=" + quoted + "\n");
  }

  std::string kill_signal;
  if (!kill_signal_name(spec.stop_signal, &kill_signal, err)) return false;
  if (!settings.network_namespace.empty() &&
      !check_directory(settings.network_namespace, "the network namespace path", err))
    return false;

  std::string unit;
  unit += kAppUnitMarker;
  unit += "\n[Unit]\n";
  unit += "Description=" + escape_specifiers(description) + "\n";
  // The container lives as long as the app. systemd.unit(5), FailureAction=
  // and SuccessAction=: "exit causes the manager to exit following the
  // normal shutdown procedure ... When exit or exit-force is used by default
  // the exit status of the main process of the unit (if this applies) is
  // returned from the service manager", and systemd-nspawn returns the
  // exit status of the container's init. So an app that fails (exits
  // non-zero) ends the container with its own status; one killed by an
  // unclean signal, or that cannot start, with systemd's (255 for a
  // signal, unit.c: "Exited, but not cleanly"; 203/EXEC and the like).
  // A success is either an exit with 0 or death by a clean signal, which
  // is what stopping the container does to the app; systemd 252 would
  // propagate 255 for the latter (the main process did not exit), so
  // SuccessActionExitStatus=0 ("Controls the exit status to propagate
  // back to an invoking container manager", systemd.unit(5)) makes a
  // plain stop report success.
  unit += "SuccessAction=exit\n";
  unit += "SuccessActionExitStatus=0\n";
  unit += "FailureAction=exit\n";

  unit += "\n[Service]\n";
  // systemd.service(5), Type=exec: "systemctl start command lines for exec
  // services will report failure when the service's binary cannot be
  // invoked successfully (for example because the selected User= doesn't
  // exist, or the service binary is missing)".
  unit += "Type=exec\n";
  unit += "RootDirectory=" + escape_specifiers(settings.root_directory) + "\n";
  // /proc, /sys, /dev and an empty /run in the app's tree (systemd.exec(5),
  // MountAPIVFS=), as a container runtime gives them.
  unit += "MountAPIVFS=yes\n";
  unit += "WorkingDirectory=" + escape_specifiers(working_directory) + "\n";
  if (identity.uid != 0) unit += "User=" + std::to_string(identity.uid) + "\n";
  if (identity.uid != 0 || identity.gid != 0)
    unit += "Group=" + std::to_string(identity.gid) + "\n";
  std::string search_path = exec_search_path(spec.environment);
  if (!search_path.empty()) unit += "ExecSearchPath=" + escape_specifiers(search_path) + "\n";
  for (const std::string& line : environment_lines) unit += line;
  // quote_exec_command() doubles '$', so systemd substitutes no variable;
  // doubling '%' stops specifier expansion, which systemd applies to the
  // whole line first.
  unit += "ExecStart=" + escape_specifiers(file::quote_exec_command(command)) + "\n";
  if (!kill_signal.empty()) {
    unit += "KillSignal=" + kill_signal + "\n";
    // Stopping the app with its own signal is a clean stop, as systemd
    // already counts SIGTERM; by name, since a number here is an exit
    // status (systemd.service(5), SuccessExitStatus=).
    if (!is_clean_exit_signal(kill_signal)) unit += "SuccessExitStatus=" + kill_signal + "\n";
  }
  if (!settings.network_namespace.empty())
    unit += "NetworkNamespacePath=" + escape_specifiers(settings.network_namespace) + "\n";
  // The journal inside, and the console too: nspawn copies the
  // container's console to its own output, which is the host unit's
  // journal, so `journalctl -u NAME` on the host shows what the app wrote,
  // even after the container is gone.
  unit += "StandardOutput=journal+console\n";
  unit += "StandardError=inherit\n";

  unit += "\n[Install]\n";
  unit += "WantedBy=multi-user.target\n";
  *text = std::move(unit);
  return true;
}

}  // namespace sdme::app
