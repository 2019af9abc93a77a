#!/usr/bin/env bash
# Installs kata-argo as the README says (dotnet pack, then dotnet tool install from the packages),
# into DIR instead of ~/.dotnet/tools, and prints the path of the installed command.
#
#   tool=$(bash bench/install-tool.sh DIR)
#
# DIR/artifacts receives the packages, DIR/tool the installed tool. The packages are the tool as
# users get it: one for this machine's RID, compiled ahead of time (ReadyToRun), and `any`, the
# portable fallback; `dotnet tool install` picks the first (src/KataArgo.Cli/KataArgo.Cli.csproj).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

dir=${1:-}
[[ -n $dir ]] || { echo "error: usage: bash bench/install-tool.sh DIR" >&2; exit 2; }
[[ ! -e $dir/tool ]] || { echo "error: $dir/tool already exists; give a new or empty directory" >&2; exit 2; }
version=$(sed -n 's|.*<Version>\(.*\)</Version>.*|\1|p' Directory.Build.props)
[[ -n $version ]] || { echo "error: Directory.Build.props names no <Version>" >&2; exit 2; }

mkdir -p "$dir"
dotnet pack src/KataArgo.Cli -c Release -o "$dir/artifacts" -nologo -v quiet >&2
dotnet tool install kata-argo --tool-path "$dir/tool" --add-source "$dir/artifacts" --version "$version" >&2
echo "$dir/tool/kata-argo"
