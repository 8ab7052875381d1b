// Parser for /proc/net/{tcp,tcp6,udp,udp6} text (see proc(5), net/ipv4/tcp_ipv4.c).
#include <arpa/inet.h>
#include <netinet/in.h>

#include <array>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "docknetdoctor/collect/procfs.hpp"

namespace dnd {
namespace {

constexpr unsigned kTcpListen = 0x0A;       // TCP_LISTEN
constexpr unsigned kUdpUnconnected = 0x07;  // TCP_CLOSE: bound, not connected

std::vector<std::string_view> split_fields(std::string_view line) {
    std::vector<std::string_view> fields;
    std::size_t pos = 0;
    while (pos < line.size()) {
        while (pos < line.size() && (line[pos] == ' ' || line[pos] == '\t')) ++pos;
        std::size_t end = pos;
        while (end < line.size() && line[end] != ' ' && line[end] != '\t') ++end;
        if (end > pos) fields.push_back(line.substr(pos, end - pos));
        pos = end;
    }
    return fields;
}

template <class Int>
bool parse_hex(std::string_view text, Int& out) {
    if (text.empty()) return false;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out, 16);
    return ec == std::errc{} && end == text.data() + text.size();
}

// The kernel prints each 32-bit word of the address with %08X as the host reads it, so
// copying the parsed word back into memory restores the network byte order.
bool decode_address(std::string_view hex, int family, std::string& out) {
    const std::size_t words = family == 4 ? 1 : 4;
    if (hex.size() != words * 8) return false;
    std::array<unsigned char, 16> bytes{};
    for (std::size_t i = 0; i < words; ++i) {
        std::uint32_t word = 0;
        if (!parse_hex(hex.substr(i * 8, 8), word)) return false;
        std::memcpy(bytes.data() + i * 4, &word, sizeof word);
    }
    std::array<char, INET6_ADDRSTRLEN> text{};
    const int af = family == 4 ? AF_INET : AF_INET6;
    if (inet_ntop(af, bytes.data(), text.data(), text.size()) == nullptr) return false;
    out = text.data();
    return true;
}

// "0100007F:1F90" -> address, port
bool decode_endpoint(std::string_view field, int family, std::string& address, std::uint16_t& port) {
    auto colon = field.find(':');
    if (colon == std::string_view::npos) return false;
    std::string_view port_hex = field.substr(colon + 1);
    if (port_hex.size() != 4) return false;
    return decode_address(field.substr(0, colon), family, address) && parse_hex(port_hex, port);
}

std::string file_name(Proto proto, int family) {
    return fmt::format("{}{}", to_string(proto), family == 6 ? "6" : "");
}

}  // namespace

Result<std::vector<Listener>> parse_proc_net(std::string_view text, Proto proto, int family) {
    if (family != 4 && family != 6) return fail("procfs", fmt::format("unknown address family {}", family));
    const std::string name = file_name(proto, family);
    std::vector<Listener> listeners;
    std::size_t line_no = 0;
    while (!text.empty()) {
        auto newline = text.find('\n');
        std::string_view line = text.substr(0, newline);
        text = newline == std::string_view::npos ? std::string_view{} : text.substr(newline + 1);
        ++line_no;
        auto fields = split_fields(line);
        if (fields.empty()) continue;
        if (line_no == 1 && fields[0] == "sl") continue;  // column header
        auto malformed = [&](std::string_view what) {
            return fail("procfs", fmt::format("malformed line {} of /proc/net/{}: {}", line_no, name, what));
        };
        // sl local rem st tx:rx tr:when retrnsmt uid timeout inode ...
        if (fields.size() < 10) return malformed("too few fields");
        if (fields[0].back() != ':') return malformed("no slot number");
        Listener listener;
        listener.proto = proto;
        listener.family = family;
        std::string remote_address;
        std::uint16_t remote_port = 0;
        if (!decode_endpoint(fields[1], family, listener.address, listener.port))
            return malformed("bad local address");
        if (!decode_endpoint(fields[2], family, remote_address, remote_port))
            return malformed("bad remote address");
        unsigned state = 0;
        if (fields[3].size() != 2 || !parse_hex(fields[3], state)) return malformed("bad state");
        auto [end, ec] = std::from_chars(fields[9].data(), fields[9].data() + fields[9].size(), listener.inode);
        if (ec != std::errc{} || end != fields[9].data() + fields[9].size()) return malformed("bad inode");

        const bool listening = proto == Proto::tcp
                                   ? state == kTcpListen
                                   : state == kUdpUnconnected && listener.port != 0 && remote_port == 0;
        if (listening) listeners.push_back(std::move(listener));
    }
    return listeners;
}

}  // namespace dnd
