// Ctrl+C and `systemctl stop` during an import. SIGINT and SIGTERM set a
// flag that every long loop (download, unpack, copy) polls, so the import
// stops at the next block and its cleanup removes the half-made tree. A
// second SIGINT kills at once, as people expect of a stuck program; what it
// leaves behind is removed by the next import of the same name.
#pragma once

#include <atomic>

namespace sdme::import {

void install_interruption_handlers();

// The flag the loops poll; never null.
const std::atomic<bool>* interruption_flag();

bool interrupted();

// Lowers the flag again. sdme-import runs one import and exits, so only a
// process that runs several imports needs this: the tests, which raise
// SIGTERM to interrupt one import and must not fail every later one.
void clear_interruption();

}  // namespace sdme::import
