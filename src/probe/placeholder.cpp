// probes: see include/docknetdoctor/probe.hpp
