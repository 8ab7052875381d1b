#pragma once
// What libnftnl needs of an nftables message before it may parse it. libnftnl trusts the
// kernel: an attribute of the wrong size or type makes it print "nf_tables kernel ABI is
// broken" and exit the whole process, a jump verdict without its chain makes it read an
// uninitialized pointer, an expression without a name a null one. Every message of a dump
// is checked here first, so that such a message is one error instead.
#include <linux/netlink.h>

#include <cstdint>
#include <vector>

#include "docknetdoctor/model/error.hpp"

namespace dnd::nf {

// Whether libnftnl can parse `nlh` (an nftables message, followed in memory by zero bytes):
// every attribute it checks has the type and size it checks for, each expression has a name
// this reader knows the attributes of, each verdict jumping to a chain names it, and nothing
// overflows libnftnl's fixed tables (set element attributes, concatenation fields).
Result<void> check_nftables_message(const nlmsghdr* nlh);

// A message as libnftnl may read it: copied, followed by zero bytes, since libnftnl takes a
// string attribute's bytes up to a NUL without checking that the attribute holds one (a
// name without its NUL then ends in the padding, never past the buffer). One buffer for
// every message copied: libnftnl copies what it keeps.
class PaddedMessage {
public:
    const nlmsghdr* copy(const nlmsghdr& message);

private:
    std::vector<std::uint32_t> buffer_;  // netlink's 4-byte alignment
};

}  // namespace dnd::nf
