#pragma once
// Reading the live netfilter ruleset: nftables over netlink (libmnl + libnftnl) and
// iptables-legacy over getsockopt. The readers do the I/O; the parse functions take the
// recorded bytes (fixtures/netfilter/) and are what the unit tests exercise.
#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "docknetdoctor/model/error.hpp"
#include "docknetdoctor/model/ruleset.hpp"

namespace dnd::nf {

struct NftReadOptions {
    // Dump the elements of named sets. Anonymous sets (the "{ 80, 443 }" of rules) are
    // always dumped: they are small and rendering needs them. With false, named sets that
    // are not maps come back with elements_loaded == false; look single keys up with
    // set_contains(), which asks the kernel for one element instead of dumping (and
    // copying) the whole set. Named maps are still dumped (a lookup by key says whether a
    // key is in, not what it maps to); a map whose elements cannot be dumped comes back
    // unloaded instead of failing the read.
    bool named_set_elements = true;
    // Give up retrying an inconsistent dump (generation changed, NLM_F_DUMP_INTR) after this.
    std::chrono::milliseconds retry_budget{5000};
};

// The bytes of every netlink message a dump received (NFT_MSG_NEWGEN/NEWTABLE/NEWCHAIN/
// NEWSET/NEWRULE/NEWSETELEM, NLMSG_DONE), concatenated as they came from the kernel.
struct NftRawDump {
    std::vector<std::uint8_t> messages;
};

// One consistent dump of this network namespace's nftables ruleset (every family).
// Errors: source "nftables"; EPERM -> "permission denied reading the nftables ruleset
// (needs CAP_NET_ADMIN)".
Result<NftRawDump> dump_nftables(const NftReadOptions& options = {});
// Parses recorded messages into the model. Element messages for a set not in the dump
// are an error; unknown message types are skipped.
Result<Ruleset> parse_nftables_dump(std::span<const std::uint8_t> messages);
// dump_nftables() + parse_nftables_dump().
Result<Ruleset> read_nftables(const NftReadOptions& options = {});

// Whether the named set holds key (network byte order, the set's key_len). For interval
// sets the kernel answers whether an interval contains the key. One NFT_MSG_GETSETELEM
// get request; ENOENT -> false.
Result<bool> set_contains(Family family, std::string_view table, std::string_view set,
                          std::span<const std::uint8_t> key);

// ---- xt extensions ----
// Decodes the raw info struct of an xt match/target (an iptables-nft "match"/"target"
// expression or a legacy entry's match/target data). family: 4 or 6. Unknown names,
// unsupported revisions or a size that does not fit give std::monostate (kept opaque).
XtDecoded decode_xt(bool is_target, std::string_view name, std::uint8_t revision,
                    std::span<const std::uint8_t> info, int family);

// ---- iptables-legacy ----
// What IPT_SO_GET_INFO + IPT_SO_GET_ENTRIES return for one table: the ipt_getinfo (or
// ip6t_getinfo) struct and the entries blob (without the ipt_get_entries header).
struct LegacyTableBlob {
    int family = 4;                   // 4: ip_tables, 6: ip6_tables
    std::vector<std::uint8_t> info;   // struct ipt_getinfo bytes
    std::vector<std::uint8_t> entries;
};
Result<Table> parse_iptables_legacy_table(const LegacyTableBlob& blob);
// The table's info and entries with every rule's packet and byte counters zeroed: equal
// for two reads exactly when the rules are (traffic alone changes nothing). A blob whose
// entries do not walk is returned as it is.
std::vector<std::uint8_t> legacy_rules_without_counters(const LegacyTableBlob& blob);

// Tables listed in PROC_ROOT/net/ip_tables_names and ip6_tables_names (only those: asking
// for another name would load a module and create it), read with getsockopt in this
// process's network namespace. proc_root is normally "/proc". No names file (module not
// loaded) -> an empty Ruleset, not an error.
Result<std::vector<LegacyTableBlob>> dump_iptables_legacy(const std::string& proc_root);
Result<Ruleset> read_iptables_legacy(const std::string& proc_root);

}  // namespace dnd::nf
