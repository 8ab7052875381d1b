#include "docknetdoctor/app.hpp"
namespace dnd { int run_app(int, char**) { return 3; } }
