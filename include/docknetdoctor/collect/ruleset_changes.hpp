#pragma once
// Knowing when the host's netfilter rules change, for watch. nftables announces every
// committed transaction on its netlink group (iptables-nft's too), so a subscriber learns of
// each at once; iptables-legacy tables announce nothing, so they are read again and compared,
// counters aside, whenever the caller asks.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "docknetdoctor/model/error.hpp"

namespace dnd {

class NftablesChanges {
public:
    // A socket subscribed to NFNLGRP_NFTABLES in this network namespace.
    static Result<NftablesChanges> subscribe();
    NftablesChanges(NftablesChanges&&) noexcept;
    NftablesChanges& operator=(NftablesChanges&&) noexcept;
    ~NftablesChanges();

    int fd() const;  // readable when something was announced
    // Reads everything waiting. True when a change was announced, or when announcements were
    // lost (the socket's buffer overflowed): then something changed too.
    Result<bool> drain();

private:
    struct Socket;
    explicit NftablesChanges(std::unique_ptr<Socket> socket);
    std::unique_ptr<Socket> socket_;
};

class LegacyRulesWatch {
public:
    explicit LegacyRulesWatch(std::string proc_root) : proc_root_(std::move(proc_root)) {}
    // Reads the legacy tables; true when their rules differ from the last read (the first
    // read only remembers them).
    Result<bool> changed();

private:
    std::string proc_root_;
    std::optional<std::vector<std::vector<std::uint8_t>>> last_;
};

}  // namespace dnd
