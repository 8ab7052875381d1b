#include "docknetdoctor/facts_query.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace dnd {

std::vector<PortKey> ports_in_question(const Facts& f) {
    if (f.query.port) return {*f.query.port};
    std::vector<PortKey> out;
    if (f.container) {
        const Container& c = *f.container;
        for (const auto& [p, _] : c.port_bindings) out.push_back(p);
        for (const auto& [p, _] : c.ports) out.push_back(p);
        out.insert(out.end(), c.exposed_ports.begin(), c.exposed_ports.end());
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

std::vector<HostBinding> bindings_of(const Container& c, PortKey p) {
    const auto& source = c.state.running ? c.ports : c.port_bindings;
    if (auto it = source.find(p); it != source.end()) return it->second;
    return {};
}

bool is_loopback_address(std::string_view addr) {
    return addr.starts_with("127.") || addr == "::1" || addr.starts_with("::ffff:127.") ||
           addr == "localhost";
}

bool is_wildcard_address(std::string_view addr) {
    return addr.empty() || addr == "0.0.0.0" || addr == "::";
}

std::vector<Listener> listeners_on(const std::vector<Listener>& ls, PortKey p) {
    std::vector<Listener> out;
    std::copy_if(ls.begin(), ls.end(), std::back_inserter(out),
                 [&](const Listener& l) { return l.port == p.port && l.proto == p.proto; });
    return out;
}

std::vector<Listener> reachable_listeners(const std::vector<Listener>& ls, PortKey p) {
    auto out = listeners_on(ls, p);
    std::erase_if(out, [](const Listener& l) { return is_loopback_address(l.address); });
    return out;
}

std::vector<Listener> loopback_listeners(const std::vector<Listener>& ls, PortKey p) {
    auto out = listeners_on(ls, p);
    std::erase_if(out, [](const Listener& l) { return !is_loopback_address(l.address); });
    return out;
}

std::string describe(const Listener& l) {
    std::string where = l.family == 6 ? fmt::format("[{}]:{}", l.address, l.port)
                                      : fmt::format("{}:{}", l.address, l.port);
    std::string text = fmt::format("{}{} {} {}", to_string(l.proto), l.family == 6 ? "6" : "",
                                   where, l.proto == Proto::tcp ? "LISTEN" : "bound");
    for (const auto& o : l.owners) text += fmt::format(" {}(pid {})", o.process, o.pid);
    return text;
}

std::string describe(const HostBinding& b) {
    std::string ip = b.host_ip.empty() ? "0.0.0.0" : b.host_ip;
    if (ip.find(':') != std::string::npos) return fmt::format("[{}]:{}", ip, b.host_port);
    return fmt::format("{}:{}", ip, b.host_port);
}

bool is_host_network(const Container& c) { return c.network_mode == "host"; }
bool is_none_network(const Container& c) { return c.network_mode == "none"; }

}  // namespace dnd
