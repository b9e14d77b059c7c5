// The root of a container's mounted overlay, opened for the helpers that
// change the container's files before it starts (its /etc/hostname, its
// /etc/resolv.conf).
//
// overlayfs leaves undefined what happens when a layer changes under a live
// mount (Documentation/filesystems/overlayfs.rst, "Changes to underlying
// filesystems"), so once the overlay is mounted every change goes through
// it: into merged/, where overlayfs itself copies up, whites out and
// renames, never into upper/. Reading upper/ stays fine.
#pragma once

#include <string>

#include "helpers/container/container_layout.h"
#include "common/files_beneath.h"

namespace sdme::container {

// Opens STATE/containers/NAME/merged, and fails unless sdme's overlay is
// mounted there: writing into the bare directory below would change the
// host's disk, which no container ever sees.
bool open_mounted_overlay(const ContainerLayout& layout, DirectoryHandle* root, std::string* err);

}  // namespace sdme::container
