// "Did you mean ...?": the one rule every message that suggests a known
// name follows (unknown keys, capabilities, system calls and their groups).
//
// The rule: names are compared without regard to case, so a name that
// differs only in case is always suggested; otherwise the nearest known
// name by Levenshtein distance is, if it is at most 2 edits away and at
// most half of what was typed changes. On a tie the first offered wins, so
// the same input always gets the same suggestion.
//
// Why not systemd's strv_find_closest() (a known name that starts with the
// typed text, else up to 5 edits): its lists are a handful of verbs typed on
// a command line; ours hold hundreds of system calls, where 5 edits of a
// short name reach many unrelated ones, and a one-letter typo would be
// "completed" to whatever starts with it. Two edits cover a dropped,
// doubled, swapped (two substitutions) or wrong letter; the half rule keeps
// "all" from becoming "KILL". The bound also lets edit_distance() stop
// early, so a megabyte of typed text costs nothing.
#pragma once

#include <string>
#include <string_view>

namespace sdme {

class ClosestMatch {
 public:
  explicit ClosestMatch(std::string_view typed);

  // Offers a known name. `compared` is what `typed` is held against, when
  // that is not the name itself: "NET_ADMIN" for "CAP_NET_ADMIN", or a
  // shorter spelling people write ("@network" for "@network-io").
  void offer(std::string_view name, std::string_view compared);
  void offer(std::string_view name) { offer(name, name); }

  // The suggestion so far; empty if nothing offered was close enough.
  const std::string& best() const { return best_; }
  size_t best_distance() const { return best_distance_; }

  // ", did you mean 'NAME'?" or, with no suggestion, "".
  std::string did_you_mean() const;

 private:
  std::string typed_lower_;
  size_t limit_;  // the most edits a suggestion may be away
  std::string best_;
  size_t best_distance_;
};

}  // namespace sdme
