#pragma once
// What the peer.* checks share: the peer facts to judge, how the source resolves the name,
// evidence lines quoting the resolver and the probe, and the forwarding of the target's own
// container.* / app.* findings (the existing checks run on target_view(), never copied).
#include <string>
#include <vector>

#include "docknetdoctor/model/check.hpp"
#include "docknetdoctor/model/facts_query.hpp"
#include "docknetdoctor/model/peer.hpp"

namespace dnd::checks {

// The peer facts when --to was given and the source is known, else nullptr (not asked: the
// peer checks stay quiet) with the reason appended to undecided when the source is unknown.
const PeerFacts* peer_to_judge(const Facts& f, std::vector<std::string>& undecided);

// The name resolves inside the source: its hosts file, or its resolver answered an address.
bool peer_name_resolves(const PeerFacts& p);
// The resolver was asked and answered (NOERROR without address, NXDOMAIN ...) or did not
// answer at all: the query really failed (as opposed to "not asked").
bool peer_dns_failed(const PeerFacts& p);

// Attached to Docker's default "bridge" network.
bool on_default_bridge(const Container& c);

// "NetworkSettings.Networks of web = [shop_default]"
std::string networks_evidence(const Container& c);
// "nameserver 127.0.0.11 answered NXDOMAIN for db", or why it was not asked.
std::string dns_evidence(const PeerFacts& p);
// "probe from inside web to 172.18.0.3:5432/tcp (address from dns): open in 0.2 ms", or why
// it did not run.
std::string probe_evidence(const PeerFacts& p);
// The target as findings name it: "db (compose service db, project shop)", else what was typed.
std::string target_ref(const PeerFacts& p);

// Runs a container.* or app.* check on the target's view and appends its findings
// unchanged (own id), titled as concerning the target. judges_the_port: skip it when the
// asked port is a host port of the target (peer.using-host-port explains that instead).
void append_target_findings(CheckResult& result, const Facts& f, CheckResult (*run)(const Facts&), bool judges_the_port);

// A registry entry: the check on the source, then on the target when --to names one.
template <CheckResult (*Run)(const Facts&), bool JudgesThePort>
CheckResult on_source_and_target(const Facts& f) {
    CheckResult result = Run(f);
    append_target_findings(result, f, Run, JudgesThePort);
    return result;
}

}  // namespace dnd::checks
