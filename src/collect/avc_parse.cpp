// AVC records: the form, the time, "{ permissions }" and the key=value fields that say who
// was denied what. Only what a diagnosis uses is kept; the record itself goes along as
// evidence.
#include "docknetdoctor/collect/avc_parse.hpp"

#include <algorithm>
#include <charconv>
#include <cstdlib>

namespace dnd {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view s) {
    while (!s.empty() && (is_space(s.front()) || s.front() == '\r')) s.remove_prefix(1);
    while (!s.empty() && (is_space(s.back()) || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

// A byte no log line holds as text: control bytes other than tab and carriage return.
bool has_binary_bytes(std::string_view line) {
    return std::any_of(line.begin(), line.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return (u < 0x20 && c != '\t' && c != '\r') || u == 0x7f;
    });
}

std::optional<std::uint16_t> parse_port(std::string_view s) {
    unsigned value = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (ec != std::errc{} || end != s.data() + s.size() || value > 65535) return std::nullopt;
    return static_cast<std::uint16_t>(value);
}

}  // namespace

std::optional<double> audit_line_time(std::string_view line) {
    const auto at = line.find("audit(");
    if (at == std::string_view::npos) return std::nullopt;
    const auto start = at + 6;
    const auto colon = line.find(':', start);
    if (colon == std::string_view::npos) return std::nullopt;
    const std::string_view stamp = line.substr(start, colon - start);
    double seconds = 0;
    auto [end, ec] = std::from_chars(stamp.data(), stamp.data() + stamp.size(), seconds);
    if (ec != std::errc{} || end != stamp.data() + stamp.size()) return std::nullopt;
    return seconds;
}

namespace {

std::string_view form_of(std::string_view line) {
    if (line.find("type=AVC") != std::string_view::npos && line.find("msg=audit(") != std::string_view::npos)
        return "auditd";
    if (line.find("type=1400") != std::string_view::npos) return "kmsg";
    return "journald";
}

// auditd writes a value it cannot quote (spaces, quotes, non-ASCII) as upper-case hex:
// comm=6E67696E78. An unquoted value in any other form (ausearch -i) is the value itself.
std::string decode_value(std::string_view value) {
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') return std::string(value.substr(1, value.size() - 2));
    const bool hex = std::all_of(value.begin(), value.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F'); });
    if (!hex || value.size() % 2 != 0 || value.empty()) return std::string(value);
    std::string out;
    for (std::size_t i = 0; i < value.size(); i += 2) {
        unsigned byte = 0;
        auto [end, ec] = std::from_chars(value.data() + i, value.data() + i + 2, byte, 16);
        if (ec != std::errc{} || end != value.data() + i + 2) return std::string(value);
        out.push_back(static_cast<char>(byte));
    }
    return out;
}

// The next key=value of the fields after "for"; a quoted value may hold spaces.
struct Field {
    std::string_view key;
    std::string_view value;
};
std::optional<Field> next_field(std::string_view& rest) {
    while (!rest.empty() && is_space(rest.front())) rest.remove_prefix(1);
    if (rest.empty()) return std::nullopt;
    const auto eq = rest.find('=');
    const auto space = std::find_if(rest.begin(), rest.end(), is_space) - rest.begin();
    if (eq == std::string_view::npos || static_cast<std::ptrdiff_t>(eq) > space) {
        rest.remove_prefix(static_cast<std::size_t>(space));  // a bare word: no field
        return Field{};
    }
    Field f{rest.substr(0, eq), {}};
    rest.remove_prefix(eq + 1);
    std::size_t length = 0;
    if (!rest.empty() && rest.front() == '"') {
        const auto close = rest.find('"', 1);
        length = close == std::string_view::npos ? rest.size() : close + 1;
    } else {
        length = static_cast<std::size_t>(std::find_if(rest.begin(), rest.end(), is_space) - rest.begin());
    }
    f.value = rest.substr(0, length);
    rest.remove_prefix(length);
    return f;
}

void apply_field(AvcDenial& d, const Field& f) {
    const std::string_view k = f.key;
    const std::string_view v = f.value;
    if (k == "pid") d.pid = std::atoi(std::string(v).c_str());
    else if (k == "comm") d.comm = decode_value(v);
    else if (k == "dest" || k == "fport") d.dest = parse_port(v);
    else if (k == "src" || k == "lport") d.src = parse_port(v);
    else if (k == "laddr" || k == "saddr") d.laddr = std::string(v);
    else if (k == "faddr" || k == "daddr") d.faddr = std::string(v);
    else if (k == "scontext") d.scontext = std::string(v);
    else if (k == "tcontext") d.tcontext = std::string(v);
    else if (k == "tclass") d.tclass = std::string(v);
    else if (k == "permissive") d.permissive = v == "1";
}

// A wrap inside a value ("tcontext=" | "system_u:...", "tclass=tcp_s" | "ocket"): the next
// line goes on with the value, not with a field of its own, and is joined without a space.
bool cut_inside_a_value(std::string_view record, std::string_view next_line) {
    if (record.ends_with('=')) return true;
    const auto last_space = record.find_last_of(" \t");
    const std::string_view last = last_space == std::string_view::npos ? record : record.substr(last_space + 1);
    const std::string_view first = next_line.substr(0, next_line.find_first_of(" \t"));
    return last.find('=') != std::string_view::npos && first.find('=') == std::string_view::npos &&
           first.find('{') == std::string_view::npos && first != "for";
}

// After a record that looks whole, a line that only finishes its last value: a first word
// without '=', then key=value fields only. A log line of its own starts otherwise (a date,
// "type=", "audit:").
bool value_goes_on(std::string_view record, std::string_view next_line) {
    next_line = trim(next_line);
    if (next_line.empty() || has_binary_bytes(next_line) || !cut_inside_a_value(record, next_line)) return false;
    std::string_view rest = next_line.substr(std::min(next_line.size(), next_line.find_first_of(" \t")));
    while (!(rest = trim(rest)).empty()) {
        const auto end = std::min(rest.size(), rest.find_first_of(" \t"));
        if (rest.substr(0, end).find('=') == std::string_view::npos) return false;
        rest.remove_prefix(end);
    }
    return true;
}

}  // namespace

std::optional<AvcDenial> parse_avc_line(std::string_view line) {
    line = trim(line);
    const auto avc = line.find("avc:");
    if (avc == std::string_view::npos) return std::nullopt;
    // A log tool may run the next record (its SYSCALL) on into the same line.
    if (const auto next = line.find(" type=", avc); next != std::string_view::npos) line = trim(line.substr(0, next));
    std::string_view rest = trim(line.substr(avc + 4));
    if (!rest.starts_with("denied")) return std::nullopt;  // "granted": an audit-allow rule's record
    rest.remove_prefix(6);
    const auto open = rest.find('{');
    const auto close = rest.find('}');
    if (open == std::string_view::npos || close == std::string_view::npos || close < open) return std::nullopt;

    AvcDenial d;
    d.record = std::string(line);
    d.form = std::string(form_of(line));
    d.time = audit_line_time(line);
    std::string_view perms = rest.substr(open + 1, close - open - 1);
    while (!(perms = trim(perms)).empty()) {
        const auto end = std::find_if(perms.begin(), perms.end(), is_space) - perms.begin();
        d.permissions.emplace_back(perms.substr(0, static_cast<std::size_t>(end)));
        perms.remove_prefix(static_cast<std::size_t>(end));
    }
    rest.remove_prefix(close + 1);
    while (auto field = next_field(rest))
        if (!field->key.empty()) apply_field(d, *field);
    if (d.permissions.empty() || context_type(d.scontext).empty() || context_type(d.tcontext).empty() ||
        d.tclass.empty())
        return std::nullopt;
    return d;
}

AvcScan scan_avc_text(std::string_view text, double since_epoch) {
    AvcScan scan;
    std::vector<std::string_view> lines;
    for (std::size_t start = 0; start < text.size();) {
        auto end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        lines.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const std::string_view line = lines[i];
        if (has_binary_bytes(line)) {
            ++scan.skipped_lines;
            continue;
        }
        if (line.find("avc:") == std::string_view::npos) continue;
        const std::string_view after = trim(line.substr(line.find("avc:") + 4));
        if (!after.starts_with("denied")) continue;
        std::string record(trim(line));
        // Wrapped by a log tool: the fields go on over the next lines, up to tclass=.
        std::size_t joined = 0;
        while (record.find("tclass=") == std::string::npos && i + joined + 1 < lines.size() && joined < 4) {
            const std::string_view next = trim(lines[i + joined + 1]);
            if (next.empty() || has_binary_bytes(next) || next.find("avc:") != std::string_view::npos ||
                next.starts_with("type="))
                break;
            if (!cut_inside_a_value(record, next)) record += ' ';
            record += next;
            ++joined;
        }
        // Wrapped inside the last value ("tclass=tcp_s" | "ocket permissive=0"): the rest of it.
        while (i + joined + 1 < lines.size() && joined < 4 && value_goes_on(record, lines[i + joined + 1])) {
            record += trim(lines[i + joined + 1]);
            ++joined;
        }
        auto denial = parse_avc_line(record);
        if (!denial) {
            ++scan.skipped_lines;
            continue;
        }
        i += joined;
        if (denial->time && *denial->time < since_epoch) continue;
        scan.denials.push_back(std::move(*denial));
    }
    return scan;
}

}  // namespace dnd
