#pragma once
// iptables-legacy's part of a trace. Its tables log each packet that carries nftrace (the
// mark the trace's own table sets) through the netfilter logger bound for the packet's
// family, as "TRACE: TABLE:CHAIN:rule|return|policy:N". For the trace that logger is
// nfnetlink_log (group 0), which rewrites net.netfilter.nf_log.2 (and .10); both are given
// back as they were when the log closes, and by a guard process when this one is killed.
#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "docknetdoctor/model/error.hpp"
#include "docknetdoctor/model/trace.hpp"

struct nflog_handle;
struct nflog_g_handle;
struct nflog_data;
struct nfgenmsg;

namespace dnd {

// Where the bound loggers are read and given back, and the lock that lets one trace at a
// time borrow them.
struct NfLogSysctls {
    std::string dir = "/proc/sys/net/netfilter/nf_log";
    std::string lock = "/run/docknetdoctor-trace-nf_log.lock";
};

// The callback libnetfilter_log calls with each record (self: the LegacyTraceLog).
int legacy_trace_record(::nflog_g_handle*, ::nfgenmsg* message, ::nflog_data* data, void* self);

class LegacyTraceLog {
public:
    // Saves the loggers of IPv4 and IPv6, starts the guard, binds nfnetlink_log for both.
    // Errors (source "trace"), one line: another trace holds them, a logger that is not free
    // (unreadable, or nfnetlink_log already), no privilege, no nfnetlink_log.
    static Result<std::unique_ptr<LegacyTraceLog>> open(const NfLogSysctls& sysctls = {});
    ~LegacyTraceLog();
    LegacyTraceLog(const LegacyTraceLog&) = delete;
    LegacyTraceLog& operator=(const LegacyTraceLog&) = delete;

    int fd() const;
    // Appends the TRACE records that arrived (never waits); other log records are skipped.
    Result<void> receive(std::vector<TraceEvent>& out);

private:
    LegacyTraceLog() = default;

    nflog_handle* handle_ = nullptr;
    nflog_g_handle* group_ = nullptr;  // group 0, where the trace records go
    std::vector<std::pair<std::string, std::string>> saved_;  // sysctl path, its value before
    int lock_ = -1;        // held while the loggers are borrowed
    int guard_pipe_ = -1;  // the guard restores `saved_` when this end closes
    pid_t guard_ = -1;
    std::vector<TraceEvent>* sink_ = nullptr;  // where the callback puts records during receive()
    std::vector<char> buffer_;

    friend int legacy_trace_record(::nflog_g_handle*, ::nfgenmsg*, ::nflog_data*, void*);
};

}  // namespace dnd
