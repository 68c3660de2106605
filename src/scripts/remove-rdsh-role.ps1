# rdp-medic-script: remove-rdsh-role
# Removes the Remote Desktop Session Host role: dism /Online /Disable-Feature /FeatureName:Remote-Desktop-Services /Quiet /NoRestart.
# Idempotent; never restarts (exit code 3010 = removed once Windows restarts).
# Prints one compact JSON line: StepOutput in src/domain/playbook.ts, or {rdpMedic, v, error}.
param()

$ScriptName = 'remove-rdsh-role'

# rdp-medic-include: shared/helpers.ps1

function Get-RoleState {
  return [ordered]@{
    rdshFeature = (Get-FeatureState 'RDS-RD-Server')
    rdshInstallState = (Get-RegDword $RdshCacheKey 'InstallState')
  }
}

try {
  Assert-64BitProcess
  $before = Get-RoleState
  if ($before.rdshFeature -eq 'Unknown') { throw (New-ScriptError 'feature-state-unknown' 'Get-WindowsFeature cannot tell the state of RDS-RD-Server.') }
  $changed = $false
  $restartNeeded = $false
  if ($before.rdshFeature -eq 'Installed' -or $before.rdshFeature -eq 'InstallPending') {
    $exitCode = Invoke-DismDisable 'Remote-Desktop-Services'
    $changed = $true
    $restartNeeded = ($exitCode -eq 3010)
  }
  $after = Get-RoleState
  if ($after.rdshFeature -eq 'UninstallPending') { $restartNeeded = $true }
  Write-Result ([ordered]@{ rdpMedic = $ScriptName; v = 1; changed = $changed; restartNeeded = $restartNeeded; before = $before; after = $after })
  exit 0
} catch {
  Write-CaughtError $_
  exit 1
}
