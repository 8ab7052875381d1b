// After a vanished process: the engine's later answer. The container is inspected again and,
// when it now shows a sign of a restart loop (it usually does: restarting, or running again
// with RestartCount one higher), its recent runs are read again too, so the die event of the
// run that just ended is part of the facts.
#include "docknetdoctor/model/facts_query.hpp"
#include "docknetdoctor/collect/restart_history_collect.hpp"
#include "docknetdoctor/collect/vanished_process.hpp"

namespace dnd {

void recheck_vanished_process(const DockerClient& client, Facts& facts, VanishedProcess seen) {
    if (!facts.container) return;
    auto again = client.get_parsed<Container>("/containers/" + facts.container->id + "/json", parse_container_inspect);
    if (!again) {
        facts.vanished_process = std::move(seen);
        return;
    }
    const ContainerState& now = again->state;
    if (has_live_process(*again) && now.pid == seen.pid && now.started_at == seen.started_at_before) return;
    facts.vanished_process = std::move(seen);
    facts.container = std::move(*again);
    if (shows_restart_signs(*facts.container))
        facts.restart_history = read_restart_history(client, *facts.container, utc_now());
}

void recheck_vanished_process(const CollectOptions& options, Facts& facts, VanishedProcess seen) {
    auto endpoint = choose_docker_endpoint(options.docker_host, docker_host_from_environment());
    if (!endpoint) {
        facts.vanished_process = std::move(seen);
        return;
    }
    DockerClient client(*endpoint, options.timeout);
    if (!client.negotiate()) {
        facts.vanished_process = std::move(seen);
        return;
    }
    recheck_vanished_process(client, facts, std::move(seen));
}

}  // namespace dnd
