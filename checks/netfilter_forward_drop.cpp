// netfilter.forward-drop: the packet, DNAT'd to the container, dies in a forward hook.
#include "checks.hpp"
#include "path_drop_finding.hpp"
#include "path_drop_fix.hpp"

namespace dnd::checks {

CheckResult netfilter_forward_drop(const Facts& f) {
    return path_drop_findings(f, {"netfilter.forward-drop", "forward", fixes_where_denied});
}

}  // namespace dnd::checks
