// Engine API bodies, each parser the collector runs on what the engine answers.
#include "fuzz_target.hpp"

#include "docknetdoctor/collect/docker_api.hpp"

void dnd::fuzz::run_one(std::span<const std::uint8_t> input) {
    const std::string_view body = as_text(after_selector(input));
    EngineInfo engine;
    switch (selector(input, 10)) {
        case 0: (void)parse_container_list(body); break;
        case 1: (void)parse_version_into(body, engine); break;
        case 2: (void)parse_info_into(body, engine); break;
        case 3: (void)parse_container_inspect(body); break;
        case 4: (void)parse_network_inspect(body); break;
        case 5: (void)parse_container_events(body); break;
        case 6: (void)parse_log_tail(body, true, 50); break;
        case 7: (void)parse_log_tail(body, false, 50); break;
        case 8: (void)parse_error_message(body); break;
        default: (void)parse_server_header_version(body); (void)parse_api_version(body); break;
    }
}
