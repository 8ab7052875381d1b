#pragma once
// trace: follow one real packet to a container's published port through the kernel's
// nftables hooks, and set what the kernel did beside what the evaluator predicted.
#include "docknetdoctor/app/options.hpp"
#include "docknetdoctor/collect/collect.hpp"

namespace dnd {

// Collects the container's facts, arms the trace (a table the kernel removes with this
// process), waits for a client's packet (or sends one with --send) at most o.trace_wait,
// and prints the traced path, the prediction and how they compare. Exit: 0 the packet
// passed, 2 the kernel dropped or rejected it, 3 nothing traced (with one line saying why).
int run_trace(const Options& o, const CollectOptions& collect);

}  // namespace dnd
