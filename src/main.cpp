// Thin: everything lives in dnd_app so tests can drive it.
#include "docknetdoctor/app/app.hpp"

int main(int argc, char** argv) { return dnd::run_app(argc, argv); }
