#pragma once
// Declarations of every check function; registry.cpp lists them.
#include "docknetdoctor/check.hpp"

namespace dnd::checks {
}  // namespace dnd::checks
