// root's /root/.ssh/authorized_keys from SSHAuthorizedKeys=: written whole
// at every start, so it always says what the .sdme file says. Its first
// line marks it as sdme's; a file without the mark is the administrator's,
// and is only ever replaced while keys are configured.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "helpers/provision/container_tree.h"

namespace sdme::provision {

// The file's whole content: kAuthorizedKeysMarker (markers.h), then each value in order, an
// absolute path standing for the keys in that host file (read now, before
// anything in the tree changes), anything else for one key line. Empty
// when `values` is.
bool read_authorized_keys(const std::vector<std::string>& values, std::string* content,
                          std::string* err);

// With `content`: writes /root/.ssh (0700) and its authorized_keys (0600),
// owned by root. Without: removes an authorized_keys the upper layer holds
// with the marker, so removing the key from the .sdme file removes its
// effect too.
bool set_up_authorized_keys(const ContainerTree& tree, std::string_view content, std::string* err);

}  // namespace sdme::provision
