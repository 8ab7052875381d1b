// --to TARGET:PORT and the resolver files of the source: text in, values out.
#include <algorithm>
#include <charconv>
#include <sstream>

#include <fmt/format.h>

#include "docknetdoctor/model/facts_query.hpp"
#include "docknetdoctor/model/peer.hpp"

namespace dnd {
namespace {

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

// Words of one line, up to a '#' comment.
std::vector<std::string> words_of(std::string_view line) {
    if (auto hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
    std::istringstream in{std::string(line)};
    std::vector<std::string> words;
    for (std::string w; in >> w;) words.push_back(w);
    return words;
}

template <class F>
void for_each_line(std::string_view text, F&& f) {
    std::size_t start = 0;
    while (start < text.size()) {
        auto end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        f(text.substr(start, end - start));
        start = end + 1;
    }
}

}  // namespace

Result<PeerQuery> parse_peer_spec(std::string_view text) {
    const auto bad = [&](std::string_view why) {
        return fail("usage", fmt::format("--to {}: {} (expected TARGET:PORT, e.g. db:5432 or [fd00::5]:80)", text, why));
    };
    PeerQuery q;
    q.spec = std::string(text);
    std::string_view port_text;
    if (text.starts_with('[')) {
        const auto close = text.find(']');
        if (close == std::string_view::npos) return bad("unclosed [");
        q.host = std::string(text.substr(1, close - 1));
        if (close + 1 >= text.size() || text[close + 1] != ':') return bad("a port is required");
        port_text = text.substr(close + 2);
    } else {
        const auto colon = text.rfind(':');
        if (colon == std::string_view::npos) return bad("a port is required");
        q.host = std::string(text.substr(0, colon));
        if (q.host.find(':') != std::string::npos) return bad("write an IPv6 address as [ADDR]:PORT");
        port_text = text.substr(colon + 1);
    }
    if (q.host.empty()) return bad("no target before the port");
    unsigned value = 0;
    auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
    if (ec != std::errc{} || end != port_text.data() + port_text.size() || value == 0 || value > 65535)
        return bad("the port must be a number in 1..65535");
    q.port = static_cast<std::uint16_t>(value);
    return q;
}

std::string_view to_string(PeerHostKind k) {
    switch (k) {
        case PeerHostKind::name: return "name";
        case PeerHostKind::address: return "address";
        case PeerHostKind::loopback: return "loopback";
        case PeerHostKind::host_gateway: return "host-gateway";
    }
    return "name";
}

PeerHostKind classify_peer_host(std::string_view host) {
    const std::string name = lower(host);
    if (name == "localhost" || name == "ip6-localhost" || name == "ip6-loopback" ||
        (is_ip_literal(name) && is_loopback_address(name)))
        return PeerHostKind::loopback;
    if (name == "host.docker.internal" || name == "gateway.docker.internal") return PeerHostKind::host_gateway;
    if (is_ip_literal(name)) return PeerHostKind::address;
    return PeerHostKind::name;
}

std::string_view rcode_name(int rcode) {
    switch (rcode) {
        case 0: return "NOERROR";
        case 1: return "FORMERR";
        case 2: return "SERVFAIL";
        case 3: return "NXDOMAIN";
        case 4: return "NOTIMP";
        case 5: return "REFUSED";
        default: return "other rcode";
    }
}

std::vector<std::string> parse_resolv_conf_nameservers(std::string_view text) {
    std::vector<std::string> out;
    for_each_line(text, [&](std::string_view line) {
        if (line.starts_with(';')) return;
        auto words = words_of(line);
        if (words.size() >= 2 && words[0] == "nameserver") out.push_back(words[1]);
    });
    return out;
}

std::vector<HostsEntry> parse_hosts_file(std::string_view text) {
    std::vector<HostsEntry> out;
    for_each_line(text, [&](std::string_view line) {
        auto words = words_of(line);
        if (words.size() < 2) return;
        HostsEntry e;
        e.address = words[0];
        e.names.assign(words.begin() + 1, words.end());
        out.push_back(std::move(e));
    });
    return out;
}

std::string hosts_lookup(const std::vector<HostsEntry>& entries, std::string_view name) {
    const std::string wanted = lower(name);
    for (const auto& e : entries)
        for (const auto& n : e.names)
            if (lower(n) == wanted) return e.address;
    return {};
}

}  // namespace dnd
