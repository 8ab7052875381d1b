// Thin: everything lives in dnd_app so tests can drive it. What is set here is the process's
// own policy, not the library's.
#include <malloc.h>

#include "docknetdoctor/app/app.hpp"

int main(int argc, char** argv) {
    // The ruleset model is built from many small allocations on a collection thread, whose
    // arena glibc grows a few pages at a time (an mprotect and fresh page faults each): with
    // 10,000 rules that was a quarter of a diagnosis. Growing it 8 MiB at a time costs no
    // memory that is not touched.
    mallopt(M_TOP_PAD, 8 << 20);
    return dnd::run_app(argc, argv);
}
