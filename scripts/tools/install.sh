#!/usr/bin/env bash
# Installs the real tools the tests need (PowerShell, Bicep CLI, xrdp, ...) into .tools/ (git-ignored).
# Idempotent: each installer returns at once when its tool is already there.
# Each tool has its own installer, scripts/tools/install-<tool>.sh, run in name order.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export RDPMEDIC_TOOLS_DIR="${RDPMEDIC_TOOLS_DIR:-$root/.tools}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 POWERSHELL_TELEMETRY_OPTOUT=1
mkdir -p "$RDPMEDIC_TOOLS_DIR"
shopt -s nullglob
for installer in "$root"/scripts/tools/install-*.sh; do
  bash "$installer"
done
echo "tools: ready in $RDPMEDIC_TOOLS_DIR"
