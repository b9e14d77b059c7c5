// Tests for the one did-you-mean rule: case first, then at most 2 edits and
// at most half of what was typed, the first of equals winning.
#include "common/closest_match.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sdme {
namespace {

std::string closest(std::string_view typed, const std::vector<std::string>& known) {
  ClosestMatch match(typed);
  for (const std::string& name : known) match.offer(name);
  return match.best();
}

const std::vector<std::string> kKeys = {"Bind", "BindReadOnly", "Boot",
                                        "Exec", "Hostname",     "Network"};

TEST(ClosestMatchTest, ADifferenceOfCaseAloneIsAlwaysSuggested) {
  EXPECT_EQ(closest("hostname", kKeys), "Hostname");
  EXPECT_EQ(closest("BINDREADONLY", kKeys), "BindReadOnly");
  // Even where the half rule would allow nothing else.
  EXPECT_EQ(closest("b", {"B", "a"}), "B");
}

TEST(ClosestMatchTest, UpToTwoEditsWithoutRegardToCase) {
  EXPECT_EQ(closest("Bnd", kKeys), "Bind");           // a dropped letter
  EXPECT_EQ(closest("Hostnmae", kKeys), "Hostname");  // swapped letters: two edits
  EXPECT_EQ(closest("netwrk", kKeys), "Network");     // a dropped letter, and case
  EXPECT_EQ(closest("Hostn___", kKeys), "");          // three edits
}

TEST(ClosestMatchTest, AtMostHalfOfWhatWasTypedChanges) {
  EXPECT_EQ(closest("all", {"KILL"}), "");   // two edits of three letters
  EXPECT_EQ(closest("Ex", kKeys), "");       // two edits of two letters
  EXPECT_EQ(closest("Exe", kKeys), "Exec");  // one edit of three
  EXPECT_EQ(closest("Boat", kKeys), "Boot");
  EXPECT_EQ(closest("", kKeys), "");
}

TEST(ClosestMatchTest, TheNearestWinsAndTheFirstOfEquals) {
  EXPECT_EQ(closest("Bont", kKeys), "Boot");  // Bind is two edits away, Boot one
  EXPECT_EQ(closest("Bxxt", {"Bart", "Bort"}), "Bart");
  EXPECT_EQ(closest("Bxxt", {"Bort", "Bart"}), "Bort");
}

TEST(ClosestMatchTest, ComparesWithWhatTheCallerSays) {
  ClosestMatch match("NET_ADMN");
  match.offer("CAP_NET_ADMIN", "NET_ADMIN");
  match.offer("CAP_NET_RAW", "NET_RAW");
  EXPECT_EQ(match.best(), "CAP_NET_ADMIN");
  EXPECT_EQ(match.best_distance(), 1u);
  EXPECT_EQ(match.did_you_mean(), ", did you mean 'CAP_NET_ADMIN'?");
}

TEST(ClosestMatchTest, NoSuggestionSaysNothing) {
  ClosestMatch match("Frobnicate");
  for (const std::string& key : kKeys) match.offer(key);
  EXPECT_EQ(match.best(), "");
  EXPECT_EQ(match.did_you_mean(), "");
}

TEST(ClosestMatchTest, AMegabyteOfTypedTextIsCheap) {
  ClosestMatch match(std::string(1 << 20, 'B'));
  for (int i = 0; i < 1000; ++i)
    for (const std::string& key : kKeys) match.offer(key);
  EXPECT_EQ(match.best(), "");
}

}  // namespace
}  // namespace sdme
