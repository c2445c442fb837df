# bash completion for mqpasswd(1): commands, options, option values, files, and the usernames of
# the password file already on the command line. Installed as
# share/bash-completion/completions/mqpasswd, where bash-completion loads it on first use.

# The names in a password file: what comes before the first ':' on each line that is not a
# comment, starting with the prefix being completed. A file this user cannot read gives none.
_mqpasswd_users() {
    local file=$1 prefix=$2
    [[ $file == "~/"* ]] && file=$HOME/${file#"~/"}
    [[ -f $file && -r $file ]] || return 0
    MQPASSWD_PREFIX=$prefix command awk -F: '
        BEGIN { prefix = ENVIRON["MQPASSWD_PREFIX"] }
        /^[ \t]*#/ || NF < 2 { next }
        index($1, prefix) == 1 && !seen[$1]++ { print $1 }' <"$file" 2>/dev/null
}

# Adds the users of file $1 that start with $2 to COMPREPLY, except those named after them
# (already on the line, as `delete` takes several).
_mqpasswd_add_users() {
    local file=$1 prefix=$2 name typed
    shift 2
    while IFS= read -r name; do
        for typed in "$@"; do
            [[ $name == "$typed" ]] && continue 2
        done
        COMPREPLY+=("$(printf '%q' "$name")")
    done < <(_mqpasswd_users "$file" "$prefix")
}

_mqpasswd_compat() {
    local cur=$1 i word hash_next=0
    local -a positional=()
    for ((i = 2; i < cword; i++)); do
        word=${words[i]}
        if ((hash_next)); then
            hash_next=0
        elif [[ ${#positional[@]} -eq 0 && ($word == -H || $word == -I) ]]; then
            hash_next=1
        elif [[ ${#positional[@]} -gt 0 || $word != -* ]]; then
            positional+=("$word")
        fi
    done
    case $prev in
        -H) COMPREPLY=($(compgen -W 'argon2id sha512-pbkdf2 sha512' -- "$cur")) && return ;;
        -I) return ;;
    esac
    if [[ ${#positional[@]} -eq 0 && $cur == -* ]]; then
        COMPREPLY=($(compgen -W '-b -c -D -H -I -U' -- "$cur"))
    elif [[ ${#positional[@]} -eq 0 ]]; then
        _filedir
    elif [[ ${#positional[@]} -eq 1 ]]; then
        _mqpasswd_add_users "${positional[0]}" "$cur"
    fi
}

_mqpasswd() {
    local cur prev words cword split
    _init_completion -s || return

    # The global options, grouped by the commands they do something for (mqpasswd refuses the rest).
    local common='-h --help --json -q --quiet' dry='--dry-run' create='--create' force='--force'
    local hashing='--hash --iterations' profile='--broker-version --broker-argon2' owner='--owner --group'
    local reload='--reload --conf'
    local password='-b --batch --stdin --password-fd --password-env --password-file'

    case $prev in
        --hash) COMPREPLY=($(compgen -W 'sha512-pbkdf2 sha512 argon2id' -- "$cur")) && return ;;
        --broker-version) COMPREPLY=($(compgen -W '2.0 2.1 auto' -- "$cur")) && return ;;
        --broker-argon2) COMPREPLY=($(compgen -W 'yes no auto' -- "$cur")) && return ;;
        --format) COMPREPLY=($(compgen -W 'lines csv jsonl json' -- "$cur")) && return ;;
        --owner) COMPREPLY=($(compgen -u -- "$cur")) && return ;;
        --group) COMPREPLY=($(compgen -g -- "$cur")) && return ;;
        --password-env) COMPREPLY=($(compgen -e -- "$cur")) && return ;;
        --pid) COMPREPLY=($(compgen -W "$(command pgrep -x mosquitto 2>/dev/null)" -- "$cur")) && return ;;
        --password-file | --conf | --pwfile) _filedir && return ;;
        --iterations | --password-fd | -j | --jobs | --listener) return ;;
        --bind) COMPREPLY=($(compgen -A hostname -- "$cur")) && return ;;
        --generate) $split && return ;;
    esac
    $split && return

    # The command, the broker action, and the positional arguments typed so far.
    local i word command='' action=''
    local -a positional=()
    for ((i = 1; i < cword; i++)); do
        word=${words[i]}
        case $word in
            --hash | --iterations | --broker-version | --broker-argon2 | --owner | --group | --password-fd | --password-env | \
                --password-file | --format | -j | --jobs | --conf | --pid | --pwfile | --listener | --bind)
                ((i++)) ;;
            -*) ;;
            *)
                if [[ -z $command ]]; then
                    command=$word
                    [[ $command == compat ]] && break
                elif [[ ($command == broker || $command == dynsec) && -z $action ]]; then
                    action=$word
                else
                    positional+=("$word")
                fi
                ;;
        esac
    done

    local options=''
    case $command in
        '') options="$common --version $dry $create $force $hashing $profile $owner" ;;
        compat) _mqpasswd_compat "$cur" && return ;;
        set | add) options="$common $dry $create $force $hashing $profile $owner $password --generate $reload" ;;
        verify) options="$common $password" ;;
        delete) options="$common $dry $force $profile --missing-ok $reload" ;;
        list) options=$common ;;
        upgrade) options="$common $dry $force $hashing $profile $reload" ;;
        import) options="$common $dry $create $force $hashing $profile $owner --format --prune --skip-invalid -j --jobs $reload" ;;
        check) options="$common $profile --conf" ;;
        broker)
            case $action in
                enable) options="$common $dry --broker-version --conf --pwfile --no-anonymous --replace --listener --bind --fix-permissions" ;;
                reload) options="$common $dry $profile --conf --pid" ;;
                '') options="$common" ;;
            esac
            ;;
        dynsec)
            case $action in
                export) options="$common $dry $create $profile $owner --skip-unconvertible" ;;
                import) options="$common $dry $create $force $profile $owner --skip-unconvertible" ;;
                '') options="$common" ;;
            esac
            ;;
        *) return ;;
    esac

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$options" -- "$cur"))
        return
    fi
    case $command in
        '')
            COMPREPLY=($(compgen -W 'set add delete verify list upgrade import check broker dynsec compat' -- "$cur"))
            ;;
        broker)
            [[ -z $action ]] && COMPREPLY=($(compgen -W 'enable reload' -- "$cur"))
            ;;
        set | add | verify | delete)
            if ((${#positional[@]} == 0)); then
                _filedir
            elif [[ $command == delete || ${#positional[@]} -eq 1 ]]; then
                _mqpasswd_add_users "${positional[0]}" "$cur" "${positional[@]:1}"
            fi
            ;;
        list | upgrade | check)
            ((${#positional[@]} == 0)) && _filedir
            ;;
        import)
            ((${#positional[@]} < 2)) && _filedir
            ;;
        dynsec)
            if [[ -z $action ]]; then
                COMPREPLY=($(compgen -W 'export import' -- "$cur"))
            elif ((${#positional[@]} < 2)); then
                _filedir
            fi
            ;;
    esac
} &&
    complete -F _mqpasswd mqpasswd
