#include "docknetdoctor/facts_query.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>

#include <fmt/format.h>

#include "docknetdoctor/endpoint.hpp"

namespace dnd {

std::vector<PortKey> ports_in_question(const Facts& f) {
    // --to asks whether the container reaches another one: its own ports are another question.
    if (f.query.to) return {};
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

bool is_ip_literal(const std::string& text) {
    unsigned char buffer[sizeof(in6_addr)];
    return ::inet_pton(AF_INET, text.c_str(), buffer) == 1 || ::inet_pton(AF_INET6, text.c_str(), buffer) == 1;
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
    std::string text = fmt::format("{}{} {} {}", to_string(l.proto), l.family == 6 ? "6" : "",
                                   format_endpoint(l.family, l.address, l.port), l.proto == Proto::tcp ? "LISTEN" : "bound");
    for (const auto& o : l.owners) text += fmt::format(" {}(pid {})", o.process, o.pid);
    return text;
}

std::string describe(const HostBinding& b) {
    return format_endpoint(b.host_ip.empty() ? "0.0.0.0" : b.host_ip, b.host_port);
}

bool is_host_network(const Container& c) { return c.network_mode == "host"; }
bool is_none_network(const Container& c) { return c.network_mode == "none"; }
std::string bridge_device(const NetworkInfo& n) {
    if (auto it = n.options.find("com.docker.network.bridge.name"); it != n.options.end()) return it->second;
    if (n.name == "bridge") return "docker0";
    return "br-" + n.id.substr(0, 12);
}

bool has_own_network_stack(const Container& c) {
    return !is_host_network(c) && !is_none_network(c) && !c.network_mode.starts_with("container:");
}

bool publishes_ports(const Container& c) { return !is_host_network(c) && !is_none_network(c); }

std::string describe(const std::vector<HostBinding>& bindings) {
    std::string text;
    for (const auto& b : bindings) text += (text.empty() ? "" : ", ") + describe(b);
    return text;
}

bool has_live_process(const Container& c) { return c.state.running && !c.state.restarting; }

std::string container_ref(const Facts& f) {
    if (f.container) {
        if (!f.container->name.empty()) return f.container->name;
        if (!f.container->id.empty()) return f.container->id.substr(0, 12);
    }
    return f.query.container;
}

std::string bindings_evidence(const Container& c, PortKey p) {
    const char* field = c.state.running ? "NetworkSettings.Ports" : "HostConfig.PortBindings";
    auto bindings = bindings_of(c, p);
    if (bindings.empty()) return fmt::format("{}[\"{}\"] = null", field, p.str());
    return fmt::format("{}[\"{}\"] = {}", field, p.str(), describe(bindings));
}

std::string publish_flag(PortKey container_port, std::uint16_t host_port, std::string_view host_ip) {
    const std::string host = host_ip.empty() ? std::to_string(host_port) : format_endpoint(host_ip, host_port);
    return fmt::format("-p {}:{}{}", host, container_port.port, container_port.proto == Proto::udp ? "/udp" : "");
}

std::string unavailable_reason(std::string_view fact, const Error& e) {
    return fmt::format("needs {} ({}: {})", fact, e.source, e.message);
}

std::vector<PortKey> ports_expected_to_listen(const Facts& f) {
    std::vector<PortKey> out;
    for (PortKey p : ports_in_question(f))
        if (f.query.port || (f.container && !bindings_of(*f.container, p).empty())) out.push_back(p);
    return out;
}

std::vector<std::uint16_t> other_listening_ports(const Container& c, const std::vector<Listener>& ls,
                                                 PortKey p) {
    std::vector<std::uint16_t> out;
    for (const Listener& l : ls) {
        if (l.proto != p.proto || l.port == p.port || is_loopback_address(l.address)) continue;
        // A port some binding already targets is that binding's, not the one p should have had.
        if (!bindings_of(c, PortKey{l.port, l.proto}).empty()) continue;
        out.push_back(l.port);
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

std::string listener_files(const Container& c, Proto proto) {
    std::string pid = c.state.pid > 0 ? std::to_string(c.state.pid) : std::string("PID");
    return fmt::format("/proc/{}/net/{}, {}6", pid, to_string(proto), to_string(proto));
}

std::vector<NetworkInfo> attached_networks(const Container& c, const std::vector<NetworkInfo>& all) {
    std::vector<NetworkInfo> out;
    for (const auto& a : c.networks) {
        auto it = std::find_if(all.begin(), all.end(), [&](const NetworkInfo& n) {
            return (!a.network_id.empty() && n.id == a.network_id) || n.name == a.network;
        });
        if (it != all.end()) out.push_back(*it);
    }
    return out;
}

bool only_on_internal_networks(const Container& c, const std::vector<NetworkInfo>& all) {
    auto attached = attached_networks(c, all);
    return !c.networks.empty() && attached.size() == c.networks.size() &&
           std::all_of(attached.begin(), attached.end(), [](const NetworkInfo& n) { return n.internal; });
}

const Container* container_to_judge(const Facts& f, std::vector<std::string>& undecided) {
    if (f.container) return &*f.container;
    undecided.push_back(unavailable_reason("the container", f.container.error()));
    return nullptr;
}

const Container* publishing_container_to_judge(const Facts& f, std::vector<std::string>& undecided) {
    const Container* c = container_to_judge(f, undecided);
    return c && publishes_ports(*c) ? c : nullptr;
}

const std::vector<Listener>* listeners_to_judge(const Facts& f, std::vector<std::string>& undecided) {
    const Container* c = container_to_judge(f, undecided);
    if (!c || !has_live_process(*c)) return nullptr;
    if (!f.container_listeners) {
        undecided.push_back(unavailable_reason("container_listeners", f.container_listeners.error()));
        return nullptr;
    }
    return &*f.container_listeners;
}

}  // namespace dnd
