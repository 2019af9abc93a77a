# shellcheck shell=bash
# Runs one call of a double. Bash parses argv and refuses, loudly, every form the step scripts
# do not use; the operation itself (ops/*.jq) runs in one jq process per sandbox, started on
# the first call (jq 1.6 compiles slowly: once per sandbox, not once per call). Each call sends
# it {op, named, state} and gets back five lines: exit code, stdout, stderr (base64), the
# call-log line and the next state, which this call writes to $KATA_TEST_STATE.

run_double() {
  set -euo pipefail
  local tool=$1
  shift
  local lib state=${KATA_TEST_STATE:?KATA_TEST_STATE is not set} log=${KATA_TEST_LOG:?KATA_TEST_LOG is not set}
  lib=$(dirname "${BASH_SOURCE[0]}")
  local argv=("$@") pos=() sets=() files=() a name value spec
  local -A flag=()

  local i
  for (( i = 0; i < ${#argv[@]}; i++ )); do
    a=${argv[i]}
    if [[ $a != -* || $a == - ]]; then
      pos+=("$a")
      continue
    fi
    name=${a%%=*}
    flag_spec "$tool" "$name" || refuse "unsupported flag $a"
    if [[ $a == *=* ]]; then
      value=${a#*=}
    elif [[ $spec == bool:* ]]; then
      value=true
    else
      (( i + 1 < ${#argv[@]} )) || refuse "flag $name needs a value"
      i=$((i + 1))
      value=${argv[i]}
    fi
    case ${spec#*:} in
      set)
        [[ $value == *=* && $value != *[][\\,{}]* ]] || refuse "unsupported --set $value"
        sets+=("$value") ;;
      file) files+=("$value") ;;
      *) flag[${spec#*:}]=$value ;;
    esac
  done

  if [[ -n ${flag[patch_file]-} ]]; then
    [[ -z ${flag[patch]-} ]] || refuse "both -p and --patch-file"
    [[ -f ${flag[patch_file]} ]] || { printf 'error: open %s: no such file or directory\n' "${flag[patch_file]}" >&2; exit 1; }
    flag[patch]=$(<"${flag[patch_file]}")
  fi
  local op="" request=""
  operation
  member tool "$tool"
  member argc "${#argv[@]}"
  for (( i = 0; i < ${#argv[@]}; i++ )); do member "a$i" "${argv[i]}"; done
  for name in ns sel fsel output patch ptype tail timeout ignore ignore_ds emptydir dryrun filter all version revision reset reuse max; do
    member "$name" "${flag[$name]-}"
  done
  member verb "${pos[0]-}"
  member p1 "${pos[1]-}"
  member p2 "${pos[2]-}"
  member p3 "${pos[3]-}"
  selectors
  member nsets "${#sets[@]}"
  for (( i = 0; i < ${#sets[@]}; i++ )); do member "set$i" "${sets[i]}"; done

  # Files named by -f/--values travel as text (kubectl's with their sha256, the key of the
  # YAML-to-JSON table); "-" is stdin.
  local stdin="" has_stdin=false nfiles=0 sha=""
  for a in "${files[@]}"; do
    if [[ $a == - ]]; then
      stdin=$(cat)
      has_stdin=true
    elif [[ -f $a ]]; then
      member "path$nfiles" "$a"
      member "file$nfiles" "$(<"$a")"
      [[ -n $sha ]] || sha=$(sha256sum <"$a" | cut -d' ' -f1)
      nfiles=$((nfiles + 1))
    else
      printf 'error: the path "%s" does not exist\n' "$a" >&2
      exit 1
    fi
  done
  member nfiles "$nfiles"
  member sha "$sha"
  member stdin "$stdin"
  request+=",\"has_stdin\":$has_stdin"

  local srv="$state.server" out="$state.out" lines
  start_server
  # O_RDWR opens never block, even if the server has just died.
  exec {fd}<>"$srv/requests"
  { printf '{"op":"%s","named":{%s},"state":' "$op" "${request#,}"; cat "$state"; printf '}\n'; } >&"$fd"
  exec {fd}>&-
  if ! timeout 60 head -n 5 "$srv/answers" >"$out" || [[ $(wc -l <"$out") != 5 ]]; then
    printf '%s double: no answer from its jq server; its stderr:\n' "$tool" >&2
    cat "$srv/stderr" >&2
    log_call 98
    exit 98
  fi
  mapfile -t -n 5 lines <"$out"
  printf '%s\n' "${lines[4]}" >"$state"
  printf '%s\n' "${lines[3]}" >>"$log"
  [[ -z ${lines[1]} ]] || base64 -d <<<"${lines[1]}"
  [[ -z ${lines[2]} ]] || base64 -d <<<"${lines[2]}" >&2
  return "${lines[0]}"
}

# member NAME VALUE: adds "NAME":"VALUE" (a JSON string) to the request's named arguments.
member() {
  local s=$2 c escaped="" j
  s=${s//\\/\\\\}
  s=${s//\"/\\\"}
  s=${s//$'\n'/\\n}
  s=${s//$'\r'/\\r}
  s=${s//$'\t'/\\t}
  if [[ $s == *[$'\001'-$'\037']* ]]; then
    for (( j = 0; j < ${#s}; j++ )); do
      c=${s:j:1}
      if [[ $c == [$'\001'-$'\037'] ]]; then printf -v c '\\u%04x' "'$c"; fi
      escaped+=$c
    done
    s=$escaped
  fi
  request+=",\"$1\":\"$s\""
}

# The sandbox's jq server: two FIFOs beside the state file. It stops when the state file is
# gone (the sandbox was deleted) or has not changed for ten minutes.
start_server() {
  if [[ -s $srv/pid ]] && kill -0 "$(<"$srv/pid")" 2>/dev/null; then return 0; fi
  rm -rf "$srv"
  mkdir -p "$srv"
  mkfifo "$srv/requests" "$srv/answers"
  cat "$lib"/{prelude,select,events,pods,controller,values,releases}.jq "$lib"/ops/*.jq "$lib/server.jq" >"$srv/program.jq"
  (
    exec 3<>"$srv/requests" 4<>"$srv/answers" </dev/null >/dev/null 2>"$srv/stderr"
    jq -n -r --unbuffered -f "$srv/program.jq" <&3 >&4 &
    local server=$!
    printf '%s\n' "$server" >"$srv/pid.new"
    mv "$srv/pid.new" "$srv/pid"
    while kill -0 "$server" 2>/dev/null; do
      sleep 1
      if [[ ! -e $state ]] || (( $(date +%s) - $(stat -c %Y "$state") > 600 )); then kill "$server"; fi
    done
  ) &
  while [[ ! -s $srv/pid ]]; do sleep 0.01; done
}

# flag_spec TOOL FLAG: sets spec to "bool:NAME" or "value:NAME" for a flag the double implements.
flag_spec() {
  case $1:$2 in
    *:-n | *:--namespace) spec=value:ns ;;
    *:-o | *:--output) spec=value:output ;;
    kubectl:-l | kubectl:--selector) spec=value:sel ;;
    kubectl:--field-selector) spec=value:fsel ;;
    kubectl:-f | kubectl:--filename | helm:-f | helm:--values) spec=value:file ;;
    kubectl:-p | kubectl:--patch) spec=value:patch ;;
    kubectl:--patch-file) spec=value:patch_file ;;
    kubectl:--type) spec=value:ptype ;;
    kubectl:--timeout) spec=value:timeout ;;
    kubectl:--request-timeout) spec=value:request_timeout ;;
    kubectl:--tail) spec=value:tail ;;
    kubectl:--dry-run) spec=value:dryrun ;;
    kubectl:--ignore-not-found) spec=bool:ignore ;;
    kubectl:--ignore-daemonsets) spec=bool:ignore_ds ;;
    kubectl:--delete-emptydir-data) spec=bool:emptydir ;;
    kubectl:--all-containers) spec=bool:all_containers ;;
    kubectl:--wait) spec=bool:wait ;;
    helm:--filter) spec=value:filter ;;
    helm:--version) spec=value:version ;;
    helm:--set) spec=value:set ;;
    helm:--revision) spec=value:revision ;;
    helm:--max) spec=value:max ;;
    helm:--dry-run) spec=value:dryrun ;;
    # get values --all (Helm 4 removed `list --all`, and the double knows no `list`).
    helm:-a | helm:--all) spec=bool:all ;;
    helm:--reset-values) spec=bool:reset ;;
    helm:--reset-then-reuse-values) spec=bool:reuse ;;
    *) return 1 ;;
  esac
}

# Sets op, the operation for this call, or refuses loudly a form the doubles do not implement.
operation() {
  local verb=${pos[0]-} n=${#pos[@]}
  case $tool:$verb in
    kubectl:get)
      case ${pos[1]-} in
        nodes | node | no) flag[res]=nodes ;;
        pods | pod | po) flag[res]=pods ;;
        daemonsets | daemonset | ds) flag[res]=daemonsets ;;
        controllerrevisions | controllerrevision) flag[res]=controllerrevisions ;;
        configmaps | configmap | cm) flag[res]=configmaps ;;
        events | event | ev) flag[res]=events ;;
        *) refuse "get of an unknown resource type" ;;
      esac
      [[ ${flag[output]-} == json ]] || refuse "get without -o json"
      (( n <= 3 )) || refuse "get of several names"
      [[ ${flag[res]} == nodes || -n ${flag[ns]-} ]] || refuse "get of a namespaced resource without -n"
      pos[1]=${flag[res]}
      case ${flag[res]} in pods | daemonsets) op="get-${flag[res]}" ;; *) op="get" ;; esac ;;
    kubectl:create)
      (( n == 1 && ${#files[@]} == 1 )) || refuse "create needs exactly one -f and no name"
      if [[ ${flag[dryrun]-} == client ]]; then
        [[ ${flag[output]-} == json && ${files[0]} != - ]] || refuse "create --dry-run=client needs -o json -f FILE"
        op="convert"
      else
        [[ -z ${flag[dryrun]-} && -z ${flag[output]-} ]] || refuse "create with this --dry-run/-o"
        op="create"
      fi ;;
    kubectl:delete)
      [[ ${pos[1]-} == pod || ${pos[1]-} == pods ]] || refuse "delete of anything but pods"
      [[ -n ${flag[ns]-} ]] || refuse "delete without -n"
      [[ ( $n == 3 && -z ${flag[sel]-} ) || ( $n == 2 && -n ${flag[sel]-} ) ]] || refuse "delete needs one name or -l"
      op="delete" ;;
    kubectl:patch)
      [[ ${pos[1]-} == node || ${pos[1]-} == configmap ]] || refuse "patch of anything but a node or a configmap"
      [[ ${flag[ptype]-} == merge && -n ${flag[patch]-} && $n == 3 ]] || refuse "patch without NAME --type merge -p JSON|--patch-file FILE"
      [[ ${pos[1]} == node || -n ${flag[ns]-} ]] || refuse "patch of a configmap without -n"
      op="patch" ;;
    kubectl:cordon | kubectl:uncordon)
      (( n == 2 )) || refuse "$verb of other than one node"
      op="cordon" ;;
    kubectl:drain)
      [[ $n == 2 && -n ${flag[timeout]-} ]] || refuse "drain without one node and --timeout"
      op="drain" ;;
    kubectl:auth)
      [[ ${pos[1]-} == can-i && $n == 4 && -n ${flag[ns]-} ]] || refuse "auth other than can-i VERB RESOURCE[/NAME] -n NS"
      op="can-i" ;;
    kubectl:logs)
      [[ $n == 2 && -n ${flag[ns]-} ]] || refuse "logs of other than one pod with -n"
      op="logs" ;;
    helm:history)
      [[ $n == 2 && -n ${flag[ns]-} && ${flag[output]-} == json ]] || refuse "history needs RELEASE, -n and -o json"
      [[ -z ${flag[max]-} || ${flag[max]} =~ ^[1-9][0-9]*$ ]] || refuse "history --max needs a positive number"
      op="helm-history" ;;
    helm:get)
      if [[ ${pos[1]-} == manifest ]]; then
        [[ $n == 3 && -n ${flag[ns]-} && -z ${flag[output]-} ]] || refuse "get manifest needs RELEASE and -n, and prints YAML only"
        op="helm-manifest"
      else
        [[ ${pos[1]-} == values && $n == 3 && -n ${flag[ns]-} && ${flag[output]-} == json ]] ||
          refuse "get values needs RELEASE, -n and -o json"
        op="helm-values"
      fi ;;
    helm:upgrade)
      [[ $n == 3 && -n ${flag[ns]-} && -n ${flag[version]-} ]] || refuse "upgrade needs RELEASE CHART --version and -n"
      [[ ${flag[reset]-false}${flag[reuse]-false} == truefalse || ${flag[reset]-false}${flag[reuse]-false} == falsetrue ]] ||
        refuse "upgrade needs exactly one of --reset-values and --reset-then-reuse-values"
      [[ -z ${flag[dryrun]-} || ${flag[dryrun]} == server ]] || refuse "upgrade --dry-run other than server"
      [[ -z ${flag[output]-} || ${flag[output]-}${flag[dryrun]-} == jsonserver ]] || refuse "upgrade -o other than json with --dry-run=server"
      op="helm-upgrade" ;;
    helm:template)
      [[ $n == 3 && -n ${flag[ns]-} && -n ${flag[version]-} && ${#files[@]} == 1 ]] || refuse "template needs RELEASE CHART --version, -n and one -f"
      op="helm-template" ;;
    helm:rollback)
      [[ $n == 3 && -n ${flag[ns]-} ]] || refuse "rollback needs RELEASE REVISION and -n; never without a revision"
      op="helm-rollback" ;;
    *) refuse "unknown command" ;;
  esac
}

# Label (-l) and field (--field-selector) selectors travel parsed, as requirements
# (rop/rkey/rval and fop/fpath/fval): jq 1.6 would spend more compiling a regex parser than
# running the whole call.
selectors() {
  local rest=${flag[sel]-} part depth c n=0 re_key='[A-Za-z0-9._/-]+' re_value='[A-Za-z0-9._-]*'
  while [[ -n $rest ]]; do
    part="" depth=0
    while [[ -n $rest ]]; do
      c=${rest:0:1} rest=${rest:1}
      case $c in
        "(") depth=1 ;;
        ")") depth=0 ;;
        ,) (( depth == 0 )) && break ;;
      esac
      part+=$c
    done
    part=${part#"${part%%[! ]*}"} part=${part%"${part##*[! ]}"}
    if [[ $part =~ ^($re_key)\ +(in|notin)\ *\(([^\)]*)\)$ ]]; then
      requirement "${BASH_REMATCH[2]}" "${BASH_REMATCH[1]}" "${BASH_REMATCH[3]// /}"
    elif [[ $part =~ ^($re_key)!=($re_value)$ ]]; then requirement ne "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}"
    elif [[ $part =~ ^($re_key)==?($re_value)$ ]]; then requirement eq "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}"
    elif [[ $part =~ ^!($re_key)$ ]]; then requirement absent "${BASH_REMATCH[1]}" ""
    elif [[ $part =~ ^($re_key)$ ]]; then requirement exists "${BASH_REMATCH[1]}" ""
    else refuse "unparsable label selector requirement '$part'"
    fi
  done
  member nreq "$n"
  n=0 rest=${flag[fsel]-}
  while [[ -n $rest ]]; do
    part=${rest%%,*}
    if [[ $rest == *,* ]]; then rest=${rest#*,}; else rest=""; fi
    [[ $part =~ ^([A-Za-z.]+)(!=|==|=)(.*)$ ]] || refuse "unparsable field selector '$part'"
    member "fpath$n" "${BASH_REMATCH[1]}"
    member "fop$n" "${BASH_REMATCH[2]}"
    member "fval$n" "${BASH_REMATCH[3]}"
    n=$((n + 1))
  done
  member nfield "$n"
}

requirement() {
  member "rop$n" "$1"
  member "rkey$n" "$2"
  member "rval$n" "$3"
  n=$((n + 1))
}

refuse() {
  printf '%s double: %s: %s %s\n' "$tool" "$1" "$tool" "${argv[*]}" >&2
  log_call 97
  exit 97
}

log_call() {
  jq -cn --arg tool "$tool" --argjson exit "$1" '{tool: $tool, argv: $ARGS.positional, exit: $exit}' --args -- "${argv[@]}" >>"$log"
}
