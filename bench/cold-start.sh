#!/usr/bin/env bash
# Cold start of kata-argo's `render` and `template` (issue 11, item 16): wall time, CPU time and
# peak memory, each the median of RUNS runs under /usr/bin/time -v, for
#   build: the framework-dependent binary of `dotnet build -c Release` (what `dotnet run` and the
#          packed tool run), and
#   r2r:   the ReadyToRun binary of `dotnet publish -c Release -r RID` (ahead-of-time compiled).
#
#   bash bench/cold-start.sh            # builds both first, then measures
#   NO_BUILD=1 bash bench/cold-start.sh # measures the binaries already built
#   RUNS=9 bash bench/cold-start.sh
#
# Prints one line per binary and command: "r2r   render    wall 0.41s  cpu 0.38s  rss 61 MB  (median of 5)".
# Wall time depends on what else the machine runs; compare CPU time across machines.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

runs=${RUNS:-5}
[[ $runs =~ ^[1-9][0-9]?$ ]] || { echo "error: RUNS: '$runs' is not a number of runs from 1 to 99" >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "error: /usr/bin/time is missing; install GNU time (apt-get install time)" >&2; exit 2; }

rid=$(dotnet --info | awk '/^ *RID:/ { print $2; exit }')
[[ -n $rid ]] || { echo "error: dotnet --info names no RID" >&2; exit 2; }
build=src/KataArgo.Cli/bin/Release/net10.0/kata-argo
r2r=src/KataArgo.Cli/bin/Release/net10.0/$rid/publish/kata-argo
if [[ -z ${NO_BUILD:-} ]]; then
  dotnet build src/KataArgo.Cli -c Release -nologo -v quiet >/dev/null
  dotnet publish src/KataArgo.Cli -c Release -r "$rid" --self-contained false -nologo -v quiet >/dev/null
fi
for binary in "$build" "$r2r"; do
  [[ -x $binary ]] || { echo "error: $binary is missing; run without NO_BUILD=1" >&2; exit 2; }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
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
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

measure() {
  local label=$1 binary=$2; shift 2
  local walls=() cpus=() rsss=() i report
  for ((i = 0; i < runs; i++)); do
    report="$work/time.$i"
    /usr/bin/time -v -o "$report" "$binary" "$@" >/dev/null
    walls+=("$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0; for (j = 1; j <= n; j++) s = s * 60 + t[j]; print s }' "$report")")
    cpus+=("$(awk -F': ' '/User time/ { u = $2 } /System time/ { s = $2 } END { print u + s }' "$report")")
    rsss+=("$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$report")")
  done
  printf '%-5s %-9s wall %.2fs  cpu %.2fs  rss %d MB  (median of %d)\n' "${label%% *}" "${label#* }" \
    "$(printf '%s\n' "${walls[@]}" | median)" "$(printf '%s\n' "${cpus[@]}" | median)" \
    "$(( $(printf '%s\n' "${rsss[@]}" | median | cut -d. -f1) / 1024 ))" "$runs"
}

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
for kind in build r2r; do
  binary=$build
  [[ $kind == r2r ]] && binary=$r2r
  measure "$kind --version" "$binary" --version
  measure "$kind render" "$binary" render --out "$work/chart"
  measure "$kind template" "$binary" template --set-file "defaults.verificationPod=$work/pod.yaml"
done
