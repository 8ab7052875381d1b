#pragma once
// Internal to the nftables reader: libnftnl objects -> the plain ruleset model.
#include <cstdint>
#include <span>
#include <string>

#include "docknetdoctor/model/ruleset.hpp"

struct nftnl_expr;

namespace dnd::nf {

// A kernel verdict code (NF_ACCEPT, NFT_JUMP ...; also x_tables' standard-target
// -code-1 after the caller undoes that) -> kind. Unknown codes: nullopt.
std::optional<Verdict::Kind> verdict_kind_from_code(std::int32_t code);

// One expression of a rule. xt_family (4 or 6) selects the xt struct layouts.
Expr decode_nft_expr(const nftnl_expr* expr, int xt_family);

// The comment in a rule's userdata (TLV, type 0 NFTNL_UDATA_RULE_COMMENT), or "".
std::string rule_userdata_comment(std::span<const std::uint8_t> udata);

}  // namespace dnd::nf
