#pragma once
// Collection: fill Facts from the live host. Only failures that leave nothing to diagnose
// (engine unreachable, container unknown or ambiguous) are errors; every other missing
// source is recorded in its Facts slot as a blind spot.
#include <chrono>
#include <string>

#include "docknetdoctor/model/error.hpp"
#include "docknetdoctor/model/facts.hpp"

namespace dnd {

struct CollectOptions {
    std::string docker_host;                     // "" = $DOCKER_HOST or unix:///var/run/docker.sock
    std::chrono::milliseconds timeout{5000};     // per request: connect and read
    Query query;
    // false (--no-probe): no connection attempts. A --to DNS query still runs: it is evidence.
    bool probe = true;
};

// Errors carry a one-line message for the user, e.g.
//   "cannot connect to the Docker engine at unix:///var/run/docker.sock: No such file or directory"
//   "no such container: webb (did you mean: web, web2?)"
//   "container prefix 'ab' is ambiguous: ab12cd (web), ab98ef (db)"
Result<Facts> collect_facts(const CollectOptions& options);

}  // namespace dnd
