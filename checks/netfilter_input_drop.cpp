// netfilter.input-drop: the packet to a local socket (host network, docker-proxy) dies in an
// input hook.
#include "checks.hpp"
#include "path_drop_finding.hpp"
#include "path_drop_fix.hpp"

namespace dnd::checks {

CheckResult netfilter_input_drop(const Facts& f) {
    return path_drop_findings(f, {"netfilter.input-drop", "input", fixes_where_denied});
}

}  // namespace dnd::checks
