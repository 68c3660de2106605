# rdp-medic-script: restore-licensing
# Puts the RD licensing values back exactly as a probe read them before a failed repair (rollback):
#   HKLM\SYSTEM\CurrentControlSet\Control\Terminal Server\RCM\Licensing Core, LicensingMode
#   HKLM\SYSTEM\CurrentControlSet\Services\TermService\Parameters\LicenseServers, SpecifiedLicenseServers
# Each parameter is 'keep' (leave the value alone), 'absent' (delete it) or '<KIND>:<base64>': the value's exact kind
# and data in the registry's binary form, written as data (never as text of a command), then read back and compared
# byte for byte. Never touches the Group Policy key. Idempotent. Prints one compact JSON line: StepOutput in
# src/domain/playbook.ts, or {rdpMedic, v, error}.
param(
  # 'keep', 'absent' or '<KIND>:<base64>' (src/domain/registry-value.ts).
  [string]$LicensingMode = '',
  # 'keep', 'absent' or '<KIND>:<base64>'.
  [string]$LicenseServers = ''
)

$ScriptName = 'restore-licensing'

# rdp-medic-include: shared/helpers.ps1

$MaxDataBytes = 2048
$PropertyTypes = @{ REG_SZ = 'String'; REG_EXPAND_SZ = 'ExpandString'; REG_MULTI_SZ = 'MultiString'; REG_DWORD = 'DWord'; REG_QWORD = 'QWord'; REG_BINARY = 'Binary'; REG_NONE = 'None' }

function Test-Nul([byte[]]$Bytes, [int]$At) {
  return ($At -ge 0 -and $Bytes[$At] -eq 0 -and $Bytes[$At + 1] -eq 0)
}

# What to do with one value: keep, delete, or write this kind and these bytes (same rules as registry-value.ts).
function Read-RestoreTarget([string]$ParameterName, [string]$Value) {
  if ($Value -ceq 'keep') { return [ordered]@{ action = 'keep' } }
  if ($Value -ceq 'absent') { return [ordered]@{ action = 'delete' } }
  $refuse = { param([string]$Why) throw (New-ScriptError 'invalid-parameter' "$ParameterName must be 'keep', 'absent' or <KIND>:<base64>: $Why.") }
  if ($Value -cnotmatch '^(REG_SZ|REG_EXPAND_SZ|REG_MULTI_SZ|REG_DWORD|REG_QWORD|REG_BINARY|REG_NONE):([A-Za-z0-9+/]*={0,2})\z') { & $refuse 'not of that form' }
  $kind = $Matches[1]
  $data = $Matches[2]
  if ($data.Length % 4 -ne 0 -or $data.Length -gt [Math]::Ceiling($MaxDataBytes / 3) * 4) { & $refuse 'the base64 has a wrong length' }
  $bytes = $null
  try { $bytes = [Convert]::FromBase64String($data) } catch { & $refuse 'the base64 is not canonical' }
  if ([Convert]::ToBase64String($bytes) -cne $data) { & $refuse 'the base64 is not canonical' }
  if ($bytes.Length -gt $MaxDataBytes) { & $refuse "the data is over $MaxDataBytes bytes" }
  $n = $bytes.Length
  switch ($kind) {
    'REG_DWORD' { if ($n -ne 4) { & $refuse 'a REG_DWORD is 4 bytes' } }
    'REG_QWORD' { if ($n -ne 8) { & $refuse 'a REG_QWORD is 8 bytes' } }
    'REG_MULTI_SZ' {
      if ($n -lt 2 -or $n % 2 -ne 0 -or -not (Test-Nul $bytes ($n - 2)) -or ($n -gt 2 -and -not (Test-Nul $bytes ($n - 4)))) { & $refuse 'a list ends with two NUL characters' }
    }
    'REG_SZ' { if ($n -lt 2 -or $n % 2 -ne 0 -or -not (Test-Nul $bytes ($n - 2))) { & $refuse 'text ends with a NUL character' } }
    'REG_EXPAND_SZ' { if ($n -lt 2 -or $n % 2 -ne 0 -or -not (Test-Nul $bytes ($n - 2))) { & $refuse 'text ends with a NUL character' } }
  }
  return [ordered]@{ action = 'write'; kind = $kind; bytes = $bytes }
}

# The value New-ItemProperty takes for a kind's bytes.
function ConvertFrom-RegBytes([string]$Kind, [byte[]]$Bytes) {
  switch ($Kind) {
    'REG_DWORD' { return [BitConverter]::ToInt32($Bytes, 0) }
    'REG_QWORD' { return [BitConverter]::ToInt64($Bytes, 0) }
    'REG_SZ' { return [System.Text.Encoding]::Unicode.GetString($Bytes, 0, $Bytes.Length - 2) }
    'REG_EXPAND_SZ' { return [System.Text.Encoding]::Unicode.GetString($Bytes, 0, $Bytes.Length - 2) }
    'REG_MULTI_SZ' {
      if ($Bytes.Length -eq 2) { return ,([string[]]@()) }
      return ,([string[]]([System.Text.Encoding]::Unicode.GetString($Bytes, 0, $Bytes.Length - 4).Split([char]0)))
    }
  }
  return ,$Bytes
}

# {kind, size, sha256} of a value as it is now, $null when absent: before/after without printing the data.
function Get-ValueDigest([string]$Path, [string]$Name) {
  $entry = Read-RegEntry $Path $Name
  if ($null -eq $entry) { return $null }
  $bytes = Get-RegEntryBytes $entry
  $sha = [System.Security.Cryptography.SHA256]::Create()
  try { $hash = $sha.ComputeHash($bytes) } finally { $sha.Dispose() }
  return [ordered]@{ kind = $entry.kind; size = $bytes.Length; sha256 = (($hash | ForEach-Object { $_.ToString('x2') }) -join '') }
}

function Get-LicensingState {
  return [ordered]@{
    licensingMode = (Get-ValueDigest $LicensingCoreKey 'LicensingMode')
    policyLicensingMode = (Get-RegDword $PolicyKey 'LicensingMode')
    specifiedLicenseServers = (Get-ValueDigest $LicenseServersKey 'SpecifiedLicenseServers')
    policyLicenseServers = (Get-RegCommaList $PolicyKey 'LicenseServers')
  }
}

# Whether the value is exactly the target now (kind and bytes; absent for delete).
function Test-Exact([string]$Path, [string]$Name, $Target) {
  $entry = Read-RegEntry $Path $Name
  if ($Target.action -eq 'delete') { return ($null -eq $entry) }
  if ($null -eq $entry -or $entry.kind -ne $Target.kind) { return $false }
  $bytes = [byte[]](Get-RegEntryBytes $entry)
  if ($bytes.Length -ne $Target.bytes.Length) { return $false }
  for ($i = 0; $i -lt $bytes.Length; $i++) { if ($bytes[$i] -ne $Target.bytes[$i]) { return $false } }
  return $true
}

# Puts one value back; $true when it changed anything.
function Restore-Value([string]$Path, [string]$RegPath, [string]$Name, $Target) {
  if ($Target.action -eq 'keep' -or (Test-Exact $Path $Name $Target)) { return $false }
  if ($Target.action -eq 'delete') {
    # The value is there: an absent one would have matched.
    Invoke-Reg @('delete', $RegPath, '/v', $Name, '/f')
  } else {
    if ($null -eq (Get-Item -LiteralPath $Path -ErrorAction SilentlyContinue)) { $null = New-Item -Path $Path -Force }
    $value = ConvertFrom-RegBytes $Target.kind $Target.bytes
    $null = New-ItemProperty -LiteralPath $Path -Name $Name -PropertyType $PropertyTypes[$Target.kind] -Value $value -Force
  }
  if (-not (Test-Exact $Path $Name $Target)) {
    throw (New-ScriptError 'command-failed' "$Name does not hold exactly the value just restored.")
  }
  return $true
}

try {
  Assert-64BitProcess
  # Both parameters are checked before anything changes.
  $modeTarget = Read-RestoreTarget 'LicensingMode' $LicensingMode
  $serversTarget = Read-RestoreTarget 'LicenseServers' $LicenseServers
  $before = Get-LicensingState
  $changed = $false
  if (Restore-Value $LicensingCoreKey 'HKLM\SYSTEM\CurrentControlSet\Control\Terminal Server\RCM\Licensing Core' 'LicensingMode' $modeTarget) { $changed = $true }
  if (Restore-Value $LicenseServersKey 'HKLM\SYSTEM\CurrentControlSet\Services\TermService\Parameters\LicenseServers' 'SpecifiedLicenseServers' $serversTarget) { $changed = $true }
  $after = Get-LicensingState
  Write-Result ([ordered]@{ rdpMedic = $ScriptName; v = 1; changed = $changed; restartNeeded = $changed; before = $before; after = $after })
  exit 0
} catch {
  Write-CaughtError $_
  exit 1
}
