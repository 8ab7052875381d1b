#include "docknetdoctor/model/facts_query.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>

#include <fmt/format.h>

#include "docknetdoctor/model/endpoint.hpp"

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
        if (!is_host_network(c)) {
            out.insert(out.end(), c.exposed_ports.begin(), c.exposed_ports.end());
        } else if (f.container_listeners && has_live_process(c)) {
            for (const Listener& l : app_listeners(c, *f.container_listeners)) out.push_back(PortKey{l.port, l.proto});
        }
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

bool owned_by_container(const SocketOwner& owner, const Container& c) {
    if (c.state.pid > 0 && owner.pid == c.state.pid) return true;
    return !c.id.empty() && owner.cgroup.find(c.id) != std::string::npos;
}

namespace {

// In host network mode only the sockets a process of the container owns are its app's.
bool is_app_listener(const Container& c, const Listener& l) {
    return !is_host_network(c) ||
           std::any_of(l.owners.begin(), l.owners.end(), [&](const SocketOwner& o) { return owned_by_container(o, c); });
}

}  // namespace

std::vector<Listener> app_listeners(const Container& c, const std::vector<Listener>& ls) {
    if (!is_host_network(c)) return ls;
    std::vector<Listener> out;
    std::copy_if(ls.begin(), ls.end(), std::back_inserter(out), [&](const Listener& l) { return is_app_listener(c, l); });
    return out;
}

std::vector<Listener> app_listeners_on(const Container& c, const std::vector<Listener>& ls, PortKey p) {
    std::vector<Listener> out;
    std::copy_if(ls.begin(), ls.end(), std::back_inserter(out), [&](const Listener& l) {
        return l.port == p.port && l.proto == p.proto && is_app_listener(c, l);
    });
    return out;
}

std::vector<HostBinding> client_bindings(const Facts& f, PortKey p) {
    if (!f.container) return {};
    const Container& c = *f.container;
    if (is_none_network(c)) return {};
    if (f.query.direct && has_own_network_stack(c)) return container_addresses(c, p);
    if (!is_host_network(c)) return bindings_of(c, p);
    if (!has_live_process(c)) return {};
    if (!f.container_listeners) return {HostBinding{"0.0.0.0", p.port}};
    std::vector<HostBinding> out;
    auto add = [&](const std::string& ip) {
        const bool seen = std::any_of(out.begin(), out.end(), [&](const HostBinding& b) { return b.host_ip == ip; });
        if (!seen) out.push_back(HostBinding{ip, p.port});
    };
    for (const Listener& l : reachable_listeners(app_listeners_on(c, *f.container_listeners, p), p)) {
        if (!is_wildcard_address(l.address)) {
            add(l.address);
            continue;
        }
        add("0.0.0.0");
        if (l.address == "::") add("::");
    }
    return out;
}

std::vector<HostBinding> container_addresses(const Container& c, PortKey p) {
    std::vector<HostBinding> out;
    for (const NetworkAttachment& n : c.networks) {
        if (!n.ip_address.empty()) out.push_back(HostBinding{n.ip_address, p.port});
        if (!n.global_ipv6.empty()) out.push_back(HostBinding{n.global_ipv6, p.port});
    }
    return out;
}

const NetworkAttachment* attachment_with_address(const Container& c, std::string_view address) {
    if (address.empty()) return nullptr;
    for (const NetworkAttachment& n : c.networks)
        if (n.ip_address == address || n.global_ipv6 == address) return &n;
    return nullptr;
}

bool has_client_host_port(const Facts& f) {
    for (PortKey p : ports_in_question(f))
        for (const HostBinding& b : client_bindings(f, p))
            if (b.host_port != 0) return true;
    return false;
}

std::vector<HostBinding> bindings_of(const Container& c, PortKey p) {
    const auto& source = has_live_process(c) ? c.ports : c.port_bindings;
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

bool has_restart_policy(const Container& c) {
    return c.restart_policy == "always" || c.restart_policy == "unless-stopped" || c.restart_policy == "on-failure";
}

bool shows_restart_signs(const Container& c) {
    if (c.state.restarting || c.state.status == "restarting") return true;
    return has_restart_policy(c) && (c.restart_count > 0 || c.state.exit_code != 0);
}

std::string exit_code_text(int code) {
    if (code > 128 && code <= 128 + 64) return fmt::format("{} (killed by signal {})", code, code - 128);
    return std::to_string(code);
}

std::string container_ref(const Facts& f) {
    if (f.container) {
        if (!f.container->name.empty()) return f.container->name;
        if (!f.container->id.empty()) return f.container->id.substr(0, 12);
    }
    return f.query.container;
}

std::string bindings_evidence(const Container& c, PortKey p) {
    const char* field = has_live_process(c) ? "NetworkSettings.Ports" : "HostConfig.PortBindings";
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
        if (f.query.port || (f.container && (is_host_network(*f.container) || !bindings_of(*f.container, p).empty())))
            out.push_back(p);
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

std::string no_listener_evidence(const Container& c, PortKey p) {
    if (is_host_network(c))
        return fmt::format("no socket of the container's processes on {} in the host's network namespace, which it "
                           "shares ({})",
                           p.str(), listener_files(c, p.proto));
    return fmt::format("no socket on {} in the container's network namespace ({})", p.str(), listener_files(c, p.proto));
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
    return c && publishes_ports(*c) && !f.query.direct ? c : nullptr;
}

std::optional<std::vector<Listener>> listeners_to_judge(const Facts& f, std::vector<std::string>& undecided) {
    const Container* c = container_to_judge(f, undecided);
    if (!c || !has_live_process(*c)) return std::nullopt;
    if (!f.container_listeners) {
        undecided.push_back(unavailable_reason("container_listeners", f.container_listeners.error()));
        return std::nullopt;
    }
    const std::vector<Listener>& all = *f.container_listeners;
    // Sockets of the kernel itself have no owner; when not one listener has any, the owners
    // could not be read (no privilege) and the app's sockets are not known.
    const bool owners_unread =
        !all.empty() && std::none_of(all.begin(), all.end(), [](const Listener& l) { return !l.owners.empty(); });
    if (is_host_network(*c) && owners_unread) {
        undecided.push_back("needs the owners of the host's listeners, to tell the container's from the host's "
                            "(none could be read)");
        return std::nullopt;
    }
    return app_listeners(*c, all);
}

}  // namespace dnd
