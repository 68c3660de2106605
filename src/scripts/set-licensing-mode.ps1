# rdp-medic-script: set-licensing-mode
# Sets the RD licensing mode (HKLM\SYSTEM\CurrentControlSet\Control\Terminal Server\RCM\Licensing Core, LicensingMode).
# A value of another kind (a REG_SZ "4", which Windows does not read) is replaced by the REG_DWORD. Idempotent. Prints one compact JSON line: StepOutput in src/domain/playbook.ts, or {rdpMedic, v, error}.
# A Group Policy LicensingMode wins over this value: the output shows it, the plan decides what that means.
param(
  # 2 = per device, 4 = per user.
  [string]$Mode = ''
)

$ScriptName = 'set-licensing-mode'

# rdp-medic-include: shared/helpers.ps1

function Get-ModeState {
  return [ordered]@{
    licensingMode = (Get-LicensingModeDword)
    licensingModeKind = (Get-RegKind $LicensingCoreKey 'LicensingMode')
    policyLicensingMode = (Get-RegDword $PolicyKey 'LicensingMode')
  }
}

try {
  Assert-64BitProcess
  if ($Mode -cnotmatch '^[24]\z') { throw (New-ScriptError 'invalid-parameter' 'Mode must be 2 (per device) or 4 (per user).') }
  $target = [int]$Mode
  $before = Get-ModeState
  $changed = $false
  if ($before.licensingMode -ne $target) {
    Invoke-Reg @('add', 'HKLM\SYSTEM\CurrentControlSet\Control\Terminal Server\RCM\Licensing Core', '/v', 'LicensingMode', '/t', 'REG_DWORD', '/d', [string]$target, '/f')
    $changed = $true
  }
  $after = Get-ModeState
  if ($after.licensingMode -ne $target) { throw (New-ScriptError 'command-failed' 'LicensingMode does not hold the value just written.') }
  Write-Result ([ordered]@{ rdpMedic = $ScriptName; v = 1; changed = $changed; restartNeeded = $changed; before = $before; after = $after })
  exit 0
} catch {
  Write-CaughtError $_
  exit 1
}
