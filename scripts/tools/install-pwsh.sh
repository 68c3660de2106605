#!/usr/bin/env bash
# Installs PowerShell (pwsh) as a .NET global tool into $RDPMEDIC_TOOLS_DIR/pwsh: the tests run the in-guest
# scripts under it. Returns at once when the pinned version is already there.
set -euo pipefail
version="7.6.9"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
tools_dir="${RDPMEDIC_TOOLS_DIR:-$root/.tools}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 POWERSHELL_TELEMETRY_OPTOUT=1
dest="$tools_dir/pwsh"
pwsh="$dest/pwsh"

# The tool's store keeps one folder per installed version; reading it is much faster than starting pwsh.
installed_version() {
  local dir="$dest/.store/powershell"
  [[ -x "$pwsh" && -d "$dir" ]] || return 0
  ls "$dir" 2>/dev/null | head -n 1
}

current="$(installed_version)"
if [[ "$current" == "$version" ]]; then
  echo "pwsh $version: already installed in $dest"
  exit 0
fi

if ! command -v dotnet >/dev/null 2>&1; then
  echo "pwsh: the .NET SDK (dotnet) is required to install PowerShell $version as a .NET tool" >&2
  exit 1
fi

mkdir -p "$dest"
if [[ -n "$current" ]]; then
  echo "pwsh: replacing $current with $version"
  dotnet tool uninstall PowerShell --tool-path "$dest" >/dev/null
fi
dotnet tool install PowerShell --version "$version" --tool-path "$dest"
"$pwsh" -NoLogo -NoProfile -NonInteractive -Command '$PSVersionTable.PSVersion.ToString()'
