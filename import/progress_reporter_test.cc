#include "import/progress_reporter.h"

#include <gtest/gtest.h>

namespace sdme::import {
namespace {

TEST(FormatBytesTest, UsesBinaryUnitsWithOneDecimal) {
  EXPECT_EQ(format_bytes(0), "0 B");
  EXPECT_EQ(format_bytes(1023), "1023 B");
  EXPECT_EQ(format_bytes(1024), "1.0 KiB");
  EXPECT_EQ(format_bytes(1536), "1.5 KiB");
  EXPECT_EQ(format_bytes(250ull << 20), "250.0 MiB");
  EXPECT_EQ(format_bytes(3ull << 30), "3.0 GiB");
  EXPECT_EQ(format_bytes(5ull << 50), "5.0 PiB");
  EXPECT_EQ(format_bytes(5000ull << 50), "5000.0 PiB");
}

TEST(FormatProgressTest, ShowsPercentOfAKnownTotal) {
  EXPECT_EQ(format_progress("Unpacking", 12ull << 20, 48ull << 20),
            "Unpacking: 12.0 MiB of 48.0 MiB (25%)");
}

TEST(FormatProgressTest, ShowsOnlyBytesWithoutATotal) {
  EXPECT_EQ(format_progress("Copying", 12ull << 20, 0), "Copying: 12.0 MiB");
}

TEST(FormatProgressTest, NeverShowsMoreThanAHundredPercent) {
  EXPECT_EQ(format_progress("Downloading", 2048, 1024), "Downloading: 2.0 KiB of 1.0 KiB (100%)");
}

}  // namespace
}  // namespace sdme::import
