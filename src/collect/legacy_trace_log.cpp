// iptables-legacy's TRACE records, received through nfnetlink_log (libnetfilter_log).
#include "docknetdoctor/collect/legacy_trace_log.hpp"

#include <fcntl.h>
#include <libnetfilter_log/libnetfilter_log.h>
#include <linux/netfilter.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>
#include <iostream>
#include <span>

#include <fmt/format.h>

#include "docknetdoctor/collect/nft_trace.hpp"
#include "kernel_names.hpp"
#include "packet_headers.hpp"

namespace dnd {
namespace {

constexpr const char* kTracePrefix = "TRACE: ";

std::string read_sysctl(const std::string& path) {
    std::ifstream in(path);
    std::string value;
    std::getline(in, value);
    return value;
}

bool write_all(int fd, const std::string& text) {
    std::size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n <= 0 && errno != EINTR) return false;
        if (n > 0) done += static_cast<std::size_t>(n);
    }
    return true;
}

// Only async-signal-safe calls: this runs in the guard too, a child of a threaded process.
// The first sysctl that could not be written back, or nullptr.
const std::string* write_back(const std::vector<std::pair<std::string, std::string>>& saved) {
    const std::string* failed = nullptr;
    for (const auto& [path, value] : saved) {
        const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
        if (fd < 0 || !write_all(fd, value)) failed = failed != nullptr ? failed : &path;
        if (fd >= 0) ::close(fd);
    }
    return failed;
}

// The kernel's hook number (nf::Hook's first five are NF_INET_*) as the paths name it.
std::string hook_name(unsigned hook) {
    return hook <= NF_INET_POST_ROUTING ? std::string(nf::to_string(static_cast<nf::Hook>(hook))) : std::string("?");
}

// "TRACE: filter:FORWARD:policy:3 " into the event's table, chain, kind and rule number:
// the table from the left, the kind and number from the right, the chain (whatever it holds,
// ':' too) between them.
bool parse_prefix(std::string_view prefix, TraceEvent& e) {
    if (!prefix.starts_with(kTracePrefix)) return false;
    prefix.remove_prefix(std::strlen(kTracePrefix));
    while (!prefix.empty() && prefix.back() == ' ') prefix.remove_suffix(1);
    const auto after_table = prefix.find(':');
    const auto before_number = prefix.rfind(':');
    if (after_table == std::string_view::npos || before_number == after_table) return false;
    const auto before_kind = prefix.rfind(':', before_number - 1);
    if (before_kind == std::string_view::npos || before_kind <= after_table) return false;
    const std::string_view kind = prefix.substr(before_kind + 1, before_number - before_kind - 1);
    const std::string_view number = prefix.substr(before_number + 1);
    e.table = std::string(prefix.substr(0, after_table));
    e.chain = std::string(prefix.substr(after_table + 1, before_kind - after_table - 1));
    if (kind == "policy") e.kind = TraceEvent::Kind::policy;
    else if (kind == "return") e.kind = TraceEvent::Kind::chain_end;
    else if (kind == "rule") e.kind = TraceEvent::Kind::rule;
    else return false;
    std::uint32_t n = 0;
    if (number.empty() || number.size() > 9) return false;
    for (char c : number) {
        if (c < '0' || c > '9') return false;
        n = n * 10 + static_cast<std::uint32_t>(c - '0');
    }
    e.rule_number = n;
    return !e.table.empty() && !e.chain.empty();
}

}  // namespace

int legacy_trace_record(nflog_g_handle*, nfgenmsg* message, nflog_data* data, void* self) {
    auto* log = static_cast<LegacyTraceLog*>(self);
    const char* prefix = nflog_get_prefix(data);
    TraceEvent e;
    if (prefix == nullptr || log->sink_ == nullptr || !parse_prefix(prefix, e)) return 0;
    e.legacy = true;
    const int family = message->nfgen_family == AF_INET6 ? 6 : 4;
    e.family = family == 6 ? "ip6" : "ip";
    if (const auto* header = nflog_get_msg_packet_hdr(data)) e.hook = hook_name(header->hook);
    e.iif = interface_name(nflog_get_indev(data));
    e.oif = interface_name(nflog_get_outdev(data));
    char* payload = nullptr;
    if (const int length = nflog_get_payload(data, &payload); length > 0 && payload != nullptr)
        e.packet = packet_from_headers(family, {reinterpret_cast<const std::uint8_t*>(payload), static_cast<std::size_t>(length)});
    log->sink_->push_back(std::move(e));
    return 0;
}

Result<std::unique_ptr<LegacyTraceLog>> LegacyTraceLog::open(const NfLogSysctls& sysctls) {
    std::unique_ptr<LegacyTraceLog> log(new LegacyTraceLog());
    // One trace at a time binds the loggers: a second would save the first's binding as
    // "before" and give it back for good.
    log->lock_ = ::open(sysctls.lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (log->lock_ < 0 || ::flock(log->lock_, LOCK_EX | LOCK_NB) != 0)
        return fail("trace", fmt::format("another docknetdoctor trace follows iptables-legacy's records on this host ({})",
                                         sysctls.lock));
    for (const char* family : {"2", "10"}) {
        const std::string path = sysctls.dir + "/" + family;
        std::string value = read_sysctl(path);
        // Empty: unreadable, nothing to give back. nfnetlink_log: someone else's (ulogd, a
        // trace killed with its guard): not ours to take or to give back.
        if (value.empty() || value == "nfnetlink_log")
            return fail("trace", fmt::format("{} reads \"{}\": the netfilter logger is not free to borrow", path, value));
        log->saved_.emplace_back(path, std::move(value));
    }
    // The guard: restores the loggers once our end of its pipe closes, however we end.
    int pipe_ends[2];
    if (::pipe2(pipe_ends, O_CLOEXEC) != 0)
        return fail("trace", fmt::format("cannot start the logger's guard: {}", std::strerror(errno)));
    const pid_t guard = ::fork();
    if (guard < 0) {
        ::close(pipe_ends[0]);
        ::close(pipe_ends[1]);
        return fail("trace", fmt::format("cannot start the logger's guard: {}", std::strerror(errno)));
    }
    if (guard == 0) {
        ::close(pipe_ends[1]);
        // Its own session: what signals our process group (a shell's `kill -9 %1`, a
        // supervisor ending the job) must not end it before it gives the loggers back.
        (void)::setsid();
        for (int s : {SIGINT, SIGTERM, SIGHUP, SIGPIPE}) ::signal(s, SIG_IGN);  // a Ctrl-C must not stop it first
        char byte;
        while (::read(pipe_ends[0], &byte, 1) != 0 && errno == EINTR) {
        }
        (void)write_back(log->saved_);
        ::_exit(0);
    }
    ::close(pipe_ends[0]);
    log->guard_pipe_ = pipe_ends[1];
    log->guard_ = guard;

    log->handle_ = nflog_open();
    if (log->handle_ == nullptr) return fail("trace", fmt::format("cannot open nfnetlink_log: {}", std::strerror(errno)));
    for (const std::uint16_t pf : {AF_INET, AF_INET6}) {
        if (nflog_bind_pf(log->handle_, pf) < 0) {
            const int err = errno;
            return fail("trace", fmt::format("cannot bind nfnetlink_log: {}",
                                             err == EPERM ? std::string(kTraceNeedsNetAdmin) : std::string(std::strerror(err))));
        }
    }
    nflog_g_handle* group = log->group_ = nflog_bind_group(log->handle_, 0);  // where trace records go
    if (group == nullptr) return fail("trace", fmt::format("cannot join nfnetlink_log group 0: {}", std::strerror(errno)));
    nflog_set_mode(group, NFULNL_COPY_PACKET, 128);  // the headers are enough
    nflog_set_qthresh(group, 1);                     // each record as it is made
    nflog_set_timeout(group, 0);
    nflog_callback_register(group, &legacy_trace_record, log.get());
    const int flags = fcntl(nflog_fd(log->handle_), F_GETFL);
    fcntl(nflog_fd(log->handle_), F_SETFL, flags | O_NONBLOCK);
    log->buffer_.resize(1 << 16);
    return log;
}

int LegacyTraceLog::fd() const { return nflog_fd(handle_); }

Result<void> LegacyTraceLog::receive(std::vector<TraceEvent>& out) {
    sink_ = &out;
    while (true) {
        const ssize_t n = ::recv(fd(), buffer_.data(), buffer_.size(), MSG_DONTWAIT);
        if (n < 0) {
            sink_ = nullptr;
            if (errno == EAGAIN || errno == EINTR) return {};
            if (errno == ENOBUFS)
                return fail("trace", "the kernel dropped iptables-legacy's trace records (its receive buffer "
                                     "overflowed); what was traced is incomplete");
            return fail("trace", fmt::format("receiving iptables-legacy's trace records: {}", std::strerror(errno)));
        }
        nflog_handle_packet(handle_, buffer_.data(), static_cast<int>(n));
    }
}

LegacyTraceLog::~LegacyTraceLog() {
    if (group_ != nullptr) nflog_unbind_group(group_);  // frees the group's handle, which nflog_close does not
    if (handle_ != nullptr) nflog_close(handle_);
    if (const std::string* failed = write_back(saved_))
        std::cerr << "docknetdoctor: could not give " << *failed << " its value back: " << std::strerror(errno) << "\n";
    if (guard_pipe_ >= 0) ::close(guard_pipe_);
    if (guard_ > 0) ::waitpid(guard_, nullptr, 0);
    if (lock_ >= 0) ::close(lock_);  // after the guard: its write-back is done too
}

}  // namespace dnd
