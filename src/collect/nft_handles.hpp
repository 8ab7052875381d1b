#pragma once
// RAII owners for the C handles of libnftnl (the libmnl socket's is netlink_dump.hpp's).
#include <libnftnl/chain.h>
#include <libnftnl/gen.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>

#include <memory>

namespace dnd::nf {

template <auto Free>
struct CDeleter {
    template <class T>
    void operator()(T* p) const noexcept { if (p != nullptr) Free(p); }
};

using NftTablePtr = std::unique_ptr<nftnl_table, CDeleter<nftnl_table_free>>;
using NftChainPtr = std::unique_ptr<nftnl_chain, CDeleter<nftnl_chain_free>>;
using NftRulePtr = std::unique_ptr<nftnl_rule, CDeleter<nftnl_rule_free>>;
using NftSetPtr = std::unique_ptr<nftnl_set, CDeleter<nftnl_set_free>>;
using NftGenPtr = std::unique_ptr<nftnl_gen, CDeleter<nftnl_gen_free>>;
using NftExprIterPtr =
    std::unique_ptr<nftnl_expr_iter, CDeleter<nftnl_expr_iter_destroy>>;

}  // namespace dnd::nf
