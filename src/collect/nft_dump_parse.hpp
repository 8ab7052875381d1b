#pragma once
// Parsing an nftables dump message by message, as the kernel sends it (read_nftables) or
// from recorded bytes (parse_nftables_dump): the messages need not be kept.
#include <linux/netlink.h>

#include <memory>
#include <optional>

#include "docknetdoctor/model/error.hpp"
#include "docknetdoctor/model/ruleset.hpp"

namespace dnd::nf {

class NftDumpParser {
public:
    NftDumpParser();
    ~NftDumpParser();
    NftDumpParser(NftDumpParser&&) noexcept;
    NftDumpParser& operator=(NftDumpParser&&) noexcept;

    // One message of the dump. What is not an nftables answer (NLMSG_DONE, an ACK, another
    // subsystem's message) is skipped. After a malformed message the rest are ignored:
    // finish() reports the first.
    void add(const nlmsghdr& message);

    // The ruleset, or the first malformed message's error.
    Result<Ruleset> finish() &&;

private:
    class Assembler;
    std::unique_ptr<Assembler> assembler_;
    std::optional<Error> error_;
};

}  // namespace dnd::nf
