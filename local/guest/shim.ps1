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

# The process the scripts run in: its architecture (x86 = a 32-bit WOW64 process) and PowerShell version.
$env:PROCESSOR_ARCHITECTURE = 'AMD64'
if ([string]$global:ShimState.processArchitecture -eq 'x86') { $env:PROCESSOR_ARCHITECTURE = 'x86' }
$global:ShimBuild = ''
$osParts = ([string]$global:ShimState.osVersion).Split('.')
if ($osParts.Count -ge 3 -and $osParts[2] -match '^\d{1,9}\z') { $global:ShimBuild = $osParts[2] }
$shimBuildNumber = 0
if ($global:ShimBuild -ne '') { $shimBuildNumber = [int]$global:ShimBuild }
$shimPsVersion = "5.1.$shimBuildNumber.1"
if ($null -ne $global:ShimState.powerShellVersion) { $shimPsVersion = [string]$global:ShimState.powerShellVersion }
$PSVersionTable['PSVersion'] = [version]$shimPsVersion

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
  # An address literal resolves to itself, localhost to 127.0.0.1 (same rules as resolveHost in guest-registry.ts).
  if ($Name -cmatch '^([0-9]{1,3}\.){3}[0-9]{1,3}\z' -or $Name.Contains(':')) { return ,@($Name) }
  if (($Name -replace '\.\z', '') -ieq 'localhost') { return ,@('127.0.0.1') }
  $key = Find-ShimName $global:ShimState.network.dns ($Name -replace '\.\z', '')
  if ($null -eq $key) { return ,@() }
  return ,@($global:ShimState.network.dns[$key] | ForEach-Object { [string]$_ })
}

# A loopback address or one of the VM's own.
function Test-ShimOwnAddress([string]$Address) {
  if ($Address -eq '::1' -or $Address.StartsWith('127.')) { return $true }
  foreach ($own in @($global:ShimState.localAddresses)) { if ($null -ne $own -and [string]$own -ieq $Address) { return $true } }
  return $false
}

function Test-ShimPortOpen([string]$Address, [int]$Port) {
  if (Test-ShimOwnAddress $Address) { return (@($global:ShimState.listeningPorts) -contains $Port) }
  $key = Find-ShimName $global:ShimState.network.openPorts $Address
  if ($null -eq $key) { return $false }
  return (@($global:ShimState.network.openPorts[$key]) -contains $Port)
}

# The license server at an address: the VM's own (under its first own address) when the address is this VM.
function Get-ShimLicenseServerAt([string]$Address) {
  if (Test-ShimOwnAddress $Address) {
    if ((Get-ShimFeatureState 'RDS-Licensing') -ne 'Installed') { return $null }
    foreach ($own in @($global:ShimState.localAddresses)) {
      if ($null -eq $own) { continue }
      $key = Find-ShimName $global:ShimState.licenseServers ([string]$own)
      if ($null -ne $key) { return $global:ShimState.licenseServers[$key] }
    }
    return $null
  }
  $key = Find-ShimName $global:ShimState.licenseServers $Address
  if ($null -eq $key) { return $null }
  return $global:ShimState.licenseServers[$key]
}

# The license server (GuestLicenseServer) a name reaches over RPC (TCP 135), with whether the VM's identity may
# read its WMI (the VM itself, or a server that grants it), or $null.
function Get-ShimReachable([string]$Name) {
  foreach ($address in (Resolve-ShimHost $Name)) {
    if (-not (Test-ShimPortOpen $address 135)) { continue }
    $server = Get-ShimLicenseServerAt $address
    if ($null -ne $server) { return @{ Server = $server; WmiAllowed = ((Test-ShimOwnAddress $address) -or [string]$server.remoteWmi -eq 'allowed') } }
  }
  return $null
}

function Get-ShimReachableLicenseServer([string]$Name) {
  $reachable = Get-ShimReachable $Name
  if ($null -eq $reachable) { return $null }
  return $reachable.Server
}

# GetTStoLSConnectivityStatus as windows.ts computes it: 6 unreachable, the server's explicit status, 4 older than
# this host, 5 outside its security group, else 11.
function Get-ShimConnectivityStatus([string]$Name) {
  $server = Get-ShimReachableLicenseServer $Name
  if ($null -eq $server) { return 6 }
  if ($null -ne $server.connectivity) { return [int]$server.connectivity }
  $lsBuild = 20348
  if ($null -ne $server.osBuild) { $lsBuild = [int]$server.osBuild }
  if ($lsBuild -lt $shimBuildNumber) { return 4 }
  if ($null -ne $server.allowedHosts) {
    $allowed = $false
    foreach ($h in @($server.allowedHosts)) { if ([string]$h -ieq [string]$global:ShimState.computerName) { $allowed = $true } }
    if (-not $allowed) { return 5 }
  }
  return 11
}

# Win32_TSLicenseKeyPack instances of a license server: the built-in pack, then its packs (or one of cals/issued).
function Get-ShimKeyPacks($Server) {
  [pscustomobject]@{ ShimClass = 'Win32_TSLicenseKeyPack'; KeyPackId = 2; KeyPackType = 6; ProductType = 3; ProductVersionID = 0; Description = 'Windows 2000 Server - Built-in TS Per Device CAL'; TotalLicenses = 0; IssuedLicenses = 0; AvailableLicenses = 0 }
  $packs = @()
  if ($null -ne $Server.packs) { $packs = @($Server.packs) }
  elseif ([long]$Server.cals -gt 0) {
    $type = 'user'
    if ($null -ne $Server.calType) { $type = [string]$Server.calType }
    $version = 7
    if ($null -ne $Server.calVersion) { $version = [int]$Server.calVersion }
    $packs = @(@{ type = $type; version = $version; total = $Server.cals; issued = $Server.issued })
  }
  $id = 3
  foreach ($pack in $packs) {
    $productType = 1
    if ([string]$pack.type -eq 'device') { $productType = 0 }
    $available = [Math]::Max(0, [long]$pack.total - [long]$pack.issued)
    [pscustomobject]@{ ShimClass = 'Win32_TSLicenseKeyPack'; KeyPackId = $id; KeyPackType = 2; ProductType = $productType; ProductVersionID = [int]$pack.version; Description = 'Remote Desktop Services CAL'; TotalLicenses = [long]$pack.total; IssuedLicenses = [long]$pack.issued; AvailableLicenses = $available }
    $id++
  }
}

# ---- user sessions: the scripts use the RdpMedicWts type when it exists (Add-Type compiles it on Windows) ----
class RdpMedicWts {
  static [int[]] CountUserSessions() {
    $sessions = $global:ShimState.sessions
    if ($global:ShimState.Contains('sessions') -and $null -eq $sessions) { throw 'WTSEnumerateSessions failed (shim: sessions cannot be read)' }
    $active = 0
    $disconnected = 0
    foreach ($session in @($sessions)) {
      if ($null -eq $session) { continue }
      if ([string]$session.state -eq 'Active') { $active++ }
      elseif ([string]$session.state -eq 'Disconnected') { $disconnected++ }
    }
    return [int[]]@($active, $disconnected)
  }
}

# Nothing is compiled here: a script that would need to is a script the twin does not know.
function Add-Type {
  throw 'shim: Add-Type is not available (the twin compiles nothing)'
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
      $result[$valueName] = ConvertTo-ShimApiValue $entry
    }
    if ($result.Count -gt 0) { [pscustomobject]$result }
  }
}

# .NET's RegistryValueKind names for the state's types.
$global:ShimKindNames = @{ REG_SZ = 'String'; REG_EXPAND_SZ = 'ExpandString'; REG_MULTI_SZ = 'MultiString'; REG_DWORD = 'DWord'; REG_QWORD = 'QWord'; REG_BINARY = 'Binary'; REG_NONE = 'None' }

# What the registry API hands back for a value (RegistryKey.GetValue): DWORD as Int32, QWORD as Int64, binary as bytes.
function ConvertTo-ShimApiValue($Entry) {
  switch ([string]$Entry.type) {
    'REG_DWORD' { return [BitConverter]::ToInt32([BitConverter]::GetBytes([uint32][long]$Entry.value), 0) }
    'REG_QWORD' { return [long]$Entry.value }
    'REG_MULTI_SZ' { return ,([string[]]@($Entry.value | ForEach-Object { [string]$_ })) }
    'REG_BINARY' { return ,[Convert]::FromBase64String([string]$Entry.value) }
    'REG_NONE' { return ,[Convert]::FromBase64String([string]$Entry.value) }
  }
  return [string]$Entry.value
}

# A RegistryKey stand-in: GetValueNames, GetValueKind (by .NET kind name) and GetValue.
function New-ShimRegistryKey([string]$Stored) {
  $key = [pscustomobject]@{ ShimClass = 'RegistryKey'; Name = ($Stored -replace '^HKLM\\', 'HKEY_LOCAL_MACHINE\'); ShimKey = $Stored }
  $key | Add-Member -MemberType ScriptMethod -Name GetValueNames -Value { return [string[]]@($global:ShimState.registry[$this.ShimKey].Keys) }
  $key | Add-Member -MemberType ScriptMethod -Name GetValueKind -Value {
    param([string]$Name)
    $values = $global:ShimState.registry[$this.ShimKey]
    $stored = Find-ShimName $values $Name
    if ($null -eq $stored) { throw (Microsoft.PowerShell.Utility\New-Object System.IO.IOException -ArgumentList 'The specified registry key does not exist.') }
    return $global:ShimKindNames[[string]$values[$stored].type]
  }
  $key | Add-Member -MemberType ScriptMethod -Name GetValue -Value {
    param([string]$Name, $Default, $Options)
    $values = $global:ShimState.registry[$this.ShimKey]
    $stored = Find-ShimName $values $Name
    if ($null -eq $stored) { return $Default }
    $value = ConvertTo-ShimApiValue $values[$stored]
    if ($value -is [array]) { return ,$value }
    return $value
  }
  return $key
}

function Get-Item {
  [CmdletBinding()]
  param([Parameter(Position = 0)][string[]]$Path, [string[]]$LiteralPath)
  $registry = $false
  foreach ($p in @($Path) + @($LiteralPath)) { if (-not [string]::IsNullOrEmpty($p) -and $null -ne (ConvertTo-ShimKey $p)) { $registry = $true } }
  if (-not $registry) { Microsoft.PowerShell.Management\Get-Item @PSBoundParameters; return }
  foreach ($p in @($Path) + @($LiteralPath)) {
    if ([string]::IsNullOrEmpty($p)) { continue }
    $stored = Find-ShimName $global:ShimState.registry (ConvertTo-ShimKey $p)
    if ($null -eq $stored) {
      $PSCmdlet.WriteError((New-ShimError "Cannot find path '$p' because it does not exist." 'PathNotFound,Microsoft.PowerShell.Commands.GetItemCommand' ObjectNotFound $p))
      continue
    }
    New-ShimRegistryKey $stored
  }
}

function New-Item {
  [CmdletBinding()]
  param([Parameter(Position = 0)][string[]]$Path, [string]$ItemType, $Value, [switch]$Force)
  $registry = $false
  foreach ($p in @($Path)) { if ($null -ne (ConvertTo-ShimKey $p)) { $registry = $true } }
  if (-not $registry) { Microsoft.PowerShell.Management\New-Item @PSBoundParameters; return }
  foreach ($p in @($Path)) {
    $key = ConvertTo-ShimKey $p
    $stored = Find-ShimName $global:ShimState.registry $key
    if ($null -ne $stored -and -not $Force) {
      $PSCmdlet.WriteError((New-ShimError "A key at this path already exists." 'System.IO.IOException,Microsoft.PowerShell.Commands.NewItemCommand' ResourceExists $p))
      continue
    }
    if ($null -eq $stored) { $stored = $key; $global:ShimState.registry[$stored] = [ordered]@{}; Save-ShimState }
    New-ShimRegistryKey $stored
  }
}

# New-ItemProperty on a registry key: writes the value with the kind given (-Force replaces an existing one).
function New-ItemProperty {
  [CmdletBinding()]
  param([string]$LiteralPath, [string]$Path, [string]$Name, [string]$PropertyType, $Value, [switch]$Force)
  $target = $LiteralPath
  if ([string]::IsNullOrEmpty($target)) { $target = $Path }
  $key = ConvertTo-ShimKey $target
  if ($null -eq $key) { throw "shim: New-ItemProperty supports registry keys only, not $target" }
  $stored = Find-ShimName $global:ShimState.registry $key
  if ($null -eq $stored) {
    $PSCmdlet.WriteError((New-ShimError "Cannot find path '$target' because it does not exist." 'PathNotFound,Microsoft.PowerShell.Commands.NewItemPropertyCommand' ObjectNotFound $target))
    return
  }
  $values = $global:ShimState.registry[$stored]
  $valueName = Find-ShimName $values $Name
  if ($null -ne $valueName -and -not $Force) {
    $PSCmdlet.WriteError((New-ShimError 'The property already exists.' 'System.IO.IOException,Microsoft.PowerShell.Commands.NewItemPropertyCommand' ResourceExists $Name))
    return
  }
  if ($null -eq $valueName) { $valueName = $Name }
  switch ($PropertyType) {
    'String' { $entry = [ordered]@{ type = 'REG_SZ'; value = [string]$Value } }
    'ExpandString' { $entry = [ordered]@{ type = 'REG_EXPAND_SZ'; value = [string]$Value } }
    'MultiString' { $entry = [ordered]@{ type = 'REG_MULTI_SZ'; value = [string[]]@($Value | ForEach-Object { [string]$_ }) } }
    'DWord' { $entry = [ordered]@{ type = 'REG_DWORD'; value = [long][BitConverter]::ToUInt32([BitConverter]::GetBytes([int]$Value), 0) } }
    'QWord' { $entry = [ordered]@{ type = 'REG_QWORD'; value = [long]$Value } }
    'Binary' { $entry = [ordered]@{ type = 'REG_BINARY'; value = [Convert]::ToBase64String([byte[]]@($Value)) } }
    'None' { $entry = [ordered]@{ type = 'REG_NONE'; value = [Convert]::ToBase64String([byte[]]@($Value)) } }
    default { throw "shim: property type $PropertyType is not supported" }
  }
  $values[$valueName] = $entry
  Save-ShimState
  [pscustomobject]@{ $valueName = $Value }
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
# Get-WindowsFeature exists only with Server Manager (GuestState.serverManager); client and multi-session SKUs lack it.
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

if ($global:ShimState.serverManager -eq $false) { Remove-Item -Path 'Function:\Get-WindowsFeature' }

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

# A DCOM session reaches a license server when its name resolves, TCP 135 answers and the server is there, and only
# when the VM's identity is an administrator there: the VM itself, or a server whose remoteWmi is allowed. A real
# license server denies it by default.
function New-CimSession {
  [CmdletBinding()]
  param([Parameter(Position = 0)][string[]]$ComputerName, $SessionOption, [uint32]$OperationTimeoutSec)
  foreach ($n in @($ComputerName)) {
    $reachable = Get-ShimReachable $n
    if ($null -eq $reachable) {
      $PSCmdlet.WriteError((New-ShimError 'The RPC server is unavailable.' 'HRESULT 0x800706ba' ConnectionError $n))
      continue
    }
    if (-not $reachable.WmiAllowed) {
      $PSCmdlet.WriteError((New-ShimError 'Access is denied.' 'HRESULT 0x80070005,Microsoft.Management.Infrastructure.CimCmdlets.NewCimSessionCommand' PermissionDenied $n))
      continue
    }
    [pscustomobject]@{ ShimSession = $true; ComputerName = $n; Server = $reachable.Server }
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
  # The license server classes: over a session on that server, or locally when the RD Licensing role is installed.
  $licensing = $ns -eq 'root/cimv2' -and ($ClassName -ieq 'Win32_TSLicenseServer' -or $ClassName -ieq 'Win32_TSLicenseKeyPack')
  if ($null -ne $CimSession -or $licensing) {
    $server = $null
    $serverName = [string]$global:ShimState.computerName
    if ($null -ne $CimSession) { $server = $CimSession.Server; $serverName = $CimSession.ComputerName }
    elseif ((Get-ShimFeatureState 'RDS-Licensing') -eq 'Installed') { $server = Get-ShimLicenseServerAt '127.0.0.1' }
    if ($null -ne $server -and $ClassName -ieq 'Win32_TSLicenseServer') {
      return [pscustomobject]@{ ShimClass = 'Win32_TSLicenseServer'; Server = $server; Name = $serverName }
    }
    if ($null -ne $server -and $ClassName -ieq 'Win32_TSLicenseKeyPack') { Get-ShimKeyPacks $server; return }
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
    $caption = 'Microsoft Windows Server 2022 Datacenter'
    $productType = 3
    if ($null -ne $global:ShimState.edition) { $caption = [string]$global:ShimState.edition.caption; $productType = [int]$global:ShimState.edition.productType }
    return [pscustomobject]@{
      ShimClass = 'Win32_OperatingSystem'
      CSName = [string]$global:ShimState.computerName
      Version = [string]$global:ShimState.osVersion
      BuildNumber = $global:ShimBuild
      Caption = $caption
      ProductType = $productType
      LastBootUpTime = (ConvertFrom-ShimTime $global:ShimState.bootTime)
    }
  }
  if ($ns -eq 'root/cimv2' -and $ClassName -ieq 'Win32_ComputerSystem') {
    $domain = 'contoso.com'
    if ($global:ShimState.Contains('domain')) { $domain = $global:ShimState.domain }
    $joined = $null -ne $domain
    if (-not $joined) { $domain = 'WORKGROUP' }
    return [pscustomobject]@{ ShimClass = 'Win32_ComputerSystem'; Name = [string]$global:ShimState.computerName; PartOfDomain = $joined; Domain = [string]$domain }
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
  # Remote Desktop Services answers these only while TermService runs.
  if ($class -eq 'Win32_TerminalServiceSetting' -and -not [bool]$global:ShimState.termServiceRunning) {
    $PSCmdlet.WriteError((New-ShimError 'Generic failure' 'HRESULT 0x80041001' NotSpecified $MethodName))
    return
  }
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
    $status = Get-ShimConnectivityStatus ([string]$Arguments['ServerName'])
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
    $startType = 'Automatic'
    if ($null -ne $global:ShimState.termServiceStartType) { $startType = [string]$global:ShimState.termServiceStartType }
    [pscustomobject]@{ Name = 'TermService'; DisplayName = 'Remote Desktop Services'; Status = $status; StartType = $startType }
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
