// Raw IPv4/IPv6 headers read into a Packet.
#include "packet_headers.hpp"
#include "kernel_names.hpp"

#include <netinet/in.h>

namespace dnd {

Packet packet_from_headers(int family, std::span<const std::uint8_t> network, std::span<const std::uint8_t> transport) {
    Packet p;
    p.family = family;
    std::uint8_t l4 = 0;
    std::size_t network_length = 0;
    if (family == 4 && network.size() >= 20) {
        l4 = network[9];
        p.saddr = address_text(4, network.data() + 12);
        p.daddr = address_text(4, network.data() + 16);
        network_length = static_cast<std::size_t>(network[0] & 0x0f) * 4;
    } else if (family == 6 && network.size() >= 40) {
        l4 = network[6];
        p.saddr = address_text(6, network.data() + 8);
        p.daddr = address_text(6, network.data() + 24);
        network_length = 40;
    }
    p.proto = l4 == IPPROTO_UDP ? Proto::udp : Proto::tcp;
    if (transport.empty() && network_length >= 20 && network.size() > network_length) transport = network.subspan(network_length);
    if (transport.size() >= 4) {
        p.sport = static_cast<std::uint16_t>(transport[0] << 8 | transport[1]);
        p.dport = static_cast<std::uint16_t>(transport[2] << 8 | transport[3]);
    }
    return p;
}

}  // namespace dnd
