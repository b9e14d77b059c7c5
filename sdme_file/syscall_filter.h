// Validation of SystemCallFilter= values with libseccomp.
#pragma once

#include <string>
#include <string_view>

namespace sdme::file {

// `value` is one SystemCallFilter= assignment as nspawn takes it: a
// whitespace-separated list of system call names and @groups, optionally
// prefixed with '~' (deny list). Names are resolved with libseccomp for the
// native architecture; groups are checked against the groups systemd 252
// defines. On error *err says which word is wrong, e.g.
// "unknown system call 'opne', did you mean 'open'?" or
// "unknown system call group '@netwrok', did you mean '@network-io'?".
// On success *normalized holds the words joined by single spaces (with the
// leading '~' kept), ready for --system-call-filter=.
bool validate_system_call_filter(std::string_view value, std::string* normalized, std::string* err);

}  // namespace sdme::file
