#pragma once
// Whether Docker's own netfilter rules are gone while the engine should keep them (iptables
// on, not rootless), and what a finding about that loss quotes: shared by
// netfilter.docker-rules-missing, which names that case, firewall.firewalld-reload, which
// names firewalld as what removed them, and netfilter.dnat-missing, which leaves it to them.
#include <optional>
#include <string>
#include <vector>

#include "docknetdoctor/model/facts.hpp"
#include "docknetdoctor/model/finding.hpp"

namespace dnd::checks {

struct BindingWithoutDnat {
    PortKey port;         // the container port
    HostBinding binding;  // an IPv4 binding no DNAT rule serves
};

struct DockerRulesGone {
    std::string iptables_on;                     // why the engine should have them, as evidence
    std::vector<std::string> missing_chains;     // "ip nat DOCKER", "ip filter DOCKER-USER" ...
    std::vector<BindingWithoutDnat> without_dnat;
};

// nullopt: all there, or none expected (no running container publishing a port in question,
// rootless, iptables=false; or dockerd's configuration unread and none of Docker's chains,
// which engine.iptables-disabled reads as a disabled engine). A ruleset that could not be
// read leaves it undecided (reason appended).
std::optional<DockerRulesGone> docker_rules_gone(const Facts& f, std::vector<std::string>& undecided);

// Engines before 28 make no ip6tables rules: only IPv4 bindings get a DNAT everywhere.
bool is_ipv4_binding(const HostBinding& b);

// Whether GONE lists that binding of container port P as left without its DNAT.
bool lacks_dnat(const DockerRulesGone& gone, PortKey p, const HostBinding& b);

// One published binding per container port in question that the loss leaves unserved (any
// IPv4 binding when chains are missing, else one whose DNAT is gone): the evidence is the
// same for a port's other bindings.
std::vector<BindingWithoutDnat> unserved_bindings(const Facts& f, const DockerRulesGone& gone);

// When every evaluated packet to the binding still reaches the container, or docker-proxy
// listening there, the client in question gets through: the loss is broken but not what
// blocks it, so the finding is lowered to a warning and its title says why.
void lower_while_still_served(const Facts& f, PortKey p, const HostBinding& b, Finding& finding);

// What was read about the loss for binding B of port P: why the engine should keep its
// rules, the binding, the missing chains or DNAT, what nftables holds now, what still listens.
void add_rules_gone_evidence(const Facts& f, const DockerRulesGone& gone, PortKey p, const HostBinding& b,
                             Finding& finding);

// The fix that writes them all again.
std::string restart_engine_fix();

}  // namespace dnd::checks
