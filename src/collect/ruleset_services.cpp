// The services that load a whole ruleset and so can wipe Docker's rules while the engine
// runs: the nftables service (its ruleset file and whether it is enabled) and firewalld
// (running or not). Read from files under a root prefix and from /proc; nothing is changed.
#include <filesystem>
#include <span>
#include <string>
#include <string_view>

#include "docknetdoctor/collect/host_network_collect.hpp"
#include "proc_files.hpp"

namespace dnd {
namespace {

// Debian's file first, then the one Fedora/RHEL's nftables.service loads.
constexpr std::string_view kNftablesConfs[] = {"/etc/nftables.conf", "/etc/sysconfig/nftables.conf"};
constexpr std::string_view kFirewalldPidFiles[] = {"/var/run/firewalld.pid", "/run/firewalld.pid"};

std::string_view trimmed(std::string_view line) {
    const auto first = line.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) return {};
    line.remove_prefix(first);
    return line.substr(0, line.find_last_not_of(" \t\r\n;") + 1);
}

// firewalld.service's cgroup (v2, then v1): under systemd firewalld runs with --nopid.
constexpr std::string_view kFirewalldUnitProcs[] = {"/sys/fs/cgroup/system.slice/firewalld.service/cgroup.procs",
                                                    "/sys/fs/cgroup/systemd/system.slice/firewalld.service/cgroup.procs"};

// The first pid listed in text (one per line) whose process is named firewalld.
std::string firewalld_among(std::string_view text, const std::string& proc_root) {
    while (!text.empty()) {
        const auto eol = text.find('\n');
        const std::string pid(trimmed(text.substr(0, eol)));
        if (is_pid_name(pid) && read_comm(proc_root + "/" + pid) == "firewalld") return pid;
        if (eol == std::string_view::npos) break;
        text.remove_prefix(eol + 1);
    }
    return "";
}

// "/var/run/firewalld.pid (pid 812)" when a pid file names a live firewalld, else the unit's
// cgroup, else the first of firewalld_pids() (processes named firewalld; asked only then);
// "" when none.
std::string firewalld_seen(const std::string& root, const std::string& proc_root, const PidsOfName& firewalld_pids) {
    for (const auto& files : {std::span<const std::string_view>(kFirewalldPidFiles), std::span<const std::string_view>(kFirewalldUnitProcs)})
        for (std::string_view file : files) {
            auto text = read_text_file(root + std::string(file));
            if (!text) continue;
            if (const std::string pid = firewalld_among(*text, proc_root); !pid.empty())
                return std::string(file) + " (pid " + pid + ")";
        }
    const auto pids = firewalld_pids ? firewalld_pids() : std::nullopt;
    if (!pids || pids->empty()) return "";
    return "process firewalld (pid " + std::to_string(pids->front()) + ")";
}

// The *.wants link that makes systemd start nftables.service at boot, if any.
std::string nftables_enabled_by(const std::string& root) {
    namespace fs = std::filesystem;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(root + "/etc/systemd/system", ec)) {
        if (!entry.path().filename().string().ends_with(".wants")) continue;
        const fs::path link = entry.path() / "nftables.service";
        if (fs::is_symlink(link, ec) || fs::exists(link, ec))
            return "/etc/systemd/system/" + entry.path().filename().string() + "/nftables.service";
    }
    return "";
}

}  // namespace

bool ruleset_file_flushes_all(std::string_view text) {
    while (!text.empty()) {
        const auto eol = text.find('\n');
        const std::string_view line = text.substr(0, eol);
        if (trimmed(line) == "flush ruleset") return true;
        if (eol == std::string_view::npos) break;
        text.remove_prefix(eol + 1);
    }
    return false;
}

Result<RulesetServices> read_ruleset_services(const std::string& root, const std::string& proc_root) {
    ProcessesByName processes(proc_root, {"firewalld"});
    return read_ruleset_services(root, proc_root, [&processes] { return processes.of("firewalld"); });
}

Result<RulesetServices> read_ruleset_services(const std::string& root, const std::string& proc_root,
                                              const PidsOfName& firewalld_pids) {
    RulesetServices s;
    for (std::string_view file : kNftablesConfs) {
        auto text = read_text_file(root + std::string(file));
        if (!text) continue;
        s.nftables_conf = file;
        s.nftables_conf_flushes = ruleset_file_flushes_all(*text);
        break;
    }
    s.nftables_enabled_by = nftables_enabled_by(root);
    s.firewalld_running = firewalld_seen(root, proc_root, firewalld_pids);
    return s;
}

bool may_hold_firewalld_rules(const HostNetwork& host) {
    const auto marked = [](const Result<nf::Ruleset>& ruleset) { return !ruleset || nf::holds_firewalld_rules(*ruleset); };
    return marked(host.nftables) || marked(host.iptables_legacy);
}

}  // namespace dnd
