// The services that load a whole ruleset and so can wipe Docker's rules while the engine
// runs: the nftables service (its ruleset file and whether it is enabled) and firewalld
// (running or not). Read from files under a root prefix and from /proc; nothing is changed.
#include <filesystem>
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

bool comm_is_firewalld(const std::string& process_dir) {
    auto comm = read_text_file(process_dir + "/comm");
    return comm && trimmed(*comm) == "firewalld";
}

// "/var/run/firewalld.pid (pid 812)" when a pid file names a live firewalld, else a
// process named firewalld; "" when neither.
std::string firewalld_seen(const std::string& root, const std::string& proc_root) {
    for (std::string_view file : kFirewalldPidFiles) {
        auto text = read_text_file(root + std::string(file));
        if (!text) continue;
        const std::string pid(trimmed(*text));
        if (is_pid_name(pid) && comm_is_firewalld(proc_root + "/" + pid))
            return std::string(file) + " (pid " + pid + ")";
    }
    DirHandle dir(::opendir(proc_root.c_str()));
    if (!dir) return "";
    while (dirent* e = ::readdir(dir.get())) {
        const std::string_view name = e->d_name;
        if (is_pid_name(name) && comm_is_firewalld(proc_root + "/" + std::string(name)))
            return "process firewalld (pid " + std::string(name) + ")";
    }
    return "";
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
    RulesetServices s;
    for (std::string_view file : kNftablesConfs) {
        auto text = read_text_file(root + std::string(file));
        if (!text) continue;
        s.nftables_conf = file;
        s.nftables_conf_flushes = ruleset_file_flushes_all(*text);
        break;
    }
    s.nftables_enabled_by = nftables_enabled_by(root);
    s.firewalld_running = firewalld_seen(root, proc_root);
    return s;
}

}  // namespace dnd
