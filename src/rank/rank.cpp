#include "docknetdoctor/rank.hpp"
