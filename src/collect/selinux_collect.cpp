// SELinux state: mode and booleans from selinuxfs, the config file, process labels, and the
// denials of the window from the audit log (or the journal where there is no audit log).
#include "docknetdoctor/collect/selinux_collect.hpp"

#include <fcntl.h>
#include <netinet/tcp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <expected>
#include <set>

#include <fmt/format.h>

#include "docknetdoctor/collect/avc_parse.hpp"
#include "docknetdoctor/collect/procfs_scan.hpp"
#include "docknetdoctor/collect/sock_diag.hpp"
#include "docknetdoctor/model/facts_query.hpp"
#include "docknetdoctor/model/rfc3339.hpp"
#include "docknetdoctor/model/selinux_policy.hpp"
#include "docknetdoctor/probe/unique_fd.hpp"
#include "proc_files.hpp"

namespace dnd {
namespace {

constexpr const char* kSource = "selinux";

std::string first_line(std::string text) {
    if (auto nl = text.find('\n'); nl != std::string::npos) text.resize(nl);
    while (!text.empty() && (text.back() == '\r' || text.back() == ' ' || text.back() == '\0')) text.pop_back();
    return text;
}

// "SELINUX=enforcing" and "SELINUXTYPE=targeted" from /etc/selinux/config.
void read_config(const std::string& root, SelinuxState& state) {
    auto text = read_text_file(root + "/etc/selinux/config");
    if (!text) return;
    std::string_view rest = *text;
    while (!rest.empty()) {
        const auto nl = rest.find('\n');
        std::string_view line = rest.substr(0, nl);
        rest.remove_prefix(nl == std::string_view::npos ? rest.size() : nl + 1);
        while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
        if (line.starts_with("SELINUX=")) state.config_mode = first_line(std::string(line.substr(8)));
        else if (line.starts_with("SELINUXTYPE=")) state.policy_type = first_line(std::string(line.substr(12)));
    }
}

// booleans/NAME holds "CURRENT PENDING", e.g. "0 0".
void read_booleans(const std::string& selinuxfs, SelinuxState& state) {
    for (std::string_view name : kSelinuxBooleansWeighed) {
        auto text = read_text_file(fmt::format("{}/booleans/{}", selinuxfs, name));
        if (!text || text->size() < 3) continue;
        state.booleans.push_back({std::string(name), (*text)[0] == '1', (*text)[2] == '1'});
    }
}

std::string label_of(const std::string& root, const std::string& proc_root, int pid) {
    auto text = read_text_file(fmt::format("{}{}/{}/attr/current", root, proc_root, pid));
    return text ? first_line(std::move(*text)) : std::string{};
}

std::string comm_of(const std::string& proc_root, int pid) {
    auto text = read_text_file(fmt::format("{}/{}/comm", proc_root, pid));
    return text ? first_line(std::move(*text)) : std::string{};
}

}  // namespace

std::string window_start_text(double since_epoch) {
    return format_rfc3339(UtcTime(std::chrono::nanoseconds(static_cast<long long>(since_epoch * 1e9))), 0);
}

namespace {

// Up to length bytes at offset (fewer when the file ends first); an errno on failure.
std::expected<std::size_t, int> read_at(int fd, char* out, std::size_t length, std::uint64_t offset) {
    std::size_t got = 0;
    while (got < length) {
        const ssize_t n = ::pread(fd, out + got, length - got, static_cast<off_t>(offset + got));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return std::unexpected(errno);
        if (n == 0) break;  // shrank (rotated) while read
        got += static_cast<std::size_t>(n);
    }
    return got;
}

// The offset of the first record of the window: auditd appends in time order, so blocks are
// read backwards from the end until a line stamped before since_epoch, and no further back
// than floor. Only the window's records are read then, however big the log.
std::expected<std::uint64_t, int> window_start(int fd, std::uint64_t size, double since_epoch, std::uint64_t floor) {
    constexpr std::uint64_t kBlock = 64U << 10;
    std::string block;
    for (std::uint64_t end = size; end > floor;) {
        const std::uint64_t begin = end - std::min(kBlock, end - floor);
        block.resize(static_cast<std::size_t>(end - begin));
        auto got = read_at(fd, block.data(), block.size(), begin);
        if (!got) return std::unexpected(got.error());
        block.resize(*got);
        // The first whole line of the block that carries a time says where the block stands.
        std::size_t line = begin == 0 ? 0 : block.find('\n');
        while (line != std::string::npos && line < block.size()) {
            if (block[line] == '\n') ++line;
            const auto next = block.find('\n', line);
            const std::string_view text(block.data() + line, (next == std::string::npos ? block.size() : next) - line);
            if (auto t = audit_line_time(text)) {
                if (*t < since_epoch) return begin + line;
                break;
            }
            line = next;
        }
        end = begin;
    }
    return floor;
}

Result<AvcLog> read_denials(const std::string& root, double since_epoch) {
    const std::string audit_log = root + "/var/log/audit/audit.log";
    struct stat st{};
    if (::stat(audit_log.c_str(), &st) == 0) return read_audit_log(audit_log, since_epoch, kAuditLogTailBytes);
    return read_journal_denials(root, since_epoch, kJournalMaxEntries);
}

}  // namespace

SelinuxSubjects selinux_subjects(const Facts& facts) {
    SelinuxSubjects s;
    if (facts.container) {
        const Container& c = *facts.container;
        if (has_live_process(c)) s.processes.emplace_back(c.state.pid, ProcessRole::container_app);
        if (facts.container_listeners)
            for (const Listener& l : app_listeners(c, *facts.container_listeners))
                for (const SocketOwner& o : l.owners) s.processes.emplace_back(o.pid, ProcessRole::container_app);
        for (const auto& [port, bindings] : c.ports)
            for (const HostBinding& b : bindings)
                if (b.host_port != 0) s.published_ports.push_back(b.host_port);
        for (const NetworkAttachment& n : c.networks) {
            if (!n.ip_address.empty()) s.container_addresses.push_back(n.ip_address);
            if (!n.global_ipv6.empty()) s.container_addresses.push_back(n.global_ipv6);
        }
    }
    if (facts.host_listeners)
        for (const Listener& l : *facts.host_listeners)
            if (std::find(s.published_ports.begin(), s.published_ports.end(), l.port) != s.published_ports.end())
                for (const SocketOwner& o : l.owners)
                    if (o.process == "docker-proxy") s.processes.emplace_back(o.pid, ProcessRole::docker_proxy);
    if (facts.engine && facts.engine->process) s.processes.emplace_back(facts.engine->process->pid, ProcessRole::dockerd);
    return s;
}

Result<AvcLog> read_audit_log(const std::string& path, double since_epoch, std::size_t max_bytes) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd.valid()) return fail(kSource, fmt::format("cannot read {}: {}", path, std::strerror(errno)));
    struct stat st{};
    if (::fstat(fd.get(), &st) != 0) return fail(kSource, fmt::format("cannot read {}: {}", path, std::strerror(errno)));
    if (!S_ISREG(st.st_mode)) return fail(kSource, fmt::format("{} is not a regular file", path));
    const auto size = static_cast<std::uint64_t>(st.st_size);
    const std::uint64_t floor = size > max_bytes ? size - max_bytes : 0;
    auto start = window_start(fd.get(), size, since_epoch, floor);
    if (!start) return fail(kSource, fmt::format("cannot read {}: {}", path, std::strerror(start.error())));
    AvcLog log;
    log.source = path;
    log.since = window_start_text(since_epoch);
    log.tail_only = *start == floor && floor > 0;
    // Read on in chunks through one buffer: a 16 MiB buffer costs more in page faults than
    // its scan. auditd writes one record a line, so chunks end at line ends; a record a log
    // tool wrapped across a chunk's end is not joined.
    constexpr std::size_t kChunk = 256U << 10;
    constexpr std::size_t kLongestLine = 1U << 20;  // a "line" longer than this is garbage
    std::string block(kChunk, '\0');
    std::string text;
    // Up to the next newline the text is no whole line: the record the start cut into, or
    // the rest of a line too long to be a record (counted once, as skipped).
    bool dropping = *start > 0 && *start == floor;
    for (std::uint64_t offset = *start; offset < size;) {
        auto got = read_at(fd.get(), block.data(), static_cast<std::size_t>(std::min<std::uint64_t>(kChunk, size - offset)),
                           offset);
        if (!got) return fail(kSource, fmt::format("cannot read {}: {}", path, std::strerror(got.error())));
        if (*got == 0) break;  // shrank (rotated) while read
        offset += *got;
        log.bytes_read += *got;
        text.append(block.data(), *got);
        const auto last_newline = text.rfind('\n');
        const std::size_t whole =
            offset >= size ? text.size() : (last_newline == std::string::npos ? 0 : last_newline + 1);
        if (whole == 0) {
            if (text.size() > kLongestLine) {
                if (!dropping) ++log.skipped_lines;
                dropping = true;
                text.clear();
            }
            continue;
        }
        std::string_view lines(text.data(), whole);
        if (dropping) {
            const auto nl = lines.find('\n');
            lines.remove_prefix(nl == std::string_view::npos ? lines.size() : nl + 1);
            dropping = false;
        }
        auto scan = scan_avc_text(lines, since_epoch);
        for (AvcDenial& d : scan.denials) log.denials.push_back(std::move(d));
        log.skipped_lines += scan.skipped_lines;
        text.erase(0, whole);
    }
    return log;
}

Result<std::vector<LabelledProcess>> host_clients(const SelinuxSubjects& subjects, SocketOwnerScan& scan) {
    constexpr std::uint32_t kConnectingOrConnected =
        (1U << TCP_ESTABLISHED) | (1U << TCP_SYN_SENT) | (1U << TCP_CLOSE_WAIT);
    std::vector<TcpConnection> connections;
    for (int family : {4, 6}) {
        auto dump = dump_tcp_sockets(family, kConnectingOrConnected);
        if (!dump) return std::unexpected(dump.error());
        auto parsed = parse_tcp_connections_dump(*dump, family);
        if (!parsed) return std::unexpected(parsed.error());
        connections.insert(connections.end(), parsed->begin(), parsed->end());
    }
    const std::set<std::uint16_t> ports(subjects.published_ports.begin(), subjects.published_ports.end());
    const std::set<std::string> addresses(subjects.container_addresses.begin(), subjects.container_addresses.end());
    auto toward_container = [&](const TcpConnection& c) {
        return addresses.contains(c.remote) || ports.contains(c.remote_port);
    };
    std::set<unsigned long> wanted;
    for (const TcpConnection& c : connections)
        if (toward_container(c)) wanted.insert(c.inode);
    const auto owners = scan.owners_of(wanted, netns_inode_of("/proc/thread-self").value_or(0));
    std::vector<LabelledProcess> out;
    for (const TcpConnection& c : connections) {
        if (!toward_container(c)) continue;
        auto it = owners.find(c.inode);
        if (it == owners.end()) continue;
        for (const SocketOwner& owner : it->second) {
            if (owner.process == "docker-proxy") continue;  // the proxy's own leg to the container
            LabelledProcess p;
            p.pid = owner.pid;
            p.comm = owner.process;
            p.role = ProcessRole::host_client;
            const auto bracket = [&](const std::string& a) { return c.family == 6 ? "[" + a + "]" : a; };
            p.connection = fmt::format("{}:{} -> {}:{}", bracket(c.local), c.local_port, bracket(c.remote), c.remote_port);
            p.remote_port = c.remote_port;
            out.push_back(std::move(p));
        }
    }
    return out;
}

Result<SelinuxState> collect_selinux(const std::string& root, const std::string& proc_root,
                                     const SelinuxSubjects& subjects, SocketOwnerScan& scan, double now_epoch) {
    SelinuxState state;
    const std::string selinuxfs = root + "/sys/fs/selinux";
    auto enforce = read_text_file(selinuxfs + "/enforce");
    if (!enforce) {
        if (enforce.error() == ENOENT) {
            state.not_enabled_why = "no " + selinuxfs + " (the kernel runs without SELinux)";
            return state;
        }
        return fail(kSource, fmt::format("cannot read {}/enforce: {}", selinuxfs, std::strerror(enforce.error())));
    }
    state.enabled = true;
    state.enforcing = first_line(*enforce) == "1";
    read_config(root, state);
    read_booleans(selinuxfs, state);

    std::set<int> seen;
    for (const auto& [pid, role] : subjects.processes) {
        if (pid <= 0 || !seen.insert(pid).second) continue;
        state.processes.push_back({pid, comm_of(proc_root, pid), role, label_of(root, proc_root, pid), "", 0});
    }
    if (auto clients = host_clients(subjects, scan)) {
        for (LabelledProcess& p : *clients) {
            p.label = label_of(root, proc_root, p.pid);
            state.processes.push_back(std::move(p));
        }
    }
    state.denials = read_denials(root, now_epoch - kAvcWindowSeconds);
    return state;
}

}  // namespace dnd
