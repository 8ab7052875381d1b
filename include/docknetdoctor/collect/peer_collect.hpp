#pragma once
// Collection for --to: find the target, read how the source resolves names, ask the
// source's own resolver, and try the connection from the source's network namespace.
#include <chrono>
#include <vector>

#include "docknetdoctor/collect/docker_api.hpp"
#include "docknetdoctor/model/error.hpp"
#include "docknetdoctor/model/facts.hpp"
#include "docknetdoctor/collect/procfs_scan.hpp"

namespace dnd {

// Whether the connection attempt from the source runs (--no-probe skips it). The DNS query
// runs either way: it reads what the source's resolver says, it tries no connection.
enum class PeerProbing { run, skip };

// Fills facts.peer from facts.query.to; facts.container is the source (already inspected).
// Only a malformed --to is an error; every source that cannot be read is recorded in its
// PeerFacts slot. owner_scan is the /proc scan collection already made (the target's
// listeners reuse it). probe_deadline bounds the DNS query and the connection attempt each.
Result<void> collect_peer_facts(Facts& facts, const DockerClient& client, const std::vector<ContainerSummary>& containers,
                                SocketOwnerScan& owner_scan, std::chrono::milliseconds probe_deadline,
                                PeerProbing probing = PeerProbing::run);

}  // namespace dnd
