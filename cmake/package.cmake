# The .deb: `cpack -G DEB` in the build tree (dpkg-shlibdeps from dpkg-dev and `file` must
# be installed: scripts/setup.sh). Its files are the install rules' (cmake/install.cmake).
set(DND_PACKAGE_MAINTAINER "docknetdoctor maintainers <maintainers@users.noreply.r-seed-41b0585e.example>"
  CACHE STRING "Maintainer field of the .deb")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME docknetdoctor)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT ${DND_PACKAGE_MAINTAINER})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "explain why a Docker container's port cannot be reached")
# The long text only: cpack puts the summary on the first line itself.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "docknetdoctor reads what the host knows about a container's network (the Docker
Engine API, the sockets inside the container, the host's listeners, the nftables
and iptables-legacy rulesets, the sysctls), tries the ports from several vantage
points and prints the likely causes, most likely first, with the evidence and the
fix. It never changes the host. Output as text, JSON and the formats monitoring
reads; the exit code follows the Nagios plugin convention.")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER ${DND_PACKAGE_MAINTAINER})
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
# Stripped, as Debian ships binaries; build/docknetdoctor keeps its debug information.
set(CPACK_STRIP_FILES ON)
# Depends from the libraries the binary really links (dpkg-shlibdeps), never a list kept by hand.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# Loaded at run time, not linked, so dpkg-shlibdeps cannot see it: the journal reader (AVC
# denials on SELinux hosts without auditd) needs it and reports a blind spot without it.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "libsystemd0")
# It diagnoses an engine that may be Debian's or Docker's own; the timer's textfile is for
# node_exporter.
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "docker.io | docker-ce, prometheus-node-exporter")
include(CPack)
