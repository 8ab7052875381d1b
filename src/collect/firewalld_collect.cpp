// Where firewalld's state is read from (see firewalld_collect.hpp).
#include "docknetdoctor/collect/firewalld_collect.hpp"

#include <cstdlib>

#include <fmt/format.h>

namespace dnd {
namespace {

constexpr const char* kStandardSystemBus = "unix:path=/run/dbus/system_bus_socket";

// Replies that mean the bus answered and firewalld is not on it.
bool firewalld_absent(const Error& e) {
    return e.message.find("org.freedesktop.DBus.Error.ServiceUnknown") != std::string::npos ||
           e.message.find("org.freedesktop.DBus.Error.NameHasNoOwner") != std::string::npos;
}

}  // namespace

FirewalldReadOptions firewalld_options_from_environment(std::chrono::milliseconds timeout,
                                                        std::vector<std::string> interfaces) {
    FirewalldReadOptions options;
    if (const char* root = std::getenv(kFirewalldRootVariable)) options.root = root;
    const char* bus = std::getenv("DBUS_SYSTEM_BUS_ADDRESS");
    options.bus_address = bus != nullptr && *bus != '\0' ? bus : kStandardSystemBus;
    options.timeout = timeout;
    options.interfaces = std::move(interfaces);
    return options;
}

FirewalldState read_firewalld_state(const FirewalldReadOptions& options) {
    if (!options.may_run) {
        FirewalldState state = read_firewalld_files(options.root, options.interfaces);
        state.runtime_unread = "firewalld is not running (no pid file, unit, process or rules of its own)";
        return state;
    }
    auto runtime = read_firewalld_runtime(options);
    if (runtime) return std::move(*runtime);
    FirewalldState state = read_firewalld_files(options.root, options.interfaces);
    state.bus_address = options.bus_address;
    state.runtime_unread = firewalld_absent(runtime.error())
                               ? fmt::format("firewalld is not running (not on the system bus at {})", options.bus_address)
                               : runtime.error().message;
    return state;
}

}  // namespace dnd
