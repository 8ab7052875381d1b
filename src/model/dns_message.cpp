// DNS queries and replies on the wire (RFC 1035 section 4). Only what one A/AAAA lookup
// needs: a header, one question, and the answer records (names may be compressed).
#include "docknetdoctor/model/dns_message.hpp"

#include <arpa/inet.h>

#include <optional>

#include <fmt/format.h>

namespace dnd {
namespace {

constexpr std::size_t kHeaderSize = 12;
constexpr std::size_t kMaxLabel = 63;
constexpr std::size_t kMaxName = 253;
constexpr std::uint16_t kClassIn = 1;

void put16(std::vector<std::uint8_t>& out, std::uint16_t v) {
    out.push_back(static_cast<std::uint8_t>(v >> 8));
    out.push_back(static_cast<std::uint8_t>(v & 0xff));
}

std::uint16_t get16(const std::vector<std::uint8_t>& b, std::size_t at) {
    return static_cast<std::uint16_t>((b[at] << 8) | b[at + 1]);
}

Error malformed(std::string what) { return Error{"dns", "malformed DNS reply: " + std::move(what)}; }

// Offset just past the (possibly compressed) name at `at`, or nullopt when it runs off the end.
std::optional<std::size_t> skip_name(const std::vector<std::uint8_t>& b, std::size_t at) {
    while (at < b.size()) {
        const std::uint8_t len = b[at];
        if (len == 0) return at + 1;
        if ((len & 0xc0) == 0xc0) return at + 2 <= b.size() ? std::optional(at + 2) : std::nullopt;
        if ((len & 0xc0) != 0) return std::nullopt;  // reserved label types
        at += 1 + len;
    }
    return std::nullopt;
}

}  // namespace

Result<std::vector<std::uint8_t>> build_dns_query(std::uint16_t id, std::string_view name, std::uint16_t qtype) {
    if (name.ends_with('.')) name.remove_suffix(1);
    if (name.empty() || name.size() > kMaxName) return fail("dns", fmt::format("not a DNS name: '{}'", name));
    std::vector<std::uint8_t> out;
    put16(out, id);
    put16(out, 0x0100);  // standard query, recursion desired
    put16(out, 1);       // one question
    put16(out, 0);
    put16(out, 0);
    put16(out, 0);
    std::size_t start = 0;
    while (start <= name.size()) {
        auto dot = name.find('.', start);
        if (dot == std::string_view::npos) dot = name.size();
        const auto label = name.substr(start, dot - start);
        if (label.empty() || label.size() > kMaxLabel) return fail("dns", fmt::format("not a DNS name: '{}'", name));
        out.push_back(static_cast<std::uint8_t>(label.size()));
        out.insert(out.end(), label.begin(), label.end());
        start = dot + 1;
    }
    out.push_back(0);
    put16(out, qtype);
    put16(out, kClassIn);
    return out;
}

bool answers_another_query(const std::vector<std::uint8_t>& b, std::uint16_t expected_id) {
    return b.size() >= kHeaderSize && get16(b, 0) != expected_id;
}

Result<DnsReply> parse_dns_reply(const std::vector<std::uint8_t>& b, std::uint16_t expected_id) {
    if (b.size() < kHeaderSize) return std::unexpected(malformed(fmt::format("{} bytes, shorter than a header", b.size())));
    if (answers_another_query(b, expected_id)) return std::unexpected(malformed("the id does not match the query"));
    const std::uint16_t flags = get16(b, 2);
    if ((flags & 0x8000) == 0) return std::unexpected(malformed("not a response"));
    DnsReply reply;
    reply.rcode = flags & 0x000f;
    const std::uint16_t questions = get16(b, 4);
    const std::uint16_t answers = get16(b, 6);
    std::size_t at = kHeaderSize;
    for (std::uint16_t i = 0; i < questions; ++i) {
        auto next = skip_name(b, at);
        if (!next || *next + 4 > b.size()) return std::unexpected(malformed("truncated question"));
        at = *next + 4;
    }
    for (std::uint16_t i = 0; i < answers; ++i) {
        auto next = skip_name(b, at);
        if (!next || *next + 10 > b.size()) return std::unexpected(malformed("truncated answer"));
        at = *next;
        const std::uint16_t type = get16(b, at);
        const std::uint16_t klass = get16(b, at + 2);
        const std::uint16_t length = get16(b, at + 8);
        at += 10;
        if (at + length > b.size()) return std::unexpected(malformed("answer data runs past the end"));
        char text[INET6_ADDRSTRLEN] = {};
        if (klass == kClassIn && type == kDnsTypeA && length == 4) {
            ::inet_ntop(AF_INET, &b[at], text, sizeof text);
            reply.addresses.emplace_back(text);
        } else if (klass == kClassIn && type == kDnsTypeAAAA && length == 16) {
            ::inet_ntop(AF_INET6, &b[at], text, sizeof text);
            reply.addresses.emplace_back(text);
        }
        at += length;
    }
    return reply;
}

}  // namespace dnd
