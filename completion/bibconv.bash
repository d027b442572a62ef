# SPDX-License-Identifier: MIT
# bash completion for bibconv: options, the check subcommand, and format
# names taken from the installed plugins (bibconv --list-formats).
_bibconv()
{
    local cur prev
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD-1]}
    case $prev in
        -f|--from|-t|--to|--help-format)
            COMPREPLY=($(compgen -W "$(bibconv --list-formats 2>/dev/null | awk 'NR > 1 { print $1 }')" -- "$cur"))
            return ;;
        --sort)
            COMPREPLY=($(compgen -W "key year author title none" -- "$cur")); return ;;
        --diagnostics)
            COMPREPLY=($(compgen -W "text json" -- "$cur")); return ;;
        -O)
            COMPREPLY=($(compgen -W "keys=auto keys=keep keys=regenerate" -- "$cur")); return ;;
        -o|--output|--plugin-dir)
            COMPREPLY=($(compgen -f -- "$cur")); return ;;
    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "-f --from -t --to -o --output -O --strict -v --verbose
            --diagnostics= --plugin-dir --list-formats --detect --help-format --dedupe
            --dedupe-year-slack= --dedupe-authors= --dedupe-title-words= --dedupe-doi-only --sort= --no-progress
            -V --version -h --help" -- "$cur"))
        return
    fi
    if [ "$COMP_CWORD" = 1 ]; then
        COMPREPLY=($(compgen -W "check" -- "$cur") $(compgen -f -- "$cur"))
        return
    fi
    COMPREPLY=($(compgen -f -- "$cur"))
}
complete -o filenames -F _bibconv bibconv
