// Every fuzz target's main. Built with afl-g++ (scripts/fuzz.sh), it is an AFL++
// persistent-mode target reading test cases from shared memory. Built with the project's
// compiler, it replays the files and directories named on its command line (a corpus, in
// ctest) and fails when one cannot be read; a crash or sanitizer report fails it too.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include "fuzz_target.hpp"

#ifdef __AFL_FUZZ_TESTCASE_LEN
#include <unistd.h>  // AFL++'s macros read() the test case when no shared memory is set up

__AFL_FUZZ_INIT();

int main() {
    __AFL_INIT();
    const unsigned char* buffer = __AFL_FUZZ_TESTCASE_BUF;
    while (__AFL_LOOP(10000)) {
        dnd::fuzz::run_one({buffer, static_cast<std::size_t>(__AFL_FUZZ_TESTCASE_LEN)});
    }
    return 0;
}

#else

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

#endif
