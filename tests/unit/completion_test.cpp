// Tab completion in the real shells (bash with bash-completion, zsh's completion system in
// a pseudo-terminal, fish's `complete -C`), with the completion files as installed:
// subcommands, options, formats, cause ids for explain, and the engine's container names
// (from a fake engine), quietly none when the engine cannot be reached.
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "docker_fake_engine.hpp"
#include "run_binary.hpp"

namespace dnd {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::IsSupersetOf;
using ::testing::Not;

enum class Shell { bash, zsh, fish };

const char* name_of(Shell s) { return s == Shell::bash ? "bash" : s == Shell::zsh ? "zsh" : "fish"; }

std::string completion_dir() { return std::string(DND_SOURCE_DIR) + "/contrib/completion"; }

// The candidates SHELL offers for LINE (the cursor at its end), sorted, descriptions cut.
std::vector<std::string> complete(Shell shell, const std::string& line, const std::string& docker_host) {
    test::RunOptions options;
    options.timeout = std::chrono::seconds(40);
    options.env["PATH"] = std::filesystem::path(DND_BINARY).parent_path().string() + ":" + std::getenv("PATH");
    options.env["DOCKER_HOST"] = docker_host;
    std::vector<std::string> argv;
    switch (shell) {
        case Shell::bash:
            argv = {"bash", "--norc", "--noprofile", "-c",
                    "source /usr/share/bash-completion/bash_completion && source \"$0\"/docknetdoctor.bash || exit 2\n"
                    "COMP_LINE=$1; COMP_POINT=${#COMP_LINE}; read -ra COMP_WORDS <<< \"$1\"\n"
                    "[[ $1 == *' ' ]] && COMP_WORDS+=('')\n"
                    "COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMPREPLY=()\n"
                    "_docknetdoctor; printf '%s\\n' \"${COMPREPLY[@]}\"",
                    completion_dir(), line};
            break;
        case Shell::zsh:
            argv = {"zsh", "-f", std::string(DND_SOURCE_DIR) + "/tests/support/completion/zsh_complete.zsh",
                    completion_dir(), line};
            break;
        case Shell::fish:
            argv = {"fish", "--no-config", "-c", "source $argv[1]/docknetdoctor.fish; and complete -C $argv[2]",
                    completion_dir(), line};
            break;
    }
    const auto run = test::run_process(argv, options);
    EXPECT_EQ(run.exit_code, 0) << name_of(shell) << ": " << run.describe();
    std::vector<std::string> out;
    std::istringstream lines(run.out);
    for (std::string candidate; std::getline(lines, candidate);) {
        candidate = candidate.substr(0, candidate.find('\t'));  // fish: "value<TAB>description"
        if (!candidate.empty()) out.push_back(candidate);
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

class Completion : public ::testing::TestWithParam<Shell> {
protected:
    void SetUp() override {
        if (test::run_process({"sh", "-c", std::string("command -v ") + name_of(GetParam())}).exit_code != 0)
            GTEST_SKIP() << name_of(GetParam()) << " is not installed (scripts/setup.sh installs it)";
    }
    std::vector<std::string> complete(const std::string& line) const {
        return dnd::complete(GetParam(), line, engine_.endpoint());
    }
    testing::TempDir dir_;
    testing::FakeEngine engine_{dir_.path() / "engine.sock",
                                testing::recorded_engine({{"/v1.41/containers/json",
                                                           testing::http_response(200, R"([{"Id":"a1","Names":["/web"]},
                                                               {"Id":"b2","Names":["/db"]}])")}})};
};

TEST_P(Completion, OffersTheFormats) {
    EXPECT_THAT(complete("docknetdoctor --format "), ElementsAre("json", "jsonl", "junit", "nagios", "prometheus", "text"));
}

TEST_P(Completion, CompletesAnOption) { EXPECT_THAT(complete("docknetdoctor --fo"), ElementsAre("--format")); }

TEST_P(Completion, OffersTheCauseIdsToExplain) {
    const auto ids = complete("docknetdoctor explain selinux.");
    EXPECT_THAT(ids, ElementsAre("selinux.denial", "selinux.proxy-boolean-off"));
}

TEST_P(Completion, OffersTheSubcommandsAndTheEnginesContainers) {
    EXPECT_THAT(complete("docknetdoctor "),
                IsSupersetOf({"db", "explain", "list-causes", "list-containers", "trace", "watch", "web"}));
    EXPECT_THAT(complete("docknetdoctor w"), ElementsAre("watch", "web"));
}

TEST_P(Completion, WatchOffersTheContainersAndItsOwnOption) {
    EXPECT_THAT(complete("docknetdoctor watch "), IsSupersetOf({"db", "web"}));
    EXPECT_THAT(complete("docknetdoctor watch "), Not(Contains("explain")));
    EXPECT_THAT(complete("docknetdoctor watch --rec"), ElementsAre("--recheck"));
}

TEST_P(Completion, TraceOffersTheContainersAndItsOwnOption) {
    EXPECT_THAT(complete("docknetdoctor tr"), ElementsAre("trace"));
    EXPECT_THAT(complete("docknetdoctor trace "), IsSupersetOf({"db", "web"}));
    EXPECT_THAT(complete("docknetdoctor trace "), Not(Contains("watch")));
    EXPECT_THAT(complete("docknetdoctor trace --se"), ElementsAre("--send"));
}

TEST_P(Completion, OffersNoContainersAndNoErrorWhenTheEngineCannotBeReached) {
    const auto offered = dnd::complete(GetParam(), "docknetdoctor ", "unix:///nonexistent/docker.sock");
    EXPECT_THAT(offered, Contains("explain"));
    EXPECT_THAT(offered, Not(Contains("web")));
    EXPECT_THAT(dnd::complete(GetParam(), "docknetdoctor w", "unix:///nonexistent/docker.sock"), ElementsAre("watch"));
}

INSTANTIATE_TEST_SUITE_P(RealShells, Completion, ::testing::Values(Shell::bash, Shell::zsh, Shell::fish),
                         [](const auto& shell) { return std::string(name_of(shell.param)); });

}  // namespace
}  // namespace dnd
