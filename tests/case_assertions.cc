// The golden case directives and their checks (see case_assertions.h).
#include "tests/case_assertions.h"

#include <algorithm>
#include <array>
#include <charconv>

#include "sdme_file/words.h"
#include "tests/case_unit_text.h"

namespace sdme {
namespace {

constexpr size_t kAnyNumber = SIZE_MAX;

std::string replace_all(std::string text, std::string_view from, std::string_view to) {
  if (from.empty()) return text;
  for (size_t position = text.find(from); position != std::string::npos;
       position = text.find(from, position + to.size()))
    text.replace(position, from.size(), to);
  return text;
}

// An expected value with the build's locations filled in.
std::string expand(const std::string& argument, const GeneratorRun& run) {
  return replace_all(replace_all(argument, "@HELPER_DIR@", run.helper_dir), "@SYSTEMD_UNIT_DIR@",
                     run.systemd_unit_dir);
}

std::vector<std::string> expand_all(const std::vector<std::string>& arguments, size_t first,
                                    const GeneratorRun& run) {
  std::vector<std::string> expanded;
  for (size_t i = first; i < arguments.size(); ++i) expanded.push_back(expand(arguments[i], run));
  return expanded;
}

std::string quoted_list(const std::vector<std::string>& values) {
  if (values.empty()) return "(none)";
  std::string text;
  for (const std::string& value : values) {
    if (!text.empty()) text += ' ';
    text += quoted(value);
  }
  return text;
}

std::string indented_lines(const std::vector<std::string>& lines) {
  if (lines.empty()) return "    (none)\n";
  std::string text;
  for (const std::string& line : lines) text += "    " + line + "\n";
  return text;
}

std::vector<std::string> names_of(const std::map<std::string, std::string>& map) {
  std::vector<std::string> names;
  for (const auto& [name, value] : map) names.push_back(name);
  return names;
}

// The text of the unit (or drop-in, "X.service.d/Y.conf") a directive is
// about, or a failure naming what exists.
const std::string* find_unit(const CaseDirective& directive, const GeneratorRun& run,
                             std::string* failure) {
  auto found = run.units.find(directive.unit);
  if (found != run.units.end()) return &found->second;
  found = run.dropins.find(directive.unit);
  if (found != run.dropins.end()) return &found->second;
  std::vector<std::string> names = names_of(run.units);
  for (const std::string& dropin : names_of(run.dropins)) names.push_back(dropin);
  *failure = "  " + directive.unit + " was not generated; generated units and drop-ins:\n" +
             indented_lines(names);
  return nullptr;
}

// Which command line of [Service] a directive is about.
enum class CommandLine {
  kExecStart,     // the only ExecStart=: systemd-nspawn
  kOverlayMount,  // the first ExecStartPre=: sdme-overlay mount
  kProvision,     // the ExecStartPre= that runs sdme-provision
  kApp,           // the ExecStartPre= that runs sdme-app
};

// The arguments of that command line.
bool command_arguments(const CaseDirective& directive, const GeneratorRun& run, CommandLine which,
                       std::vector<std::string>* arguments, std::string* failure) {
  const std::string* text = find_unit(directive, run, failure);
  if (!text) return false;
  const std::string_view key = which == CommandLine::kExecStart ? "ExecStart" : "ExecStartPre";
  const bool first_only = which == CommandLine::kOverlayMount;
  std::vector<std::string> values = UnitText(*text).values("Service", key);
  if (which == CommandLine::kProvision || which == CommandLine::kApp) {
    const std::string program = which == CommandLine::kProvision ? "sdme-provision" : "sdme-app";
    for (const std::string& value : values) {
      std::string err;
      if (split_command_line(value, arguments, &err) && !arguments->empty() &&
          arguments->front().ends_with("/" + program))
        return true;
    }
    *failure = "  expected an ExecStartPre= running " + program + " in [Service] of " +
               directive.unit + ", found " + quoted_list(values);
    return false;
  }
  if (values.empty() || (!first_only && values.size() != 1)) {
    *failure = "  expected one " + std::string(key) + "= in [Service] of " + directive.unit +
               ", found " + std::to_string(values.size());
    return false;
  }
  std::string err;
  if (!split_command_line(values[0], arguments, &err)) {
    *failure = "  " + std::string(key) + "=" + values[0] + " cannot be split: " + err;
    return false;
  }
  return true;
}

bool contains_run(const std::vector<std::string>& words, const std::vector<std::string>& run) {
  return std::search(words.begin(), words.end(), run.begin(), run.end()) != words.end();
}

// --- the checks, one per directive -----------------------------------------

// "unit" and "must-fail-in" set context for the directives after them or for
// the runner; they assert nothing.
bool no_check(const CaseDirective&, const GeneratorRun&, std::string*) { return true; }

bool check_failed(const CaseDirective& directive, const GeneratorRun& run, std::string* failure) {
  const std::string about_file = std::string(kGeneratorMessagePrefix) + directive.root_path + ":";
  const std::string about_dropin =
      std::string(kGeneratorMessagePrefix) + directive.root_path + ".d/";
  bool reported = std::any_of(run.messages.begin(), run.messages.end(), [&](const auto& line) {
    return line.starts_with(about_file) || line.starts_with(about_dropin);
  });
  bool written = run.units.count(directive.file_unit) > 0;
  if (reported && !written) return true;
  failure->clear();
  if (!reported)
    *failure += "  expected an error about " + directive.root_path + "; generator messages:\n" +
                indented_lines(run.messages);
  if (written) *failure += "  expected no " + directive.file_unit + ", but it was written\n";
  failure->pop_back();
  return false;
}

bool check_stderr_line(const CaseDirective& directive, const GeneratorRun& run,
                       std::string* failure) {
  std::string expected = std::string(kGeneratorMessagePrefix) + expand(directive.arguments[0], run);
  if (std::find(run.messages.begin(), run.messages.end(), expected) != run.messages.end())
    return true;
  *failure = "  expected the line:\n    " + expected + "\n  generator messages:\n" +
             indented_lines(run.messages);
  failure->pop_back();
  return false;
}

bool check_key_is(const CaseDirective& directive, const GeneratorRun& run, std::string* failure) {
  const std::string* text = find_unit(directive, run, failure);
  if (!text) return false;
  const std::string& section = directive.arguments[0];
  const std::string& key = directive.arguments[1];
  std::vector<std::string> expected = expand_all(directive.arguments, 2, run);
  std::vector<std::string> found = UnitText(*text).values(section, key);
  if (found == expected) return true;
  *failure = "  expected [" + section + "] " + key + "= " + quoted_list(expected) +
             "\n  found    [" + section + "] " + key + "= " + quoted_list(found);
  return false;
}

bool check_key_contains(const CaseDirective& directive, const GeneratorRun& run,
                        std::string* failure) {
  const std::string* text = find_unit(directive, run, failure);
  if (!text) return false;
  const std::string& section = directive.arguments[0];
  const std::string& key = directive.arguments[1];
  std::string expected = expand(directive.arguments[2], run);
  std::vector<std::string> found = UnitText(*text).values(section, key);
  for (const std::string& value : found)
    if (value.find(expected) != std::string::npos) return true;
  *failure = "  expected a [" + section + "] " + key + "= value containing " + quoted(expected) +
             "\n  found    [" + section + "] " + key + "= " + quoted_list(found);
  return false;
}

bool check_key_missing(const CaseDirective& directive, const GeneratorRun& run,
                       std::string* failure) {
  const std::string* text = find_unit(directive, run, failure);
  if (!text) return false;
  const std::string& section = directive.arguments[0];
  const std::string& key = directive.arguments[1];
  std::vector<std::string> found = UnitText(*text).values(section, key);
  if (found.empty()) return true;
  *failure = "  expected no " + key + "= in [" + section + "]\n  found    " + quoted_list(found);
  return false;
}

bool check_command_run(const CaseDirective& directive, const GeneratorRun& run, CommandLine which,
                       std::string* failure) {
  std::vector<std::string> arguments;
  if (!command_arguments(directive, run, which, &arguments, failure)) return false;
  std::vector<std::string> expected = expand_all(directive.arguments, 0, run);
  if (contains_run(arguments, expected)) return true;
  *failure = "  expected the arguments, in a row: " + quoted_list(expected) +
             "\n  found arguments:  " + quoted_list(arguments);
  return false;
}

bool check_nspawn_args(const CaseDirective& directive, const GeneratorRun& run,
                       std::string* failure) {
  return check_command_run(directive, run, CommandLine::kExecStart, failure);
}

bool check_overlay_args(const CaseDirective& directive, const GeneratorRun& run,
                        std::string* failure) {
  return check_command_run(directive, run, CommandLine::kOverlayMount, failure);
}

bool check_provision_args(const CaseDirective& directive, const GeneratorRun& run,
                          std::string* failure) {
  return check_command_run(directive, run, CommandLine::kProvision, failure);
}

bool check_app_args(const CaseDirective& directive, const GeneratorRun& run, std::string* failure) {
  return check_command_run(directive, run, CommandLine::kApp, failure);
}

// An argument ending in '=' ("--capability=") matches every argument it
// starts, so a case can say an option is absent whatever its value.
bool check_command_argument_missing(const CaseDirective& directive, const GeneratorRun& run,
                                    CommandLine which, std::string* failure) {
  std::vector<std::string> arguments;
  if (!command_arguments(directive, run, which, &arguments, failure)) return false;
  std::string unwanted = expand(directive.arguments[0], run);
  for (const std::string& argument : arguments) {
    if (argument == unwanted || (unwanted.ends_with('=') && argument.starts_with(unwanted))) {
      *failure = "  expected no argument " + quoted(unwanted) + "\n  found " + quoted(argument) +
                 " in: " + quoted_list(arguments);
      return false;
    }
  }
  return true;
}

bool check_nspawn_args_missing(const CaseDirective& directive, const GeneratorRun& run,
                               std::string* failure) {
  return check_command_argument_missing(directive, run, CommandLine::kExecStart, failure);
}

bool check_overlay_args_missing(const CaseDirective& directive, const GeneratorRun& run,
                                std::string* failure) {
  return check_command_argument_missing(directive, run, CommandLine::kOverlayMount, failure);
}

bool check_provision_args_missing(const CaseDirective& directive, const GeneratorRun& run,
                                  std::string* failure) {
  return check_command_argument_missing(directive, run, CommandLine::kProvision, failure);
}

bool check_app_args_missing(const CaseDirective& directive, const GeneratorRun& run,
                            std::string* failure) {
  return check_command_argument_missing(directive, run, CommandLine::kApp, failure);
}

bool check_symlink(const CaseDirective& directive, const GeneratorRun& run, std::string* failure) {
  const std::string& link = directive.arguments[0];
  std::string expected = expand(directive.arguments[1], run);
  auto found = run.links.find(link);
  if (found != run.links.end() && found->second == expected) return true;
  if (found == run.links.end()) {
    *failure = "  expected the symlink " + link + " -> " + expected + "\n  symlinks written:\n";
    for (const auto& [path, target] : run.links) *failure += "    " + path + " -> " + target + "\n";
    if (run.links.empty()) *failure += "    (none)\n";
    failure->pop_back();
  } else {
    *failure = "  expected " + link + " -> " + quoted(expected) + "\n  found    " + link + " -> " +
               quoted(found->second);
  }
  return false;
}

bool check_no_symlink(const CaseDirective& directive, const GeneratorRun& run,
                      std::string* failure) {
  auto found = run.links.find(directive.arguments[0]);
  if (found == run.links.end()) return true;
  *failure = "  expected no symlink " + found->first + "\n  found " + found->first + " -> " +
             found->second;
  return false;
}

bool check_no_unit(const CaseDirective& directive, const GeneratorRun& run, std::string* failure) {
  if (run.units.count(directive.arguments[0]) == 0) return true;
  *failure = "  expected no unit " + directive.arguments[0] + ", but it was written";
  return false;
}

bool check_dry_run_exit(const CaseDirective& directive, const GeneratorRun& run,
                        std::string* failure) {
  if (std::to_string(run.dry_run_exit_code) == directive.arguments[0]) return true;
  *failure = "  expected sdme-generator --dry-run to exit with " + directive.arguments[0] +
             "\n  it exited with " + std::to_string(run.dry_run_exit_code);
  return false;
}

// The values of KEY= in an import request, in order.
std::vector<std::string> request_values(const std::string& text, const std::string& key) {
  std::vector<std::string> values;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + start, end - start);
    if (line.starts_with(key + "=")) values.emplace_back(line.substr(key.size() + 1));
    start = end + 1;
  }
  return values;
}

bool check_import_request(const CaseDirective& directive, const GeneratorRun& run,
                          std::string* failure) {
  const std::string& rootfs = directive.arguments[0];
  const std::string& key = directive.arguments[1];
  std::string expected = expand(directive.arguments[2], run);
  auto found = run.import_requests.find(rootfs);
  if (found == run.import_requests.end()) {
    *failure = "  expected an import drop-in for rootfs " + quoted(rootfs) +
               "; drop-ins written for:\n" + indented_lines(names_of(run.import_requests));
    failure->pop_back();
    return false;
  }
  std::vector<std::string> values = request_values(found->second, key);
  if (values.size() == 1 && values[0] == expected) return true;
  *failure = "  expected " + key + "=" + quoted(expected) + " in the request for " + rootfs +
             "\n  found    " + key + "= " + quoted_list(values);
  return false;
}

bool check_no_import_request(const CaseDirective& directive, const GeneratorRun& run,
                             std::string* failure) {
  if (run.import_requests.count(directive.arguments[0]) == 0) return true;
  *failure = "  expected no import drop-in for rootfs " + quoted(directive.arguments[0]) +
             ", but it was written";
  return false;
}

using CheckFunction = bool (*)(const CaseDirective&, const GeneratorRun&, std::string*);

struct DirectiveKind {
  std::string_view name;
  size_t minimum_arguments;
  size_t maximum_arguments;
  std::string_view usage;
  CheckFunction check;
};

constexpr std::array kDirectives = {
    DirectiveKind{"unit", 1, 1, "unit NAME.service", no_check},
    // Read by the runner itself, for its self-tests (case_runner.cc).
    DirectiveKind{"must-fail-in", 1, kAnyNumber, "must-fail-in CHECK", no_check},
    DirectiveKind{"assert-failed", 0, 0, "assert-failed", check_failed},
    DirectiveKind{"assert-stderr-line", 1, 1, "assert-stderr-line \"TEXT\"", check_stderr_line},
    DirectiveKind{"assert-key-is", 2, kAnyNumber, "assert-key-is SECTION KEY VALUE...",
                  check_key_is},
    DirectiveKind{"assert-key-contains", 3, 3, "assert-key-contains SECTION KEY TEXT",
                  check_key_contains},
    DirectiveKind{"assert-key-missing", 2, 2, "assert-key-missing SECTION KEY", check_key_missing},
    DirectiveKind{"assert-nspawn-args", 1, kAnyNumber, "assert-nspawn-args ARG...",
                  check_nspawn_args},
    DirectiveKind{"assert-nspawn-args-missing", 1, 1, "assert-nspawn-args-missing ARG",
                  check_nspawn_args_missing},
    DirectiveKind{"assert-overlay-args", 1, kAnyNumber, "assert-overlay-args ARG...",
                  check_overlay_args},
    DirectiveKind{"assert-overlay-args-missing", 1, 1, "assert-overlay-args-missing ARG",
                  check_overlay_args_missing},
    DirectiveKind{"assert-provision-args", 1, kAnyNumber, "assert-provision-args ARG...",
                  check_provision_args},
    DirectiveKind{"assert-provision-args-missing", 1, 1, "assert-provision-args-missing ARG",
                  check_provision_args_missing},
    DirectiveKind{"assert-app-args", 1, kAnyNumber, "assert-app-args ARG...", check_app_args},
    DirectiveKind{"assert-app-args-missing", 1, 1, "assert-app-args-missing ARG",
                  check_app_args_missing},
    DirectiveKind{"assert-symlink", 2, 2, "assert-symlink LINK TARGET", check_symlink},
    DirectiveKind{"assert-no-symlink", 1, 1, "assert-no-symlink LINK", check_no_symlink},
    DirectiveKind{"assert-no-unit", 1, 1, "assert-no-unit NAME.service", check_no_unit},
    DirectiveKind{"assert-dry-run-exit", 1, 1, "assert-dry-run-exit N", check_dry_run_exit},
    DirectiveKind{"assert-import-request", 3, 3, "assert-import-request ROOTFS KEY VALUE",
                  check_import_request},
    DirectiveKind{"assert-no-import-request", 1, 1, "assert-no-import-request ROOTFS",
                  check_no_import_request},
};

const DirectiveKind* find_directive(std::string_view name) {
  for (const DirectiveKind& kind : kDirectives)
    if (kind.name == name) return &kind;
  return nullptr;
}

}  // namespace

bool check_directive_syntax(const CaseDirective& directive, std::string* err) {
  const DirectiveKind* kind = find_directive(directive.name);
  if (!kind) {
    *err = directive.location() + ": unknown directive '" + directive.name + "'; known:";
    for (const DirectiveKind& known : kDirectives) *err += " " + std::string(known.name);
    return false;
  }
  size_t count = directive.arguments.size();
  if (count < kind->minimum_arguments || count > kind->maximum_arguments) {
    *err = directive.location() + ": " + directive.name + " takes " +
           (kind->minimum_arguments == kind->maximum_arguments
                ? std::to_string(kind->minimum_arguments)
                : "at least " + std::to_string(kind->minimum_arguments)) +
           " argument(s), not " + std::to_string(count) + "; write: ## " + std::string(kind->usage);
    return false;
  }
  if (directive.name == "assert-dry-run-exit") {
    int code = 0;
    const std::string& text = directive.arguments[0];
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), code);
    if (error != std::errc() || end != text.data() + text.size()) {
      *err = directive.location() + ": assert-dry-run-exit needs a number, not '" + text + "'";
      return false;
    }
  }
  return true;
}

bool is_assertion(const CaseDirective& directive) {
  return directive.name != "unit" && directive.name != "must-fail-in";
}

bool check_directive(const CaseDirective& directive, const GeneratorRun& run,
                     std::string* failure) {
  const DirectiveKind* kind = find_directive(directive.name);
  if (!kind) {
    *failure = "  unknown directive";
    return false;
  }
  return kind->check(directive, run, failure);
}

std::vector<std::string> unexpected_messages(const std::vector<CaseDirective>& directives,
                                             const GeneratorRun& run) {
  std::vector<std::string> unexpected;
  for (const std::string& message : run.messages) {
    bool expected = std::any_of(directives.begin(), directives.end(), [&](const auto& directive) {
      return directive.name == "assert-stderr-line" && directive.arguments.size() == 1 &&
             std::string(kGeneratorMessagePrefix) + expand(directive.arguments[0], run) == message;
    });
    if (!expected) unexpected.push_back(message);
  }
  return unexpected;
}

bool split_command_line(const std::string& value, std::vector<std::string>* arguments,
                        std::string* err) {
  std::vector<std::string> words;
  if (!file::split_words(value, &words, err)) return false;
  // In command lines systemd reads "$$" as a literal '$'.
  for (std::string& word : words) word = replace_all(word, "$$", "$");
  // The prefixes of the program ("+", "-", "@", ":", "!", "!!") tell systemd
  // how to run it; they are not part of its name.
  if (!words.empty()) words[0].erase(0, words[0].find_first_not_of("-@:+!"));
  *arguments = std::move(words);
  return true;
}

std::string quoted(std::string_view text) {
  std::string result = "\"";
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      result += '\\';
      result += c;
    } else if (c == '\n') {
      result += "\\n";
    } else if (c == '\t') {
      result += "\\t";
    } else if (byte < 0x20 || byte == 0x7F) {
      static constexpr char kHex[] = "0123456789abcdef";
      result += "\\x";
      result += kHex[byte >> 4];
      result += kHex[byte & 0x0F];
    } else {
      result += c;
    }
  }
  return result + "\"";
}

}  // namespace sdme
