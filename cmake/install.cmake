# Where `cmake --install` (and so the .deb) puts each file, relative to the prefix, in its
# FHS place. tests/package/installed_files.txt lists the same tree; the install test holds
# the two together.
include(GNUInstallDirs)

# Relative, so a prefix of /usr/local gives /usr/local/lib/systemd/system, which systemd
# also reads; the .deb (prefix /usr) ships them in /usr/lib/systemd/system.
set(DND_SYSTEMD_UNIT_DIR lib/systemd/system CACHE STRING "Where the systemd units go, relative to the prefix")

install(TARGETS docknetdoctor RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

# Compressed as Debian ships man pages; man reads it the same.
add_custom_command(OUTPUT ${CMAKE_BINARY_DIR}/docknetdoctor.1.gz
  COMMAND gzip -9 -n -c ${CMAKE_BINARY_DIR}/docknetdoctor.1 > ${CMAKE_BINARY_DIR}/docknetdoctor.1.gz
  DEPENDS ${CMAKE_BINARY_DIR}/docknetdoctor.1)
add_custom_target(man_page_gz ALL DEPENDS ${CMAKE_BINARY_DIR}/docknetdoctor.1.gz)
install(FILES ${CMAKE_BINARY_DIR}/docknetdoctor.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)

# Where each shell's completion loader looks for a package's own files (bash-completion
# loads on demand from here; zsh's Debian fpath holds vendor-completions; fish reads
# vendor_completions.d).
set(DND_COMPLETION_DIR ${CMAKE_CURRENT_SOURCE_DIR}/contrib/completion)
install(FILES ${DND_COMPLETION_DIR}/docknetdoctor.bash
  DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/bash-completion/completions RENAME docknetdoctor)
install(FILES ${DND_COMPLETION_DIR}/_docknetdoctor DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/zsh/vendor-completions)
install(FILES ${DND_COMPLETION_DIR}/docknetdoctor.fish DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/fish/vendor_completions.d)

# Installed, never enabled: running the diagnosis every minute is the admin's choice.
install(FILES contrib/systemd/docknetdoctor-textfile.service contrib/systemd/docknetdoctor-textfile.timer
  DESTINATION ${DND_SYSTEMD_UNIT_DIR})

# The report's schema is an interface programs validate against, not documentation:
# share/doc may be left out (Debian policy; the slim images exclude it), share/PACKAGE may not.
install(FILES man/docknetdoctor-report.schema.json man/docknetdoctor-trace.schema.json
        DESTINATION ${CMAKE_INSTALL_DATADIR}/docknetdoctor)
