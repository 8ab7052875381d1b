// AVC denials from the journal, through sd-journal: on hosts without auditd the kernel's
// audit records reach journald (transport "audit", or "kernel" when they went through the
// kernel ring). Read from the window's start, entries bounded. libsystemd is loaded when the
// journal is first read (SharedLibrary): most hosts never need it.
#include <systemd/sd-journal.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <optional>
#include <type_traits>

#include <fmt/format.h>

#include "docknetdoctor/collect/avc_parse.hpp"
#include "docknetdoctor/collect/selinux_collect.hpp"
#include "shared_library.hpp"

namespace dnd {
namespace {

constexpr const char* kSource = "selinux";

// The sd-journal functions this reader calls, resolved from libsystemd once.
struct JournalApi {
    decltype(&sd_journal_open) open = nullptr;
    decltype(&sd_journal_open_directory) open_directory = nullptr;
    decltype(&sd_journal_close) close = nullptr;
    decltype(&sd_journal_get_usage) get_usage = nullptr;
    decltype(&sd_journal_add_match) add_match = nullptr;
    decltype(&sd_journal_add_disjunction) add_disjunction = nullptr;
    decltype(&sd_journal_seek_tail) seek_tail = nullptr;
    decltype(&sd_journal_previous) previous = nullptr;
    decltype(&sd_journal_get_realtime_usec) get_realtime_usec = nullptr;
    decltype(&sd_journal_get_data) get_data = nullptr;
};

Result<JournalApi> load_journal_api() {
    auto library = SharedLibrary::load("libsystemd.so.0", kSource);
    if (!library) return std::unexpected(library.error());
    JournalApi api;
    FunctionResolver resolve(**library);
    resolve(api.open, "sd_journal_open");
    resolve(api.open_directory, "sd_journal_open_directory");
    resolve(api.close, "sd_journal_close");
    resolve(api.get_usage, "sd_journal_get_usage");
    resolve(api.add_match, "sd_journal_add_match");
    resolve(api.add_disjunction, "sd_journal_add_disjunction");
    resolve(api.seek_tail, "sd_journal_seek_tail");
    resolve(api.previous, "sd_journal_previous");
    resolve(api.get_realtime_usec, "sd_journal_get_realtime_usec");
    resolve(api.get_data, "sd_journal_get_data");
    if (resolve.missing()) return std::unexpected(*resolve.missing());
    return api;
}

Error journal_error(std::string_view what, int r) {
    return Error{kSource, fmt::format("cannot read the journal: {}: {}", what, std::strerror(-r))};
}

// The value of a FIELD=value datum, or "" when the entry has no such field.
std::string_view field(const JournalApi& api, sd_journal* j, const char* name) {
    const void* data = nullptr;
    std::size_t length = 0;
    if (api.get_data(j, name, &data, &length) < 0) return {};
    std::string_view datum(static_cast<const char*>(data), length);
    const auto eq = datum.find('=');
    return eq == std::string_view::npos ? std::string_view{} : datum.substr(eq + 1);
}

}  // namespace

Result<AvcLog> read_journal_denials(const std::string& root, double since_epoch, std::size_t max_entries) {
    static const Result<JournalApi> loaded = load_journal_api();
    if (!loaded) return std::unexpected(loaded.error());
    const JournalApi& api = *loaded;
    sd_journal* raw = nullptr;
    const int opened = root.empty() ? api.open(&raw, SD_JOURNAL_LOCAL_ONLY | SD_JOURNAL_SYSTEM)
                                    : api.open_directory(&raw, root.c_str(), SD_JOURNAL_OS_ROOT);
    if (opened < 0) return std::unexpected(journal_error("sd_journal_open", opened));
    const std::unique_ptr<sd_journal, decltype(&sd_journal_close)> journal(raw, api.close);
    std::uint64_t usage = 0;
    if (api.get_usage(raw, &usage) < 0 || usage == 0)
        return fail(kSource, root.empty() ? "no audit log (/var/log/audit/audit.log) and no journal files to read"
                                          : fmt::format("no audit log and no journal files under {}", root));
    for (const char* match : {"_TRANSPORT=audit", "_TRANSPORT=kernel"}) {
        if (int r = api.add_match(raw, match, 0); r < 0) return std::unexpected(journal_error("add_match", r));
        if (int r = api.add_disjunction(raw); r < 0) return std::unexpected(journal_error("add_disjunction", r));
    }
    // From the newest entry back to the window's start: a bound on entries keeps the newest.
    if (int r = api.seek_tail(raw); r < 0) return std::unexpected(journal_error("seek", r));

    AvcLog log;
    log.source = root.empty() ? "journal" : fmt::format("journal under {}", root);
    log.since = window_start_text(since_epoch);
    std::size_t entries = 0;
    while (entries < max_entries) {
        const int r = api.previous(raw);
        if (r < 0) return std::unexpected(journal_error("previous", r));
        if (r == 0) break;
        ++entries;
        std::uint64_t usec = 0;
        if (api.get_realtime_usec(raw, &usec) >= 0 && static_cast<double>(usec) / 1e6 < since_epoch) break;
        const std::string_view message = field(api, raw, "MESSAGE");
        log.bytes_read += message.size();
        if (message.find("avc:") == std::string_view::npos) continue;
        auto scan = scan_avc_text(message, since_epoch);
        log.skipped_lines += scan.skipped_lines;
        for (AvcDenial& d : scan.denials) {
            if (field(api, raw, "_TRANSPORT") == "kernel") d.form = "kmsg";
            if (!d.time) d.time = static_cast<double>(usec) / 1e6;
            log.denials.push_back(std::move(d));
        }
    }
    std::reverse(log.denials.begin(), log.denials.end());  // oldest first
    log.tail_only = entries >= max_entries;
    return log;
}

}  // namespace dnd
