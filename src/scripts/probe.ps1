# rdp-medic-script: probe
# Read-only report of the RD licensing state (RDP Medic). Changes nothing.
# Prints one compact JSON line: ProbeResult in src/domain/playbook.ts, or {rdpMedic, v, error: {code, message}}.
# Windows PowerShell 5.1 compatible; parameters arrive as strings from Run Command.
param(
  # Comma-separated license servers the remediation intends to use: they are checked too.
  [string]$LicenseServers = ''
)

$ScriptName = 'probe'

# rdp-medic-include: shared/helpers.ps1

$MaxEvents = 10
$MaxAddresses = 4
$MaxServerChecks = 16
$MaxListEntries = 16
$MaxNameLength = 256
$MaxOutputBytes = 3500
$script:Truncated = $false

function Get-TerminalServiceSetting {
  try {
    return (Get-CimInstance -Namespace 'root/cimv2/TerminalServices' -ClassName 'Win32_TerminalServiceSetting' -ErrorAction Stop | Select-Object -First 1)
  } catch {
    return $null
  }
}

function Get-GraceDaysLeft($Setting) {
  if ($null -eq $Setting) { return $null }
  try {
    $answer = Invoke-CimMethod -InputObject $Setting -MethodName 'GetGracePeriodDays' -ErrorAction Stop
    if ([int]$answer.ReturnValue -eq 0 -and [long]$answer.DaysLeft -ge 0 -and [long]$answer.DaysLeft -le 365) { return [int]$answer.DaysLeft }
  } catch { }
  return $null
}

# The VM's own unicast addresses: a license server that resolves to one of them is this VM.
function Get-LocalAddresses {
  $addresses = New-Object System.Collections.ArrayList
  try {
    foreach ($entry in @(Get-NetIPAddress -AddressState Preferred -ErrorAction Stop)) {
      $ip = ([string]$entry.IPAddress) -replace '%.*\z', ''
      if ($ip -match '^127\.' -or $ip -eq '::1' -or $ip -match '^fe[89ab][0-9a-f]:' -or -not (Test-IpAddress $ip)) { continue }
      if (-not $addresses.Contains($ip) -and $addresses.Count -lt 16) { [void]$addresses.Add($ip) }
    }
  } catch { }
  return ,$addresses.ToArray()
}

# A server list as Windows holds it, made safe to print: at most 16 names of at most 256 characters.
function Get-ReportedList($Names) {
  if ($null -eq $Names) { return $null }
  $reported = New-Object System.Collections.ArrayList
  foreach ($name in @($Names)) {
    if ($reported.Count -ge $MaxListEntries) { $script:Truncated = $true; break }
    $safe = Get-SafeText ([string]$name) $MaxNameLength
    if ($safe.Length -lt ([string]$name).Length) { $script:Truncated = $true }
    [void]$reported.Add($safe)
  }
  return ,$reported.ToArray()
}

# What the license server itself says (WMI over DCOM; needs rights there, so a failure only means "not known").
function Get-RemoteLicenseHealth([string]$Name) {
  $session = $null
  try {
    $option = New-CimSessionOption -Protocol Dcom
    $session = New-CimSession -ComputerName $Name -SessionOption $option -OperationTimeoutSec 10 -ErrorAction Stop
    $server = Get-CimInstance -CimSession $session -ClassName 'Win32_TSLicenseServer' -ErrorAction Stop | Select-Object -First 1
    $activation = Invoke-CimMethod -InputObject $server -MethodName 'GetActivationStatus' -ErrorAction Stop
    if ([int]$activation.ActivationStatus -eq 1) { return 'not-activated' }
    if ([int]$activation.ActivationStatus -ne 0) { return $null }
    $total = 0
    $available = 0
    foreach ($pack in @(Get-CimInstance -CimSession $session -ClassName 'Win32_TSLicenseKeyPack' -ErrorAction Stop)) {
      # The built-in pack serves pre-2000 clients only: it says nothing about CALs for this host.
      if ([string]$pack.Description -match 'Built-in') { continue }
      $total += [long]$pack.TotalLicenses
      $available += [long]$pack.AvailableLicenses
    }
    if ($total -eq 0) { return 'no-cals' }
    if ($available -eq 0) { return 'cals-exhausted' }
    return 'ok'
  } catch {
    return $null
  } finally {
    if ($null -ne $session) { Remove-CimSession -CimSession $session -ErrorAction SilentlyContinue }
  }
}

# Win32_TerminalServiceSetting.GetTStoLSConnectivityStatus: 6 = not connectable; 1, 2, 9, 11 = a valid server.
function Get-LicenseServerHealth([string]$Name, $Setting) {
  $status = -1
  if ($null -ne $Setting) {
    try {
      $answer = Invoke-CimMethod -InputObject $Setting -MethodName 'GetTStoLSConnectivityStatus' -Arguments @{ ServerName = $Name } -ErrorAction Stop
      if ([int]$answer.ReturnValue -eq 0) { $status = [int]$answer.TStoLSConnectivityStatus }
    } catch { }
  }
  if ($status -eq 6) { return 'unreachable' }
  $remote = Get-RemoteLicenseHealth $Name
  if ($null -ne $remote) { return $remote }
  if (@(1, 2, 9, 11) -contains $status) { return 'ok' }
  return 'unknown'
}

# A configured name that breaks the naming rules is reported, never looked up.
function Get-ServerCheck([string]$Name, $Setting) {
  $valid = Test-LicenseServerName $Name
  $addresses = @()
  if ($valid) { $addresses = Resolve-HostAddresses $Name }
  $resolved = $addresses.Count -gt 0
  $tcp = $false
  if ($resolved) { $tcp = Test-TcpPort -HostName $Name -Port 135 -TimeoutMs 3000 }
  $health = 'unknown'
  if ($resolved -and $tcp) { $health = Get-LicenseServerHealth $Name $Setting }
  elseif ($valid) { $health = 'unreachable' }
  return [ordered]@{ name = $Name; dnsResolved = $resolved; addresses = @($addresses | Select-Object -First $MaxAddresses); tcp135 = $tcp; health = $health }
}

try {
  $intended = Read-ServerList 'LicenseServers' $LicenseServers

  $now = Get-Date
  $specified = Get-ReportedList (Get-RegMultiString $LicenseServersKey 'SpecifiedLicenseServers')
  $legacy = Get-ReportedList (Get-RegMultiString $TermServiceParametersKey 'SpecifiedLicenseServers')
  $policyServers = Get-ReportedList (Get-RegCommaList $PolicyKey 'LicenseServers')
  $setting = Get-TerminalServiceSetting

  # Servers to check: the intended ones, then Group Policy's, the local list and the legacy path; each name once.
  $candidates = New-Object System.Collections.ArrayList
  foreach ($list in @($intended, $policyServers, $specified, $legacy)) {
    if ($null -ne $list) { Add-UniqueNames $candidates $list }
  }
  if ($candidates.Count -gt $MaxServerChecks) { $script:Truncated = $true }
  $servers = New-Object System.Collections.ArrayList
  foreach ($name in @($candidates | Select-Object -First $MaxServerChecks)) { [void]$servers.Add((Get-ServerCheck $name $setting)) }

  $events = Get-LicensingEvents $now.AddHours(-24)
  $eventList = New-Object System.Collections.ArrayList
  foreach ($e in @($events | Select-Object -First $MaxEvents)) {
    [void]$eventList.Add([ordered]@{ id = [int]$e.Id; log = [string]$e.LogName; time = (Format-Time $e.TimeCreated) })
  }
  if ($events.Count -gt $eventList.Count) { $script:Truncated = $true }

  $result = [ordered]@{
    rdpMedic = $ScriptName
    v = 1
    computerName = [string]$env:COMPUTERNAME
    localAddresses = (Get-LocalAddresses)
    rdshInstallState = (Get-RegDword $RdshCacheKey 'InstallState')
    rdshFeature = (Get-FeatureState 'RDS-RD-Server')
    licensingRoleFeature = (Get-FeatureState 'RDS-Licensing')
    licensingMode = (Get-RegDword $LicensingCoreKey 'LicensingMode')
    specifiedLicenseServers = $specified
    legacyPathLicenseServers = $legacy
    policyLicensingMode = (Get-RegDword $PolicyKey 'LicensingMode')
    policyLicenseServers = $policyServers
    graceDaysLeft = (Get-GraceDaysLeft $setting)
    servers = $servers.ToArray()
    termServiceRunning = (Get-TermServiceRunning)
    rdpListening = (Get-RdpListening)
    events = $eventList.ToArray()
    eventCount = $events.Count
    truncated = $script:Truncated
  }

  # Run Command keeps only the last 4096 bytes: drop detail (oldest events first, then addresses) until it fits.
  $json = ConvertTo-Json -InputObject $result -Compress -Depth 6
  while ([System.Text.Encoding]::UTF8.GetByteCount($json) -gt $MaxOutputBytes -and $eventList.Count -gt 0) {
    $eventList.RemoveAt($eventList.Count - 1)
    $result.events = $eventList.ToArray()
    $result.truncated = $true
    $json = ConvertTo-Json -InputObject $result -Compress -Depth 6
  }
  foreach ($keep in @(1, 0)) {
    if ([System.Text.Encoding]::UTF8.GetByteCount($json) -le $MaxOutputBytes) { break }
    foreach ($server in $servers) { $server.addresses = @($server.addresses | Select-Object -First $keep) }
    $result.servers = $servers.ToArray()
    $result.truncated = $true
    $json = ConvertTo-Json -InputObject $result -Compress -Depth 6
  }
  Write-Output $json
  exit 0
} catch {
  Write-CaughtError $_
  exit 1
}
