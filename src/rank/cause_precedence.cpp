// The causal pairs of the ranking principle (rank.cpp): when both fire, the cause closer to
// the root of the failure, or more specific to what the user intended, leads.
#include "docknetdoctor/rank/cause_precedence.hpp"

#include <algorithm>

namespace dnd {
namespace {

constexpr CausePrecedence kPrecedence[] = {
    {"container.restarting", "app.not-listening",
     "between two runs of a crash loop nothing listens: the crash, not the app's port, is the cause"},
    {"container.restarting", "app.loopback-only",
     "a crash-looping app is the first thing to fix, whatever it binds in the moments it runs"},
    {"container.restarting", "port.wrong-container-port",
     "listeners seen between crashes do not show where the app listens once it stays up"},
    {"container.restarting", "container.unhealthy",
     "a healthcheck fails while the process keeps dying: the crash is the cause"},
    {"container.restarting", "netfilter.dnat-missing",
     "the engine withdraws a container's rules when a run ends and adds them for the next: a ruleset read "
     "between two runs lacks them"},
    {"container.restarting", "path.unexplained",
     "a probe that fails while the process dies mid-run is explained by the crash loop"},
    {"network.host-mode-ports-ignored", "app.not-listening",
     "the -p the user wrote was discarded: nothing is expected on the mapped container port"},
    {"network.host-mode-ports-ignored", "port.wrong-container-port",
     "the -p the user wrote was discarded: the app's own port on the host is what counts"},
    {"network.host-mode-ports-ignored", "path.unexplained",
     "a probe of the discarded mapping fails because the mapping does not exist"},
    {"netfilter.docker-rules-missing", "netfilter.input-drop",
     "without Docker's DNAT the packet ends in the input hook: a drop there is what the loss exposes"},
    {"netfilter.docker-rules-missing", "netfilter.forward-drop",
     "without Docker's ACCEPT rules the forward policy decides: restoring the rules comes first"},
    {"netfilter.docker-rules-missing", "firewall.ufw-blocks",
     "without Docker's ACCEPT rules UFW's forward policy decides: restoring the rules comes first"},
    {"netfilter.docker-rules-missing", "netfilter.dnat-missing",
     "a missing DNAT rule is part of the lost ruleset, not a separate fault"},
    {"netfilter.docker-rules-missing", "path.unexplained",
     "a probe of the published address fails because the rules that carry it are gone"},
    {"firewall.firewalld-reload", "netfilter.docker-rules-missing",
     "the same loss with what removed Docker's rules named: a firewalld reload"},
    {"exposure.firewall-bypass", "exposure.public-sensitive-port",
     "the firewall policy the user wrote is bypassed: more specific than a generic exposure warning"},
};

}  // namespace

std::span<const CausePrecedence> cause_precedence() { return kPrecedence; }

bool is_root_of(std::string_view root, std::string_view follows) {
    return std::ranges::any_of(kPrecedence, [&](const CausePrecedence& p) { return p.root == root && p.follows == follows; });
}

}  // namespace dnd
