#pragma once
// Helpers for the netfilter reader tests: a scratch network namespace (RAII), running a
// function inside it on a dedicated thread, the recorded fixtures.
#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include "docknetdoctor/netfilter_collect.hpp"
#include "docknetdoctor/ruleset.hpp"

namespace dnd::nf::testing {

inline std::string fixture_dir() { return std::string(DND_SOURCE_DIR) + "/fixtures/netfilter"; }

inline std::vector<std::uint8_t> read_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::vector<std::uint8_t>(std::istreambuf_iterator<char>(in), {});
}

inline void write_bytes(const std::string& path, const std::vector<std::uint8_t>& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

inline bool update_fixtures() {
    const char* v = std::getenv("DND_UPDATE_FIXTURES");
    return v != nullptr && std::string(v) == "1";
}

// `ip netns add` on construction, `ip netns del` on destruction. ok() false: could not
// create it (not root, no netns support): the caller skips.
class ScratchNetns {
public:
    ScratchNetns() : name_("dndnft-test-" + std::to_string(::getpid())) {
        ok_ = run("ip netns add " + name_);
    }
    ~ScratchNetns() {
        if (ok_) run("ip netns del " + name_);
    }
    ScratchNetns(const ScratchNetns&) = delete;
    ScratchNetns& operator=(const ScratchNetns&) = delete;

    bool ok() const { return ok_; }
    const std::string& name() const { return name_; }
    // Runs a shell command inside the namespace; true on exit status 0.
    bool exec(const std::string& command) const { return run("ip netns exec " + name_ + " " + command); }

    // Runs fn on a thread that joined the namespace (setns affects only that thread).
    template <class Fn>
    auto inside(Fn fn) const -> decltype(fn()) {
        decltype(fn()) result{};
        std::thread worker([&] {
            int fd = ::open(("/run/netns/" + name_).c_str(), O_RDONLY | O_CLOEXEC);
            if (fd < 0 || ::setns(fd, CLONE_NEWNET) != 0) {
                if (fd >= 0) ::close(fd);
                return;
            }
            ::close(fd);
            result = fn();
        });
        worker.join();
        return result;
    }

private:
    static bool run(const std::string& command) {
        return std::system((command + " >/dev/null 2>&1").c_str()) == 0;
    }
    std::string name_;
    bool ok_ = false;
};

inline const Chain* find_chain(const Ruleset& rs, Family family, std::string_view table, std::string_view chain,
                               RulesetSource source = RulesetSource::nftables) {
    const Table* t = rs.find_table(family, table, source);
    return t == nullptr ? nullptr : t->find_chain(chain);
}

// Every rule of a chain rendered without the "family table chain handle N: " prefix.
inline std::vector<std::string> rule_texts(const Ruleset& rs, Family family, std::string_view table,
                                           std::string_view chain, RulesetSource source = RulesetSource::nftables) {
    std::vector<std::string> out;
    const Table* t = rs.find_table(family, table, source);
    if (t == nullptr) return out;
    const Chain* c = t->find_chain(chain);
    if (c == nullptr) return out;
    for (const Rule& r : c->rules) out.push_back(format_rule_body(*t, r));
    return out;
}

}  // namespace dnd::nf::testing
