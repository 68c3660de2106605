#!/usr/bin/env bash
# Installs the Bicep CLI into $RDPMEDIC_TOOLS_DIR/bicep/bicep from the NuGet package
# Azure.Bicep.CommandLine.linux-x64 (a self-contained binary under tools/), restored with the .NET SDK.
# Idempotent: returns at once when the pinned version is already there.
set -euo pipefail

version="0.49.2"
package="Azure.Bicep.CommandLine.linux-x64"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
tools_dir="${RDPMEDIC_TOOLS_DIR:-$root/.tools}"
target="$tools_dir/bicep/bicep"

# The .NET SDK and the Bicep CLI both stay quiet: no telemetry, no banners, no tracing.
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 BICEP_TRACING_ENABLED=false

if [[ -x "$target" ]] && "$target" --version 2>/dev/null | grep -q "version $version "; then
  echo "bicep: $version already in $target"
  exit 0
fi

if ! command -v dotnet >/dev/null 2>&1; then
  echo "bicep: the .NET SDK (dotnet) is needed to restore $package $version from NuGet" >&2
  exit 1
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# A throwaway project whose only job is to download the package: PackageDownload fetches it as is,
# without resolving it as a library reference.
sdk_major="$(dotnet --version | cut -d. -f1)"
cat >"$work/bicep-download.csproj" <<EOF
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>net${sdk_major}.0</TargetFramework>
  </PropertyGroup>
  <ItemGroup>
    <PackageDownload Include="$package" Version="[$version]" />
  </ItemGroup>
</Project>
EOF
dotnet restore "$work/bicep-download.csproj" --packages "$work/packages" --verbosity quiet

lower="$(echo "$package" | tr '[:upper:]' '[:lower:]')"
binary="$work/packages/$lower/$version/tools/bicep"
if [[ ! -f "$binary" ]]; then
  echo "bicep: $package $version has no tools/bicep" >&2
  exit 1
fi

mkdir -p "$(dirname "$target")"
install -m 0755 "$binary" "$target.partial"
mv -f "$target.partial" "$target"
"$target" --version
echo "bicep: installed in $target"
