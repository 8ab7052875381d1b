# fish completion for docknetdoctor. Container names come from the engine
# (docknetdoctor list-containers, at most a second); none when it cannot be reached.

function __docknetdoctor_no_command
    not __fish_seen_subcommand_from explain list-causes list-containers trace watch
end

function __docknetdoctor_containers
    set -l engine
    set -l tokens (commandline -opc)
    for i in (seq (count $tokens))
        if contains -- $tokens[$i] -H --host; and test $i -lt (count $tokens)
            set engine --host $tokens[(math $i + 1)]
        end
    end
    docknetdoctor $engine --timeout 1s list-containers 2>/dev/null
end

complete -c docknetdoctor -f
complete -c docknetdoctor -s h -l help -d 'Show the help'
complete -c docknetdoctor -l version -d 'Print the version'
complete -c docknetdoctor -s p -l port -x -d 'Diagnose this container port only (PORT/tcp|udp)'
complete -c docknetdoctor -l from -x -d 'The client address'
complete -c docknetdoctor -l direct -d 'The client routes to the container address, not a published port'
complete -c docknetdoctor -l to -x -d 'Container to container: TARGET:PORT'
complete -c docknetdoctor -s f -l format -x -a 'text json jsonl nagios prometheus junit' -d 'Output format'
complete -c docknetdoctor -s o -l output -r -F -d 'Write the output to FILE, atomically'
complete -c docknetdoctor -l save-facts -r -F -d 'Write everything collected to FILE'
complete -c docknetdoctor -l facts -r -F -d 'Diagnose offline from a facts FILE'
complete -c docknetdoctor -s t -l timeout -x -d 'Per-request timeout (5s, 500ms)'
complete -c docknetdoctor -l all -d 'Every running container with published ports'
complete -c docknetdoctor -l no-probe -d 'No connection attempts'
complete -c docknetdoctor -l no-color -d 'No colour'
complete -c docknetdoctor -s H -l host -x -d 'Engine endpoint (unix:///path, tcp://host:port)'
complete -c docknetdoctor -n __docknetdoctor_no_command -a 'explain' -d 'Explain a cause id'
complete -c docknetdoctor -n __docknetdoctor_no_command -a 'list-causes' -d 'List every cause id'
complete -c docknetdoctor -n __docknetdoctor_no_command -a 'list-containers' -d 'List the running containers'
complete -c docknetdoctor -n __docknetdoctor_no_command -a 'watch' -d 'A line each time a verdict changes'
complete -c docknetdoctor -n '__fish_seen_subcommand_from watch' -a '(__docknetdoctor_containers)' -d 'Container'
complete -c docknetdoctor -n '__fish_seen_subcommand_from watch' -l recheck -x -d 'Look again this often (60s)'
complete -c docknetdoctor -n __docknetdoctor_no_command -a 'trace' -d 'Trace a real packet through the kernel'
complete -c docknetdoctor -n '__fish_seen_subcommand_from trace' -a '(__docknetdoctor_containers)' -d 'Container'
complete -c docknetdoctor -n '__fish_seen_subcommand_from trace' -l send -r -F -a 'host' -d 'Make the connection: host or a netns path'
complete -c docknetdoctor -n __docknetdoctor_no_command -a '(__docknetdoctor_containers)' -d 'Container'
complete -c docknetdoctor -n '__fish_seen_subcommand_from explain' -a '(docknetdoctor list-causes 2>/dev/null | string split -f1 " ")' -d 'Cause id'
