// Build step: writes the man page from its template and the catalog.
//   dnd_man_page TEMPLATE OUTPUT
#include <fstream>
#include <iostream>
#include <sstream>

#include "docknetdoctor/checks/all_checks.hpp"
#include "docknetdoctor/render/man_page.hpp"

int main(int argc, char** argv) {
    if (argc != 3) {
        std::cerr << "usage: dnd_man_page TEMPLATE OUTPUT\n";
        return 2;
    }
    std::ifstream in(argv[1]);
    std::stringstream page_template;
    page_template << in.rdbuf();
    if (!in) {
        std::cerr << "dnd_man_page: cannot read " << argv[1] << "\n";
        return 1;
    }
    auto page = dnd::fill_man_page(page_template.str(), dnd::all_checks());
    if (!page) {
        std::cerr << "dnd_man_page: " << argv[1] << ": " << page.error().message << "\n";
        return 1;
    }
    std::ofstream out(argv[2], std::ios::trunc);
    out << *page;
    out.close();
    if (!out) {
        std::cerr << "dnd_man_page: cannot write " << argv[2] << "\n";
        return 1;
    }
    return 0;
}
