#pragma once
// The KEY=VALUE configuration files that shell scripts and daemons read alike
// (/etc/ufw/ufw.conf, /etc/default/ufw, /etc/firewalld/firewalld.conf).
#include <string>
#include <string_view>

namespace dnd {

// The value of KEY=VALUE in text, surrounding quotes removed; the last assignment wins, as in
// the shell. "" when absent. Comment lines never match (no key starts with '#').
std::string config_value(std::string_view text, std::string_view key);

}  // namespace dnd
