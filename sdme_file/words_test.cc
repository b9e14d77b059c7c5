// Tests for systemd word splitting and ExecStart= quoting.
#include "sdme_file/words.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sdme::file {
namespace {

using Words = std::vector<std::string>;

Words split_ok(std::string_view text) {
  Words words;
  std::string err;
  EXPECT_TRUE(split_words(text, &words, &err)) << "text: " << text << " error: " << err;
  EXPECT_EQ(err, "");
  return words;
}

std::string split_error(std::string_view text) {
  Words words = {"untouched"};
  std::string err;
  EXPECT_FALSE(split_words(text, &words, &err)) << "text: " << text;
  EXPECT_EQ(words, Words{"untouched"}) << "a failed split must leave the words alone";
  return err;
}

std::string double_dollars(std::string_view text) {
  std::string doubled;
  for (char c : text) {
    doubled.push_back(c);
    if (c == '$') doubled.push_back('$');
  }
  return doubled;
}

TEST(SplitWordsTest, EmptyAndBlankTextHaveNoWords) {
  EXPECT_EQ(split_ok(""), Words{});
  EXPECT_EQ(split_ok(" \t\r\n "), Words{});
}

TEST(SplitWordsTest, SplitsOnRunsOfWhitespace) {
  EXPECT_EQ(split_ok("a"), Words{"a"});
  EXPECT_EQ(split_ok("  one two\tthree\n\rfour  "), (Words{"one", "two", "three", "four"}));
}

TEST(SplitWordsTest, ReplacesPreviousContents) {
  Words words = {"old"};
  std::string err;
  ASSERT_TRUE(split_words("new", &words, &err));
  EXPECT_EQ(words, Words{"new"});
}

TEST(SplitWordsTest, QuotesGroupWords) {
  EXPECT_EQ(split_ok("\"a b\" 'c  d'"), (Words{"a b", "c  d"}));
  EXPECT_EQ(split_ok("\"it's\" 'say \"hi\"'"), (Words{"it's", "say \"hi\""}));
}

TEST(SplitWordsTest, QuotesMayStartAndEndInsideAWord) {
  EXPECT_EQ(split_ok("a\"b c\"d"), Words{"ab cd"});
  EXPECT_EQ(split_ok("'a'\"b\"c"), Words{"abc"});
  EXPECT_EQ(split_ok("--opt=\"x y\" z"), (Words{"--opt=x y", "z"}));
}

TEST(SplitWordsTest, EmptyQuotesMakeAnEmptyWord) {
  EXPECT_EQ(split_ok("\"\""), Words{""});
  EXPECT_EQ(split_ok("''"), Words{""});
  EXPECT_EQ(split_ok("\"\" '' x"), (Words{"", "", "x"}));
  EXPECT_EQ(split_ok("a\"\""), Words{"a"});
}

TEST(SplitWordsTest, DecodesSimpleEscapes) {
  EXPECT_EQ(split_ok("\\a\\b\\f\\n\\r\\t\\v"), Words{"\a\b\f\n\r\t\v"});
  EXPECT_EQ(split_ok("\\\\ \\\" \\'"), (Words{"\\", "\"", "'"}));
  EXPECT_EQ(split_ok("a\\sb"), Words{"a b"});
}

TEST(SplitWordsTest, DecodesEscapesInsideBothKindsOfQuotes) {
  // Unlike a shell, systemd decodes escapes inside single quotes too.
  EXPECT_EQ(split_ok("'a\\tb' \"c\\nd\""), (Words{"a\tb", "c\nd"}));
  EXPECT_EQ(split_ok("\"say \\\"hi\\\"\""), Words{"say \"hi\""});
  EXPECT_EQ(split_ok("'it\\'s'"), Words{"it's"});
}

TEST(SplitWordsTest, DecodesHexAndOctalEscapesAsBytes) {
  EXPECT_EQ(split_ok("\\x41\\x7a\\x7A"), Words{"Azz"});
  EXPECT_EQ(split_ok("\\xff\\xFe"), Words{"\xff\xfe"});
  EXPECT_EQ(split_ok("\\101\\040\\377"), Words{"A \xff"});
  EXPECT_EQ(split_ok("\\x412"), Words{"A2"});
}

TEST(SplitWordsTest, DecodesUnicodeEscapesAsUtf8) {
  EXPECT_EQ(split_ok("caf\\u00e9"), Words{"caf\xc3\xa9"});
  EXPECT_EQ(split_ok("\\u20AC"), Words{"\xe2\x82\xac"});
  EXPECT_EQ(split_ok("\\U0001F600"), Words{"\xf0\x9f\x98\x80"});
  EXPECT_EQ(split_ok("\\U0000004a"), Words{"J"});
  // systemd does not check \u for surrogates, so neither do we.
  EXPECT_EQ(split_ok("\\uD800"), Words{"\xed\xa0\x80"});
}

TEST(SplitWordsTest, LeavesSpecifiersAndVariablesAlone) {
  EXPECT_EQ(split_ok("%i %n $HOME ${USER} 100%"), (Words{"%i", "%n", "$HOME", "${USER}", "100%"}));
}

TEST(SplitWordsTest, KeepsUtf8AndSemicolons) {
  EXPECT_EQ(split_ok("\xc3\xa9t\xc3\xa9 ; a;b"), (Words{"\xc3\xa9t\xc3\xa9", ";", "a;b"}));
}

TEST(SplitWordsTest, RefusesTrailingBackslash) {
  EXPECT_EQ(split_error("abc\\"), "trailing backslash: write \\\\ for a literal backslash");
  EXPECT_EQ(split_error("\"abc\\"), "trailing backslash: write \\\\ for a literal backslash");
}

TEST(SplitWordsTest, RefusesUnterminatedQuotes) {
  EXPECT_EQ(split_error("a \"b c"),
            "missing closing \" quote: add one, or write \\\" for a literal double quote");
  EXPECT_EQ(split_error("it's"),
            "missing closing ' quote: add one, or write \\' for a literal single quote");
  EXPECT_EQ(split_error("'a\"b"),
            "missing closing ' quote: add one, or write \\' for a literal single quote");
}

TEST(SplitWordsTest, RefusesUnknownEscapes) {
  EXPECT_EQ(split_error("a\\qb"),
            "unknown escape sequence '\\q': write \\\\ for a literal backslash");
  EXPECT_EQ(split_error("C:\\ Windows"),
            "unknown escape sequence '\\ ': write \\\\ for a literal backslash");
  EXPECT_EQ(split_error("\\8"),
            "unknown escape sequence '\\8': write \\\\ for a literal backslash");
  EXPECT_EQ(split_error("\"\\;\""),
            "unknown escape sequence '\\;': write \\\\ for a literal backslash");
  // A multi-byte character after the backslash is shown whole.
  EXPECT_EQ(split_error("\\\xc3\xa9"),
            "unknown escape sequence '\\\xc3\xa9': write \\\\ for a literal backslash");
}

TEST(SplitWordsTest, RefusesMalformedNumericEscapes) {
  EXPECT_EQ(split_error("\\x4"),
            "invalid escape sequence '\\x4': \\x needs two hex digits, as in \\x2f");
  EXPECT_EQ(split_error("\\xg1 rest"),
            "invalid escape sequence '\\xg1': \\x needs two hex digits, as in \\x2f");
  EXPECT_EQ(split_error("\\u12G4"),
            "invalid escape sequence '\\u12G4': \\u needs four hex digits, as in \\u00e9");
  EXPECT_EQ(split_error("\\U1234"),
            "invalid escape sequence '\\U1234': \\U needs eight hex digits, as in \\U0001f600");
  EXPECT_EQ(split_error("\\U00110000"),
            "invalid escape sequence '\\U00110000': not a valid Unicode code point");
  EXPECT_EQ(split_error("\\UFFFFFFFF"),
            "invalid escape sequence '\\UFFFFFFFF': not a valid Unicode code point");
  EXPECT_EQ(split_error("\\U0000D800"),
            "invalid escape sequence '\\U0000D800': not a valid Unicode code point");
  EXPECT_EQ(split_error("\\U0000FFFE"),
            "invalid escape sequence '\\U0000FFFE': not a valid Unicode code point");
  EXPECT_EQ(split_error("\\18x"),
            "invalid escape sequence '\\18x': an octal escape needs three digits, as in \\040");
  EXPECT_EQ(split_error("\\17"),
            "invalid escape sequence '\\17': an octal escape needs three digits, as in \\040");
  EXPECT_EQ(split_error("\\400"),
            "invalid escape sequence '\\400': an octal escape is at most \\377");
}

TEST(SplitWordsTest, RefusesNulBytes) {
  const std::string nul = "it stands for a NUL byte, which is not allowed";
  EXPECT_EQ(split_error("a\\x00b"), "invalid escape sequence '\\x00': " + nul);
  EXPECT_EQ(split_error("\\000"), "invalid escape sequence '\\000': " + nul);
  EXPECT_EQ(split_error("\\u0000"), "invalid escape sequence '\\u0000': " + nul);
  EXPECT_EQ(split_error("\\U00000000"), "invalid escape sequence '\\U00000000': " + nul);
  EXPECT_EQ(split_error(std::string_view("a\0b", 3)),
            "text contains a NUL byte, which is not allowed");
}

TEST(QuoteExecArgumentTest, LeavesPlainWordsUnquoted) {
  EXPECT_EQ(quote_exec_argument("/usr/bin/systemd-nspawn"), "/usr/bin/systemd-nspawn");
  EXPECT_EQ(quote_exec_argument("--machine=web"), "--machine=web");
  EXPECT_EQ(quote_exec_argument("aZ09_@%+=:,./-"), "aZ09_@%+=:,./-");
  EXPECT_EQ(quote_exec_argument("%i"), "%i");
}

TEST(QuoteExecArgumentTest, QuotesEmptyArgument) { EXPECT_EQ(quote_exec_argument(""), "\"\""); }

TEST(QuoteExecArgumentTest, QuotesWhitespaceAndShellCharacters) {
  EXPECT_EQ(quote_exec_argument("hello world"), "\"hello world\"");
  EXPECT_EQ(quote_exec_argument("it's"), "\"it's\"");
  EXPECT_EQ(quote_exec_argument("#x"), "\"#x\"");
  EXPECT_EQ(quote_exec_argument("a*b?c~!&|<>(){}[]"), "\"a*b?c~!&|<>(){}[]\"");
  EXPECT_EQ(quote_exec_argument("50% off"), "\"50% off\"");
}

TEST(QuoteExecArgumentTest, EscapesBackslashAndDoubleQuote) {
  EXPECT_EQ(quote_exec_argument("a\\b\"c"), "\"a\\\\b\\\"c\"");
}

TEST(QuoteExecArgumentTest, DoublesDollarSigns) {
  EXPECT_EQ(quote_exec_argument("$HOME"), "\"$$HOME\"");
  EXPECT_EQ(quote_exec_argument("${A}$$"), "\"$${A}$$$$\"");
}

TEST(QuoteExecArgumentTest, QuotesSemicolonSoItIsNotACommandSeparator) {
  // systemd 252's config_parse_exec() takes an unquoted ";" followed by
  // whitespace or the end of the line as the start of a new command, and
  // "\;" unquoted as a literal ";" but nowhere else; a quoted ";" is always
  // an argument and also what split_words() reads back.
  EXPECT_EQ(quote_exec_argument(";"), "\";\"");
  EXPECT_EQ(quote_exec_argument("a;b"), "\"a;b\"");
  EXPECT_EQ(quote_exec_argument(";;"), "\";;\"");
}

TEST(QuoteExecArgumentTest, EscapesControlCharacters) {
  EXPECT_EQ(quote_exec_argument("a\nb"), "\"a\\nb\"");
  EXPECT_EQ(quote_exec_argument("a\tb"), "\"a\\tb\"");
  EXPECT_EQ(quote_exec_argument("a\rb"), "\"a\\x0db\"");
  EXPECT_EQ(quote_exec_argument("\x01\x1f\x7f"), "\"\\x01\\x1f\\x7f\"");
}

TEST(QuoteExecArgumentTest, KeepsValidUtf8) {
  EXPECT_EQ(quote_exec_argument("caf\xc3\xa9"), "\"caf\xc3\xa9\"");
  EXPECT_EQ(quote_exec_argument("\xf0\x9f\x98\x80"), "\"\xf0\x9f\x98\x80\"");
}

TEST(QuoteExecArgumentTest, EscapesBytesSystemdWouldRefuseInAUnitFile) {
  EXPECT_EQ(quote_exec_argument("\xff"), "\"\\xff\"");
  EXPECT_EQ(quote_exec_argument("\xc0\x80"), "\"\\xc0\\x80\"");                    // overlong NUL
  EXPECT_EQ(quote_exec_argument("\xe2\x82"), "\"\\xe2\\x82\"");                    // truncated
  EXPECT_EQ(quote_exec_argument("\xed\xa0\x80"), "\"\\xed\\xa0\\x80\"");           // surrogate
  EXPECT_EQ(quote_exec_argument("\xef\xb7\x90"), "\"\\xef\\xb7\\x90\"");           // U+FDD0
  EXPECT_EQ(quote_exec_argument("\xf4\x90\x80\x80"), "\"\\xf4\\x90\\x80\\x80\"");  // > U+10FFFF
  EXPECT_EQ(quote_exec_argument("a\x80z"), "\"a\\x80z\"");
}

TEST(QuoteExecArgumentTest, SplitsBackToTheArgumentWithDollarsDoubled) {
  const std::vector<std::string> arguments = {
      "",
      "plain",
      "with space",
      "  leading and trailing  ",
      "tab\there",
      "new\nline",
      "quote\"double",
      "quote'single",
      "back\\slash",
      "trailing\\",
      "\\",
      "\"",
      "'",
      ";",
      "\\;",
      "$",
      "$$",
      "${VAR}",
      "%i %n %%",
      "caf\xc3\xa9",
      "\x01\x02\x7f",
      "\xff\xfe\x80",
      "\xed\xa0\x80",
      "mixed 'single' \"double\" \\ $X ; # %",
  };
  for (const std::string& argument : arguments) {
    std::string quoted = quote_exec_argument(argument);
    EXPECT_EQ(split_ok(quoted), Words{double_dollars(argument)}) << "quoted: " << quoted;
    EXPECT_EQ(quoted.find('\n'), std::string::npos) << "quoted: " << quoted;
    EXPECT_NE(quoted.front(), ';') << "quoted: " << quoted;
  }
}

TEST(QuoteExecCommandTest, JoinsQuotedArgumentsWithSpaces) {
  const std::vector<std::string> command = {"/bin/echo", "a b", "", "$x", ";", "%n"};
  EXPECT_EQ(quote_exec_command(command), "/bin/echo \"a b\" \"\" \"$$x\" \";\" %n");
  EXPECT_EQ(split_ok(quote_exec_command(command)),
            (Words{"/bin/echo", "a b", "", "$$x", ";", "%n"}));
}

TEST(QuoteExecCommandTest, EmptyCommandIsEmpty) { EXPECT_EQ(quote_exec_command({}), ""); }

}  // namespace
}  // namespace sdme::file
