// Every fuzz target's main: runs the target over the files and directories named on its
// command line. ctest replays a corpus with it, and fails when a file cannot be read (a
// crash or sanitizer report fails it too); afl-fuzz runs the afl-g++ build of it on one
// test case at a time (@@), behind AFL++'s fork server. (AFL++'s persistent mode needs its
// compiler runtime, which the afl-g++ mode it builds with here does not link.)
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include "fuzz_target.hpp"

namespace {

bool replay(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return false;
    const std::vector<std::uint8_t> bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    dnd::fuzz::run_one(bytes);
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    std::size_t replayed = 0;
    for (int i = 1; i < argc; ++i) {
        const std::filesystem::path arg(argv[i]);
        std::vector<std::filesystem::path> files;
        if (std::filesystem::is_directory(arg)) {
            for (const auto& entry : std::filesystem::directory_iterator(arg))
                if (entry.is_regular_file()) files.push_back(entry.path());
        } else {
            files.push_back(arg);
        }
        for (const auto& f : files) {
            if (!replay(f)) {
                std::fprintf(stderr, "cannot read %s\n", f.c_str());
                return 1;
            }
            ++replayed;
        }
    }
    if (replayed == 0) {
        std::fprintf(stderr, "no input replayed: give corpus files or directories\n");
        return 1;
    }
    std::printf("%zu inputs replayed\n", replayed);
    return 0;
}

