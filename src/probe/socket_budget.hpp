#pragma once
// How many probe sockets may be open at once: the one budget every prober draws on.
#include <cstddef>

namespace dnd {

// What RLIMIT_NOFILE leaves beside the descriptors already open, less a reserve for the rest
// of the run (the engine connection, files, the netns of the next batch, a prober's own
// epoll descriptor), at least 1 and never more than 4096.
std::size_t probe_socket_budget();

}  // namespace dnd
