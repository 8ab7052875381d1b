#pragma once
// Whether Docker's own netfilter rules are gone while the engine should keep them (iptables
// on, not rootless): shared by netfilter.docker-rules-missing, which names that case, and
// netfilter.dnat-missing, which leaves it to it.
#include <optional>
#include <string>
#include <vector>

#include "docknetdoctor/model/facts.hpp"

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

}  // namespace dnd::checks
