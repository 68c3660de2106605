# ---- shared helpers: loadScript (src/scripts/index.ts) puts this text in place of each script's include line ----
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
$MaxServers = 10

function Write-Result($Object) {
  Write-Output (ConvertTo-Json -InputObject $Object -Compress -Depth 6)
}

# Run Command may start Windows PowerShell as a 32-bit process (WOW64): the registry and WMI it sees are then
# redirected views, so no script reads or writes anything there.
function Assert-64BitProcess {
  if (-not [Environment]::Is64BitProcess -or $env:PROCESSOR_ARCHITECTURE -eq 'x86') {
    throw (New-ScriptError 'process-32-bit' 'This script runs in a 32-bit PowerShell process, which sees redirected registry and WMI views: run it with 64-bit Windows PowerShell (%SystemRoot%\System32\WindowsPowerShell\v1.0\powershell.exe).')
  }
}

# Text fit for the JSON line: control and direction characters become '?', at most $Max characters.
function Get-SafeText([string]$Text, [int]$Max) {
  $clean = $Text -replace '[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]', '?'
  if ($clean.Length -gt $Max) { $clean = $clean.Substring(0, $Max) }
  return $clean
}

function Write-ScriptError([string]$Code, [string]$Message, [switch]$Genuine) {
  $text = Get-SafeText $Message 1000
  Write-Result ([ordered]@{ rdpMedic = $ScriptName; v = 1; error = [ordered]@{ code = $Code; message = $text } })
  if ($Genuine) { [Console]::Error.WriteLine("rdp-medic ${ScriptName}: ${Code}: $text") }
}

# An exception that the top-level handler prints as {"error":{"code","message"}}.
function New-ScriptError([string]$Code, [string]$Message) {
  $exception = New-Object System.InvalidOperationException -ArgumentList $Message
  $exception.Data['rdpMedicCode'] = $Code
  return $exception
}

# Prints the error line for a caught exception: a refused parameter is an answer, anything else a failure
# (then also on stderr, which the caller of Run Command treats as failed).
function Write-CaughtError($ErrorRecord) {
  $code = [string]$ErrorRecord.Exception.Data['rdpMedicCode']
  $message = [string]$ErrorRecord.Exception.Message
  if ($code -eq 'invalid-parameter') {
    Write-ScriptError $code $message
  } else {
    if ($code -eq '') { $code = 'internal-error' }
    Write-ScriptError $code $message -Genuine
  }
}

function Test-IpAddress([string]$Value) {
  $octet = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])'
  $ipv4 = "^($octet\.){3}$octet\z"
  if ($Value -cmatch $ipv4) { return $true }
  if (-not $Value.Contains(':') -or $Value -cnotmatch '^[0-9A-Fa-f:.]+\z') { return $false }
  if ($Value.Contains('.') -and $Value.Substring($Value.LastIndexOf(':') + 1) -cnotmatch $ipv4) { return $false }
  $address = $null
  if (-not [System.Net.IPAddress]::TryParse($Value, [ref]$address)) { return $false }
  return ([string]$address.AddressFamily -eq 'InterNetworkV6')
}

# Same rules as src/domain/license-server-name.ts: an RFC 1123 host name or an IP address, at most 253 characters.
function Test-LicenseServerName([string]$Value) {
  if ([string]::IsNullOrEmpty($Value) -or $Value.Length -gt 253) { return $false }
  if (Test-IpAddress $Value) { return $true }
  $name = $Value
  if ($name.EndsWith('.')) { $name = $name.Substring(0, $name.Length - 1) }
  if ($name -cmatch '^[0-9.]*\z') { return $false }
  foreach ($label in $name.Split('.')) {
    if ($label -cnotmatch '^[A-Za-z0-9-]{1,63}\z' -or $label.StartsWith('-') -or $label.EndsWith('-')) { return $false }
  }
  return $true
}

# Splits a comma-separated list, trims, drops empties (splitList in license-server-name.ts).
function Split-List([string]$Value) {
  $items = New-Object System.Collections.ArrayList
  foreach ($part in $Value.Split(',')) {
    $trimmed = $part.Trim()
    if ($trimmed.Length -gt 0) { [void]$items.Add($trimmed) }
  }
  return ,$items.ToArray()
}

# Splits a list parameter on commas and spaces: a host may bind "a,b" as an array and join it with a space.
# Other whitespace stays in the name, which then fails validation.
function Split-Parameter([string]$Value) {
  $items = New-Object System.Collections.ArrayList
  foreach ($part in ($Value -split '[, ]+')) {
    if ($part.Length -gt 0) { [void]$items.Add($part) }
  }
  return ,$items.ToArray()
}

# Host names compare case-insensitively and without a trailing dot.
function Test-SameName([string]$A, [string]$B) {
  return (($A -replace '\.\z', '') -ieq ($B -replace '\.\z', ''))
}

# Adds the names not yet in the list (the first spelling stays).
function Add-UniqueNames([System.Collections.ArrayList]$List, $Names) {
  foreach ($name in @($Names)) {
    if ($null -eq $name) { continue }
    $seen = $false
    foreach ($existing in $List) { if (Test-SameName $existing $name) { $seen = $true } }
    if (-not $seen) { [void]$List.Add([string]$name) }
  }
}

# A comma-separated license server parameter, validated: the distinct names, in order.
function Read-ServerList([string]$ParameterName, [string]$Value, [switch]$Required) {
  $names = Split-Parameter $Value
  if ($Required -and $names.Count -eq 0) {
    throw (New-ScriptError 'invalid-parameter' "$ParameterName must name at least one license server.")
  }
  if ($names.Count -gt $MaxServers) {
    throw (New-ScriptError 'invalid-parameter' "$ParameterName names $($names.Count) servers; at most $MaxServers are allowed.")
  }
  for ($i = 0; $i -lt $names.Count; $i++) {
    if (-not (Test-LicenseServerName $names[$i])) {
      throw (New-ScriptError 'invalid-parameter' "$ParameterName item $($i + 1) is not a valid host name or IP address.")
    }
  }
  $unique = New-Object System.Collections.ArrayList
  Add-UniqueNames $unique $names
  return ,$unique.ToArray()
}

# A value exactly as it is: its kind (REG_SZ, REG_MULTI_SZ, REG_DWORD, ...) and its data as the registry API
# returns it (strings unexpanded); $null when the key or the value is absent.
function Read-RegEntry([string]$Path, [string]$Name) {
  $key = Get-Item -LiteralPath $Path -ErrorAction SilentlyContinue
  if ($null -eq $key) { return $null }
  $stored = $null
  foreach ($valueName in @($key.GetValueNames())) { if ([string]$valueName -ieq $Name) { $stored = [string]$valueName } }
  if ($null -eq $stored) { return $null }
  $kinds = @{ String = 'REG_SZ'; ExpandString = 'REG_EXPAND_SZ'; MultiString = 'REG_MULTI_SZ'; DWord = 'REG_DWORD'; QWord = 'REG_QWORD'; Binary = 'REG_BINARY'; None = 'REG_NONE' }
  $kindName = [string]$key.GetValueKind($stored)
  $kind = $kinds[$kindName]
  $exact = $true
  if ($null -eq $kind) { $kind = 'REG_BINARY'; $exact = $false }
  return [ordered]@{ kind = $kind; value = $key.GetValue($stored, $null, 'DoNotExpandEnvironmentNames'); exact = $exact }
}

# The data of a Read-RegEntry result in the registry's binary form (src/domain/registry-value.ts).
function Get-RegEntryBytes($Entry) {
  switch ($Entry.kind) {
    'REG_SZ' { return ,[System.Text.Encoding]::Unicode.GetBytes([string]$Entry.value + [char]0) }
    'REG_EXPAND_SZ' { return ,[System.Text.Encoding]::Unicode.GetBytes([string]$Entry.value + [char]0) }
    'REG_MULTI_SZ' {
      $entries = @($Entry.value | ForEach-Object { [string]$_ })
      $text = [string][char]0
      if ($entries.Count -gt 0) { $text = ($entries -join [string][char]0) + [char]0 + [char]0 }
      return ,[System.Text.Encoding]::Unicode.GetBytes($text)
    }
    'REG_DWORD' { return ,[BitConverter]::GetBytes([int]$Entry.value) }
    'REG_QWORD' { return ,[BitConverter]::GetBytes([long]$Entry.value) }
  }
  return ,[byte[]]@($Entry.value)
}

# {kind, data}: the exact value as base64 of its bytes; data $null when longer than $MaxData characters or not
# exactly representable. $null when the value is absent.
function Get-RegValueFact([string]$Path, [string]$Name, [int]$MaxData) {
  $entry = Read-RegEntry $Path $Name
  if ($null -eq $entry) { return $null }
  $data = $null
  if ($entry.exact) {
    $data = [Convert]::ToBase64String((Get-RegEntryBytes $entry))
    if ($data.Length -gt $MaxData) { $data = $null }
  }
  return [ordered]@{ kind = $entry.kind; data = $data }
}

function Get-RegValue([string]$Path, [string]$Name) {
  $item = Get-ItemProperty -LiteralPath $Path -Name $Name -ErrorAction SilentlyContinue
  if ($null -eq $item) { return $null }
  return ,$item.$Name
}

# A REG_DWORD as the unsigned number it is (the registry API gives an Int32); $null when absent or of another kind
# (Windows reads these values only as DWORDs).
function Get-RegDword([string]$Path, [string]$Name) {
  $entry = Read-RegEntry $Path $Name
  if ($null -eq $entry -or $entry.kind -ne 'REG_DWORD') { return $null }
  $number = [long]$entry.value
  if ($number -lt 0) { $number += 4294967296 }
  return $number
}

# A REG_MULTI_SZ as a list without empty entries; $null when the value is absent.
function Get-RegMultiString([string]$Path, [string]$Name) {
  $value = Get-RegValue $Path $Name
  if ($null -eq $value) { return $null }
  $items = New-Object System.Collections.ArrayList
  foreach ($entry in @($value)) {
    $text = [string]$entry
    if ($text.Trim().Length -gt 0) { [void]$items.Add($text) }
  }
  return ,$items.ToArray()
}

# The Group Policy LicenseServers value: a comma-separated REG_SZ; $null when absent or empty.
function Get-RegCommaList([string]$Path, [string]$Name) {
  $value = Get-RegValue $Path $Name
  if ($null -eq $value) { return $null }
  $names = Split-List ([string](@($value) -join ','))
  if ($names.Count -eq 0) { return $null }
  return ,$names
}

# Runs reg.exe (never prompts: /f) and fails on a non-zero exit code.
function Invoke-Reg([string[]]$Arguments) {
  # Windows PowerShell 5.1 turns a native command's stderr into a terminating error under 'Stop'.
  $ErrorActionPreference = 'Continue'
  $output = & reg @Arguments 2>&1
  $exitCode = $LASTEXITCODE
  if ($exitCode -ne 0) {
    $text = (@($output) | ForEach-Object { [string]$_ }) -join ' '
    throw (New-ScriptError 'command-failed' "reg $($Arguments[0]) exited with ${exitCode}: $text")
  }
}

# Disables a Windows feature with DISM, never prompting and never restarting; 3010 = done, restart needed.
function Invoke-DismDisable([string]$FeatureName) {
  $ErrorActionPreference = 'Continue'
  $output = & dism /Online /Disable-Feature "/FeatureName:$FeatureName" /Quiet /NoRestart 2>&1
  $exitCode = $LASTEXITCODE
  if ($exitCode -ne 0 -and $exitCode -ne 3010) {
    $text = (@($output) | ForEach-Object { [string]$_ }) -join ' '
    throw (New-ScriptError 'command-failed' "dism /Disable-Feature /FeatureName:$FeatureName exited with ${exitCode}: $text")
  }
  return $exitCode
}

function Get-FeatureState([string]$Name) {
  if (-not (Get-Command -Name 'Get-WindowsFeature' -ErrorAction SilentlyContinue)) { return 'Unknown' }
  try { $feature = Get-WindowsFeature -Name $Name -ErrorAction Stop | Select-Object -First 1 } catch { return 'Unknown' }
  if ($null -eq $feature) { return 'Unknown' }
  switch ([string]$feature.InstallState) {
    'Installed' { return 'Installed' }
    'Available' { return 'Available' }
    'Removed' { return 'Available' }
    'InstallPending' { return 'InstallPending' }
    'UninstallPending' { return 'UninstallPending' }
  }
  return 'Unknown'
}

function Format-Time([datetime]$Time) {
  return $Time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", [System.Globalization.CultureInfo]::InvariantCulture)
}

function Test-TcpPort([string]$HostName, [int]$Port, [int]$TimeoutMs) {
  $client = New-Object System.Net.Sockets.TcpClient
  try {
    return [bool]$client.ConnectAsync($HostName, $Port).Wait($TimeoutMs)
  } catch {
    return $false
  } finally {
    $client.Dispose()
  }
}

function Resolve-HostAddresses([string]$Name) {
  $addresses = New-Object System.Collections.ArrayList
  if (Test-IpAddress $Name) { [void]$addresses.Add($Name); return ,$addresses.ToArray() }
  try {
    foreach ($record in @(Resolve-DnsName -Name $Name -Type A_AAAA -QuickTimeout -ErrorAction Stop)) {
      $type = [string]$record.Type
      if (($type -eq 'A' -or $type -eq 'AAAA') -and -not $addresses.Contains([string]$record.IPAddress)) {
        [void]$addresses.Add([string]$record.IPAddress)
      }
    }
  } catch { }
  return ,$addresses.ToArray()
}

function Get-TermServiceRunning {
  $service = Get-Service -Name 'TermService' -ErrorAction SilentlyContinue
  return ($null -ne $service -and [string]$service.Status -eq 'Running')
}

# LicensingMode as Windows reads it: a REG_DWORD (unsigned), else $null.
function Get-LicensingModeDword {
  return (Get-RegDword $LicensingCoreKey 'LicensingMode')
}

# SpecifiedLicenseServers as Windows reads it: a REG_MULTI_SZ without blank entries, else $null.
function Get-SpecifiedServersMultiString {
  $entry = Read-RegEntry $LicenseServersKey 'SpecifiedLicenseServers'
  if ($null -eq $entry -or $entry.kind -ne 'REG_MULTI_SZ') { return $null }
  return (Get-RegMultiString $LicenseServersKey 'SpecifiedLicenseServers')
}

# The kind of a value ('REG_DWORD', ...), $null when absent.
function Get-RegKind([string]$Path, [string]$Name) {
  $entry = Read-RegEntry $Path $Name
  if ($null -eq $entry) { return $null }
  return $entry.kind
}

# The RDP port: PortNumber of the RDP-Tcp listener, 3389 unless changed.
function Get-RdpPort {
  $port = Get-RegDword $RdpTcpKey 'PortNumber'
  if ($null -eq $port -or $port -lt 1 -or $port -gt 65535) { return 3389 }
  return [int]$port
}

function Get-RdpListening {
  $listeners = @(Get-NetTCPConnection -State Listen -LocalPort (Get-RdpPort) -ErrorAction SilentlyContinue)
  return ($listeners.Count -gt 0)
}

# Licensing events (RCM Admin 1068/1069, System 1128/1130) since a time, newest first.
function Get-LicensingEvents([datetime]$Since) {
  $rcm = 'Microsoft-Windows-TerminalServices-RemoteConnectionManager'
  $filters = @(
    @{ LogName = "$rcm/Admin"; Id = @(1068, 1069); StartTime = $Since },
    @{ LogName = 'System'; ProviderName = $rcm; Id = @(1128, 1130); StartTime = $Since }
  )
  $found = New-Object System.Collections.ArrayList
  foreach ($filter in $filters) {
    try {
      foreach ($e in @(Get-WinEvent -FilterHashtable $filter -ErrorAction Stop)) { [void]$found.Add($e) }
    } catch { }
  }
  return ,@($found | Sort-Object -Property @{ Expression = { $_.TimeCreated }; Descending = $true }, @{ Expression = { $_.Id }; Descending = $false })
}

$RdshCacheKey = 'HKLM:\SOFTWARE\Microsoft\ServerManager\ServicingStorage\ServerComponentCache\RDS-RD-Server'
$LicensingCoreKey = 'HKLM:\SYSTEM\CurrentControlSet\Control\Terminal Server\RCM\Licensing Core'
$LicenseServersKey = 'HKLM:\SYSTEM\CurrentControlSet\Services\TermService\Parameters\LicenseServers'
$TermServiceParametersKey = 'HKLM:\SYSTEM\CurrentControlSet\Services\TermService\Parameters'
$PolicyKey = 'HKLM:\SOFTWARE\Policies\Microsoft\Windows NT\Terminal Services'
$RdpTcpKey = 'HKLM:\SYSTEM\CurrentControlSet\Control\Terminal Server\WinStations\RDP-Tcp'
# ---- end of shared helpers ----
