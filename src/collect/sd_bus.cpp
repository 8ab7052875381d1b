// Batched D-Bus calls under a deadline (see sd_bus.hpp).
#include "sd_bus.hpp"

#include <algorithm>
#include <cstring>
#include <mutex>

#include <fmt/format.h>

#include "shared_library.hpp"

namespace dnd {
namespace {

Result<SdBusApi> resolve_api(const std::string& source) {
    auto library = SharedLibrary::load("libsystemd.so.0", source);
    if (!library) return std::unexpected(library.error());
    SdBusApi api;
    FunctionResolver resolve(**library);
    resolve(api.bus_new, "sd_bus_new");
    resolve(api.set_address, "sd_bus_set_address");
    resolve(api.set_bus_client, "sd_bus_set_bus_client");
    resolve(api.start, "sd_bus_start");
    resolve(api.close_unref, "sd_bus_close_unref");
    resolve(api.call_method_async, "sd_bus_call_method_async");
    resolve(api.slot_unref, "sd_bus_slot_unref");
    resolve(api.process, "sd_bus_process");
    resolve(api.wait, "sd_bus_wait");
    resolve(api.message_ref, "sd_bus_message_ref");
    resolve(api.message_unref, "sd_bus_message_unref");
    resolve(api.message_get_error, "sd_bus_message_get_error");
    resolve(api.read_basic, "sd_bus_message_read_basic");
    resolve(api.read_strv, "sd_bus_message_read_strv");
    resolve(api.enter_container, "sd_bus_message_enter_container");
    resolve(api.exit_container, "sd_bus_message_exit_container");
    resolve(api.peek_type, "sd_bus_message_peek_type");
    resolve(api.skip, "sd_bus_message_skip");
    if (resolve.missing()) return std::unexpected(*resolve.missing());
    return api;
}

// Keeps the reply in the call's slot (userdata).
int on_reply(sd_bus_message* m, void* userdata, sd_bus_error* /*unused*/) {
    auto* reply = static_cast<BusMessage*>(userdata);
    reply->reset(reply->get_deleter().api->message_ref(m));
    return 0;
}

}  // namespace

Result<const SdBusApi*> load_sd_bus_api(const std::string& source) {
    static std::once_flag once;
    static Result<SdBusApi> api = std::unexpected(Error{source, "not loaded"});
    std::call_once(once, [&source] { api = resolve_api(source); });
    if (!api) return std::unexpected(api.error());
    return &*api;
}

Result<BusConnection> BusConnection::open(const SdBusApi& api, const std::string& address, const std::string& source) {
    sd_bus* raw = nullptr;
    if (const int r = api.bus_new(&raw); r < 0)
        return std::unexpected(Error{source, fmt::format("cannot make a D-Bus connection: {}", std::strerror(-r))});
    BusConnection connection(api, raw, source);
    int r = api.set_address(raw, address.c_str());
    if (r >= 0) r = api.set_bus_client(raw, 1);
    if (r >= 0) r = api.start(raw);
    if (r < 0)
        return std::unexpected(
            Error{source, fmt::format("cannot connect to the system bus at {}: {}", address, std::strerror(-r))});
    return connection;
}

Result<std::vector<Result<BusMessage>>> BusConnection::call_all(const std::vector<BusCall>& calls,
                                                                std::chrono::steady_clock::time_point deadline) {
    sd_bus* bus = bus_.get();
    std::vector<BusMessage> pending;
    for (std::size_t i = 0; i < calls.size(); ++i) pending.emplace_back(nullptr, MessageUnref{api_});
    // The slots end with this function: a reply arriving later finds no callback to call.
    const auto unref_slot = [this](sd_bus_slot* s) { api_->slot_unref(s); };
    std::vector<std::unique_ptr<sd_bus_slot, decltype(unref_slot)>> slots;
    const auto broken = [this](int r) {
        return std::unexpected(Error{source_, fmt::format("the connection broke: {}", std::strerror(-r))});
    };
    for (std::size_t i = 0; i < calls.size(); ++i) {
        const BusCall& c = calls[i];
        sd_bus_slot* slot = nullptr;
        const int r = c.argument.empty()
                          ? api_->call_method_async(bus, &slot, c.destination.c_str(), c.path.c_str(), c.interface.c_str(),
                                                    c.member.c_str(), on_reply, &pending[i], nullptr)
                          : api_->call_method_async(bus, &slot, c.destination.c_str(), c.path.c_str(), c.interface.c_str(),
                                                    c.member.c_str(), on_reply, &pending[i], "s", c.argument.c_str());
        if (r < 0) return broken(r);
        slots.emplace_back(slot, unref_slot);
    }
    const auto answered = [&pending] {
        return std::all_of(pending.begin(), pending.end(), [](const BusMessage& reply) { return reply != nullptr; });
    };
    while (!answered()) {
        int r = api_->process(bus, nullptr);
        if (r < 0) return broken(r);
        if (r > 0) continue;
        const auto now = std::chrono::steady_clock::now();
        if (now >= deadline) break;
        r = api_->wait(bus, std::chrono::duration_cast<std::chrono::microseconds>(deadline - now).count());
        if (r < 0) return broken(r);
    }
    std::vector<Result<BusMessage>> replies;
    for (std::size_t i = 0; i < calls.size(); ++i) {
        BusMessage& reply = pending[i];
        if (!reply) {
            replies.push_back(std::unexpected(Error{source_, fmt::format("{}: no answer in time", calls[i].member)}));
            continue;
        }
        const sd_bus_error* error = api_->message_get_error(reply.get());
        if (error != nullptr && error->name != nullptr) {
            replies.push_back(std::unexpected(
                Error{source_, fmt::format("{}: {}: {}", calls[i].member, error->name, error->message ? error->message : "")}));
            continue;
        }
        replies.push_back(std::move(reply));
    }
    return replies;
}

}  // namespace dnd
