#!/usr/bin/zsh -f
# Completes a command line in a real interactive zsh (in a pseudo-terminal, with compinit and
# the completion file under test) and prints each match, one a line, as zsh's completion
# system offered it. Usage: zsh_complete.zsh COMPLETION_DIR 'docknetdoctor --fo'
# compadd is wrapped to print what it is given (the way zsh-capture-completion does it).
zmodload zsh/zpty || exit 2
local dir=$1 line=$2
local hits=$(mktemp) || exit 2
zpty z zsh -f -i
zpty -w z "PROMPT='' RPROMPT=''"
zpty -w z "fpath=(${(q)dir} \$fpath); autoload -U compinit; compinit -u -D"
zpty -w z 'zstyle ":completion:*" list-grouped false; zstyle ":completion:*" insert-tab false; zstyle ":completion:*" menu no'
zpty -w z 'compadd () {
  if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then builtin compadd "$@"; return $?; fi
  typeset -a __hits
  builtin compadd -A __hits "$@"
  (( $#__hits )) && print -rl -- $__hits >> '"${(q)hits}"'

}'
zpty -w z 'bindkey "^I" complete-word'

# Reads the shell's output until a line holds the marker (printed, not echoed); false when
# it does not come within 20 s.
local out tries=0
await() {
  zpty -w z "print \${:-$1}_MARK__"
  tries=0
  while (( tries < 400 )); do
    if zpty -rt z out 2>/dev/null; then
      [[ $out == *${1}_MARK__* && $out != *'${:-'* ]] && return 0
    else
      sleep 0.05; (( tries++ ))
    fi
  done
  return 1
}
# zle drops what was typed before it first reads: wait until the set-up has run.
await READY || { zpty -d z; exit 3 }
zpty -w -n z "$line"$'\t'
# The completion has run once the hits stop growing (a match list may call compadd often).
local size=-1
for tries in {1..100}; do
  sleep 0.05
  [[ -s $hits && $(wc -c < $hits) == $size ]] && break
  size=$(wc -c < $hits)
done
zpty -w z $'\C-u'
await DONE || { zpty -d z; exit 3 }
zpty -d z
cat $hits
rm -f $hits
