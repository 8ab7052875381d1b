#pragma once
// DNS wire format (RFC 1035), just enough to ask one question and read the addresses in the
// reply. Pure: bytes in, bytes out (the peer collector sends them from the source's netns).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "docknetdoctor/model/error.hpp"

namespace dnd {

// A recursive query for one name and type (1 = A, 28 = AAAA),
// and the parsed reply. The reply must carry the query's id and be a response.
inline constexpr std::uint16_t kDnsTypeA = 1;
inline constexpr std::uint16_t kDnsTypeAAAA = 28;
Result<std::vector<std::uint8_t>> build_dns_query(std::uint16_t id, std::string_view name, std::uint16_t qtype);
struct DnsReply {
    int rcode = 0;
    std::vector<std::string> addresses;  // the A/AAAA answers, presentation form
};
Result<DnsReply> parse_dns_reply(const std::vector<std::uint8_t>& bytes, std::uint16_t expected_id);
// A whole header with another id: a stray datagram, not the answer to our query.
bool answers_another_query(const std::vector<std::uint8_t>& bytes, std::uint16_t expected_id);

}  // namespace dnd
