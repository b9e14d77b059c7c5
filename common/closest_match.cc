#include "common/closest_match.h"

#include <algorithm>
#include <cctype>

#include "common/strings.h"

namespace sdme {
namespace {

constexpr size_t kMaxSuggestionDistance = 2;

std::string lower_case(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower;
}

}  // namespace

ClosestMatch::ClosestMatch(std::string_view typed)
    : typed_lower_(lower_case(typed)),
      limit_(std::min(kMaxSuggestionDistance, typed.size() / 2)),
      best_distance_(limit_ + 1) {}

void ClosestMatch::offer(std::string_view name, std::string_view compared) {
  if (best_distance_ == 0) return;
  size_t distance = edit_distance(typed_lower_, lower_case(compared), limit_);
  if (distance < best_distance_) {
    best_ = name;
    best_distance_ = distance;
  }
}

std::string ClosestMatch::did_you_mean() const {
  if (best_.empty()) return "";
  return ", did you mean '" + best_ + "'?";
}

}  // namespace sdme
