// What reading SELinux adds to a diagnosis, on a host whose audit log is huge: a 1 GiB log
// (sparse up to its last 16 MiB, which hold real-shaped records, a denial every hundred),
// against no SELinux at all, each collected N times in one process (medians) and once in a
// fresh process each (what a run of the binary pays). Two logs: a day of records in those
// 16 MiB (the usual case: only the last hour's end is read), and a burst, all 16 MiB in the
// last hour (the worst case: the whole bound is read). The added time must not grow with
// the log.
// Usage: selinux_denials_bench [--runs N] [--log-gib G]
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "docknetdoctor/collect/procfs_scan.hpp"
#include "docknetdoctor/collect/selinux_collect.hpp"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

double now_epoch() {
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

void write(const fs::path& path, const std::string& text) {
    fs::create_directories(path.parent_path());
    std::ofstream(path) << text;
}

// The log's last bytes: SYSCALL/PROCTITLE/AVC triples as auditd writes them, newest last.
std::string avc_record(double t, int serial) {
    return fmt::format("type=AVC msg=audit({:.3f}:{}): avc:  denied  {{ name_connect }} for  pid=5642 "
                       "comm=\"nginx\" dest=8081 scontext=system_u:system_r:httpd_t:s0 "
                       "tcontext=system_u:object_r:transproxy_port_t:s0 tclass=tcp_socket permissive=0\n",
                       t, serial);
}

std::string syscall_records(double t, int serial) {
    return fmt::format("type=SYSCALL msg=audit({:.3f}:{}): arch=c000003e syscall=42 success=yes exit=0 a0=3 "
                       "a1=7ffd a2=10 a3=0 items=0 ppid=1 pid=5642 auid=4294967295 uid=0 gid=0 comm=\"nginx\" "
                       "exe=\"/usr/sbin/nginx\" subj=system_u:system_r:httpd_t:s0 key=(null)\n"
                       "type=PROCTITLE msg=audit({:.3f}:{}): proctitle=6E67696E78\n",
                       t, serial, t, serial);
}

// The log's last bytes: SYSCALL/PROCTITLE pairs as auditd writes them, an AVC every
// hundredth, stamped evenly over span_seconds and ending now.
std::string tail_records(std::size_t bytes, double now, double span_seconds) {
    const double per_event =
        static_cast<double>(syscall_records(now, 1000000).size()) + static_cast<double>(avc_record(now, 1000000).size()) / 100;
    const double step = span_seconds / (static_cast<double>(bytes) / per_event);
    std::string out;
    for (int i = 0; out.size() < bytes; ++i) {
        const double t = now - span_seconds + static_cast<double>(i) * step;
        if (i % 100 == 0) out += avc_record(t, i);
        out += syscall_records(t, i);
    }
    return out;
}

struct Figures {
    std::vector<double> ms;
    std::uint64_t bytes_read = 0;
    std::size_t denials = 0;
};

Figures collect(const std::string& root, int runs) {
    Figures f;
    for (int i = 0; i < runs; ++i) {
        dnd::SocketOwnerScan scan("/proc");
        const auto start = Clock::now();
        auto state = dnd::collect_selinux(root, "/proc", {}, scan, now_epoch());
        f.ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
        if (state && state->denials) {
            f.bytes_read = state->denials->bytes_read;
            f.denials = state->denials->denials.size();
        }
    }
    return f;
}

}  // namespace

// A tree with an enforcing host and a log_gib GiB audit log whose last 16 MiB hold records
// spread over span_seconds.
void make_host(const fs::path& root, long long log_gib, double span_seconds) {
    write(root / "sys/fs/selinux/enforce", "1");
    write(root / "sys/fs/selinux/booleans/httpd_can_network_connect", "0 0");
    write(root / "etc/selinux/config", "SELINUX=enforcing\nSELINUXTYPE=targeted\n");
    const fs::path log = root / "var/log/audit/audit.log";
    fs::create_directories(log.parent_path());
    const std::string tail = tail_records(dnd::kAuditLogTailBytes, now_epoch(), span_seconds);
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0 || ::ftruncate(fd, (log_gib << 30) - static_cast<long long>(tail.size())) != 0) std::exit(1);
    ::close(fd);
    std::ofstream(log, std::ios::app) << tail;
}

// One collection in a fresh process (this program with --once ROOT): its time in ms.
double fresh_process_ms(const char* self, const fs::path& root) {
    const std::string command = fmt::format("{} --once {}", self, root.string());
    FILE* out = ::popen(command.c_str(), "r");
    double ms = -1;
    if (out && std::fscanf(out, "%lf", &ms) != 1) ms = -1;
    if (out) ::pclose(out);
    return ms;
}

int main(int argc, char** argv) {
    if (argc == 3 && std::string(argv[1]) == "--once") {
        std::printf("%.3f\n", collect(argv[2], 1).ms.front());
        return 0;
    }
    int runs = 21;
    long long log_gib = 1;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string flag = argv[i];
        if (flag == "--runs") runs = std::atoi(argv[i + 1]);
        else if (flag == "--log-gib") log_gib = std::atoll(argv[i + 1]);
    }
    std::string pattern = (fs::temp_directory_path() / "dnd-selinux-bench-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) return 1;
    const fs::path root = pattern;
    fs::create_directories(root / "none");
    make_host(root / "day", log_gib, 86400);
    make_host(root / "burst", log_gib, 3000);
    ::sync();  // measure reads of a log at rest, not of pages still being written back

    std::printf("SELinux collection: %lld GiB audit log, its last %zu bytes records; %d runs in one process "
                "(median) and %d fresh processes (median)\n",
                log_gib, dnd::kAuditLogTailBytes, runs, runs);
    const auto fresh = [&](const fs::path& tree) {
        std::vector<double> ms;
        for (int i = 0; i < runs; ++i) ms.push_back(fresh_process_ms(argv[0], tree));
        return median(ms);
    };
    const double none = median(collect((root / "none").string(), runs).ms);
    const double none_fresh = fresh(root / "none");
    std::printf("  %-44s %9.3f ms  fresh %9.3f ms\n", "no SELinux (no selinuxfs)", none, none_fresh);
    for (const char* name : {"day", "burst"}) {
        const Figures f = collect((root / name).string(), runs);
        const double f_fresh = fresh(root / name);
        std::printf("  %-44s %9.3f ms  fresh %9.3f ms  (read %llu bytes, %zu denials in the window)\n",
                    std::string(name) == "day" ? "enforcing, a day of records (window: last hour)"
                                               : "enforcing, all 16 MiB in the last hour",
                    median(f.ms), f_fresh, static_cast<unsigned long long>(f.bytes_read), f.denials);
        std::printf("  %-44s %9.3f ms  fresh %9.3f ms\n", "  added by SELinux", median(f.ms) - none,
                    f_fresh - none_fresh);
    }
    std::error_code ignored;
    fs::remove_all(root, ignored);
    return 0;
}
