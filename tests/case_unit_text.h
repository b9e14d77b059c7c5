// A small reader for unit text (sections and Key=Value lines), used by the
// golden case runner to look at generated units and by the key coverage
// check to look at case files. It is deliberately independent of the
// generator's own parser, so a parser bug cannot hide itself in the tests.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sdme {

struct UnitTextAssignment {
  std::string section;  // without brackets
  std::string key;
  std::string value;  // as written, whitespace-trimmed, continuation lines joined
  int line = 0;
};

class UnitText {
 public:
  // Reads every assignment; comment lines ('#', ';') and lines without '='
  // outside a section header are skipped, never an error.
  explicit UnitText(std::string_view text);

  // Every value of `key` in `section`, in order, including empty ones.
  std::vector<std::string> values(std::string_view section, std::string_view key) const;

  const std::vector<UnitTextAssignment>& assignments() const { return assignments_; }

 private:
  std::vector<UnitTextAssignment> assignments_;
};

}  // namespace sdme
