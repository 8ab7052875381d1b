// The include graph against the allowed arrows between layers. The build already refuses a
// header from a layer a library may not use (CMakeLists.txt: each library sees a view of
// include/ with its own layer and those it USES); this test names the arrow when someone
// widens a view, and keeps headers out of the flat folder they used to share.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace dnd {
namespace {

namespace fs = std::filesystem;

// Layer -> the layers its sources and headers may include (its own is always allowed).
// Pure ones at the bottom: model is the shared vocabulary, path and checks never see the
// collectors or the probes, rank and render take what they need as data.
const std::map<std::string, std::set<std::string>> kAllowed = {
    {"model", {}},
    {"path", {"model"}},
    {"probe", {"model"}},
    {"checks", {"path", "model"}},
    {"collect", {"probe", "path", "model"}},
    {"rank", {"model"}},
    {"render", {"model"}},
    {"app", {"collect", "probe", "path", "checks", "rank", "render", "model"}},
};

// The layer a source file belongs to, from where it lives.
std::string layer_of(const fs::path& relative) {
    const std::string first = relative.begin()->string();
    if (first == "checks") return "checks";
    if (first == "include") return std::next(std::next(relative.begin()))->string();
    if (relative.parent_path() == "src") return "app";  // main.cpp and the build's man page writer
    return std::next(relative.begin())->string();
}

// The layers of the project headers a file includes: `#include "docknetdoctor/LAYER/x.hpp"`.
std::vector<std::string> included_layers(const fs::path& file, std::vector<std::string>& flat) {
    std::ifstream in(file);
    std::vector<std::string> out;
    const std::string prefix = "#include \"docknetdoctor/";
    for (std::string line; std::getline(in, line);) {
        if (!line.starts_with(prefix)) continue;
        const std::string rest = line.substr(prefix.size());
        const auto slash = rest.find('/');
        if (slash == std::string::npos) flat.push_back(rest.substr(0, rest.find('"')));
        else out.push_back(rest.substr(0, slash));
    }
    return out;
}

struct Arrow {
    std::string file, from, to;
};

std::vector<Arrow> disallowed_arrows(std::vector<std::string>& flat_includes, int& files_read) {
    const fs::path root = DND_SOURCE_DIR;
    std::vector<Arrow> out;
    for (const char* dir : {"src", "checks", "include"}) {
        for (const auto& e : fs::recursive_directory_iterator(root / dir)) {
            const auto ext = e.path().extension();
            if (!e.is_regular_file() || (ext != ".cpp" && ext != ".hpp")) continue;
            const fs::path relative = fs::relative(e.path(), root);
            const std::string from = layer_of(relative);
            ++files_read;
            const auto allowed = kAllowed.find(from);
            if (allowed == kAllowed.end()) {
                out.push_back({relative.string(), from, "(a folder that is no layer)"});
                continue;
            }
            for (const std::string& to : included_layers(e.path(), flat_includes))
                if (to != from && !allowed->second.contains(to)) out.push_back({relative.string(), from, to});
        }
    }
    return out;
}

TEST(LayerGraph, EveryIncludeFollowsAnAllowedArrow) {
    std::vector<std::string> flat;
    int files = 0;
    for (const Arrow& a : disallowed_arrows(flat, files))
        ADD_FAILURE() << a.file << ": " << a.from << " -> " << a.to << " is not an allowed arrow";
    for (const std::string& h : flat) ADD_FAILURE() << "docknetdoctor/" << h << " is in no layer folder";
    EXPECT_GT(files, 100);  // the tree was found and read
}

TEST(LayerGraph, LayerOfAFileIsWhereItLives) {
    EXPECT_EQ(layer_of("checks/app_loopback_only.cpp"), "checks");
    EXPECT_EQ(layer_of("src/collect/docker_client.cpp"), "collect");
    EXPECT_EQ(layer_of("src/main.cpp"), "app");
    EXPECT_EQ(layer_of("include/docknetdoctor/model/facts.hpp"), "model");
}

// The arrows the build allows are the ones this table allows: the build files name them
// once each, as USES lists.
TEST(LayerGraph, TheBuildAllowsTheSameArrows) {
    std::ifstream in(fs::path(DND_SOURCE_DIR) / "CMakeLists.txt");
    std::map<std::string, std::set<std::string>> declared;
    for (std::string line; std::getline(in, line);) {
        if (!line.starts_with("dnd_layer(")) continue;
        std::vector<std::string> words;
        std::string word;
        for (char c : line.substr(10) + " ") {
            if (c == ' ' || c == ')') {
                if (!word.empty()) words.push_back(word);
                word.clear();
            } else {
                word += c;
            }
        }
        ASSERT_GE(words.size(), 2u) << line;
        auto& uses = declared[words[1]];
        bool in_uses = false;
        for (std::size_t i = 2; i < words.size(); ++i) {
            if (words[i] == "USES") in_uses = true;
            else if (words[i] == "LINKS" || words[i] == "DIRS") in_uses = false;
            else if (in_uses) uses.insert(words[i]);
        }
    }
    EXPECT_EQ(declared, kAllowed);
}

}  // namespace
}  // namespace dnd
