# bash completion for docknetdoctor (needs bash-completion's _init_completion).
# Container names come from the engine (docknetdoctor list-containers, at most a second);
# when the engine cannot be reached there are simply none.

_docknetdoctor_engine_args() {
    # -H/--host as typed on this line, so the names come from the engine asked about.
    local i
    for ((i = 1; i < ${#words[@]} - 1; i++)); do
        case ${words[i]} in
            -H | --host) printf '%s\n' --host "${words[i + 1]}" ;;
        esac
    done
}

_docknetdoctor() {
    local cur prev words cword
    _init_completion || return

    case $prev in
        -f | --format)
            COMPREPLY=($(compgen -W "text json jsonl nagios prometheus junit" -- "$cur"))
            return
            ;;
        -o | --output | --facts | --save-facts)
            _filedir
            return
            ;;
        -p | --port | --from | --to | -t | --timeout | -H | --host | --recheck)
            return
            ;;
        --send)
            COMPREPLY=($(compgen -W "host" -- "$cur"))
            _filedir  # or a network namespace's path
            return
            ;;
    esac

    local i subcommands="explain list-causes list-containers trace watch" watch_options=""
    for ((i = 1; i < cword; i++)); do
        case ${words[i]} in
            watch)
                subcommands=""  # then a container, or --all
                watch_options="--recheck"
                ;;
            trace)
                subcommands=""  # then a container
                watch_options="--send"
                ;;
            explain)
                COMPREPLY=($(compgen -W "$(docknetdoctor list-causes 2>/dev/null | cut -d' ' -f1)" -- "$cur"))
                return
                ;;
            list-causes | list-containers)
                return
                ;;
        esac
    done

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "--help --version --port --from --direct --to --format --output --save-facts --facts
            --timeout --all --no-probe --no-color --host $watch_options" -- "$cur"))
        return
    fi
    local -a engine
    mapfile -t engine < <(_docknetdoctor_engine_args)
    COMPREPLY=($(compgen -W "$subcommands
        $(docknetdoctor "${engine[@]}" --timeout 1s list-containers 2>/dev/null)" -- "$cur"))
}
complete -F _docknetdoctor docknetdoctor
