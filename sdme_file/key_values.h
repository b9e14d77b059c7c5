// Value grammars shared by rows of the [Container] key table in more than
// one file (container_keys.cc, app_keys.cc).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sdme::file {

// The specifiers systemd 252 expands in unit settings (systemd.unit(5)).
inline constexpr std::string_view kUnitSpecifiers = "aAbBCdEfgGhHiIjJlLmMnNopPqsStTuUvVwWyY%";

// Splits a value into words (systemd's quoting and C escapes) that are
// quoted again for the unit; refuses a decoded word with a specifier
// systemd does not know.
bool parse_words(std::string_view value, std::vector<std::string>* words, std::string* err);

// A list key's value: its words (parse_words()), each parsed by
// `parse_one(word, &item, err)` and appended to `list`; an empty value
// clears the list. A failure leaves the list as it was; messages of the
// split start "KEY=:".
template <typename Item, typename ParseOne>
bool parse_word_list(std::string_view key, std::string_view value, std::vector<Item>* list,
                     ParseOne parse_one, std::string* err) {
  if (value.empty()) {
    list->clear();
    return true;
  }
  std::vector<std::string> words;
  if (!parse_words(value, &words, err)) {
    *err = std::string(key) + "=: " + *err;
    return false;
  }
  std::vector<Item> items;
  for (std::string& word : words) {
    Item item;
    if (!parse_one(std::move(word), &item, err)) return false;
    items.push_back(std::move(item));
  }
  for (Item& item : items) list->push_back(std::move(item));
  return true;
}

// Appends the NAME=VALUE words of `value` (Environment=, AppEnvironment=)
// to `list`; an empty value clears it. Every name must be one systemd can
// set; messages start "KEY=:".
bool parse_assignments(std::string_view key, std::string_view value, std::vector<std::string>* list,
                       std::string* err);

// An image or rootfs source (Import=, AppImage=; not empty): the grammar
// sdme-import reads it with (common/import_source_syntax.h), no
// specifiers ("%%" is a plain '%'), no blank or control character. A path
// comes back normalized. Messages start "KEY=SOURCE" with a URL's
// credentials left out.
bool parse_image_source(std::string_view key, std::string_view value, std::string* result,
                        std::string* err);

}  // namespace sdme::file
