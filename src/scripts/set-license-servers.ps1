# rdp-medic-script: set-license-servers
# Sets the license servers RD Session Host uses
# (HKLM\SYSTEM\CurrentControlSet\Services\TermService\Parameters\LicenseServers, SpecifiedLicenseServers, REG_MULTI_SZ).
# A value of another kind (a REG_SZ, which Windows does not read there) is replaced by the REG_MULTI_SZ. Idempotent. Prints one compact JSON line: StepOutput in src/domain/playbook.ts, or {rdpMedic, v, error}.
# A Group Policy LicenseServers value wins over this one: the output shows it, the plan decides what that means.
param(
  # Comma-separated host names or IP addresses, at most 10.
  [string]$Servers = ''
)

$ScriptName = 'set-license-servers'

# rdp-medic-include: shared/helpers.ps1

function Get-ServersState {
  return [ordered]@{
    specifiedLicenseServers = (Get-RegMultiString $LicenseServersKey 'SpecifiedLicenseServers')
    specifiedLicenseServersKind = (Get-RegKind $LicenseServersKey 'SpecifiedLicenseServers')
    policyLicenseServers = (Get-RegCommaList $PolicyKey 'LicenseServers')
  }
}

# Same names in the same order (Windows tries them in order).
function Test-SameOrderedList($Current, $Wanted) {
  if ($null -eq $Current) { return $false }
  $a = @($Current)
  $b = @($Wanted)
  if ($a.Count -ne $b.Count) { return $false }
  for ($i = 0; $i -lt $a.Count; $i++) { if (-not (Test-SameName $a[$i] $b[$i])) { return $false } }
  return $true
}

try {
  Assert-64BitProcess
  $target = Read-ServerList 'Servers' $Servers -Required
  $before = Get-ServersState
  $changed = $false
  if ($before.specifiedLicenseServersKind -ne 'REG_MULTI_SZ' -or -not (Test-SameOrderedList $before.specifiedLicenseServers $target)) {
    # reg.exe reads \0 in /d as the REG_MULTI_SZ separator; the names were validated above.
    Invoke-Reg @('add', 'HKLM\SYSTEM\CurrentControlSet\Services\TermService\Parameters\LicenseServers', '/v', 'SpecifiedLicenseServers', '/t', 'REG_MULTI_SZ', '/d', ($target -join '\0'), '/f')
    $changed = $true
  }
  $after = Get-ServersState
  if ($after.specifiedLicenseServersKind -ne 'REG_MULTI_SZ' -or -not (Test-SameOrderedList $after.specifiedLicenseServers $target)) {
    throw (New-ScriptError 'command-failed' 'SpecifiedLicenseServers does not hold the list just written.')
  }
  Write-Result ([ordered]@{ rdpMedic = $ScriptName; v = 1; changed = $changed; restartNeeded = $changed; before = $before; after = $after })
  exit 0
} catch {
  Write-CaughtError $_
  exit 1
}
