#pragma once
// A ruleset from a facts file is untrusted: before the evaluator or a check reads it, this
// pass rejects what the kernel itself would never hold (a register that does not exist, a
// length that overruns the register file, a jump to a chain or a lookup in a set that is
// not in the table, a set element whose key is not the set's key length), naming where.
#include <string>

#include "docknetdoctor/model/error.hpp"
#include "docknetdoctor/model/ruleset.hpp"

namespace dnd::nf {

// where: the JSON path of the ruleset ("host.nftables"); the error names the member
// ("host.nftables.tables[0].chains[2].rules[5].exprs[1]: ...").
Result<void> validate_ruleset(const Ruleset& ruleset, const std::string& where);

}  // namespace dnd::nf
