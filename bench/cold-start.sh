#!/usr/bin/env bash
# Cold start of kata-argo (issue 11, item 16): wall time, CPU time (user + system) and peak
# memory (maximum RSS) of `--version`, `render` and `template`, each the median of RUNS runs under
# /usr/bin/time -v. It measures the tool as the README installs it (bench/install-tool.sh: dotnet
# pack, then dotnet tool install, here into a temporary directory), or the binary KATA_ARGO names.
#
#   bash bench/cold-start.sh
#   RUNS=9 bash bench/cold-start.sh
#   KATA_ARGO=src/KataArgo.Cli/bin/Release/net10.0/kata-argo bash bench/cold-start.sh   # what `dotnet build` makes
#
# Prints the load average, the binary, then one line per command:
#   render    wall 0.41s  cpu 0.38s  rss 61 MB  (median of 5)
# Wall time depends on what else the machine runs; compare CPU time across machines.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

runs=${RUNS:-5}
[[ $runs =~ ^[1-9][0-9]?$ ]] || { echo "error: RUNS: '$runs' is not a number of runs from 1 to 99" >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "error: /usr/bin/time is missing; install GNU time (apt-get install time)" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
binary=${KATA_ARGO:-}
if [[ -z $binary ]]; then
  binary=$(bash bench/install-tool.sh "$work/install")
fi
[[ -x $binary ]] || { echo "error: KATA_ARGO: '$binary' is not an executable file" >&2; exit 2; }

cat >"$work/pod.yaml" <<'POD'
apiVersion: v1
kind: Pod
metadata:
  name: ${TEST_POD}
spec:
  runtimeClassName: kata-qemu
  restartPolicy: Never
  nodeSelector:
    kubernetes.io/hostname: ${NODE}
  containers:
  - name: check
    image: docker.io/library/busybox:1.36
    command: [true]
POD

# median of the numbers on stdin
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

measure() {
  local label=$1; shift
  local walls=() cpus=() rsss=() i report
  for ((i = 0; i < runs; i++)); do
    report="$work/time.$i"
    rm -rf "$work/chart"
    /usr/bin/time -v -o "$report" "$binary" "$@" >/dev/null
    walls+=("$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0; for (j = 1; j <= n; j++) s = s * 60 + t[j]; print s }' "$report")")
    cpus+=("$(awk -F': ' '/User time/ { u = $2 } /System time/ { s = $2 } END { print u + s }' "$report")")
    rsss+=("$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$report")")
  done
  printf '%-9s wall %.2fs  cpu %.2fs  rss %d MB  (median of %d)\n' "$label" \
    "$(printf '%s\n' "${walls[@]}" | median)" "$(printf '%s\n' "${cpus[@]}" | median)" \
    "$(( $(printf '%s\n' "${rsss[@]}" | median | cut -d. -f1) / 1024 ))" "$runs"
}

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores; ${KATA_ARGO:-kata-argo as the README installs it}"
measure --version --version
measure render render --out "$work/chart"
measure template template --set-file "defaults.verificationPod=$work/pod.yaml"
