#include "docknetdoctor/collect.hpp"
