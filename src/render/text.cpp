#include "docknetdoctor/render.hpp"
