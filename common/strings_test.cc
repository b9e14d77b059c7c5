// Tests for the small string helpers: split, join, strip, case-insensitive
// comparison, systemd booleans and the edit distance behind did-you-mean.
#include "common/strings.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sdme {
namespace {

using Parts = std::vector<std::string>;

TEST(SplitTest, SplitsOnEverySeparator) {
  EXPECT_EQ(split("a:b:c", ':'), (Parts{"a", "b", "c"}));
  EXPECT_EQ(split("abc", ':'), Parts{"abc"});
}

TEST(SplitTest, KeepsEmptyFields) {
  EXPECT_EQ(split("", ':'), Parts{""});
  EXPECT_EQ(split(":", ':'), (Parts{"", ""}));
  EXPECT_EQ(split("a::b", ':'), (Parts{"a", "", "b"}));
  EXPECT_EQ(split(":a:", ':'), (Parts{"", "a", ""}));
}

TEST(SplitTest, OtherCharactersAreNotSeparators) {
  EXPECT_EQ(split("a b,c", ','), (Parts{"a b", "c"}));
}

TEST(EnvironmentNameTest, TakesWhatSystemdSets) {
  for (std::string_view name : {"PATH", "_", "a1", "NGINX_VERSION", "x_Y_9"})
    EXPECT_TRUE(is_environment_name(name)) << name;
  for (std::string_view name : {"", "1ST", "A-B", "A.B", "A B", "\xc3\xa9t\xc3\xa9", "A=B"})
    EXPECT_FALSE(is_environment_name(name)) << name;
}

TEST(CescapeTest, EscapesAsSystemdDoes) {
  EXPECT_EQ(cescape("/etc/sdme/web.sdme"), "/etc/sdme/web.sdme");
  EXPECT_EQ(cescape("a\nsdme-generator: FAKE"), "a\\nsdme-generator: FAKE");
  EXPECT_EQ(cescape("\a\b\f\n\r\t\v"), "\\a\\b\\f\\n\\r\\t\\v");
  EXPECT_EQ(cescape("back\\slash \"double\" 'single'"),
            "back\\\\slash \\\"double\\\" \\'single\\'");
  EXPECT_EQ(cescape(std::string("\x01\x1b\x7f", 3)), "\\001\\033\\177");
  // Every byte from 0x7F up, so UTF-8 too, as systemd's cescape() does.
  EXPECT_EQ(cescape("caf\xc3\xa9"), "caf\\303\\251");
}

TEST(CescapeTest, TellsABackslashFromAControlCharacter) {
  EXPECT_NE(cescape("a\nb"), cescape("a\\nb"));
  EXPECT_EQ(cescape("a\\nb"), "a\\\\nb");
}

TEST(PrintableTest, KeepsOneMessageOnOneLineAndLeavesBackslashes) {
  EXPECT_EQ(printable("a\nb\tc"), "a\\x0ab\\x09c");
  EXPECT_EQ(printable("write \\\\ for a backslash"), "write \\\\ for a backslash");
  // Idempotent on cescape()d text, so the log may apply it to any message.
  EXPECT_EQ(printable(cescape("a\nb")), cescape("a\nb"));
}

TEST(JoinTest, JoinsWithSeparatorBetweenParts) {
  EXPECT_EQ(join({}, ","), "");
  EXPECT_EQ(join({"a"}, ","), "a");
  EXPECT_EQ(join({"a", "b", "c"}, ", "), "a, b, c");
  EXPECT_EQ(join({"", ""}, ":"), ":");
}

TEST(JoinTest, IsTheInverseOfSplit) {
  for (const char* text : {"", ":", "a::b", "/etc/sdme:/run/sdme"})
    EXPECT_EQ(join(split(text, ':'), ":"), text);
}

TEST(StripTest, RemovesSystemdWhitespaceFromBothEnds) {
  EXPECT_EQ(strip(""), "");
  EXPECT_EQ(strip(" \t\r\n"), "");
  EXPECT_EQ(strip("  a b \t"), "a b");
  EXPECT_EQ(strip("\n\rvalue\r\n"), "value");
  EXPECT_EQ(strip("x"), "x");
}

TEST(StripTest, KeepsOtherCharacters) {
  EXPECT_EQ(strip("\va\v"), "\va\v");
  EXPECT_EQ(strip("\fa"), "\fa");
}

TEST(EqualsIgnoreCaseTest, ComparesAsciiLettersWithoutCase) {
  EXPECT_TRUE(equals_ignore_case("", ""));
  EXPECT_TRUE(equals_ignore_case("Bind", "bind"));
  EXPECT_TRUE(equals_ignore_case("CAP_NET_ADMIN", "cap_net_admin"));
  EXPECT_FALSE(equals_ignore_case("Bind", "Binds"));
  EXPECT_FALSE(equals_ignore_case("Bind", "Bond"));
  EXPECT_FALSE(equals_ignore_case("a", ""));
}

TEST(ParseBooleanTest, AcceptsEveryTrueWord) {
  for (const char* word : {"1", "yes", "y", "true", "t", "on", "YES", "Yes", "TRUE", "On", "Y"}) {
    bool value = false;
    EXPECT_TRUE(parse_boolean(word, &value)) << word;
    EXPECT_TRUE(value) << word;
  }
}

TEST(ParseBooleanTest, AcceptsEveryFalseWord) {
  for (const char* word : {"0", "no", "n", "false", "f", "off", "NO", "No", "FALSE", "Off", "N"}) {
    bool value = true;
    EXPECT_TRUE(parse_boolean(word, &value)) << word;
    EXPECT_FALSE(value) << word;
  }
}

TEST(ParseBooleanTest, RefusesOtherWordsAndLeavesValueAlone) {
  for (const char* word : {"", "2", "yess", "enable", " yes", "yes ", "ok", "nope", "-1"}) {
    bool value = true;
    EXPECT_FALSE(parse_boolean(word, &value)) << "'" << word << "'";
    EXPECT_TRUE(value) << word;
    value = false;
    EXPECT_FALSE(parse_boolean(word, &value)) << "'" << word << "'";
    EXPECT_FALSE(value) << word;
  }
}

TEST(EditDistanceTest, CountsInsertionsDeletionsAndSubstitutions) {
  EXPECT_EQ(edit_distance("", ""), 0u);
  EXPECT_EQ(edit_distance("Bind", "Bind"), 0u);
  EXPECT_EQ(edit_distance("", "abc"), 3u);
  EXPECT_EQ(edit_distance("abc", ""), 3u);
  EXPECT_EQ(edit_distance("Bind", "Bnd"), 1u);    // deletion
  EXPECT_EQ(edit_distance("Bind", "Binds"), 1u);  // insertion
  EXPECT_EQ(edit_distance("Bind", "Bond"), 1u);   // substitution
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(edit_distance("flaw", "lawn"), 2u);
}

TEST(EditDistanceTest, IsSymmetricAndCaseSensitive) {
  EXPECT_EQ(edit_distance("Hostname", "hostnme"), edit_distance("hostnme", "Hostname"));
  EXPECT_EQ(edit_distance("Hostname", "hostnme"), 2u);
  EXPECT_EQ(edit_distance("BIND", "bind"), 4u);
}

TEST(EditDistanceTest, StopsAboveTheLimit) {
  EXPECT_EQ(edit_distance("kitten", "sitting", 3), 3u);
  EXPECT_EQ(edit_distance("kitten", "sitting", 2), 3u);
  EXPECT_EQ(edit_distance("Bind", std::string(1 << 20, 'x'), 2), 3u);
  EXPECT_EQ(edit_distance(std::string(1 << 20, 'x'), "Bind", 2), 3u);
  // Two long strings of one length stop once a row is past the limit,
  // after a few rows, not a million of them.
  EXPECT_EQ(edit_distance(std::string(1 << 20, 'x'), std::string(1 << 20, 'y'), 2), 3u);
  EXPECT_EQ(edit_distance("ab" + std::string(100, 'x'), "ba" + std::string(100, 'x'), 2), 2u);
}

TEST(ParseSizeTest, AcceptsSystemdSizes) {
  uint64_t bytes = 0;
  std::string err;
  ASSERT_TRUE(parse_size("512", &bytes, &err)) << err;
  EXPECT_EQ(bytes, 512u);
  ASSERT_TRUE(parse_size("64K", &bytes, &err)) << err;
  EXPECT_EQ(bytes, 64u << 10);
  ASSERT_TRUE(parse_size("8G", &bytes, &err)) << err;
  EXPECT_EQ(bytes, 8ull << 30);
  ASSERT_TRUE(parse_size("1.5G", &bytes, &err)) << err;
  EXPECT_EQ(bytes, 3ull << 29);
  ASSERT_TRUE(parse_size("2T", &bytes, &err)) << err;
  EXPECT_EQ(bytes, 2ull << 40);
  ASSERT_TRUE(parse_size("8 G", &bytes, &err)) << err;
  EXPECT_EQ(bytes, 8ull << 30);
  ASSERT_TRUE(parse_size("100B", &bytes, &err)) << err;
  EXPECT_EQ(bytes, 100u);
  ASSERT_TRUE(parse_size("15E", &bytes, &err)) << err;
  EXPECT_EQ(bytes, 15ull << 60);
}

TEST(ParseSizeTest, RefusesWhatIsNotASize) {
  uint64_t bytes = 0;
  std::string err;
  for (const char* bad : {"", "G", "8g", "-1", "1.G", "8GB", "0x10"}) {
    EXPECT_FALSE(parse_size(bad, &bytes, &err)) << bad;
  }
  EXPECT_EQ(err,
            "'0x10' is not a size; write a number with an optional K, M, G or T suffix (powers of "
            "1024), e.g. 8G");
  EXPECT_FALSE(parse_size("16E", &bytes, &err));
  EXPECT_EQ(err,
            "'16E' is not a size; write a number with an optional K, M, G or T suffix (powers of "
            "1024), e.g. 8G");
  EXPECT_FALSE(parse_size("99999999999999999999", &bytes, &err));
}

}  // namespace
}  // namespace sdme
