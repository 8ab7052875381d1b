// Shared by selinux.denial and selinux.proxy-boolean-off.
#include "selinux_common.hpp"

#include <algorithm>
#include <map>
#include <tuple>

#include <fmt/format.h>

#include "docknetdoctor/model/facts_query.hpp"
#include "docknetdoctor/model/fix_command.hpp"

namespace dnd::checks {
namespace {

std::optional<std::uint16_t> port_of(const AvcDenial& d) { return d.dest ? d.dest : d.src; }

std::string join(const std::vector<std::string>& words) {
    std::string out;
    for (const auto& w : words) out += (out.empty() ? "" : " ") + w;
    return out;
}

// The container port under question that a denial's port and class name, if it is one.
std::optional<PortKey> asked_port(const Facts& f, std::uint16_t port, std::string_view tclass) {
    const PortKey key{port, tclass == "udp_socket" ? Proto::udp : Proto::tcp};
    const auto asked = ports_in_question(f);
    if (std::find(asked.begin(), asked.end(), key) == asked.end()) return std::nullopt;
    return key;
}

// The domains the engine runs containers in (container-selinux; svirt_lxc_net_t before it).
bool is_container_domain(std::string_view type) {
    return type == "container_t" || type == "spc_t" || type == "svirt_lxc_net_t" || type == "container_init_t";
}

// Why a denial concerns the container: its port, its address or a process on its path.
std::optional<ConcernedDenial> concern(const Facts& f, const Container& c, const SelinuxState& s, const AvcDenial& d) {
    ConcernedDenial out;
    out.latest = &d;
    const auto port = port_of(d);
    for (const auto& [container_port, bindings] : c.ports)
        for (const HostBinding& b : bindings)
            if (port && b.host_port == *port) {
                out.why = fmt::format("port {} is published for {} port {} ({})", *port, c.name, container_port.str(),
                                      describe(b));
                out.port = container_port;
                return out;
            }
    for (const NetworkAttachment& n : c.networks)
        for (const std::string* address : {&d.faddr, &d.laddr})
            if (!address->empty() && (*address == n.ip_address || *address == n.global_ipv6)) {
                out.why = fmt::format("{} is the address of {} on {}", *address, c.name, n.network);
                if (port) out.port = asked_port(f, *port, d.tclass);
                return out;
            }
    for (const LabelledProcess& p : s.processes)
        if (d.pid != 0 && p.pid == d.pid) {
            out.why = p.role == ProcessRole::host_client
                          ? fmt::format("pid {} is a host process connected to {} ({})", p.pid, c.name, p.connection)
                          : fmt::format("pid {} is {} of {}", p.pid,
                                        p.role == ProcessRole::container_app ? "the app" : to_string(p.role), c.name);
            if (port && p.role == ProcessRole::container_app) out.port = asked_port(f, *port, d.tclass);
            return out;
        }
    // A container's processes share its label, MCS categories and all (s0:c312,c746): the
    // denied process ran as the container's app even when it has exited since.
    for (const LabelledProcess& p : s.processes)
        if (p.role == ProcessRole::container_app && !p.label.empty() && p.label == d.scontext) {
            out.why = fmt::format("the denied process ran with the label of {}'s app ({})", c.name, p.label);
            if (port) out.port = asked_port(f, *port, d.tclass);
            return out;
        }
    // Not running now (a bind denied, the app exited): a container domain denied the
    // container's own port.
    if (port && is_container_domain(context_type(d.scontext))) {
        if (auto key = asked_port(f, *port, d.tclass)) {
            out.why = fmt::format("a container process ({}) was denied {}'s port {}", context_type(d.scontext), c.name,
                                  key->str());
            out.port = key;
            return out;
        }
    }
    return std::nullopt;
}

}  // namespace

const SelinuxState* enabled_selinux(const Facts& f) {
    if (!f.selinux || !f.selinux->enabled) return nullptr;
    return &*f.selinux;
}

std::vector<ConcernedDenial> denials_concerning(const Facts& f, const SelinuxState& s) {
    std::vector<ConcernedDenial> out;
    if (!f.container || !s.denials) return out;
    using Key = std::tuple<std::string, std::string, std::string, std::string, std::optional<std::uint16_t>>;
    std::map<Key, std::size_t> alike;
    for (const AvcDenial& d : s.denials->denials) {
        auto concerned = concern(f, *f.container, s, d);
        if (!concerned) continue;
        const Key key{std::string(context_type(d.scontext)), join(d.permissions), std::string(context_type(d.tcontext)),
                      d.tclass, port_of(d)};
        if (auto it = alike.find(key); it != alike.end()) {
            ConcernedDenial& seen = out[it->second];
            ++seen.count;
            seen.latest = &d;  // oldest first: the later one is newer
            continue;
        }
        alike.emplace(key, out.size());
        out.push_back(std::move(*concerned));
    }
    return out;
}

std::string denied_process(const AvcDenial& d) {
    const std::string comm = d.comm.empty() ? "a process" : d.comm;
    if (d.pid == 0) return fmt::format("{} ({})", comm, context_type(d.scontext));
    return fmt::format("{} (pid {}, {})", comm, d.pid, context_type(d.scontext));
}

std::string denied_operation(const AvcDenial& d) {
    const std::string perms = join(d.permissions);
    const auto port = port_of(d);
    const std::string_view kind = d.tclass == "tcp_socket" ? "tcp port" : d.tclass == "udp_socket" ? "udp port" : "";
    if (port && !kind.empty()) return fmt::format("{} to {} {} ({})", perms, kind, *port, context_type(d.tcontext));
    return fmt::format("{} on a {} ({})", perms, d.tclass, context_type(d.tcontext));
}

std::string mode_evidence(const SelinuxState& s) {
    std::string config;
    if (!s.config_mode.empty())
        config = fmt::format("; /etc/selinux/config: SELINUX={}{}", s.config_mode,
                             s.policy_type.empty() ? "" : ", SELINUXTYPE=" + s.policy_type);
    return fmt::format("SELinux is {} (/sys/fs/selinux/enforce = {}{})", s.enforcing ? "enforcing" : "permissive",
                       s.enforcing ? 1 : 0, config);
}

std::string boolean_evidence(const SelinuxState& s, std::string_view name) {
    const SelinuxBoolean* b = s.boolean(name);
    if (!b) return fmt::format("{}: not in this policy (no /sys/fs/selinux/booleans/{})", name, name);
    const auto word = [](bool on) { return on ? "on" : "off"; };
    if (b->current == b->pending) return fmt::format("{} = {} (/sys/fs/selinux/booleans/{})", name, word(b->current), name);
    return fmt::format("{} = {}, {} after the next commit (/sys/fs/selinux/booleans/{})", name, word(b->current),
                       word(b->pending), name);
}

bool boolean_on(const SelinuxState& s, std::string_view name) {
    const SelinuxBoolean* b = s.boolean(name);
    return b && b->current;
}

std::vector<std::string> remedy_fix(const SelinuxRemedy& remedy, std::optional<std::uint16_t> port,
                                    std::string_view tclass) {
    std::vector<std::string> out;
    if (!remedy.boolean.empty())
        out.push_back(fix_running(fmt::format("turn {} on ({}), for good", remedy.boolean, remedy.why),
                                  fmt::format("setsebool -P {} 1", remedy.boolean)));
    if (!remedy.port_type.empty() && port)
        out.push_back(fix_running(fmt::format("label the port {} ({})", remedy.port_type, remedy.why),
                                  fmt::format("semanage port -{} -t {} -p {} {}", remedy.port_type_defined ? "m" : "a",
                                              remedy.port_type, tclass == "udp_socket" ? "udp" : "tcp", *port)));
    return out;
}

}  // namespace dnd::checks
