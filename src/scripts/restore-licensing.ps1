# rdp-medic-script: restore-licensing
# Puts the RD licensing values back as a probe read them before a failed repair (rollback):
#   HKLM\SYSTEM\CurrentControlSet\Control\Terminal Server\RCM\Licensing Core, LicensingMode (REG_DWORD)
#   HKLM\SYSTEM\CurrentControlSet\Services\TermService\Parameters\LicenseServers, SpecifiedLicenseServers (REG_MULTI_SZ)
# 'absent' deletes the value. Never touches the Group Policy key. Idempotent. Prints one compact JSON line:
# StepOutput in src/domain/playbook.ts, or {rdpMedic, v, error}.
param(
  # 'absent' or an integer from 0 to 6 (5 = not configured).
  [string]$LicensingMode = '',
  # 'absent' or comma-separated host names or IP addresses, at most 10, written in this order as given.
  [string]$LicenseServers = ''
)

$ScriptName = 'restore-licensing'

# rdp-medic-include: shared/helpers.ps1

$Absent = 'absent'

function Get-LicensingState {
  return [ordered]@{
    licensingMode = (Get-RegDword $LicensingCoreKey 'LicensingMode')
    policyLicensingMode = (Get-RegDword $PolicyKey 'LicensingMode')
    specifiedLicenseServers = (Get-RegMultiString $LicenseServersKey 'SpecifiedLicenseServers')
    policyLicenseServers = (Get-RegCommaList $PolicyKey 'LicenseServers')
  }
}

# The mode to put back: $null for 'absent', else 0-6 (ASCII digits only; '04', ' 4' and '4 ' are refused).
function Read-RestoreMode([string]$Value) {
  if ($Value -ceq $Absent) { return $null }
  if ($Value -cnotmatch '^[0-6]\z') {
    throw (New-ScriptError 'invalid-parameter' "LicensingMode must be '$Absent' or an integer from 0 to 6.")
  }
  return [long]$Value
}

# The list to put back: $null for 'absent', else the names exactly as given (same spelling, order and repeats:
# the value was that list before), each a valid host name or IP address.
function Read-RestoreServers([string]$Value) {
  if ($Value -ceq $Absent) { return $null }
  $names = Split-Parameter $Value
  if ($names.Count -eq 0) {
    throw (New-ScriptError 'invalid-parameter' "LicenseServers must be '$Absent' or name at least one license server.")
  }
  if ($names.Count -gt $MaxServers) {
    throw (New-ScriptError 'invalid-parameter' "LicenseServers names $($names.Count) servers; at most $MaxServers are allowed.")
  }
  for ($i = 0; $i -lt $names.Count; $i++) {
    if (-not (Test-LicenseServerName $names[$i])) {
      throw (New-ScriptError 'invalid-parameter' "LicenseServers item $($i + 1) is not a valid host name or IP address.")
    }
  }
  return ,$names
}

# Exactly the same list: same spelling, same order ($null only equals $null).
function Test-ExactList($Current, $Wanted) {
  if ($null -eq $Current -or $null -eq $Wanted) { return ($null -eq $Current -and $null -eq $Wanted) }
  $a = @($Current)
  $b = @($Wanted)
  if ($a.Count -ne $b.Count) { return $false }
  for ($i = 0; $i -lt $a.Count; $i++) { if (-not ([string]$a[$i] -ceq [string]$b[$i])) { return $false } }
  return $true
}

function Test-SameMode($Current, $Wanted) {
  if ($null -eq $Current -or $null -eq $Wanted) { return ($null -eq $Current -and $null -eq $Wanted) }
  return ([long]$Current -eq [long]$Wanted)
}

try {
  # Both parameters are checked before anything changes.
  $targetMode = Read-RestoreMode $LicensingMode
  $targetServers = Read-RestoreServers $LicenseServers
  $before = Get-LicensingState
  $changed = $false
  $coreKey = 'HKLM\SYSTEM\CurrentControlSet\Control\Terminal Server\RCM\Licensing Core'
  $serversKey = 'HKLM\SYSTEM\CurrentControlSet\Services\TermService\Parameters\LicenseServers'
  if (-not (Test-SameMode $before.licensingMode $targetMode)) {
    if ($null -eq $targetMode) {
      Invoke-Reg @('delete', $coreKey, '/v', 'LicensingMode', '/f')
    } else {
      Invoke-Reg @('add', $coreKey, '/v', 'LicensingMode', '/t', 'REG_DWORD', '/d', [string]$targetMode, '/f')
    }
    $changed = $true
  }
  if (-not (Test-ExactList $before.specifiedLicenseServers $targetServers)) {
    if ($null -eq $targetServers) {
      # The value is there: an absent one reads as $null and would have matched.
      Invoke-Reg @('delete', $serversKey, '/v', 'SpecifiedLicenseServers', '/f')
    } else {
      # reg.exe reads \0 in /d as the REG_MULTI_SZ separator; the names were validated above.
      Invoke-Reg @('add', $serversKey, '/v', 'SpecifiedLicenseServers', '/t', 'REG_MULTI_SZ', '/d', ($targetServers -join '\0'), '/f')
    }
    $changed = $true
  }
  $after = Get-LicensingState
  if (-not (Test-SameMode $after.licensingMode $targetMode)) {
    throw (New-ScriptError 'command-failed' 'LicensingMode does not hold the value just restored.')
  }
  if (-not (Test-ExactList $after.specifiedLicenseServers $targetServers)) {
    throw (New-ScriptError 'command-failed' 'SpecifiedLicenseServers does not hold the list just restored.')
  }
  Write-Result ([ordered]@{ rdpMedic = $ScriptName; v = 1; changed = $changed; restartNeeded = $changed; before = $before; after = $after })
  exit 0
} catch {
  Write-CaughtError $_
  exit 1
}
