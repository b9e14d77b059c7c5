// Tests for the systemd.syntax(7) unit file parser.
#include "sdme_file/unit_file.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace sdme::file {
namespace {

using KeyValues = std::vector<std::pair<std::string, std::string>>;

UnitFile parse_ok(std::string_view text, std::string_view path = "web.sdme") {
  UnitFile unit;
  std::string err;
  EXPECT_TRUE(unit.parse(path, text, &err)) << err;
  EXPECT_EQ(err, "");
  return unit;
}

std::string parse_error(std::string_view text, std::string_view path = "web.sdme") {
  UnitFile unit;
  std::string err;
  EXPECT_FALSE(unit.parse(path, text, &err)) << "text: " << text;
  EXPECT_TRUE(unit.sections().empty()) << "a failed parse must leave the unit unchanged";
  return err;
}

KeyValues entries_of(const UnitFile& unit, std::string_view section) {
  KeyValues result;
  const UnitSection* found = unit.find_section(section);
  if (found == nullptr) return result;
  for (const UnitEntry& entry : found->entries) result.emplace_back(entry.key, entry.value);
  return result;
}

std::vector<int> lines_of(const UnitFile& unit, std::string_view section) {
  std::vector<int> lines;
  for (const UnitEntry& entry : unit.find_section(section)->entries) lines.push_back(entry.line);
  return lines;
}

std::vector<std::string> section_names(const UnitFile& unit) {
  std::vector<std::string> names;
  for (const UnitSection& section : unit.sections()) names.push_back(section.name);
  return names;
}

std::vector<std::string> values_of(const std::vector<const UnitEntry*>& entries) {
  std::vector<std::string> values;
  for (const UnitEntry* entry : entries) values.push_back(entry->value);
  return values;
}

TEST(UnitFileTest, EmptyTextHasNoSections) {
  EXPECT_TRUE(parse_ok("").sections().empty());
  EXPECT_TRUE(parse_ok("\n\n  \n# only a comment\n").sections().empty());
}

TEST(UnitFileTest, ReadsSectionsAndAssignmentsInOrder) {
  UnitFile unit = parse_ok(
      "[Unit]\n"
      "Description=Web server\n"
      "\n"
      "[Container]\n"
      "Image=debian\n"
      "Network=host\n");
  EXPECT_EQ(section_names(unit), (std::vector<std::string>{"Unit", "Container"}));
  EXPECT_EQ(entries_of(unit, "Unit"), (KeyValues{{"Description", "Web server"}}));
  EXPECT_EQ(entries_of(unit, "Container"), (KeyValues{{"Image", "debian"}, {"Network", "host"}}));

  const UnitSection& container = unit.sections()[1];
  EXPECT_EQ(container.path, "web.sdme");
  EXPECT_EQ(container.line, 4);
  EXPECT_EQ(lines_of(unit, "Container"), (std::vector<int>{5, 6}));
  EXPECT_EQ(container.entries[0].path, "web.sdme");
  EXPECT_EQ(container.entries[1].location(), "web.sdme:6");
}

TEST(UnitFileTest, StripsWhitespaceAroundKeysAndValues) {
  UnitFile unit = parse_ok("  [S]  \n \tKey \t=\t value with  inner  spaces \t\nOther=x\r\n");
  EXPECT_EQ(entries_of(unit, "S"),
            (KeyValues{{"Key", "value with  inner  spaces"}, {"Other", "x"}}));
}

TEST(UnitFileTest, KeepsValuesAsWritten) {
  UnitFile unit = parse_ok(
      "[S]\n"
      "Environment=A=B C=\"d e\"\n"
      "Exec=/bin/sh -c 'echo $HOME' \\x41 %i\n"
      "Bracket=[x]\n");
  EXPECT_EQ(entries_of(unit, "S"), (KeyValues{{"Environment", "A=B C=\"d e\""},
                                              {"Exec", "/bin/sh -c 'echo $HOME' \\x41 %i"},
                                              {"Bracket", "[x]"}}));
}

TEST(UnitFileTest, SkipsCommentLines) {
  UnitFile unit = parse_ok(
      "# comment\n"
      "; comment\n"
      "[S]\n"
      "   # indented comment\n"
      "\t; indented comment\n"
      "#Key=commented out\n"
      "Key=value\n");
  EXPECT_EQ(entries_of(unit, "S"), (KeyValues{{"Key", "value"}}));
  EXPECT_EQ(lines_of(unit, "S"), std::vector<int>{7});
}

TEST(UnitFileTest, HashAndSemicolonInsideALineArePartOfTheValue) {
  UnitFile unit = parse_ok("[S]\nKey=a # not a comment\nOther=b;c ; d\n");
  EXPECT_EQ(entries_of(unit, "S"), (KeyValues{{"Key", "a # not a comment"}, {"Other", "b;c ; d"}}));
}

TEST(UnitFileTest, SectionAndKeyNamesAreCaseSensitive) {
  UnitFile unit = parse_ok("[Container]\nImage=a\nimage=b\n[container]\nImage=c\n");
  EXPECT_EQ(section_names(unit), (std::vector<std::string>{"Container", "container"}));
  EXPECT_EQ(unit.lookup("Container", "Image")->value, "a");
  EXPECT_EQ(unit.lookup("Container", "image")->value, "b");
  EXPECT_EQ(unit.lookup("container", "Image")->value, "c");
  EXPECT_EQ(unit.lookup("CONTAINER", "Image"), nullptr);
}

TEST(UnitFileTest, KeysMayContainPunctuationAndUtf8) {
  UnitFile unit = parse_ok("[S]\nX-Vendor.option@1_a=1\nCl\xc3\xa9=2\n");
  EXPECT_EQ(entries_of(unit, "S"), (KeyValues{{"X-Vendor.option@1_a", "1"}, {"Cl\xc3\xa9", "2"}}));
}

TEST(UnitFileTest, SectionNamesAreKeptAsWritten) {
  // systemd keeps the text between the brackets as it is.
  UnitFile unit = parse_ok("[ Spaced Name ]\nA=1\n[[Nested]]\nB=2\n");
  EXPECT_EQ(section_names(unit), (std::vector<std::string>{" Spaced Name ", "[Nested]"}));
}

TEST(UnitFileTest, RepeatedSectionMergesIntoTheFirst) {
  UnitFile unit = parse_ok(
      "[A]\n"
      "X=1\n"
      "[B]\n"
      "Y=2\n"
      "[A]\n"
      "Z=3\n"
      "X=4\n");
  EXPECT_EQ(section_names(unit), (std::vector<std::string>{"A", "B"}));
  EXPECT_EQ(entries_of(unit, "A"), (KeyValues{{"X", "1"}, {"Z", "3"}, {"X", "4"}}));
  EXPECT_EQ(unit.find_section("A")->line, 1);
  EXPECT_EQ(lines_of(unit, "A"), (std::vector<int>{2, 6, 7}));
}

TEST(UnitFileTest, SectionWithoutEntriesIsKept) {
  UnitFile unit = parse_ok("[Empty]\n[Full]\nA=1\n");
  EXPECT_EQ(section_names(unit), (std::vector<std::string>{"Empty", "Full"}));
  EXPECT_TRUE(unit.find_section("Empty")->entries.empty());
}

TEST(UnitFileTest, LookupReturnsTheLastAssignment) {
  UnitFile unit = parse_ok("[S]\nKey=first\nOther=x\nKey=second\n");
  const UnitEntry* entry = unit.lookup("S", "Key");
  ASSERT_NE(entry, nullptr);
  EXPECT_EQ(entry->value, "second");
  EXPECT_EQ(entry->line, 4);
  EXPECT_EQ(unit.lookup("S", "Missing"), nullptr);
  EXPECT_EQ(unit.lookup("Missing", "Key"), nullptr);
}

TEST(UnitFileTest, LookupAllReturnsEveryAssignmentIncludingEmptyOnes) {
  UnitFile unit = parse_ok("[S]\nKey=a\nKey=\nOther=x\nKey=b\n");
  EXPECT_EQ(values_of(unit.lookup_all("S", "Key")), (std::vector<std::string>{"a", "", "b"}));
  EXPECT_TRUE(unit.lookup_all("S", "Missing").empty());
  EXPECT_TRUE(unit.lookup_all("Missing", "Key").empty());
}

TEST(UnitFileTest, EmptyAssignmentIsKept) {
  UnitFile unit = parse_ok("[S]\nKey=\nOther=   \n");
  EXPECT_EQ(entries_of(unit, "S"), (KeyValues{{"Key", ""}, {"Other", ""}}));
  EXPECT_EQ(unit.lookup("S", "Key")->value, "");
}

TEST(UnitFileTest, LookupListResetsOnEmptyAssignment) {
  UnitFile unit = parse_ok(
      "[S]\n"
      "Bind=/a\n"
      "Bind=/b\n"
      "Bind=\n"
      "Bind=/c\n"
      "Bind=/d\n"
      "Reset=/x\n"
      "Reset=\n"
      "Plain=/p\n");
  std::vector<const UnitEntry*> binds = unit.lookup_list("S", "Bind");
  EXPECT_EQ(values_of(binds), (std::vector<std::string>{"/c", "/d"}));
  EXPECT_EQ(binds[0]->line, 5);
  EXPECT_TRUE(unit.lookup_list("S", "Reset").empty());
  EXPECT_EQ(values_of(unit.lookup_list("S", "Plain")), std::vector<std::string>{"/p"});
  EXPECT_TRUE(unit.lookup_list("S", "Missing").empty());
  EXPECT_TRUE(unit.lookup_list("Missing", "Bind").empty());
}

TEST(UnitFileTest, JoinsContinuationLinesWithASpace) {
  // The backslash becomes a space; the next line's leading blanks are kept.
  UnitFile unit = parse_ok("[S]\nA=one\\\ntwo\nB=one \\\n   two\nC=x\n");
  EXPECT_EQ(entries_of(unit, "S"), (KeyValues{{"A", "one two"}, {"B", "one     two"}, {"C", "x"}}));
  EXPECT_EQ(lines_of(unit, "S"), (std::vector<int>{2, 4, 6}));
}

TEST(UnitFileTest, JoinsManyContinuationLines) {
  UnitFile unit = parse_ok("[S]\nExec=/bin/echo \\\n  a \\\n  b \\\n  c\nNext=1\n");
  EXPECT_EQ(entries_of(unit, "S"),
            (KeyValues{{"Exec", "/bin/echo    a    b    c"}, {"Next", "1"}}));
  EXPECT_EQ(lines_of(unit, "S"), (std::vector<int>{2, 6}));
}

TEST(UnitFileTest, SkipsCommentLinesInsideAContinuation) {
  UnitFile unit = parse_ok(
      "[S]\n"
      "Exec=/bin/echo \\\n"
      "# a comment\n"
      "  ; another comment\n"
      "  hello\n"
      "Next=1\n");
  EXPECT_EQ(entries_of(unit, "S"), (KeyValues{{"Exec", "/bin/echo    hello"}, {"Next", "1"}}));
  EXPECT_EQ(lines_of(unit, "S"), (std::vector<int>{2, 6}));
}

TEST(UnitFileTest, CommentLineEndingInBackslashDoesNotContinue) {
  UnitFile unit = parse_ok("[S]\n# comment \\\nA=1\n");
  EXPECT_EQ(entries_of(unit, "S"), (KeyValues{{"A", "1"}}));
}

TEST(UnitFileTest, BlankLineEndsAContinuation) {
  UnitFile unit = parse_ok("[S]\nA=x\\\n\nB=y\n");
  EXPECT_EQ(entries_of(unit, "S"), (KeyValues{{"A", "x"}, {"B", "y"}}));
}

TEST(UnitFileTest, EscapedBackslashAtEndOfLineDoesNotContinue) {
  UnitFile unit = parse_ok("[S]\nA=x\\\\\nB=y\\\\\\\nz\n");
  EXPECT_EQ(entries_of(unit, "S"), (KeyValues{{"A", "x\\\\"}, {"B", "y\\\\ z"}}));
}

TEST(UnitFileTest, BackslashFollowedByBlanksDoesNotContinue) {
  UnitFile unit = parse_ok("[S]\nA=x\\ \nB=y\n");
  EXPECT_EQ(entries_of(unit, "S"), (KeyValues{{"A", "x\\"}, {"B", "y"}}));
}

TEST(UnitFileTest, ContinuationAtEndOfFileEndsTheValue) {
  UnitFile unit = parse_ok("[S]\nA=x\\");
  EXPECT_EQ(entries_of(unit, "S"), (KeyValues{{"A", "x"}}));
  UnitFile unit2 = parse_ok("[S]\nA=x\\\n");
  EXPECT_EQ(entries_of(unit2, "S"), (KeyValues{{"A", "x"}}));
}

TEST(UnitFileTest, EntryLineIsWhereTheKeyStarts) {
  UnitFile unit = parse_ok("[S]\n\\\n  \\\nA=x\\\ny\nB=1\n");
  EXPECT_EQ(entries_of(unit, "S"), (KeyValues{{"A", "x y"}, {"B", "1"}}));
  EXPECT_EQ(lines_of(unit, "S"), (std::vector<int>{4, 6}));
}

TEST(UnitFileTest, SectionHeaderMayBeContinued) {
  UnitFile unit = parse_ok("[Con\\\ntainer]\nA=1\n");
  EXPECT_EQ(section_names(unit), std::vector<std::string>{"Con tainer"});
}

TEST(UnitFileTest, AcceptsCrLfLineEndings) {
  UnitFile unit = parse_ok("[S]\r\nA=1\r\nB=two\\\r\n  words\r\n\r\nC=3\r\n");
  EXPECT_EQ(entries_of(unit, "S"), (KeyValues{{"A", "1"}, {"B", "two   words"}, {"C", "3"}}));
  EXPECT_EQ(lines_of(unit, "S"), (std::vector<int>{2, 3, 6}));
}

TEST(UnitFileTest, AcceptsEveryLineEndingSystemdAccepts) {
  // systemd's read_line() ends a line at \n, \r, \r\n or \n\r.
  UnitFile unit = parse_ok("[S]\rA=1\n\rB=2\r\rC=3\n\nD=4");
  EXPECT_EQ(entries_of(unit, "S"), (KeyValues{{"A", "1"}, {"B", "2"}, {"C", "3"}, {"D", "4"}}));
  EXPECT_EQ(lines_of(unit, "S"), (std::vector<int>{2, 3, 5, 7}));
}

TEST(UnitFileTest, SkipsByteOrderMark) {
  UnitFile unit = parse_ok("\xEF\xBB\xBF[S]\nA=1\n");
  EXPECT_EQ(section_names(unit), std::vector<std::string>{"S"});
  EXPECT_EQ(unit.find_section("S")->line, 1);
  EXPECT_EQ(lines_of(unit, "S"), std::vector<int>{2});
}

TEST(UnitFileTest, FileWithByteOrderMarkMayStartWithAComment) {
  UnitFile unit = parse_ok("\xEF\xBB\xBF# written by an editor that adds a BOM\n[S]\nA=1\n");
  EXPECT_EQ(entries_of(unit, "S"), (KeyValues{{"A", "1"}}));
}

TEST(UnitFileTest, SkipsOnlyTheFirstByteOrderMark) {
  // Like systemd: the first BOM at the start of a line is dropped, later ones are text.
  UnitFile unit = parse_ok(
      "[S]\n\xEF\xBB\xBF"
      "A=1\n\xEF\xBB\xBF"
      "B=2\n");
  EXPECT_EQ(entries_of(unit, "S"), (KeyValues{{"A", "1"},
                                              {"\xEF\xBB\xBF"
                                               "B",
                                               "2"}}));
}

TEST(UnitFileTest, ByteOrderMarkAfterTheFirstLineHidesAComment) {
  // systemd looks for a comment before it drops the mark, so this is a key.
  UnitFile unit = parse_ok("[S]\n\xEF\xBB\xBF#A=1\n");
  EXPECT_EQ(entries_of(unit, "S"), (KeyValues{{"#A", "1"}}));
}

TEST(UnitFileTest, AcceptsFileOfExactlyTheMaximumSize) {
  std::string text = "[S]\nA=";
  text.append(kMaxUnitFileSize - text.size(), 'x');
  UnitFile unit = parse_ok(text);
  EXPECT_EQ(unit.lookup("S", "A")->value.size(), kMaxUnitFileSize - 6);
}

TEST(UnitFileTest, DropInsAppendToSectionsAndAddNewOnes) {
  UnitFile unit;
  std::string err;
  ASSERT_TRUE(unit.parse("/etc/sdme/web.sdme",
                         "[Container]\nImage=debian\nBind=/a\n[Service]\nTimeoutStartSec=90\n",
                         &err))
      << err;
  ASSERT_TRUE(unit.parse("/etc/sdme/web.sdme.d/10-more.conf",
                         "# drop-in\n[Container]\nImage=ubuntu\nBind=\nBind=/b\n[Install]\n"
                         "WantedBy=multi-user.target\n",
                         &err))
      << err;
  ASSERT_TRUE(
      unit.parse("/etc/sdme/web.sdme.d/20-last.conf", "[Service]\nTimeoutStartSec=5\n", &err))
      << err;

  EXPECT_EQ(section_names(unit), (std::vector<std::string>{"Container", "Service", "Install"}));
  EXPECT_EQ(
      entries_of(unit, "Container"),
      (KeyValues{
          {"Image", "debian"}, {"Bind", "/a"}, {"Image", "ubuntu"}, {"Bind", ""}, {"Bind", "/b"}}));
  const UnitEntry* image = unit.lookup("Container", "Image");
  EXPECT_EQ(image->value, "ubuntu");
  EXPECT_EQ(image->location(), "/etc/sdme/web.sdme.d/10-more.conf:3");
  EXPECT_EQ(unit.lookup_all("Container", "Image")[0]->location(), "/etc/sdme/web.sdme:2");
  EXPECT_EQ(values_of(unit.lookup_list("Container", "Bind")), std::vector<std::string>{"/b"});
  EXPECT_EQ(unit.lookup("Service", "TimeoutStartSec")->location(),
            "/etc/sdme/web.sdme.d/20-last.conf:2");

  const UnitSection* install = unit.find_section("Install");
  EXPECT_EQ(install->path, "/etc/sdme/web.sdme.d/10-more.conf");
  EXPECT_EQ(install->line, 6);
  EXPECT_EQ(unit.find_section("Container")->path, "/etc/sdme/web.sdme");
}

TEST(UnitFileTest, DropInStartsOutsideOfAnySection) {
  UnitFile unit;
  std::string err;
  ASSERT_TRUE(unit.parse("main.sdme", "[Container]\nImage=debian\n", &err));
  EXPECT_FALSE(unit.parse("drop.conf", "Image=ubuntu\n", &err));
  EXPECT_EQ(err,
            "drop.conf:1: assignment Image= is outside of any section: put a [Section] header "
            "above it");
}

TEST(UnitFileTest, FailedDropInLeavesTheUnitUnchanged) {
  UnitFile unit;
  std::string err;
  ASSERT_TRUE(unit.parse("main.sdme", "[Container]\nImage=debian\n[Service]\nA=1\n", &err));
  EXPECT_FALSE(unit.parse(
      "drop.conf", "[Service]\nA=2\nB=3\n[Container]\nImage=ubuntu\n[New]\nC=4\nbroken\n", &err));
  EXPECT_EQ(err,
            "drop.conf:8: missing '=': a line must be a [Section] header, a Key=Value assignment "
            "or a comment starting with '#' or ';'");
  EXPECT_EQ(section_names(unit), (std::vector<std::string>{"Container", "Service"}));
  EXPECT_EQ(entries_of(unit, "Container"), (KeyValues{{"Image", "debian"}}));
  EXPECT_EQ(entries_of(unit, "Service"), (KeyValues{{"A", "1"}}));

  // The unit is still usable afterwards.
  ASSERT_TRUE(unit.parse("ok.conf", "[Service]\nA=5\n", &err)) << err;
  EXPECT_EQ(values_of(unit.lookup_all("Service", "A")), (std::vector<std::string>{"1", "5"}));
}

TEST(UnitFileErrorTest, FileTooLarge) {
  std::string text = "[S]\nA=";
  text.append(kMaxUnitFileSize + 1 - text.size(), 'x');
  EXPECT_EQ(parse_error(text),
            "web.sdme: file is too large (1048577 bytes, the limit is 1048576 bytes)");
}

TEST(UnitFileErrorTest, NulByte) {
  EXPECT_EQ(parse_error(std::string_view("[S]\nA=x\0y\n", 10)),
            "web.sdme:2: file contains a NUL byte; a unit file must be text");
  EXPECT_EQ(parse_error(std::string_view("[S]\n\n# comment \0\n", 17)),
            "web.sdme:3: file contains a NUL byte; a unit file must be text");
}

TEST(UnitFileErrorTest, InvalidUtf8) {
  const std::string message = "line is not valid UTF-8; save the file in UTF-8";
  EXPECT_EQ(parse_error("[S]\nA=caf\xe9\n"), "web.sdme:2: " + message);           // Latin-1
  EXPECT_EQ(parse_error("[S]\nA=\xc0\x80\n"), "web.sdme:2: " + message);          // overlong
  EXPECT_EQ(parse_error("[S]\nA=\xed\xa0\x80\n"), "web.sdme:2: " + message);      // surrogate
  EXPECT_EQ(parse_error("[S]\nA=\xef\xb7\x90\n"), "web.sdme:2: " + message);      // U+FDD0
  EXPECT_EQ(parse_error("[S]\nA=\xef\xbf\xbf\n"), "web.sdme:2: " + message);      // U+FFFF
  EXPECT_EQ(parse_error("[S]\nA=\xf4\x90\x80\x80\n"), "web.sdme:2: " + message);  // > U+10FFFF
  EXPECT_EQ(parse_error("[S]\nA=\xe2\x82\n"), "web.sdme:2: " + message);          // truncated
  EXPECT_EQ(parse_error("[S\xff]\n"), "web.sdme:1: " + message);
}

TEST(UnitFileErrorTest, InvalidUtf8InACommentIsIgnored) {
  UnitFile unit = parse_ok("# caf\xe9\n[S]\nA=1\n");
  EXPECT_EQ(entries_of(unit, "S"), (KeyValues{{"A", "1"}}));
}

TEST(UnitFileErrorTest, SectionHeaderWithoutClosingBracket) {
  EXPECT_EQ(parse_error("[Container\nImage=x\n"),
            "web.sdme:1: invalid section header '[Container': it must end with ']'");
  EXPECT_EQ(parse_error("[Container] # no comments after a header\n"),
            "web.sdme:1: invalid section header '[Container] # no comments after a header': it "
            "must end with ']'");
  EXPECT_EQ(parse_error("[\n"), "web.sdme:1: invalid section header '[': it must end with ']'");
}

TEST(UnitFileErrorTest, EmptySectionName) {
  EXPECT_EQ(parse_error("\n  []  \n"),
            "web.sdme:2: empty section name '[]': write the section's name, as in [Unit]");
}

TEST(UnitFileErrorTest, UnsafeSectionName) {
  const std::string rule =
      "section names must not contain quotes, backslashes or control characters";
  EXPECT_EQ(parse_error("[Con\"tainer]\n"),
            "web.sdme:1: invalid section header '[Con\"tainer]': " + rule);
  EXPECT_EQ(parse_error("[It's]\n"), "web.sdme:1: invalid section header '[It's]': " + rule);
  EXPECT_EQ(parse_error("[A\\B]\n"), "web.sdme:1: invalid section header '[A\\B]': " + rule);
  EXPECT_EQ(parse_error("[A\tB]\n"), "web.sdme:1: invalid section header '[A\\x09B]': " + rule);
  EXPECT_EQ(parse_error("[A\x7f]\n"), "web.sdme:1: invalid section header '[A\\x7f]': " + rule);
}

TEST(UnitFileErrorTest, MissingEquals) {
  const std::string message =
      "missing '=': a line must be a [Section] header, a Key=Value assignment or a comment "
      "starting with '#' or ';'";
  EXPECT_EQ(parse_error("[S]\nA=1\nImage debian\n"), "web.sdme:3: " + message);
  EXPECT_EQ(parse_error("Image\n"), "web.sdme:1: " + message);
  EXPECT_EQ(parse_error("[S]\n// comment\n"), "web.sdme:2: " + message);
  EXPECT_EQ(parse_error("[S]\nSection]\n"), "web.sdme:2: " + message);
}

TEST(UnitFileErrorTest, MissingKey) {
  const std::string message = "missing key name before '=': write Key=Value";
  EXPECT_EQ(parse_error("[S]\n=value\n"), "web.sdme:2: " + message);
  EXPECT_EQ(parse_error("[S]\n \t = value\n"), "web.sdme:2: " + message);
  EXPECT_EQ(parse_error("[S]\n=\n"), "web.sdme:2: " + message);
}

TEST(UnitFileErrorTest, KeyWithWhitespaceOrControlCharacters) {
  EXPECT_EQ(parse_error("[S]\nBind Ports=80\n"),
            "web.sdme:2: invalid key 'Bind Ports': a key must not contain whitespace or control "
            "characters");
  EXPECT_EQ(parse_error("[S]\nA\tB = 1\n"),
            "web.sdme:2: invalid key 'A\\x09B': a key must not contain whitespace or control "
            "characters");
  EXPECT_EQ(parse_error("[S]\nA\x01=1\n"),
            "web.sdme:2: invalid key 'A\\x01': a key must not contain whitespace or control "
            "characters");
}

TEST(UnitFileErrorTest, AssignmentOutsideOfAnySection) {
  EXPECT_EQ(parse_error("# header forgotten\nImage=debian\n[Container]\n"),
            "web.sdme:2: assignment Image= is outside of any section: put a [Section] header "
            "above it");
}

TEST(UnitFileErrorTest, ErrorInAContinuedLineNamesTheLineWhereItStarts) {
  EXPECT_EQ(parse_error("[S]\nA=1\nbroken \\\n  still broken\n"),
            "web.sdme:3: missing '=': a line must be a [Section] header, a Key=Value assignment or "
            "a comment starting with '#' or ';'");
}

TEST(UnitFileErrorTest, ErrorNamesTheFile) {
  EXPECT_EQ(parse_error("oops\n", "/etc/sdme/db.sdme.d/10-x.conf"),
            "/etc/sdme/db.sdme.d/10-x.conf:1: missing '=': a line must be a [Section] header, a "
            "Key=Value assignment or a comment starting with '#' or ';'");
}

}  // namespace
}  // namespace sdme::file
