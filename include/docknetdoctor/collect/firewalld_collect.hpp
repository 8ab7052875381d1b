#pragma once
// firewalld's state: from the running daemon over D-Bus (what it gave the kernel, Docker's
// runtime bridge bindings included), or, when the bus does not answer or firewalld does not
// run, from its configuration files (/etc/firewalld over /usr/lib/firewalld, as firewalld
// itself reads them), saying that runtime state was not read. Nothing is changed.
#include <chrono>
#include <string>
#include <vector>

#include "docknetdoctor/model/error.hpp"
#include "docknetdoctor/model/firewalld.hpp"

namespace dnd {

// Points the reading of firewalld's configuration files at a tree instead of this host's /
// (tests, and a copy of another host's /etc/firewalld and /usr/lib/firewalld).
inline constexpr const char* kFirewalldRootVariable = "DOCKNETDOCTOR_FIREWALLD_ROOT";

struct FirewalldReadOptions {
    std::string root;         // "" (this host) or a tree holding etc/firewalld and usr/lib/firewalld
    std::string bus_address;  // the system bus: DBUS_SYSTEM_BUS_ADDRESS, or the standard socket
    std::chrono::milliseconds timeout{5000};  // for the whole conversation with the bus
    // The interfaces whose zone matters (Docker's bridges, the host's links).
    std::vector<std::string> interfaces;
    // Whether firewalld may be running here (its pid file, unit or rules were seen, or the
    // rules could not be read): otherwise the bus is not asked, and loading libsystemd,
    // connecting and asking for a name no one owns are spared.
    bool may_run = true;
};

// Options for this host: the root from kFirewalldRootVariable, the bus address from
// DBUS_SYSTEM_BUS_ADDRESS (else unix:path=/run/dbus/system_bus_socket).
FirewalldReadOptions firewalld_options_from_environment(std::chrono::milliseconds timeout,
                                                        std::vector<std::string> interfaces);

// The running daemon's state over D-Bus. Fails with the reason when the bus cannot be reached
// or does not answer within options.timeout, or when firewalld is not on it.
Result<FirewalldState> read_firewalld_runtime(const FirewalldReadOptions& options);

// The permanent configuration under root: source files, or none when firewalld is not
// installed there. A zone or policy file that cannot be parsed is left out and named in
// unreadable; the rest is read.
FirewalldState read_firewalld_files(const std::string& root, const std::vector<std::string>& interfaces);

// Runtime when the daemon may run and answers; else the files, with runtime_unread saying why.
FirewalldState read_firewalld_state(const FirewalldReadOptions& options);

}  // namespace dnd
