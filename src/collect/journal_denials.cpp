// AVC denials from the journal, through sd-journal: on hosts without auditd the kernel's
// audit records reach journald (transport "audit", or "kernel" when they went through the
// kernel ring). Read from the window's start, entries bounded.
#include <systemd/sd-journal.h>

#include <algorithm>
#include <cstring>
#include <memory>

#include <fmt/format.h>

#include "docknetdoctor/collect/avc_parse.hpp"
#include "docknetdoctor/collect/selinux_collect.hpp"

namespace dnd {
namespace {

constexpr const char* kSource = "selinux";

struct JournalCloser {
    void operator()(sd_journal* j) const { sd_journal_close(j); }
};
using Journal = std::unique_ptr<sd_journal, JournalCloser>;

Error journal_error(std::string_view what, int r) {
    return Error{kSource, fmt::format("cannot read the journal: {}: {}", what, std::strerror(-r))};
}

// The value of a FIELD=value datum, or "" when the entry has no such field.
std::string_view field(sd_journal* j, const char* name) {
    const void* data = nullptr;
    std::size_t length = 0;
    if (sd_journal_get_data(j, name, &data, &length) < 0) return {};
    std::string_view datum(static_cast<const char*>(data), length);
    const auto eq = datum.find('=');
    return eq == std::string_view::npos ? std::string_view{} : datum.substr(eq + 1);
}

}  // namespace

Result<AvcLog> read_journal_denials(const std::string& root, double since_epoch, std::size_t max_entries) {
    sd_journal* raw = nullptr;
    const int opened = root.empty() ? sd_journal_open(&raw, SD_JOURNAL_LOCAL_ONLY | SD_JOURNAL_SYSTEM)
                                    : sd_journal_open_directory(&raw, root.c_str(), SD_JOURNAL_OS_ROOT);
    if (opened < 0) return std::unexpected(journal_error("sd_journal_open", opened));
    Journal journal(raw);
    std::uint64_t usage = 0;
    if (sd_journal_get_usage(raw, &usage) < 0 || usage == 0)
        return fail(kSource, root.empty() ? "no audit log (/var/log/audit/audit.log) and no journal files to read"
                                          : fmt::format("no audit log and no journal files under {}", root));
    for (const char* match : {"_TRANSPORT=audit", "_TRANSPORT=kernel"}) {
        if (int r = sd_journal_add_match(raw, match, 0); r < 0) return std::unexpected(journal_error("add_match", r));
        if (int r = sd_journal_add_disjunction(raw); r < 0) return std::unexpected(journal_error("add_disjunction", r));
    }
    // From the newest entry back to the window's start: a bound on entries keeps the newest.
    if (int r = sd_journal_seek_tail(raw); r < 0) return std::unexpected(journal_error("seek", r));

    AvcLog log;
    log.source = root.empty() ? "journal" : fmt::format("journal under {}", root);
    log.since = window_start_text(since_epoch);
    std::size_t entries = 0;
    while (entries < max_entries) {
        const int r = sd_journal_previous(raw);
        if (r < 0) return std::unexpected(journal_error("previous", r));
        if (r == 0) break;
        ++entries;
        std::uint64_t usec = 0;
        if (sd_journal_get_realtime_usec(raw, &usec) >= 0 && static_cast<double>(usec) / 1e6 < since_epoch) break;
        const std::string_view message = field(raw, "MESSAGE");
        log.bytes_read += message.size();
        if (message.find("avc:") == std::string_view::npos) continue;
        auto scan = scan_avc_text(message, since_epoch);
        log.skipped_lines += scan.skipped_lines;
        for (AvcDenial& d : scan.denials) {
            if (field(raw, "_TRANSPORT") == "kernel") d.form = "kmsg";
            if (!d.time) d.time = static_cast<double>(usec) / 1e6;
            log.denials.push_back(std::move(d));
        }
    }
    std::reverse(log.denials.begin(), log.denials.end());  // oldest first
    log.tail_only = entries >= max_entries;
    return log;
}

}  // namespace dnd
