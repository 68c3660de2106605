# rdp-medic-script: probe
# Read-only report of the RD licensing state (RDP Medic), as the RD Licensing Diagnoser would read it. Changes nothing.
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
$MaxOutputBytes = 3900
$MaxRawData = 1368
$MaxPacks = 4
$script:Truncated = $false

# User sessions through the Remote Desktop Services API (exact and independent of the display language, unlike quser).
$WtsSource = @'
using System;
using System.Runtime.InteropServices;
public static class RdpMedicWts {
  [StructLayout(LayoutKind.Sequential)]
  private struct WTS_SESSION_INFO { public int SessionId; public IntPtr WinStationName; public int State; }
  [DllImport("wtsapi32.dll", EntryPoint = "WTSEnumerateSessionsW", SetLastError = true)]
  private static extern bool WTSEnumerateSessions(IntPtr server, int reserved, int version, out IntPtr sessions, out int count);
  [DllImport("wtsapi32.dll", EntryPoint = "WTSQuerySessionInformationW", SetLastError = true)]
  private static extern bool WTSQuerySessionInformation(IntPtr server, int sessionId, int infoClass, out IntPtr buffer, out int bytes);
  [DllImport("wtsapi32.dll")]
  private static extern void WTSFreeMemory(IntPtr memory);
  // Sessions with a user name: State 0 = WTSActive, 4 = WTSDisconnected; info class 5 = WTSUserName.
  public static int[] CountUserSessions() {
    IntPtr sessions; int count;
    if (!WTSEnumerateSessions(IntPtr.Zero, 0, 1, out sessions, out count)) throw new System.ComponentModel.Win32Exception();
    int active = 0, disconnected = 0;
    try {
      int size = Marshal.SizeOf(typeof(WTS_SESSION_INFO));
      for (int i = 0; i < count; i++) {
        WTS_SESSION_INFO info = (WTS_SESSION_INFO)Marshal.PtrToStructure(new IntPtr(sessions.ToInt64() + (long)i * size), typeof(WTS_SESSION_INFO));
        if (info.State != 0 && info.State != 4) continue;
        IntPtr buffer; int bytes;
        if (!WTSQuerySessionInformation(IntPtr.Zero, info.SessionId, 5, out buffer, out bytes)) continue;
        string user = Marshal.PtrToStringUni(buffer);
        WTSFreeMemory(buffer);
        if (String.IsNullOrEmpty(user)) continue;
        if (info.State == 0) active++; else disconnected++;
      }
    } finally { WTSFreeMemory(sessions); }
    return new int[] { active, disconnected };
  }
}
'@

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

# Win32_OperatingSystem and the CurrentVersion key: version, build, caption, edition, installation and product type.
function Get-OsFacts($Os) {
  $currentVersion = 'HKLM:\SOFTWARE\Microsoft\Windows NT\CurrentVersion'
  $facts = [ordered]@{ version = '0.0'; build = 0; caption = ''; edition = ''; installationType = ''; productType = 0 }
  if ($null -ne $Os) {
    if ([string]$Os.Version -match '^\d{1,10}(\.\d{1,10}){1,3}\z') { $facts.version = [string]$Os.Version }
    if ([string]$Os.BuildNumber -match '^\d{1,9}\z') { $facts.build = [int]$Os.BuildNumber }
    $facts.caption = Get-SafeText ([string]$Os.Caption) 256
    if ([string]$Os.ProductType -match '^[0-3]\z') { $facts.productType = [int]$Os.ProductType }
  }
  $facts.edition = Get-SafeText ([string](Get-RegValue $currentVersion 'EditionID')) 256
  $facts.installationType = Get-SafeText ([string](Get-RegValue $currentVersion 'InstallationType')) 256
  return $facts
}

# Win32_ComputerSystem: whether the VM is in a domain, and the domain's (or workgroup's) name; $null when unknown.
function Get-DomainFacts {
  try {
    $system = Get-CimInstance -ClassName 'Win32_ComputerSystem' -ErrorAction Stop | Select-Object -First 1
    if ($null -eq $system) { return $null }
    return [ordered]@{ joined = [bool]$system.PartOfDomain; name = (Get-SafeText ([string]$system.Domain) 256) }
  } catch {
    return $null
  }
}

function Get-UserSessionCounts {
  try {
    if (-not ('RdpMedicWts' -as [type])) { Add-Type -TypeDefinition $WtsSource -ErrorAction Stop }
    $counts = [RdpMedicWts]::CountUserSessions()
    return [ordered]@{ active = [int]$counts[0]; disconnected = [int]$counts[1] }
  } catch {
    return $null
  }
}

function Get-TermServiceFacts {
  $service = Get-Service -Name 'TermService' -ErrorAction SilentlyContinue
  if ($null -eq $service) { return [ordered]@{ status = 'NotFound'; startType = 'Unknown' } }
  $status = [string]$service.Status
  if (@('Running', 'Stopped', 'StartPending', 'StopPending', 'ContinuePending', 'PausePending', 'Paused') -notcontains $status) { $status = 'NotFound' }
  $startType = [string]$service.StartType
  if (@('Automatic', 'Manual', 'Disabled', 'Boot', 'System') -notcontains $startType) { $startType = 'Unknown' }
  return [ordered]@{ status = $status; startType = $startType }
}

# Why Windows waits for a restart; DISM refuses feature changes until then.
function Get-PendingReboot {
  $reasons = New-Object System.Collections.ArrayList
  if ($null -ne (Get-Item -LiteralPath 'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Component Based Servicing\RebootPending' -ErrorAction SilentlyContinue)) {
    [void]$reasons.Add('component-servicing')
  }
  if ($null -ne (Get-Item -LiteralPath 'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\WindowsUpdate\Auto Update\RebootRequired' -ErrorAction SilentlyContinue)) {
    [void]$reasons.Add('windows-update')
  }
  $renames = Get-RegValue 'HKLM:\SYSTEM\CurrentControlSet\Control\Session Manager' 'PendingFileRenameOperations'
  if (@($renames | Where-Object { [string]$_ -ne '' }).Count -gt 0) { [void]$reasons.Add('file-rename') }
  return ,$reasons.ToArray()
}

# An RD Connection Broker deployment this host belongs to (its licensing is set in the deployment).
function Get-Broker {
  $clusterSettings = 'HKLM:\SYSTEM\CurrentControlSet\Control\Terminal Server\ClusterSettings'
  if ((Get-RegDword $clusterSettings 'SessionDirectoryActive') -ne 1) { return $null }
  return (Get-SafeText ([string](Get-RegValue $clusterSettings 'SessionDirectoryLocation')) 256)
}

# A license server's own facts (Win32_TSLicenseServer, Win32_TSLicenseKeyPack): readable only by its administrators.
# Packs are summed per CAL type and version; built-in, temporary and invalid packs say nothing about CALs for this host.
function Get-CalFacts($Session) {
  $cim = @{ ErrorAction = 'Stop' }
  if ($null -ne $Session) { $cim['CimSession'] = $Session }
  $server = Get-CimInstance @cim -ClassName 'Win32_TSLicenseServer' | Select-Object -First 1
  if ($null -eq $server) { return $null }
  $activated = $null
  try {
    $answer = Invoke-CimMethod -InputObject $server -MethodName 'GetActivationStatus' -ErrorAction Stop
    if ([int]$answer.ReturnValue -eq 0 -and [int]$answer.ActivationStatus -eq 0) { $activated = $true }
    elseif ([int]$answer.ReturnValue -eq 0 -and [int]$answer.ActivationStatus -eq 1) { $activated = $false }
  } catch { }
  $sums = [ordered]@{}
  foreach ($pack in @(Get-CimInstance @cim -ClassName 'Win32_TSLicenseKeyPack')) {
    $productType = [int]$pack.ProductType
    if (($productType -ne 0 -and $productType -ne 1) -or [int]$pack.KeyPackType -eq 4 -or [string]$pack.Description -match 'Built-in') { continue }
    $type = 'device'
    if ($productType -eq 1) { $type = 'user' }
    $version = [int]$pack.ProductVersionID
    if ($version -lt 0 -or $version -gt 255) { continue }
    $key = "$type/$version"
    if (-not $sums.Contains($key)) { $sums[$key] = [ordered]@{ type = $type; version = $version; total = [long]0; issued = [long]0 } }
    $sums[$key].total += [long]$pack.TotalLicenses
    $sums[$key].issued += [long]$pack.IssuedLicenses
  }
  $packs = @($sums.Values | Sort-Object -Property @{ Expression = { $_.version }; Descending = $true }, @{ Expression = { $_.type }; Descending = $false })
  if ($packs.Count -gt $MaxPacks) { $script:Truncated = $true; $packs = @($packs | Select-Object -First $MaxPacks) }
  return [ordered]@{ activated = $activated; packs = $packs }
}

# The RD Licensing role on this VM, read locally (SYSTEM is an administrator here).
function Get-LocalLicenseServer([string]$Feature) {
  if ($Feature -ne 'Installed') { return $null }
  try { return (Get-CalFacts $null) } catch { return $null }
}

# What the license server says about itself, over DCOM as the VM's identity: denied unless that identity is an
# administrator there, which it is not by default. A denial only means "not visible from the host".
function Get-RemoteCalFacts([string]$Name) {
  $session = $null
  try {
    $option = New-CimSessionOption -Protocol Dcom
    $session = New-CimSession -ComputerName $Name -SessionOption $option -OperationTimeoutSec 10 -ErrorAction Stop
    return (Get-CalFacts $session)
  } catch {
    return $null
  } finally {
    if ($null -ne $session) { Remove-CimSession -CimSession $session -ErrorAction SilentlyContinue }
  }
}

# Win32_TerminalServiceSetting.GetTStoLSConnectivityStatus: what Windows itself computes for this server (0-11).
function Get-ConnectivityStatus([string]$Name, $Setting) {
  if ($null -eq $Setting) { return $null }
  try {
    $answer = Invoke-CimMethod -InputObject $Setting -MethodName 'GetTStoLSConnectivityStatus' -Arguments @{ ServerName = $Name } -ErrorAction Stop
    if ([int]$answer.ReturnValue -eq 0) { return [long]$answer.TStoLSConnectivityStatus }
  } catch { }
  return $null
}

# A configured name that breaks the naming rules is reported, never looked up.
function Get-ServerCheck([string]$Name, $Setting) {
  $addresses = @()
  if (Test-LicenseServerName $Name) { $addresses = Resolve-HostAddresses $Name }
  $resolved = $addresses.Count -gt 0
  $tcp = $false
  $status = $null
  $cals = $null
  if ($resolved) {
    $tcp = Test-TcpPort -HostName $Name -Port 135 -TimeoutMs 3000
    $status = Get-ConnectivityStatus $Name $Setting
    if ($tcp) { $cals = Get-RemoteCalFacts $Name }
  }
  return [ordered]@{ name = $Name; dnsResolved = $resolved; addresses = @($addresses | Select-Object -First $MaxAddresses); tcp135 = $tcp; status = $status; cals = $cals }
}

try {
  Assert-64BitProcess
  $intended = Read-ServerList 'LicenseServers' $LicenseServers

  $now = Get-Date
  $os = $null
  try { $os = Get-CimInstance -ClassName 'Win32_OperatingSystem' -ErrorAction Stop | Select-Object -First 1 } catch { }
  $bootTime = $null
  if ($null -ne $os -and $null -ne $os.LastBootUpTime) { $bootTime = [datetime]$os.LastBootUpTime }
  $specified = Get-ReportedList (Get-RegMultiString $LicenseServersKey 'SpecifiedLicenseServers')
  $legacy = Get-ReportedList (Get-RegMultiString $TermServiceParametersKey 'SpecifiedLicenseServers')
  $policyServers = Get-ReportedList (Get-RegCommaList $PolicyKey 'LicenseServers')
  $setting = Get-TerminalServiceSetting
  $licensingRole = Get-FeatureState 'RDS-Licensing'

  # Servers to check: the intended ones, then Group Policy's, the local list and the legacy path; each name once.
  $candidates = New-Object System.Collections.ArrayList
  foreach ($list in @($intended, $policyServers, $specified, $legacy)) {
    if ($null -ne $list) { Add-UniqueNames $candidates $list }
  }
  if ($candidates.Count -gt $MaxServerChecks) { $script:Truncated = $true }
  $servers = New-Object System.Collections.ArrayList
  foreach ($name in @($candidates | Select-Object -First $MaxServerChecks)) { [void]$servers.Add((Get-ServerCheck $name $setting)) }

  # Licensing events since the last boot (the last 24 hours when the boot time is unknown).
  $since = $now.AddHours(-24)
  if ($null -ne $bootTime) { $since = $bootTime }
  $events = Get-LicensingEvents $since
  $eventList = New-Object System.Collections.ArrayList
  foreach ($e in @($events | Select-Object -First $MaxEvents)) {
    [void]$eventList.Add([ordered]@{ id = [int]$e.Id; log = [string]$e.LogName; time = (Format-Time $e.TimeCreated) })
  }
  if ($events.Count -gt $eventList.Count) { $script:Truncated = $true }
  $bootText = $null
  if ($null -ne $bootTime) { $bootText = Format-Time $bootTime }
  $modeFact = Get-RegValueFact $LicensingCoreKey 'LicensingMode' $MaxRawData
  $serversFact = Get-RegValueFact $LicenseServersKey 'SpecifiedLicenseServers' $MaxRawData
  if (($null -ne $modeFact -and $null -eq $modeFact.data) -or ($null -ne $serversFact -and $null -eq $serversFact.data)) { $script:Truncated = $true }

  $result = [ordered]@{
    rdpMedic = $ScriptName
    v = 1
    computerName = [string]$env:COMPUTERNAME
    localAddresses = (Get-LocalAddresses)
    os = (Get-OsFacts $os)
    psVersion = [string]$PSVersionTable.PSVersion
    is64BitProcess = $true
    domain = (Get-DomainFacts)
    bootTime = $bootText
    sessions = (Get-UserSessionCounts)
    termService = (Get-TermServiceFacts)
    pendingReboot = (Get-PendingReboot)
    broker = (Get-Broker)
    serverManager = [bool](Get-Command -Name 'Get-WindowsFeature' -ErrorAction SilentlyContinue)
    rdshInstallState = (Get-RegDword $RdshCacheKey 'InstallState')
    rdshFeature = (Get-FeatureState 'RDS-RD-Server')
    licensingRoleFeature = $licensingRole
    licensingMode = (Get-LicensingModeDword)
    licensingModeValue = $modeFact
    specifiedLicenseServers = $specified
    specifiedLicenseServersValue = $serversFact
    legacyPathLicenseServers = $legacy
    policyLicensingMode = (Get-RegDword $PolicyKey 'LicensingMode')
    policyLicenseServers = $policyServers
    graceDaysLeft = (Get-GraceDaysLeft $setting)
    servers = $servers.ToArray()
    localLicenseServer = (Get-LocalLicenseServer $licensingRole)
    rdpListening = (Get-RdpListening)
    events = $eventList.ToArray()
    eventCount = $events.Count
    truncated = $script:Truncated
  }

  # Run Command keeps only the last 4096 bytes. Until the line fits, drop detail in this order: addresses beyond each
  # server's first, the oldest events (eventCount stays), CAL packs (then not visible), the raw registry data (the
  # plan then never writes that value), the remaining addresses, and last the server checks at the end of the list
  # (the policy's servers come first).
  $size = { [System.Text.Encoding]::UTF8.GetByteCount((ConvertTo-Json -InputObject $result -Compress -Depth 6)) }
  $trimAddresses = {
    param([int]$Keep)
    foreach ($server in $servers) { $server.addresses = @($server.addresses | Select-Object -First $Keep) }
    $result.servers = $servers.ToArray()
    $result.truncated = $true
  }
  if ((& $size) -gt $MaxOutputBytes) { & $trimAddresses 1 }
  while ((& $size) -gt $MaxOutputBytes -and $eventList.Count -gt 0) {
    $eventList.RemoveAt($eventList.Count - 1)
    $result.events = $eventList.ToArray()
    $result.truncated = $true
  }
  if ((& $size) -gt $MaxOutputBytes) {
    foreach ($server in $servers) { $server.cals = $null }
    $result.servers = $servers.ToArray()
    $result.truncated = $true
  }
  foreach ($fact in @($serversFact, $modeFact)) {
    if ((& $size) -le $MaxOutputBytes) { break }
    if ($null -ne $fact -and $null -ne $fact.data) { $fact.data = $null; $result.truncated = $true }
  }
  if ((& $size) -gt $MaxOutputBytes) { & $trimAddresses 0 }
  while ((& $size) -gt $MaxOutputBytes -and $servers.Count -gt 0) {
    $servers.RemoveAt($servers.Count - 1)
    $result.servers = $servers.ToArray()
    $result.truncated = $true
  }
  Write-Output (ConvertTo-Json -InputObject $result -Compress -Depth 6)
  exit 0
} catch {
  Write-CaughtError $_
  exit 1
}
