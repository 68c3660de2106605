# rdp-medic-script: verify
# Read-only check, after the fix and a restart, that RDP licensing is what the plan wanted.
# Prints one compact JSON line: VerifyOutput in src/domain/playbook.ts, or {rdpMedic, v, error}.
# Parameters are never empty; 'any' means "do not check" (docs/playbook-contract.md).
param(
  # 2, 4 or any: compared with the effective (Group Policy aware) licensing mode; a local value must be a REG_DWORD.
  [string]$ExpectedMode = 'any',
  # Comma-separated license servers, or any: compared as a set with the effective list (a local value must be a
  # REG_MULTI_SZ); each must answer.
  [string]$ExpectedServers = 'any',
  # present, absent or any (either, but not a pending change).
  [string]$RdshExpected = 'any',
  # check (no licensing events since the boot) or any (not checked: a role change completed and licensing is not
  # configured yet, so Windows logs its events until a later run configures it).
  [string]$LicensingEvents = 'check'
)

$ScriptName = 'verify'

# rdp-medic-include: shared/helpers.ps1

function Format-Value($Value) {
  if ($null -eq $Value) { return 'none' }
  return [string]$Value
}

function Format-List($Names) {
  if ($null -eq $Names) { return 'none' }
  return '[' + (@($Names) -join ', ') + ']'
}

function Test-SameSet($Current, $Wanted) {
  if ($null -eq $Current) { return $false }
  $distinct = New-Object System.Collections.ArrayList
  Add-UniqueNames $distinct $Current
  if ($distinct.Count -ne @($Wanted).Count) { return $false }
  foreach ($name in @($Wanted)) {
    $found = $false
    foreach ($existing in $distinct) { if (Test-SameName $existing $name) { $found = $true } }
    if (-not $found) { return $false }
  }
  return $true
}

function Add-Check([System.Collections.ArrayList]$Checks, [string]$Name, [bool]$Ok, [string]$Detail) {
  [void]$Checks.Add([ordered]@{ name = $Name; ok = $Ok; detail = (Get-SafeText $Detail 1000) })
}

# Installed / Available from Server Manager, or from the component cache's InstallState when it cannot tell.
function Get-RoleCondition {
  $feature = Get-FeatureState 'RDS-RD-Server'
  if ($feature -ne 'Unknown') { return $feature }
  $installState = Get-RegDword $RdshCacheKey 'InstallState'
  if ($installState -eq 1) { return 'Installed' }
  if ($null -eq $installState -or $installState -eq 0) { return 'Available' }
  return 'Unknown'
}

function Get-ServerDetail([string]$Name) {
  $addresses = @()
  if (Test-LicenseServerName $Name) { $addresses = Resolve-HostAddresses $Name }
  if ($addresses.Count -eq 0) { return [ordered]@{ ok = $false; detail = "$Name does not resolve" } }
  $tcp = Test-TcpPort -HostName $Name -Port 135 -TimeoutMs 3000
  $where = "$Name resolves to " + (@($addresses | Select-Object -First 4) -join ', ')
  if ($tcp) { return [ordered]@{ ok = $true; detail = "$where; TCP 135 answers" } }
  return [ordered]@{ ok = $false; detail = "$where; TCP 135 does not answer" }
}

try {
  Assert-64BitProcess
  if (@('2', '4', 'any') -cnotcontains $ExpectedMode) {
    throw (New-ScriptError 'invalid-parameter' 'ExpectedMode must be 2 (per device), 4 (per user) or any.')
  }
  if (@('present', 'absent', 'any') -cnotcontains $RdshExpected) {
    throw (New-ScriptError 'invalid-parameter' 'RdshExpected must be present, absent or any.')
  }
  if (@('check', 'any') -cnotcontains $LicensingEvents) {
    throw (New-ScriptError 'invalid-parameter' 'LicensingEvents must be check or any.')
  }
  $expectedList = $null
  if ($ExpectedServers -cne 'any') { $expectedList = Read-ServerList 'ExpectedServers' $ExpectedServers -Required }
  $checks = New-Object System.Collections.ArrayList

  $role = Get-RoleCondition
  switch ($RdshExpected) {
    'present' { Add-Check $checks 'rdsh-role' ($role -eq 'Installed') "RDS-RD-Server is $role; expected Installed" }
    'absent' { Add-Check $checks 'rdsh-role' ($role -eq 'Available') "RDS-RD-Server is $role; expected Available" }
    default { Add-Check $checks 'rdsh-role' ($role -eq 'Installed' -or $role -eq 'Available') "RDS-RD-Server is $role; expected no pending change" }
  }

  if ($ExpectedMode -cne 'any') {
    # A LicensingMode of another kind than REG_DWORD is not read by Windows: it counts as none.
    $localMode = Get-LicensingModeDword
    $policyMode = Get-RegDword $PolicyKey 'LicensingMode'
    $effectiveMode = $localMode
    if ($null -ne $policyMode) { $effectiveMode = $policyMode }
    $modeOk = ($null -ne $effectiveMode -and $effectiveMode -eq [int]$ExpectedMode)
    Add-Check $checks 'licensing-mode' $modeOk "effective LicensingMode $(Format-Value $effectiveMode) (local $(Format-Value $localMode), policy $(Format-Value $policyMode)); expected $ExpectedMode"
  }

  if ($null -ne $expectedList) {
    # Only a REG_MULTI_SZ SpecifiedLicenseServers is read by Windows.
    $specified = Get-SpecifiedServersMultiString
    $policyServers = Get-RegCommaList $PolicyKey 'LicenseServers'
    $effectiveServers = $specified
    $source = 'local'
    if ($null -ne $policyServers) { $effectiveServers = $policyServers; $source = 'policy' }
    $listOk = Test-SameSet $effectiveServers $expectedList
    Add-Check $checks 'license-servers' $listOk "effective license servers $(Format-List $effectiveServers) ($source); expected $(Format-List $expectedList)"
    foreach ($name in $expectedList) {
      $server = Get-ServerDetail $name
      Add-Check $checks "license-server:$name" $server.ok $server.detail
    }
  }

  $bootTime = $null
  try {
    $bootTime = (Get-CimInstance -ClassName 'Win32_OperatingSystem' -ErrorAction Stop | Select-Object -First 1).LastBootUpTime
  } catch { }
  if ($LicensingEvents -ceq 'any') {
    # Not checked (see the parameter).
  } elseif ($null -eq $bootTime) {
    Add-Check $checks 'licensing-events' $false 'the last boot time is unknown'
  } else {
    $events = Get-LicensingEvents $bootTime
    $bootText = Format-Time $bootTime
    if ($events.Count -eq 0) {
      Add-Check $checks 'licensing-events' $true "no licensing events since boot at $bootText"
    } else {
      $ids = @($events | ForEach-Object { [int]$_.Id } | Sort-Object -Unique) -join ', '
      Add-Check $checks 'licensing-events' $false "$($events.Count) licensing events since boot at $bootText (ids $ids)"
    }
  }

  $running = Get-TermServiceRunning
  $runningText = 'TermService is not running'
  if ($running) { $runningText = 'TermService is running' }
  Add-Check $checks 'termservice' $running $runningText
  $port = Get-RdpPort
  $listening = Get-RdpListening
  $listeningText = "nothing listens on TCP $port"
  if ($listening) { $listeningText = "TCP $port is listening" }
  Add-Check $checks 'rdp-listener' $listening $listeningText

  $ok = $true
  foreach ($check in $checks) { if (-not $check.ok) { $ok = $false } }
  Write-Result ([ordered]@{ rdpMedic = $ScriptName; v = 1; ok = $ok; checks = $checks.ToArray() })
  exit 0
} catch {
  Write-CaughtError $_
  exit 1
}
