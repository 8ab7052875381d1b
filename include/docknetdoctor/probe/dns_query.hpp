#pragma once
// One real DNS question asked from inside a network namespace, over UDP, to a given server:
// what a process there would get from its own resolver (glibc's res_* would read this
// host's /etc/resolv.conf instead, so the query is built and sent by hand).
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "docknetdoctor/model/dns_message.hpp"
#include "docknetdoctor/model/error.hpp"

namespace dnd {

// Errors (source "dns"): the netns cannot be entered, the server is not an address, no
// reply before the timeout, a malformed reply.
Result<DnsReply> query_dns_in_netns(const std::string& netns_path, const std::string& server, std::string_view name,
                                    std::uint16_t qtype, std::chrono::milliseconds timeout);

}  // namespace dnd
