#pragma once
// A short conversation with a D-Bus bus through sd-bus (libsystemd, loaded when first needed):
// connect to an address, send a batch of method calls at once, and wait for their replies no
// longer than a deadline, the connection's authentication included (sd-bus's own waits would
// block for its default 25 s on a bus that accepts and never answers).
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <systemd/sd-bus.h>

#include "docknetdoctor/model/error.hpp"

namespace dnd {

// The sd-bus functions the readers call, resolved from libsystemd once.
struct SdBusApi {
    decltype(&sd_bus_new) bus_new = nullptr;
    decltype(&sd_bus_set_address) set_address = nullptr;
    decltype(&sd_bus_set_bus_client) set_bus_client = nullptr;
    decltype(&sd_bus_start) start = nullptr;
    decltype(&sd_bus_close_unref) close_unref = nullptr;
    decltype(&sd_bus_call_method_async) call_method_async = nullptr;
    decltype(&sd_bus_slot_unref) slot_unref = nullptr;
    decltype(&sd_bus_process) process = nullptr;
    decltype(&sd_bus_wait) wait = nullptr;
    decltype(&sd_bus_message_ref) message_ref = nullptr;
    decltype(&sd_bus_message_unref) message_unref = nullptr;
    decltype(&sd_bus_message_get_error) message_get_error = nullptr;
    decltype(&sd_bus_message_read_basic) read_basic = nullptr;
    decltype(&sd_bus_message_read_strv) read_strv = nullptr;
    decltype(&sd_bus_message_enter_container) enter_container = nullptr;
    decltype(&sd_bus_message_exit_container) exit_container = nullptr;
    decltype(&sd_bus_message_peek_type) peek_type = nullptr;
    decltype(&sd_bus_message_skip) skip = nullptr;
};

// The table, or why libsystemd or one of its functions is not there.
Result<const SdBusApi*> load_sd_bus_api(const std::string& source);

struct MessageUnref {
    const SdBusApi* api;
    void operator()(sd_bus_message* m) const { api->message_unref(m); }
};
using BusMessage = std::unique_ptr<sd_bus_message, MessageUnref>;

struct BusCall {
    std::string destination;
    std::string path;
    std::string interface;
    std::string member;
    std::string argument;  // the one string argument; "" when the method takes none
};

class BusConnection {
public:
    // Connected (or connecting: sd-bus finishes the handshake while the first calls wait) to
    // the bus at address, as a client; fails when the address cannot be connected to.
    static Result<BusConnection> open(const SdBusApi& api, const std::string& address, const std::string& source);

    BusConnection(BusConnection&&) = default;
    BusConnection& operator=(BusConnection&&) = default;
    ~BusConnection() = default;

    // Sends every call, then waits until each has its reply or the deadline passes. Each
    // result is the reply, or the bus's error ("org.freedesktop.DBus.Error.ServiceUnknown:
    // ..."), or "no answer". Fails as a whole when the connection breaks.
    Result<std::vector<Result<BusMessage>>> call_all(const std::vector<BusCall>& calls,
                                                     std::chrono::steady_clock::time_point deadline);

private:
    struct Closer {
        const SdBusApi* api;
        void operator()(sd_bus* bus) const { api->close_unref(bus); }
    };
    BusConnection(const SdBusApi& api, sd_bus* bus, std::string source)
        : api_(&api), bus_(bus, Closer{&api}), source_(std::move(source)) {}

    const SdBusApi* api_;
    std::unique_ptr<sd_bus, Closer> bus_;
    std::string source_;
};

}  // namespace dnd
