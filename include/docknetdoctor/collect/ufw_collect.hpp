#pragma once
// UFW's state, read from its own files (ufw keeps no other record of what the user asked
// for): ufw.conf, /etc/default/ufw, user.rules and user6.rules, after.rules. Every path is
// read under a root prefix, "" for this host. Nothing is changed and ufw is not run.
#include <string>

#include "docknetdoctor/model/error.hpp"
#include "docknetdoctor/model/ufw.hpp"

namespace dnd {

// The environment variable that points UFW's reading at a tree instead of this host's /
// (tests, and a copy of another host's /etc/ufw and /etc/default/ufw).
inline constexpr const char* kUfwRootVariable = "DOCKNETDOCTOR_UFW_ROOT";

// "" (this host), or the tree kUfwRootVariable names.
std::string ufw_root_from_environment();

// UFW's state under root. No ufw.conf: not installed, nothing else read. A rules file or
// after.rules that cannot be read leaves its slot failed with the reason; the rest is read.
// Fails as a whole only when ufw.conf exists and cannot be read.
Result<UfwState> read_ufw_state(const std::string& root);

}  // namespace dnd
