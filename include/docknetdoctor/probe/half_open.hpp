#pragma once
// Half-open TCP probes: a SYN sent from a raw socket, and the answer read from what comes
// back. A SYN-ACK is what makes connect() succeed, so it means the same as a connected
// probe without reset grace; but no socket owns the connection, so this host's kernel resets
// it at once and the listener's accept queue never holds it. The app (busybox httpd forks
// for each connection it accepts) and docker-proxy (which dials the container for each one)
// do no work for the probe: hundreds of ladders at once cost the kernel's handshakes only.
#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "docknetdoctor/model/probe_outcome.hpp"

namespace dnd {

// Each TCP target from its namespace (netns_paths[i]: "" is the caller's, or a path such
// as "/proc/PID/ns/net"). A SYN-ACK within `window` is `open`, a reset `refused`; every
// other target is nullopt: nothing came back (a drop, an ICMP error, a slow host), it is not
// TCP, or it could not be probed this way (no CAP_NET_RAW, a namespace that cannot be
// entered, no descriptors left). nullopt means "probe it with a full connect": only the
// two answers a connect would read the same way are given here. Returns when every target
// has its answer or the window ends; holds at most the probe descriptor budget open.
std::vector<std::optional<ProbeOutcome>> probe_half_open(std::span<const ProbeTarget> targets,
                                                         std::span<const std::string> netns_paths,
                                                         std::chrono::milliseconds window);

}  // namespace dnd
