#!/usr/bin/env bash
# Cold start of `kata-argo lint FILE`: wall clock time, CPU time (user + system) and maximum
# resident set size, each the median of RUNS runs (default 5) under /usr/bin/time -v.
#
#   bash bench/lint-cold-start.sh [FILE] [RUNS]
#   KATA_ARGO=path/to/kata-argo bash bench/lint-cold-start.sh   # measure that binary instead
#
# It measures the tool as the README installs it (bench/install-tool.sh: dotnet pack, then dotnet
# tool install, here into a temporary directory), or the binary KATA_ARGO names. Without FILE it
# measures a small Workflow of the lint test corpus and snapshots/template/default.yaml, what
# `kata-argo template` prints (the kata-lifecycle-manager WorkflowTemplate, its step-script
# ConfigMap and RBAC). Wall time depends on what else the machine runs; compare CPU time.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

runs=${2:-5}
[[ $runs =~ ^[1-9][0-9]*$ ]] || { echo "error: RUNS '$runs' must be a positive whole number" >&2; exit 2; }
if [[ -n ${1:-} ]]; then
  files=("$1")
else
  files=(tests/KataArgo.Lint.Tests/corpus/workflow-steps-retry-when.yaml snapshots/template/default.yaml)
fi
for file in "${files[@]}"; do
  [[ -e $file ]] || { echo "error: $file does not exist" >&2; exit 2; }
done
[[ -x /usr/bin/time ]] || { echo "error: /usr/bin/time is missing (apt-get install time)" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
binary=${KATA_ARGO:-}
if [[ -z $binary ]]; then
  binary=$(bash bench/install-tool.sh "$work/install")
fi
[[ -x $binary ]] || { echo "error: KATA_ARGO '$binary' is not an executable file" >&2; exit 2; }

report=$work/time
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores; $binary"
for file in "${files[@]}"; do
  walls=() cpus=() rsss=()
  for ((i = 1; i <= runs; i++)); do
    status=0
    /usr/bin/time -v -o "$report" "$binary" lint "$file" >/dev/null 2>&1 || status=$?
    wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$report" | awk -F: '{ s = 0; for (j = 1; j <= NF; j++) s = s * 60 + $j; printf "%.2f", s }')
    user=$(sed -n 's/.*User time (seconds): //p' "$report")
    sys=$(sed -n 's/.*System time (seconds): //p' "$report")
    rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$report")
    cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
    printf 'run %d: wall %ss  cpu %ss  max RSS %d MB  (exit %d)\n' "$i" "$wall" "$cpu" $((rss / 1024)) "$status"
    walls+=("$wall") cpus+=("$cpu") rsss+=("$rss")
  done
  printf 'median of %d runs, kata-argo lint %s: wall %ss  cpu %ss  max RSS %d MB\n' \
    "$runs" "$file" "$(median "${walls[@]}")" "$(median "${cpus[@]}")" $(($(median "${rsss[@]}") / 1024))
done
