// Tests for the app unit: golden texts, every refusal word for word, and
// round trips that read ExecStart= and Environment= back the way systemd
// does (specifiers, then systemd's word splitting, then '$$').
#include "helpers/app/app_unit.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "common/strings.h"
#include "sdme_file/words.h"
#include "tests/support/test_support.h"

namespace sdme::app {
namespace {

using Words = std::vector<std::string>;

AppSpec nginx_spec() {
  AppSpec spec;
  spec.entrypoint = {"/docker-entrypoint.sh"};
  spec.cmd = {"nginx", "-g", "daemon off;"};
  spec.environment = {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                      "NGINX_VERSION=1.25.4"};
  spec.stop_signal = "SIGQUIT";
  return spec;
}

AppUnitSettings settings() {
  AppUnitSettings result;
  result.root_directory = "/sdme/app/root";
  result.description = "docker.io/library/nginx:1.25";
  return result;
}

std::string unit_text(const AppSpec& spec, AppIdentity identity = {},
                      const AppUnitSettings& unit_settings = settings()) {
  std::string text;
  std::string err;
  EXPECT_TRUE(app_unit_text(spec, identity, unit_settings, &text, &err)) << err;
  return text;
}

std::string unit_error(const AppSpec& spec, AppIdentity identity = {},
                       const AppUnitSettings& unit_settings = settings()) {
  std::string text = "unchanged";
  std::string err;
  EXPECT_FALSE(app_unit_text(spec, identity, unit_settings, &text, &err));
  EXPECT_EQ(text, "unchanged");
  return err;
}

// systemd's specifier expansion of a value that holds only "%%".
std::string expand_specifiers(std::string_view text) {
  std::string result;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%') {
      EXPECT_TRUE(i + 1 < text.size() && text[i + 1] == '%') << "a specifier in " << text;
      ++i;
    }
    result.push_back(text[i]);
  }
  return result;
}

// What systemd does to a word of ExecStart= at exec time: "$$" is '$', and
// a '$' before a name would be a variable.
std::string expand_variables(std::string_view word) {
  std::string result;
  for (size_t i = 0; i < word.size(); ++i) {
    if (word[i] == '$') {
      EXPECT_TRUE(i + 1 < word.size() && word[i + 1] == '$') << "a variable in " << word;
      ++i;
    }
    result.push_back(word[i]);
  }
  return result;
}

// The values of every `key=` line of a unit text.
Words values_of(std::string_view text, std::string_view key) {
  Words values;
  std::string prefix = std::string(key) + "=";
  for (const std::string& line : split(text, '\n')) {
    if (line.compare(0, prefix.size(), prefix) == 0) values.push_back(line.substr(prefix.size()));
  }
  return values;
}

// The argv systemd runs for the unit's ExecStart=.
Words argv_of(std::string_view text) {
  Words lines = values_of(text, "ExecStart");
  EXPECT_EQ(lines.size(), 1u);
  if (lines.size() != 1) return {};
  Words words;
  std::string err;
  EXPECT_TRUE(file::split_words(expand_specifiers(lines[0]), &words, &err)) << err;
  for (std::string& word : words) word = expand_variables(word);
  return words;
}

// The assignments systemd reads from the unit's Environment= lines, each of
// which must hold exactly one.
Words environment_of(std::string_view text) {
  Words assignments;
  for (const std::string& value : values_of(text, "Environment")) {
    Words words;
    std::string err;
    EXPECT_TRUE(file::split_words(expand_specifiers(value), &words, &err)) << err;
    EXPECT_EQ(words.size(), 1u) << value;
    assignments.insert(assignments.end(), words.begin(), words.end());
  }
  return assignments;
}

TEST(AppUnitTest, GoldenNginx) {
  EXPECT_EQ(unit_text(nginx_spec()),
            "# Written by sdme from the application image's config at every start; changes here "
            "are lost.\n"
            "[Unit]\n"
            "Description=docker.io/library/nginx:1.25\n"
            "SuccessAction=exit\n"
            "SuccessActionExitStatus=0\n"
            "FailureAction=exit\n"
            "\n"
            "[Service]\n"
            "Type=exec\n"
            "RootDirectory=/sdme/app/root\n"
            "MountAPIVFS=yes\n"
            "WorkingDirectory=/\n"
            "ExecSearchPath=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n"
            "Environment=\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\"\n"
            "Environment=\"NGINX_VERSION=1.25.4\"\n"
            "Environment=\"HOME=/\"\n"
            "ExecStart=/docker-entrypoint.sh nginx -g \"daemon off;\"\n"
            "KillSignal=SIGQUIT\n"
            "SuccessExitStatus=SIGQUIT\n"
            "StandardOutput=journal+console\n"
            "StandardError=inherit\n"
            "\n"
            "[Install]\n"
            "WantedBy=multi-user.target\n");
}

TEST(AppUnitTest, GoldenUserWorkingDirectoryAndNoPath) {
  AppSpec spec;
  spec.cmd = {"redis-server", "--port", "6379"};
  spec.environment = {"REDIS_VERSION=7.2.4"};
  spec.working_directory = "/data";
  AppUnitSettings unit_settings;
  unit_settings.root_directory = "/sdme/app/root";
  EXPECT_EQ(unit_text(spec, AppIdentity{999, 1000, "/var/lib/redis"}, unit_settings),
            "# Written by sdme from the application image's config at every start; changes here "
            "are lost.\n"
            "[Unit]\n"
            "Description=The application of this sdme container\n"
            "SuccessAction=exit\n"
            "SuccessActionExitStatus=0\n"
            "FailureAction=exit\n"
            "\n"
            "[Service]\n"
            "Type=exec\n"
            "RootDirectory=/sdme/app/root\n"
            "MountAPIVFS=yes\n"
            "WorkingDirectory=/data\n"
            "User=999\n"
            "Group=1000\n"
            "Environment=\"REDIS_VERSION=7.2.4\"\n"
            "Environment=\"HOME=/var/lib/redis\"\n"
            "ExecStart=redis-server --port 6379\n"
            "StandardOutput=journal+console\n"
            "StandardError=inherit\n"
            "\n"
            "[Install]\n"
            "WantedBy=multi-user.target\n");
}

TEST(AppUnitTest, FirstLineIsTheMarker) {
  std::string text = unit_text(nginx_spec());
  EXPECT_EQ(text.substr(0, text.find('\n')), kAppUnitMarker);
}

TEST(AppUnitTest, Deterministic) { EXPECT_EQ(unit_text(nginx_spec()), unit_text(nginx_spec())); }

TEST(AppUnitTest, RootWritesNoUserOrGroup) {
  std::string text = unit_text(nginx_spec(), AppIdentity{0, 0});
  EXPECT_EQ(values_of(text, "User"), Words{});
  EXPECT_EQ(values_of(text, "Group"), Words{});
}

TEST(AppUnitTest, RootWithAGroupWritesTheGroupOnly) {
  std::string text = unit_text(nginx_spec(), AppIdentity{0, 50});
  EXPECT_EQ(values_of(text, "User"), Words{});
  EXPECT_EQ(values_of(text, "Group"), Words{"50"});
}

TEST(AppUnitTest, UserWithGroupZeroWritesBoth) {
  std::string text = unit_text(nginx_spec(), AppIdentity{4242, 0});
  EXPECT_EQ(values_of(text, "User"), Words{"4242"});
  EXPECT_EQ(values_of(text, "Group"), Words{"0"});
}

TEST(AppUnitTest, StopSignals) {
  AppSpec spec = nginx_spec();
  spec.stop_signal = "";
  std::string text = unit_text(spec);
  EXPECT_EQ(values_of(text, "KillSignal"), Words{});
  EXPECT_EQ(values_of(text, "SuccessExitStatus"), Words{});

  // SIGTERM is clean for systemd already: no SuccessExitStatus= needed.
  spec.stop_signal = "15";
  text = unit_text(spec);
  EXPECT_EQ(values_of(text, "KillSignal"), Words{"SIGTERM"});
  EXPECT_EQ(values_of(text, "SuccessExitStatus"), Words{});

  spec.stop_signal = "rtmin+3";
  text = unit_text(spec);
  EXPECT_EQ(values_of(text, "KillSignal"), Words{"SIGRTMIN+3"});
  EXPECT_EQ(values_of(text, "SuccessExitStatus"), Words{"SIGRTMIN+3"});

  spec.stop_signal = "SIGWHAT";
  EXPECT_EQ(unit_error(spec),
            "stop signal 'SIGWHAT' is not a signal: expected a name such as SIGTERM or "
            "SIGRTMIN+3, or a number from 1 to " +
                std::to_string(SIGRTMAX));
}

TEST(AppUnitTest, ArgumentsRoundTrip) {
  const Words arguments = {
      "/usr/bin/app",
      "plain",
      "with space",
      "",
      "double\"quote",
      "single'quote",
      "back\\slash",
      "trailing\\",
      "$HOME",
      "${HOME}",
      "$$",
      "cost: 5$",
      "%n",
      "100%",
      "%%i",
      "%",
      ";",
      "\\;",
      "a;b",
      "new\nline",
      "tab\there",
      "\x01\x7f",
      "caf\xc3\xa9",
      "bad\xff utf8",
      "-starts-with-dash",
      "@at",
      "'",
      "\"",
      "  leading and trailing  ",
      "=",
      "#not a comment",
  };
  AppSpec spec;
  spec.entrypoint = arguments;
  std::string text = unit_text(spec);
  EXPECT_EQ(argv_of(text), arguments);
  // One line, whatever the arguments held.
  EXPECT_EQ(values_of(text, "ExecStart").size(), 1u);
}

TEST(AppUnitTest, ExecStartDoublesPercentAndDollar) {
  AppSpec spec;
  spec.entrypoint = {"/bin/echo", "100%", "$HOME"};
  std::string text = unit_text(spec);
  EXPECT_EQ(values_of(text, "ExecStart"), Words{"/bin/echo 100%% \"$$HOME\""});
}

TEST(AppUnitTest, BareProgramNameIsLookedUpInTheImagesPath) {
  AppSpec spec;
  spec.entrypoint = {"docker-entrypoint.sh"};
  spec.cmd = {"redis-server"};
  spec.environment = {"PATH=/usr/local/bin:relative::/usr/bin/:/a/../b:/has\\backslash:/x%y"};
  std::string text = unit_text(spec);
  EXPECT_EQ(values_of(text, "ExecSearchPath"), Words{"/usr/local/bin:/usr/bin/:/x%%y"});
  EXPECT_EQ(argv_of(text), (Words{"docker-entrypoint.sh", "redis-server"}));

  spec.environment = {"PATH=relative"};
  EXPECT_EQ(values_of(unit_text(spec), "ExecSearchPath"), Words{});
  spec.environment = {"PATH="};
  EXPECT_EQ(values_of(unit_text(spec), "ExecSearchPath"), Words{});
  spec.environment = {"MYPATH=/opt/bin"};
  EXPECT_EQ(values_of(unit_text(spec), "ExecSearchPath"), Words{});
}

TEST(AppUnitTest, EnvironmentRoundTrips) {
  const Words environment = {
      "A=plain",
      "B=with space",
      "C=",
      "D=a=b",
      "E=double\"quote",
      "F=single'quote",
      "G=back\\slash",
      "H=$NOT_EXPANDED ${NOR_THIS}",
      "I=%n and 100%",
      "J=caf\xc3\xa9",
      "_K=trailing\\",
      "L2=\\n is two characters",
      "M=  spaces  ",
  };
  AppSpec spec = nginx_spec();
  spec.environment = environment;
  std::string text = unit_text(spec);
  Words expected = environment;
  expected.push_back("HOME=/");
  EXPECT_EQ(environment_of(text), expected);
  EXPECT_EQ(values_of(text, "Environment")[4], "\"E=double\\\"quote\"");
  EXPECT_EQ(values_of(text, "Environment")[8], "\"I=%%n and 100%%\"");
  EXPECT_EQ(values_of(text, "Environment")[7], "\"H=$NOT_EXPANDED ${NOR_THIS}\"");
}

TEST(AppUnitTest, HomeFromTheIdentityUnlessTheEnvironmentSetsIt) {
  AppSpec spec = nginx_spec();
  spec.environment = {"A=1"};
  EXPECT_EQ(environment_of(unit_text(spec, AppIdentity{101, 101, "/var/cache/nginx"})),
            (Words{"A=1", "HOME=/var/cache/nginx"}));
  spec.environment = {"HOME=/srv", "A=1"};
  EXPECT_EQ(environment_of(unit_text(spec, AppIdentity{101, 101, "/var/cache/nginx"})),
            (Words{"HOME=/srv", "A=1"}));
  EXPECT_EQ(unit_error(nginx_spec(), AppIdentity{101, 101, "/home/\x01"}),
            "the value of environment variable HOME has a control character, which systemd "
            "refuses");
}

TEST(AppUnitTest, EnvironmentSystemdCannotSetIsAnError) {
  AppSpec spec = nginx_spec();
  const std::string bad_name_tail =
      "' cannot be set by systemd: a name has ASCII letters, digits and '_' only, and does not "
      "start with a digit";
  spec.environment = {"A=1", "my-var=1"};
  EXPECT_EQ(unit_error(spec), "environment variable 'my-var" + bad_name_tail);
  spec.environment = {"1A=1"};
  EXPECT_EQ(unit_error(spec), "environment variable '1A" + bad_name_tail);
  spec.environment = {"=1"};
  EXPECT_EQ(unit_error(spec), "environment variable '" + bad_name_tail);
  spec.environment = {"A\nB=1"};
  EXPECT_EQ(unit_error(spec), "environment variable 'A\\x0aB" + bad_name_tail);
  spec.environment = {"NOEQUALS"};
  EXPECT_EQ(unit_error(spec), "environment entry 'NOEQUALS' has no '=': expected NAME=VALUE");
  spec.environment = {"A=line\nbreak"};
  EXPECT_EQ(unit_error(spec),
            "the value of environment variable A has a control character, which systemd refuses");
  spec.environment = {"A=tab\there"};
  EXPECT_EQ(unit_error(spec),
            "the value of environment variable A has a control character, which systemd refuses");
  spec.environment = {"A=bad\xff"};
  EXPECT_EQ(unit_error(spec),
            "the value of environment variable A is not valid UTF-8, which systemd refuses");
}

TEST(AppUnitTest, CommandsSystemdWouldReadOtherwiseAreErrors) {
  AppSpec spec;
  EXPECT_EQ(unit_error(spec), "the image has no Entrypoint or Cmd; set AppExec=");
  spec.entrypoint = {"bin/app"};
  EXPECT_EQ(unit_error(spec),
            "the command's program 'bin/app' is a relative path: systemd runs an absolute path, "
            "or a bare name found in the image's PATH");
  spec.entrypoint = {"./app"};
  EXPECT_EQ(unit_error(spec),
            "the command's program './app' is a relative path: systemd runs an absolute path, or "
            "a bare name found in the image's PATH");
  const std::string not_normalized =
      "' is not a normalized path (no '.', '..', '//' or trailing '/')";
  spec.entrypoint = {"/usr/../bin/app"};
  EXPECT_EQ(unit_error(spec), "the command's program '/usr/../bin/app" + not_normalized);
  spec.entrypoint = {"/usr//bin/app"};
  EXPECT_EQ(unit_error(spec), "the command's program '/usr//bin/app" + not_normalized);
  spec.entrypoint = {"/usr/./bin/app"};
  EXPECT_EQ(unit_error(spec), "the command's program '/usr/./bin/app" + not_normalized);
  spec.entrypoint = {"/usr/bin/"};
  EXPECT_EQ(unit_error(spec), "the command's program '/usr/bin/" + not_normalized);
  spec.entrypoint = {""};
  EXPECT_EQ(unit_error(spec), "the command's program is empty");
  spec.entrypoint = {".."};
  EXPECT_EQ(unit_error(spec), "the command's program '..' is not a file name");
  const std::string too_long = "' has a path component longer than a file name can be";
  spec.entrypoint = {std::string(256, 'a')};
  EXPECT_EQ(unit_error(spec), "the command's program '" + std::string(256, 'a') + too_long);
  spec.entrypoint = {"/usr/" + std::string(256, 'b') + "/app"};
  EXPECT_EQ(unit_error(spec),
            "the command's program '/usr/" + std::string(256, 'b') + "/app" + too_long);
  // string_is_safe() in config_parse_exec(): even quoted, systemd refuses these.
  for (std::string program : {"/bin/a\"b", "/bin/a'b", "/bin/a\\b", "a\tb", "/bin/a\nb"}) {
    spec.entrypoint = {program};
    EXPECT_EQ(unit_error(spec), "the command's program '" + printable(program) +
                                    "' has a quote, backslash or control character, which "
                                    "systemd refuses in a program's name");
  }
  spec.entrypoint = {";"};
  EXPECT_EQ(unit_error(spec),
            "the command's program is ';', which systemd reads as a separator of commands");
  for (std::string program : {"-app", "@app", ":app", "+app", "!app"}) {
    spec.entrypoint = {program};
    EXPECT_EQ(unit_error(spec),
              "the command's program '" + program +
                  "' starts with a character systemd reads as an ExecStart= prefix; give its "
                  "absolute path");
  }
  spec.entrypoint = {"/bin/app", std::string("nul\0byte", 8)};
  EXPECT_EQ(unit_error(spec), "argument 1 of the command has a NUL byte");
}

TEST(AppUnitTest, DirectoriesMustBeAbsoluteAndNormalized) {
  AppSpec spec = nginx_spec();
  spec.working_directory = "data";
  EXPECT_EQ(unit_error(spec),
            "the working directory 'data' is not an absolute path without '.', '..' or '//'");
  spec.working_directory = "/srv/../etc";
  EXPECT_EQ(unit_error(spec),
            "the working directory '/srv/../etc' is not an absolute path without '.', '..' or "
            "'//'");
  spec.working_directory = "/srv ";
  EXPECT_EQ(unit_error(spec),
            "the working directory '/srv ' is not an absolute path without '.', '..' or '//'");
  spec.working_directory = "/srv\n";
  EXPECT_EQ(unit_error(spec),
            "the working directory '/srv\\x0a' has a control character, which a unit line cannot "
            "hold");
  spec.working_directory = "/srv/my app/100%/";
  std::string text = unit_text(spec);
  EXPECT_EQ(values_of(text, "WorkingDirectory"), Words{"/srv/my app/100%%/"});

  AppUnitSettings unit_settings = settings();
  unit_settings.root_directory = "";
  EXPECT_EQ(unit_error(nginx_spec(), {}, unit_settings),
            "the app's root directory '' is not an absolute path without '.', '..' or '//'");
  unit_settings.root_directory = "sdme/app/root";
  EXPECT_EQ(unit_error(nginx_spec(), {}, unit_settings),
            "the app's root directory 'sdme/app/root' is not an absolute path without '.', '..' "
            "or '//'");
  unit_settings.root_directory = "/sdme/apps/100%";
  EXPECT_EQ(values_of(unit_text(nginx_spec(), {}, unit_settings), "RootDirectory"),
            Words{"/sdme/apps/100%%"});
}

TEST(AppUnitTest, Description) {
  AppUnitSettings unit_settings = settings();
  unit_settings.description = "registry.example/app:100%";
  EXPECT_EQ(values_of(unit_text(nginx_spec(), {}, unit_settings), "Description"),
            Words{"registry.example/app:100%%"});
  unit_settings.description = "two\nlines";
  EXPECT_EQ(unit_error(nginx_spec(), {}, unit_settings),
            "the description 'two\\x0alines' has a control character, which a unit line cannot "
            "hold");
  unit_settings.description = "bad\xc3";
  EXPECT_EQ(unit_error(nginx_spec(), {}, unit_settings),
            "the description 'bad\xc3' is not valid UTF-8");
}

TEST(AppUnitTest, EscapeSpecifiers) {
  EXPECT_EQ(escape_specifiers(""), "");
  EXPECT_EQ(escape_specifiers("plain"), "plain");
  EXPECT_EQ(escape_specifiers("%"), "%%");
  EXPECT_EQ(escape_specifiers("%i%%n"), "%%i%%%%n");
}

TEST(AppUnitTest, QuoteEnvironmentAssignment) {
  std::string quoted;
  std::string err;
  ASSERT_TRUE(quote_environment_assignment("A=b c", &quoted, &err)) << err;
  EXPECT_EQ(quoted, "\"A=b c\"");
  ASSERT_TRUE(quote_environment_assignment("A=\\\"%", &quoted, &err)) << err;
  EXPECT_EQ(quoted, "\"A=\\\\\\\"%%\"");
}

// Runs `command` through the shell; its exit status and what it printed.
int run(const std::string& command, std::string* output) {
  output->clear();
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return -1;
  char buffer[4096];
  size_t size;
  while ((size = std::fread(buffer, 1, sizeof(buffer), pipe)) > 0) output->append(buffer, size);
  return pclose(pipe);
}

bool have_systemd_252() {
  std::string version;
  return run("systemctl --version 2>/dev/null", &version) == 0 &&
         version.starts_with("systemd 252 ");
}

// systemd 252 itself reads the unit: `systemd-analyze verify` says nothing
// about it, and its debug dump of the loaded unit shows every value as
// written.
TEST(AppUnitTest, SystemdReadsTheUnitBack) {
  if (!have_systemd_252()) GTEST_SKIP() << "systemd 252 is not installed here";
  AppSpec spec;
  // RootDirectory=/ and a program that exists, so verify finds it.
  spec.entrypoint = {"/bin/echo", "with space", "$HOME", "100%",      "%n",
                     ";",         "a\"b",       "e\\f",  "new\nline", ""};
  spec.environment = {"PATH=/usr/bin:/bin", "A=x y", "B=$HOME %n", "C=q\"uote\\"};
  spec.working_directory = "/tmp";
  spec.stop_signal = "sigrtmin+3";
  AppUnitSettings unit_settings;
  unit_settings.root_directory = "/";
  unit_settings.description = "100% test";
  std::string text = unit_text(spec, AppIdentity{4242, 4343, "/home/app"}, unit_settings);

  test_support::ScratchDirectory scratch;
  std::string path = scratch.path() + "/" + std::string(kAppUnitName);
  std::ofstream(path) << text;

  std::string output;
  EXPECT_EQ(run("systemd-analyze verify --man=no " + path + " 2>&1", &output), 0) << output;
  EXPECT_EQ(output, "");

  ASSERT_EQ(
      run("SYSTEMD_LOG_LEVEL=debug systemd-analyze verify --man=no " + path + " 2>&1", &output), 0)
      << output;
  Words dumped;
  for (const std::string& line : split(output, '\n')) {
    std::string_view field = strip(line);
    for (std::string_view key :
         {"Description:", "Failure Action:", "Success Action:", "Success Action Exit Status:",
          "Type:", "KillSignal:", "WorkingDirectory:", "RootDirectory:", "MountAPIVFS:",
          "Environment:", "User:", "Group:", "ExecSearchPath:", "Command Line:"}) {
      if (field.starts_with(key)) dumped.push_back(std::string(field));
    }
  }
  EXPECT_EQ(dumped, (Words{
                        "Description: 100% test",
                        "Failure Action: exit",
                        "Success Action: exit",
                        "Success Action Exit Status: 0",
                        "Type: exec",
                        "KillSignal: SIGRTMIN+3",
                        "WorkingDirectory: /tmp",
                        "RootDirectory: /",
                        "MountAPIVFS: yes",
                        "Environment: PATH=/usr/bin:/bin",
                        "Environment: A=x y",
                        "Environment: B=$HOME %n",
                        "Environment: C=q\"uote\\",
                        "Environment: HOME=/home/app",
                        "User: 4242",
                        "Group: 4343",
                        "ExecSearchPath: /usr/bin /bin",
                        // systemd's own quoting of the argv it stored: '$$'
                        // becomes '$' only when it runs the command.
                        "Command Line: /bin/echo \"with space\" \"\\$\\$HOME\" 100% %n \";\" "
                        "\"a\\\"b\" \"e\\\\f\" \"new\\nline\" \"\"",
                    }));
}

}  // namespace
}  // namespace sdme::app
