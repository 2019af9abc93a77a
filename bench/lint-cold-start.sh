#!/usr/bin/env bash
# Cold start of `kata-argo lint FILE`: builds the CLI in Release, then runs the built binary
# RUNS times (default 5) under /usr/bin/time -v and prints each run and the medians of wall
# clock time, CPU time (user + system) and maximum resident set size.
#
#   bash bench/lint-cold-start.sh [FILE] [RUNS]
#
# FILE defaults to a Workflow of the lint test corpus; any YAML file or chart directory works.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

file=${1:-tests/KataArgo.Lint.Tests/corpus/workflow-steps-retry-when.yaml}
runs=${2:-5}
[[ -e $file ]] || { echo "error: $file does not exist" >&2; exit 2; }
[[ $runs =~ ^[1-9][0-9]*$ ]] || { echo "error: RUNS '$runs' must be a positive whole number" >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "error: /usr/bin/time is missing (apt-get install time)" >&2; exit 2; }

dotnet build src/KataArgo.Cli -c Release -nologo -v quiet >/dev/null
binary=src/KataArgo.Cli/bin/Release/net10.0/kata-argo

report=$(mktemp)
trap 'rm -f "$report"' EXIT
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

median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
printf 'median of %d runs, kata-argo lint %s: wall %ss  cpu %ss  max RSS %d MB\n' \
  "$runs" "$file" "$(median "${walls[@]}")" "$(median "${cpus[@]}")" $(($(median "${rsss[@]}") / 1024))
