// How dockerd was started: its command line (the process in our network namespace) and
// its daemon.json. The command line wins over the file, as dockerd refuses conflicts anyway.
#include <cerrno>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "docknetdoctor/collect/host_network_collect.hpp"
#include "docknetdoctor/model/json_limits.hpp"
#include "proc_files.hpp"

namespace dnd {
namespace {

constexpr const char* kSource = "daemon-config";
constexpr const char* kDefaultConfig = "/etc/docker/daemon.json";

std::optional<bool> parse_bool(std::string_view v) {
    if (v == "true" || v == "1" || v == "t" || v == "T" || v == "TRUE" || v == "True") return true;
    if (v == "false" || v == "0" || v == "f" || v == "F" || v == "FALSE" || v == "False") return false;
    return std::nullopt;
}

}  // namespace

DaemonConfig parse_dockerd_cmdline(const std::vector<std::string>& argv) {
    DaemonConfig c;
    c.cmdline = argv;
    for (std::size_t i = 1; i < argv.size(); ++i) {
        std::string_view arg = argv[i];
        if (arg.rfind("--", 0) != 0) continue;
        arg.remove_prefix(2);
        std::string_view name = arg, value;
        bool has_value = false;
        if (auto eq = arg.find('='); eq != std::string_view::npos) {
            name = arg.substr(0, eq);
            value = arg.substr(eq + 1);
            has_value = true;
        }
        auto boolean = [&](std::optional<bool>& slot) {
            // Go's bool flags take only --flag or --flag=VALUE, never a separate word.
            slot = has_value ? parse_bool(value) : std::optional<bool>(true);
        };
        auto text = [&](std::string& slot) {
            if (has_value) slot = std::string(value);
            else if (i + 1 < argv.size()) slot = argv[++i];
        };
        if (name == "iptables") boolean(c.iptables);
        else if (name == "ip-forward") boolean(c.ip_forward);
        else if (name == "userland-proxy") boolean(c.userland_proxy);
        else if (name == "icc") boolean(c.icc);
        else if (name == "ip") text(c.default_bind_ip);
        else if (name == "config-file") text(c.config_file);
    }
    return c;
}

Result<void> apply_daemon_json(std::string_view text, DaemonConfig& c) {
    if (auto within = check_json_limits(text, kEngineJsonLimits); !within)
        return fail(kSource, "daemon.json refused: " + within.error().message);
    auto j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return fail(kSource, "daemon.json is not a JSON object");
    auto boolean = [&](const char* key, std::optional<bool>& slot) -> Result<void> {
        auto it = j.find(key);
        if (it == j.end() || slot) return {};
        if (!it->is_boolean()) return fail(kSource, std::string("daemon.json: \"") + key + "\" is not a boolean");
        slot = it->get<bool>();
        return {};
    };
    for (auto [key, slot] : {std::pair{"iptables", &c.iptables}, std::pair{"ip-forward", &c.ip_forward},
                             std::pair{"userland-proxy", &c.userland_proxy}, std::pair{"icc", &c.icc}})
        if (auto r = boolean(key, *slot); !r) return r;
    if (auto it = j.find("ip"); it != j.end() && c.default_bind_ip.empty()) {
        if (!it->is_string()) return fail(kSource, "daemon.json: \"ip\" is not a string");
        c.default_bind_ip = it->get<std::string>();
    }
    return {};
}

namespace {

// "net:[4026531840]" of this thread (thread-self: also when it joined another netns with
// setns); "" when unreadable.
std::string this_threads_netns(const std::string& proc_root) {
    std::string netns = read_link(proc_root + "/thread-self/ns/net").value_or("");
    if (netns.empty()) netns = read_link(proc_root + "/self/ns/net").value_or("");
    return netns;
}

std::unexpected<Error> in_another_netns(int pid) {
    return fail(kSource, "dockerd (pid " + std::to_string(pid) + ") runs in another network namespace");
}

}  // namespace

Result<DaemonConfig> read_daemon_config(const std::string& proc_root) {
    ProcessesByName processes(proc_root, {"dockerd"});
    return read_daemon_config(proc_root, 0, [&processes] { return processes.of("dockerd"); });
}

Result<DaemonConfig> read_daemon_config(const std::string& proc_root, int engine_pid, const PidsOfName& dockerd_pids) {
    if (engine_pid > 0) {
        if (const auto netns = read_link(proc_root + "/" + std::to_string(engine_pid) + "/ns/net")) {
            if (*netns != this_threads_netns(proc_root)) return in_another_netns(engine_pid);
            if (auto config = read_daemon_config(proc_root, std::vector<int>{engine_pid})) return config;
        }
    }
    const auto pids = dockerd_pids();
    if (!pids) return fail(kSource, "cannot list " + proc_root);
    return read_daemon_config(proc_root, *pids);
}

Result<DaemonConfig> read_daemon_config(const std::string& proc_root, const std::vector<int>& dockerd_pids) {
    const std::string our_netns = this_threads_netns(proc_root);
    int other_netns_pid = 0;
    std::string unreadable_netns;  // why a dockerd's netns could not be read (not root: EACCES)
    for (const int pid : dockerd_pids) {
        const std::string name = std::to_string(pid);
        const std::string base = proc_root + "/" + name;
        errno = 0;
        const auto netns = read_link(base + "/ns/net");
        if (!netns) {
            unreadable_netns = fmt::format("dockerd (pid {}): cannot read {}/ns/net: {}", name, base,
                                           std::strerror(errno ? errno : EIO));
            continue;
        }
        if (*netns != our_netns) {
            other_netns_pid = pid;
            continue;
        }
        auto argv = read_argv(base);
        if (!argv) return fail(kSource, "cannot read " + base + "/cmdline");
        DaemonConfig c = parse_dockerd_cmdline(*argv);
        c.pid = pid;
        const bool explicit_file = !c.config_file.empty();
        const std::string file = explicit_file ? c.config_file : kDefaultConfig;
        // The path is in dockerd's mount namespace: read it through /proc/PID/root first.
        auto text = read_text_file(base + "/root" + file);
        if (!text) text = read_text_file(file);
        if (text) {
            c.config_file = file;
            if (auto r = apply_daemon_json(*text, c); !r) c.config_error = r.error().message;
        } else if (explicit_file) {
            c.config_error = "cannot read " + file;
        } else {
            c.config_file.clear();  // no daemon.json: every setting is the default
        }
        return c;
    }
    // A dockerd whose netns could not be read may be this one's: say so, not "another".
    if (!unreadable_netns.empty()) return fail(kSource, unreadable_netns);
    if (other_netns_pid != 0) return in_another_netns(other_netns_pid);
    return fail(kSource, "no dockerd process found");
}

}  // namespace dnd
