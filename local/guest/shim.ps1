# Stand-ins for the Windows-only commands the in-guest scripts use, backed by a GuestState JSON file
# (local/guest/guest-state.ts). Dot-source it before running a script: a function wins over a cmdlet or an
# executable of the same name, so the scripts run unchanged under pwsh on any OS.
#   $env:RDPMEDIC_GUEST_STATE  path of the GuestState JSON (read now, rewritten after every change)
#   $env:RDPMEDIC_GUEST_NOW    ISO 8601 time that Get-Date answers
# Registry key paths and value names, DNS names and event log names compare case-insensitively, as on Windows.

$global:ShimStatePath = $env:RDPMEDIC_GUEST_STATE
if ([string]::IsNullOrEmpty($global:ShimStatePath)) { throw 'shim: RDPMEDIC_GUEST_STATE is not set' }
$global:ShimState = Get-Content -Raw -LiteralPath $global:ShimStatePath | ConvertFrom-Json -AsHashtable -DateKind String
$global:ShimNow = [datetime]::Parse($env:RDPMEDIC_GUEST_NOW, [cultureinfo]::InvariantCulture,
  [System.Globalization.DateTimeStyles]::AdjustToUniversal -bor [System.Globalization.DateTimeStyles]::AssumeUniversal)

$global:ShimDismFeatures = @{ 'Remote-Desktop-Services' = 'RDS-RD-Server'; 'Licensing' = 'RDS-Licensing' }
$global:ShimFeatureTitles = @{ 'RDS-RD-Server' = 'Remote Desktop Session Host'; 'RDS-Licensing' = 'Remote Desktop Licensing' }

function Save-ShimState {
  $json = ConvertTo-Json -InputObject $global:ShimState -Depth 20
  [System.IO.File]::WriteAllText($global:ShimStatePath, $json, (Microsoft.PowerShell.Utility\New-Object System.Text.UTF8Encoding $false))
}

function ConvertFrom-ShimTime([string]$Text) {
  return [datetime]::Parse($Text, [cultureinfo]::InvariantCulture,
    [System.Globalization.DateTimeStyles]::AdjustToUniversal -bor [System.Globalization.DateTimeStyles]::AssumeUniversal)
}

function New-ShimError([string]$Message, [string]$Id, [System.Management.Automation.ErrorCategory]$Category, $Target) {
  $exception = Microsoft.PowerShell.Utility\New-Object System.Exception -ArgumentList $Message
  return (Microsoft.PowerShell.Utility\New-Object System.Management.Automation.ErrorRecord -ArgumentList $exception, $Id, $Category, $Target)
}

function Find-ShimName($Dictionary, [string]$Name) {
  foreach ($key in @($Dictionary.Keys)) { if ($key -ieq $Name) { return $key } }
  return $null
}

# "HKLM:\X", "Registry::HKEY_LOCAL_MACHINE\X", "HKEY_LOCAL_MACHINE\X" -> "HKLM\X"; $null for other hives.
function ConvertTo-ShimKey([string]$Path) {
  $p = $Path -replace '^Microsoft\.PowerShell\.Core\\Registry::', '' -replace '^Registry::', ''
  if ($p -match '^HKLM:?\\') { $p = 'HKLM\' + ($p -replace '^HKLM:?\\', '') }
  elseif ($p -match '^HKEY_LOCAL_MACHINE\\') { $p = 'HKLM\' + ($p -replace '^HKEY_LOCAL_MACHINE\\', '') }
  else { return $null }
  return $p.TrimEnd('\')
}

function Get-ShimFeatureState([string]$Name) {
  $key = Find-ShimName $global:ShimState.features $Name
  if ($null -eq $key) { return 'Available' }
  return [string]$global:ShimState.features[$key]
}

function Resolve-ShimHost([string]$Name) {
  # An address literal resolves to itself (same rule as resolveHost in guest-registry.ts).
  if ($Name -cmatch '^([0-9]{1,3}\.){3}[0-9]{1,3}\z' -or $Name.Contains(':')) { return ,@($Name) }
  $key = Find-ShimName $global:ShimState.network.dns ($Name -replace '\.\z', '')
  if ($null -eq $key) { return ,@() }
  return ,@($global:ShimState.network.dns[$key] | ForEach-Object { [string]$_ })
}

function Test-ShimPortOpen([string]$Address, [int]$Port) {
  $key = Find-ShimName $global:ShimState.network.openPorts $Address
  if ($null -eq $key) { return $false }
  return (@($global:ShimState.network.openPorts[$key]) -contains $Port)
}

# The license server (GuestLicenseServer) a name reaches over RPC (TCP 135), or $null.
function Get-ShimReachableLicenseServer([string]$Name) {
  foreach ($address in (Resolve-ShimHost $Name)) {
    if (-not (Test-ShimPortOpen $address 135)) { continue }
    $key = Find-ShimName $global:ShimState.licenseServers $address
    if ($null -ne $key) { return $global:ShimState.licenseServers[$key] }
  }
  return $null
}

# ---- time ----
function Get-Date {
  if ($args.Count -eq 0) { return $global:ShimNow }
  Microsoft.PowerShell.Utility\Get-Date @args
}

# ---- registry ----
function Get-ItemProperty {
  [CmdletBinding()]
  param(
    [Parameter(Position = 0)][string[]]$Path,
    [string[]]$LiteralPath,
    [Parameter(Position = 1)][string[]]$Name
  )
  foreach ($p in @($Path) + @($LiteralPath)) {
    if ([string]::IsNullOrEmpty($p)) { continue }
    $key = ConvertTo-ShimKey $p
    $stored = $null
    if ($null -ne $key) { $stored = Find-ShimName $global:ShimState.registry $key }
    if ($null -eq $stored) {
      $PSCmdlet.WriteError((New-ShimError "Cannot find path '$p' because it does not exist." 'PathNotFound' ObjectNotFound $p))
      continue
    }
    $values = $global:ShimState.registry[$stored]
    $result = [ordered]@{}
    $names = @($Name)
    if ($null -eq $Name) { $names = @($values.Keys) }
    foreach ($n in $names) {
      $valueName = Find-ShimName $values $n
      if ($null -eq $valueName) {
        $PSCmdlet.WriteError((New-ShimError "Property $n does not exist at path $p." 'System.Management.Automation.PSArgumentException' InvalidArgument $n))
        continue
      }
      $entry = $values[$valueName]
      switch ([string]$entry.type) {
        'REG_DWORD' { $result[$valueName] = [int]$entry.value }
        'REG_MULTI_SZ' { $result[$valueName] = [string[]]@($entry.value | ForEach-Object { [string]$_ }) }
        default { $result[$valueName] = [string]$entry.value }
      }
    }
    if ($result.Count -gt 0) { [pscustomobject]$result }
  }
}

function Format-ShimRegValue($Entry) {
  switch ([string]$Entry.type) {
    'REG_DWORD' { return ('0x{0:x}' -f [int]$Entry.value) }
    'REG_MULTI_SZ' { return (@($Entry.value) -join '\0') }
  }
  return [string]$Entry.value
}

# reg.exe: add, query and delete of values under HKLM, as the scripts and the article use them.
function reg {
  $global:LASTEXITCODE = 1
  $argv = @($args | ForEach-Object { [string]$_ })
  if ($argv.Count -lt 2) { Write-Output 'ERROR: Invalid syntax.'; return }
  $operation = $argv[0].ToLowerInvariant()
  $key = ConvertTo-ShimKey $argv[1]
  if ($null -eq $key) { Write-Output 'ERROR: Invalid key name.'; return }
  $options = @{}
  $force = $false
  for ($i = 2; $i -lt $argv.Count; $i++) {
    $a = $argv[$i].ToLowerInvariant()
    if ($a -eq '/f') { $force = $true }
    elseif ($a -eq '/ve') { $options['/v'] = '' }
    elseif (@('/v', '/t', '/d') -contains $a -and $i + 1 -lt $argv.Count) { $options[$a] = $argv[$i + 1]; $i++ }
    else { Write-Output "ERROR: Invalid syntax: $($argv[$i])"; return }
  }
  $stored = Find-ShimName $global:ShimState.registry $key
  switch ($operation) {
    'add' {
      if (-not $options.ContainsKey('/v')) { Write-Output 'ERROR: /v is required by this shim.'; return }
      $type = 'REG_SZ'
      if ($options.ContainsKey('/t')) { $type = $options['/t'].ToUpperInvariant() }
      $data = ''
      if ($options.ContainsKey('/d')) { $data = $options['/d'] }
      switch ($type) {
        'REG_DWORD' {
          $number = 0L
          $ok = $false
          if ($data -match '^0x[0-9a-fA-F]{1,8}$') { $number = [Convert]::ToInt64($data.Substring(2), 16); $ok = $true }
          elseif ($data -match '^[0-9]{1,10}$') { $number = [long]$data; $ok = $number -le 4294967295 }
          if (-not $ok) { Write-Output 'ERROR: Invalid DWORD value.'; return }
          $value = $number
        }
        'REG_MULTI_SZ' { $value = @($data -split '\\0' | Where-Object { $_ -ne '' }) }
        'REG_SZ' { $value = $data }
        default { Write-Output "ERROR: type $type is not supported by this shim."; return }
      }
      if ($null -eq $stored) {
        $stored = $key
        $global:ShimState.registry[$stored] = [ordered]@{}
      }
      $values = $global:ShimState.registry[$stored]
      $valueName = Find-ShimName $values $options['/v']
      if ($null -ne $valueName -and -not $force) {
        # reg.exe would wait for an answer here; Run Command cannot give one.
        Write-Output "Value $($options['/v']) exists, overwrite(Yes/No)? ERROR: reg add without /f prompts."
        return
      }
      if ($null -eq $valueName) { $valueName = $options['/v'] }
      $values[$valueName] = [ordered]@{ type = $type; value = $value }
      Save-ShimState
      $global:LASTEXITCODE = 0
      Write-Output 'The operation completed successfully.'
    }
    'query' {
      if ($null -eq $stored) { Write-Output 'ERROR: The system was unable to find the specified registry key or value.'; return }
      $values = $global:ShimState.registry[$stored]
      $names = @($values.Keys)
      if ($options.ContainsKey('/v')) {
        $valueName = Find-ShimName $values $options['/v']
        if ($null -eq $valueName) { Write-Output 'ERROR: The system was unable to find the specified registry key or value.'; return }
        $names = @($valueName)
      }
      Write-Output ''
      Write-Output $stored
      foreach ($n in $names) { Write-Output ('    {0}    {1}    {2}' -f $n, $values[$n].type, (Format-ShimRegValue $values[$n])) }
      Write-Output ''
      $global:LASTEXITCODE = 0
    }
    'delete' {
      if ($null -eq $stored) { Write-Output 'ERROR: The system was unable to find the specified registry key or value.'; return }
      if (-not $force) { Write-Output 'ERROR: reg delete without /f prompts.'; return }
      if ($options.ContainsKey('/v')) {
        $values = $global:ShimState.registry[$stored]
        $valueName = Find-ShimName $values $options['/v']
        if ($null -eq $valueName) { Write-Output 'ERROR: The system was unable to find the specified registry key or value.'; return }
        $values.Remove($valueName)
      } else {
        $global:ShimState.registry.Remove($stored)
      }
      Save-ShimState
      $global:LASTEXITCODE = 0
      Write-Output 'The operation completed successfully.'
    }
    default { Write-Output "ERROR: Invalid operation $operation." }
  }
}

# ---- features ----
function Get-WindowsFeature {
  [CmdletBinding()]
  param([Parameter(Position = 0)][string[]]$Name)
  foreach ($n in @($Name)) {
    $title = $global:ShimFeatureTitles[$n]
    if ($null -eq $title) { continue }
    $state = Get-ShimFeatureState $n
    [pscustomobject]@{ Name = $n; DisplayName = $title; Installed = ($state -eq 'Installed'); InstallState = $state }
  }
}

# dism.exe /Online /Disable-Feature /FeatureName:<name> [/Quiet] [/NoRestart]; 3010 = restart needed.
function dism {
  $global:LASTEXITCODE = 87
  $argv = @($args | ForEach-Object { [string]$_ })
  $online = $false; $disable = $false; $quiet = $false; $noRestart = $false; $feature = $null
  foreach ($a in $argv) {
    if ($a -ieq '/Online') { $online = $true }
    elseif ($a -ieq '/Disable-Feature') { $disable = $true }
    elseif ($a -ieq '/Quiet') { $quiet = $true }
    elseif ($a -ieq '/NoRestart') { $noRestart = $true }
    elseif ($a -match '^/FeatureName:(.+)$') { $feature = $Matches[1] }
    else { Write-Output "Error: 87 The option $a is unknown."; return }
  }
  if (-not $online -or -not $disable -or $null -eq $feature) { Write-Output 'Error: 87 This shim supports /Online /Disable-Feature only.'; return }
  if ($quiet -and -not $noRestart) { Write-Output 'Error: /Quiet without /NoRestart restarts Windows on its own.'; $global:LASTEXITCODE = 1; return }
  $dismName = Find-ShimName $global:ShimDismFeatures $feature
  if ($null -eq $dismName) {
    Write-Output "Error: 0x800f080c Feature name $feature is unknown."
    $global:LASTEXITCODE = -2146498548
    return
  }
  $name = $global:ShimDismFeatures[$dismName]
  $state = Get-ShimFeatureState $name
  if ($state -eq 'Installed' -or $state -eq 'InstallPending') {
    $stored = Find-ShimName $global:ShimState.features $name
    if ($null -eq $stored) { $stored = $name }
    $global:ShimState.features[$stored] = 'UninstallPending'
    Save-ShimState
    $state = 'UninstallPending'
  }
  if ($state -eq 'UninstallPending') {
    $global:LASTEXITCODE = 3010
    if (-not $quiet) { Write-Output 'The operation completed successfully. Restart Windows to complete this operation.' }
  } else {
    $global:LASTEXITCODE = 0
    if (-not $quiet) { Write-Output 'The operation completed successfully.' }
  }
}

# ---- WMI / CIM ----
function New-CimSessionOption {
  [CmdletBinding()]
  param([string]$Protocol)
  [pscustomobject]@{ Protocol = $Protocol }
}

# A DCOM session reaches a license server when its name resolves, TCP 135 answers and the server is there.
function New-CimSession {
  [CmdletBinding()]
  param([Parameter(Position = 0)][string[]]$ComputerName, $SessionOption, [uint32]$OperationTimeoutSec)
  foreach ($n in @($ComputerName)) {
    $server = Get-ShimReachableLicenseServer $n
    if ($null -eq $server) {
      $PSCmdlet.WriteError((New-ShimError 'The RPC server is unavailable.' 'HRESULT 0x800706ba' ConnectionError $n))
      continue
    }
    [pscustomobject]@{ ShimSession = $true; ComputerName = $n; Server = $server }
  }
}

function Remove-CimSession {
  [CmdletBinding()]
  param([Parameter(Position = 0)]$CimSession)
}

function Get-CimInstance {
  [CmdletBinding()]
  param(
    [Parameter(Position = 0)][string]$ClassName,
    [string]$Namespace = 'root/cimv2',
    $CimSession,
    [string[]]$ComputerName,
    [uint32]$OperationTimeoutSec,
    [string]$Filter
  )
  $ns = ($Namespace -replace '\\', '/').ToLowerInvariant()
  if ($null -ne $CimSession) {
    $server = $CimSession.Server
    if ($ns -eq 'root/cimv2' -and $ClassName -ieq 'Win32_TSLicenseServer') {
      return [pscustomobject]@{ ShimClass = 'Win32_TSLicenseServer'; Server = $server; Name = $CimSession.ComputerName }
    }
    if ($ns -eq 'root/cimv2' -and $ClassName -ieq 'Win32_TSLicenseKeyPack') {
      [pscustomobject]@{ ShimClass = 'Win32_TSLicenseKeyPack'; KeyPackId = 2; KeyPackType = 0; Description = 'Windows 2000 Server - Built-in TS Per Device CAL'; TotalLicenses = 0; IssuedLicenses = 0; AvailableLicenses = 0 }
      if ([long]$server.cals -gt 0) {
        $available = [Math]::Max(0, [long]$server.cals - [long]$server.issued)
        [pscustomobject]@{ ShimClass = 'Win32_TSLicenseKeyPack'; KeyPackId = 3; KeyPackType = 2; Description = 'Remote Desktop Services CAL'; TotalLicenses = [long]$server.cals; IssuedLicenses = [long]$server.issued; AvailableLicenses = $available }
      }
      return
    }
    $PSCmdlet.WriteError((New-ShimError "Invalid class $ClassName" 'HRESULT 0x80041010' MetadataError $ClassName))
    return
  }
  if ($null -ne $ComputerName) {
    $PSCmdlet.WriteError((New-ShimError 'WinRM cannot complete the operation.' 'HRESULT 0x80338126' ConnectionError $ComputerName))
    return
  }
  if ($ns -eq 'root/cimv2/terminalservices' -and $ClassName -ieq 'Win32_TerminalServiceSetting') {
    return [pscustomobject]@{ ShimClass = 'Win32_TerminalServiceSetting'; ServerName = [string]$global:ShimState.computerName }
  }
  if ($ns -eq 'root/cimv2' -and $ClassName -ieq 'Win32_OperatingSystem') {
    return [pscustomobject]@{
      ShimClass = 'Win32_OperatingSystem'
      CSName = [string]$global:ShimState.computerName
      Version = [string]$global:ShimState.osVersion
      LastBootUpTime = (ConvertFrom-ShimTime $global:ShimState.bootTime)
    }
  }
  $PSCmdlet.WriteError((New-ShimError "Invalid class or namespace: $Namespace $ClassName" 'HRESULT 0x80041010' MetadataError $ClassName))
}

function Invoke-CimMethod {
  [CmdletBinding()]
  param(
    [Parameter(Position = 0)]$InputObject,
    [Parameter(Position = 1)][string]$MethodName,
    [System.Collections.IDictionary]$Arguments,
    [uint32]$OperationTimeoutSec
  )
  $class = [string]$InputObject.ShimClass
  if ($class -eq 'Win32_TerminalServiceSetting' -and $MethodName -ieq 'GetGracePeriodDays') {
    # Without the RD Session Host role there is no licensing grace period to report.
    $rdsh = Get-ShimFeatureState 'RDS-RD-Server'
    if ($rdsh -ne 'Installed' -and $rdsh -ne 'UninstallPending') {
      $PSCmdlet.WriteError((New-ShimError 'Generic failure' 'HRESULT 0x80041001' NotSpecified $MethodName))
      return
    }
    return [pscustomobject]@{ ReturnValue = [uint32]0; DaysLeft = [uint32]$global:ShimState.graceDaysLeft }
  }
  if ($class -eq 'Win32_TerminalServiceSetting' -and $MethodName -ieq 'GetTStoLSConnectivityStatus') {
    $status = 6
    if ($null -ne (Get-ShimReachableLicenseServer ([string]$Arguments['ServerName']))) { $status = 11 }
    return [pscustomobject]@{ ReturnValue = [uint32]0; TStoLSConnectivityStatus = [uint32]$status }
  }
  if ($class -eq 'Win32_TSLicenseServer' -and $MethodName -ieq 'GetActivationStatus') {
    $activation = 1
    if ([bool]$InputObject.Server.activated) { $activation = 0 }
    return [pscustomobject]@{ ReturnValue = [uint32]0; ActivationStatus = [uint32]$activation }
  }
  $PSCmdlet.WriteError((New-ShimError "Method $MethodName not found on $class" 'HRESULT 0x80041055' NotImplemented $MethodName))
}

# ---- network ----
function Resolve-DnsName {
  [CmdletBinding()]
  param(
    [Parameter(Position = 0)][string]$Name,
    [Parameter(Position = 1)][string]$Type,
    [switch]$QuickTimeout,
    [switch]$DnsOnly,
    [switch]$NoHostsFile
  )
  $addresses = Resolve-ShimHost $Name
  if ($addresses.Count -eq 0) {
    $PSCmdlet.WriteError((New-ShimError "${Name} : DNS name does not exist" 'DNS_ERROR_RCODE_NAME_ERROR,Microsoft.DnsClient.Commands.ResolveDnsName' ResourceUnavailable $Name))
    return
  }
  foreach ($address in $addresses) {
    $recordType = 'A'
    if ($address.Contains(':')) { $recordType = 'AAAA' }
    [pscustomobject]@{ Name = $Name; Type = $recordType; TTL = 3600; Section = 'Answer'; IPAddress = $address }
  }
}

# TcpClient stand-in: ConnectAsync(host, port).Wait(ms) answers from network.dns and network.openPorts.
function New-ShimTcpClient {
  $client = [pscustomobject]@{ ShimClass = 'TcpClient' }
  $client | Add-Member -MemberType ScriptMethod -Name ConnectAsync -Value {
    param([string]$HostName, [int]$Port)
    $task = [pscustomobject]@{ HostName = $HostName; Port = $Port }
    $task | Add-Member -MemberType ScriptMethod -Name Wait -Value {
      param([int]$Milliseconds)
      $addresses = Resolve-ShimHost $this.HostName
      if ($addresses.Count -eq 0) { throw (Microsoft.PowerShell.Utility\New-Object System.AggregateException -ArgumentList 'No such host is known.') }
      foreach ($address in $addresses) { if (Test-ShimPortOpen $address $this.Port) { return $true } }
      return $false
    }
    return $task
  }
  $client | Add-Member -MemberType ScriptMethod -Name Dispose -Value { }
  return $client
}

function New-Object {
  [CmdletBinding()]
  param(
    [Parameter(Position = 0)][string]$TypeName,
    [Parameter(Position = 1)][object[]]$ArgumentList,
    [System.Collections.IDictionary]$Property
  )
  if ($TypeName -ieq 'System.Net.Sockets.TcpClient' -or $TypeName -ieq 'Net.Sockets.TcpClient') { return (New-ShimTcpClient) }
  Microsoft.PowerShell.Utility\New-Object @PSBoundParameters
}

# The VM's addresses: GuestState.localAddresses plus the loopback ones every Windows has.
function Get-NetIPAddress {
  [CmdletBinding()]
  param([string]$AddressState, [string]$AddressFamily)
  $all = @('127.0.0.1', '::1') + @($global:ShimState.localAddresses | Where-Object { $null -ne $_ } | ForEach-Object { [string]$_ })
  foreach ($address in $all) {
    $family = 'IPv4'
    if ($address.Contains(':')) { $family = 'IPv6' }
    $alias = 'Ethernet'
    if ($address -eq '127.0.0.1' -or $address -eq '::1') { $alias = 'Loopback Pseudo-Interface 1' }
    [pscustomobject]@{ IPAddress = $address; AddressFamily = $family; AddressState = 'Preferred'; InterfaceAlias = $alias }
  }
}

function Get-NetTCPConnection {
  [CmdletBinding()]
  param([string]$State, [uint16[]]$LocalPort)
  $found = $false
  foreach ($port in @($LocalPort)) {
    if (($State -eq '' -or $State -ieq 'Listen') -and (@($global:ShimState.listeningPorts) -contains [int]$port)) {
      $found = $true
      [pscustomobject]@{ LocalAddress = '0.0.0.0'; LocalPort = [int]$port; RemoteAddress = '0.0.0.0'; RemotePort = 0; State = 'Listen' }
    }
  }
  if (-not $found) {
    $PSCmdlet.WriteError((New-ShimError "No MSFT_NetTCPConnection objects found with property 'LocalPort' equal to '$($LocalPort -join ',')'." 'CmdletizationQuery_NotFound_LocalPort,Get-NetTCPConnection' ObjectNotFound $LocalPort))
  }
}

# ---- services ----
function Get-Service {
  [CmdletBinding()]
  param([Parameter(Position = 0)][string[]]$Name)
  foreach ($n in @($Name)) {
    if ($n -ine 'TermService') {
      $PSCmdlet.WriteError((New-ShimError "Cannot find any service with service name '$n'." 'NoServiceFoundForGivenName,Microsoft.PowerShell.Commands.GetServiceCommand' ObjectNotFound $n))
      continue
    }
    $status = 'Stopped'
    if ([bool]$global:ShimState.termServiceRunning) { $status = 'Running' }
    [pscustomobject]@{ Name = 'TermService'; DisplayName = 'Remote Desktop Services'; Status = $status }
  }
}

# ---- event log ----
function Get-WinEvent {
  [CmdletBinding()]
  param([System.Collections.IDictionary]$FilterHashtable, [long]$MaxEvents = 0)
  $logName = [string]$FilterHashtable['LogName']
  $ids = @($FilterHashtable['Id'] | ForEach-Object { [int]$_ })
  $provider = [string]$FilterHashtable['ProviderName']
  $start = $null
  if ($null -ne $FilterHashtable['StartTime']) { $start = ([datetime]$FilterHashtable['StartTime']).ToUniversalTime() }
  $matched = New-Object System.Collections.ArrayList
  foreach ($e in @($global:ShimState.events)) {
    if ($null -eq $e) { continue }
    if ($logName -ne '' -and [string]$e.log -ine $logName) { continue }
    if ($ids.Count -gt 0 -and -not ($ids -contains [int]$e.id)) { continue }
    if ($provider -ne '' -and [string]$e.provider -ine $provider) { continue }
    $time = ConvertFrom-ShimTime ([string]$e.time)
    if ($null -ne $start -and $time -lt $start) { continue }
    [void]$matched.Add([pscustomobject]@{ Id = [int]$e.id; LogName = [string]$e.log; ProviderName = [string]$e.provider; TimeCreated = $time; Message = [string]$e.message })
  }
  if ($matched.Count -eq 0) {
    $PSCmdlet.WriteError((New-ShimError 'No events were found that match the specified selection criteria.' 'NoMatchingEventsFound,Microsoft.PowerShell.Commands.GetWinEventCommand' ObjectNotFound $null))
    return
  }
  $sorted = @($matched | Sort-Object -Property TimeCreated -Descending)
  if ($MaxEvents -gt 0) { $sorted = @($sorted | Select-Object -First $MaxEvents) }
  $sorted
}
