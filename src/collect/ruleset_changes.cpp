// The nftables change announcements and the legacy tables' comparison (ruleset_changes.hpp).
#include "docknetdoctor/collect/ruleset_changes.hpp"

#include <linux/netfilter/nfnetlink.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "docknetdoctor/collect/netfilter_collect.hpp"
#include "netlink_dump.hpp"

namespace dnd {

struct NftablesChanges::Socket {
    netlink::MnlSocketPtr mnl;
};

NftablesChanges::NftablesChanges(std::unique_ptr<Socket> socket) : socket_(std::move(socket)) {}
NftablesChanges::NftablesChanges(NftablesChanges&&) noexcept = default;
NftablesChanges& NftablesChanges::operator=(NftablesChanges&&) noexcept = default;
NftablesChanges::~NftablesChanges() = default;

Result<NftablesChanges> NftablesChanges::subscribe() {
    auto failed = [](std::string_view what) {
        const int error = errno;
        return fail("nftables", fmt::format("cannot follow nftables changes: {}: {}{}", what, std::strerror(error),
                                            error == EPERM || error == EACCES ? " (needs CAP_NET_ADMIN)" : ""));
    };
    netlink::MnlSocketPtr mnl(mnl_socket_open2(NETLINK_NETFILTER, SOCK_CLOEXEC | SOCK_NONBLOCK));
    if (!mnl) return failed("netlink socket");
    if (mnl_socket_bind(mnl.get(), 0, MNL_SOCKET_AUTOPID) < 0) return failed("bind");
    int group = NFNLGRP_NFTABLES;
    if (mnl_socket_setsockopt(mnl.get(), NETLINK_ADD_MEMBERSHIP, &group, sizeof group) < 0)
        return failed("joining the nftables group");
    return NftablesChanges(std::make_unique<Socket>(Socket{std::move(mnl)}));
}

int NftablesChanges::fd() const { return mnl_socket_get_fd(socket_->mnl.get()); }

Result<bool> NftablesChanges::drain() {
    // Each announcement is a copy of what changed (a whole rule, a set's elements): only that
    // there was one matters.
    std::vector<char> buffer(MNL_SOCKET_BUFFER_SIZE);
    bool announced = false;
    for (;;) {
        const ssize_t n = ::recv(fd(), buffer.data(), buffer.size(), MSG_DONTWAIT);
        if (n > 0) {
            announced = true;
            continue;
        }
        if (n < 0 && errno == ENOBUFS) {  // announcements were lost: they were announcements still
            announced = true;
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n == 0 || errno == EAGAIN || errno == EWOULDBLOCK) return announced;
        return fail("nftables", fmt::format("reading nftables changes: {}", std::strerror(errno)));
    }
}

Result<bool> LegacyRulesWatch::changed() {
    auto blobs = nf::dump_iptables_legacy(proc_root_);
    if (!blobs) return std::unexpected(blobs.error());
    std::vector<std::vector<std::uint8_t>> now;
    for (const auto& blob : *blobs) now.push_back(nf::legacy_rules_without_counters(blob));
    const bool differs = last_ && *last_ != now;
    last_ = std::move(now);
    return differs;
}

}  // namespace dnd
