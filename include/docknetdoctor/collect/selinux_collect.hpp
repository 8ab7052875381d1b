#pragma once
// SELinux state from a host (or from a tree shaped like one: every path is read under a
// root prefix, "" for this host): selinuxfs for the mode and booleans, /etc/selinux/config,
// the labels of the processes on the path, and the recent AVC denials from the audit log
// or, where there is none, from the journal (sd-journal).
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "docknetdoctor/model/error.hpp"
#include "docknetdoctor/model/facts.hpp"
#include "docknetdoctor/model/selinux.hpp"

namespace dnd {

class SocketOwnerScan;

// Denials older than this are left out: a port that does not open is diagnosed while it
// fails, and the proxy or app retries, logging the denial again. An older denial may be
// for a boolean or port label changed since.
inline constexpr double kAvcWindowSeconds = 3600;
// At most this much of the audit log's end is read: a busy host's log holds hundreds of
// thousands of records, and the window's records are at its end.
inline constexpr std::size_t kAuditLogTailBytes = 16U << 20;
// At most this many journal entries of the window are read.
inline constexpr std::size_t kJournalMaxEntries = 200000;

// The environment variable that points collection at a tree instead of this host's / (tests,
// and reading a copy of another host's /sys/fs/selinux, /etc/selinux and logs).
inline constexpr const char* kSelinuxRootVariable = "DOCKNETDOCTOR_SELINUX_ROOT";

// Who is on the path of the question.
struct SelinuxSubjects {
    std::vector<std::pair<int, ProcessRole>> processes;  // the container's app, docker-proxy, dockerd
    std::vector<std::uint16_t> published_ports;          // host ports a host client would connect to
    std::vector<std::string> container_addresses;        // or the container's own addresses
};

// A window's start for AvcLog::since: RFC 3339 UTC, whole seconds.
std::string window_start_text(double since_epoch);

// Who is on the path, from what collection read so far: the container's app (its process
// and its listeners' owners), docker-proxy serving its published ports, dockerd; the
// published host ports and the container's addresses.
SelinuxSubjects selinux_subjects(const Facts& facts);

// The AVC denials of the last window in an audit log file: only its last max_bytes are read.
Result<AvcLog> read_audit_log(const std::string& path, double since_epoch, std::size_t max_bytes);

// The AVC denials of the window in the journal: the system journal of this host (root "") or
// the journal files under root's /var/log/journal and /run/log/journal.
Result<AvcLog> read_journal_denials(const std::string& root, double since_epoch, std::size_t max_entries);

// Host processes whose TCP sockets (in this thread's netns, the host's) are connected to a
// published port or to a container address; owners from scan. Labels are not filled in.
Result<std::vector<LabelledProcess>> host_clients(const SelinuxSubjects& subjects, SocketOwnerScan& scan);

// The whole state. When selinuxfs is not there, SELinux is not enabled: a value with the
// reason, nothing else read. proc_root is where pids are looked up ("/proc"); labels are
// read from root + proc_root.
Result<SelinuxState> collect_selinux(const std::string& root, const std::string& proc_root,
                                     const SelinuxSubjects& subjects, SocketOwnerScan& scan, double now_epoch);

}  // namespace dnd
