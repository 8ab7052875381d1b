// A DNS query sent from a thread inside another network namespace (run_in_netns), so the
// socket lives in that namespace and reaches its resolver (127.0.0.11 is Docker's embedded
// DNS, redirected by the container's own nat rules).
#include "docknetdoctor/probe/unique_fd.hpp"
#include "docknetdoctor/probe/dns_query.hpp"

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>
#include <random>

#include <fmt/format.h>

#include "docknetdoctor/probe/probe.hpp"
#include "docknetdoctor/probe/socket_address.hpp"

namespace dnd {
namespace {

constexpr std::uint16_t kDnsPort = 53;

// Runs inside the namespace: send, then wait for the reply that carries our id.
Result<DnsReply> ask(const SocketAddress& to, const std::string& server, const std::vector<std::uint8_t>& query,
                     std::uint16_t id, std::chrono::milliseconds timeout) {
    const UniqueFd fd(::socket(to.family(), SOCK_DGRAM | SOCK_CLOEXEC, 0));
    if (fd.get() < 0) return fail("dns", fmt::format("socket: {}", std::strerror(errno)));
    if (::connect(fd.get(), to.get(), to.length) != 0)
        return fail("dns", fmt::format("cannot reach nameserver {}: {}", server, std::strerror(errno)));
    if (::send(fd.get(), query.data(), query.size(), 0) < 0)
        return fail("dns", fmt::format("cannot send to nameserver {}: {}", server, std::strerror(errno)));
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::vector<std::uint8_t> buffer(4096);
    while (true) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) return fail("dns", fmt::format("no reply from nameserver {} within {} ms", server, timeout.count()));
        pollfd pfd{fd.get(), POLLIN, 0};
        const int ready = ::poll(&pfd, 1, static_cast<int>(left.count()));
        if (ready < 0 && errno == EINTR) continue;
        if (ready < 0) return fail("dns", fmt::format("poll: {}", std::strerror(errno)));
        if (ready == 0) continue;
        const ssize_t n = ::recv(fd.get(), buffer.data(), buffer.size(), 0);
        if (n < 0) {
            if (errno == EINTR) continue;
            // ECONNREFUSED: ICMP port unreachable, nothing answers DNS there.
            return fail("dns", fmt::format("nameserver {}: {}", server, std::strerror(errno)));
        }
        std::vector<std::uint8_t> reply(buffer.begin(), buffer.begin() + n);
        if (answers_another_query(reply, id)) continue;  // keep waiting for ours
        return parse_dns_reply(reply, id);
    }
}

}  // namespace

Result<DnsReply> query_dns_in_netns(const std::string& netns_path, const std::string& server, std::string_view name,
                                    std::uint16_t qtype, std::chrono::milliseconds timeout) {
    auto to = numeric_address(server, kDnsPort);
    if (!to) return fail("dns", fmt::format("nameserver '{}' is not an IP address", server));
    std::random_device random;
    const auto id = static_cast<std::uint16_t>(random());
    auto query = build_dns_query(id, name, qtype);
    if (!query) return std::unexpected(query.error());
    Result<DnsReply> result = fail("dns", "not asked");
    auto entered = run_in_netns(netns_path, [&] { result = ask(*to, server, *query, id, timeout); });
    if (!entered) return fail("dns", entered.error().message);
    return result;
}

}  // namespace dnd
