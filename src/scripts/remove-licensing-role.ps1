# rdp-medic-script: remove-licensing-role
# Removes the Remote Desktop Licensing role: dism /Online /Disable-Feature /FeatureName:Licensing /Quiet /NoRestart.
# Idempotent; never restarts (exit code 3010 = removed once Windows restarts).
# Prints one compact JSON line: StepOutput in src/domain/playbook.ts, or {rdpMedic, v, error}.
param()

$ScriptName = 'remove-licensing-role'

# rdp-medic-include: shared/helpers.ps1

function Get-RoleState {
  return [ordered]@{ licensingRoleFeature = (Get-FeatureState 'RDS-Licensing') }
}

try {
  Assert-64BitProcess
  $before = Get-RoleState
  if ($before.licensingRoleFeature -eq 'Unknown') { throw (New-ScriptError 'feature-state-unknown' 'Get-WindowsFeature cannot tell the state of RDS-Licensing.') }
  $changed = $false
  $restartNeeded = $false
  if ($before.licensingRoleFeature -eq 'Installed' -or $before.licensingRoleFeature -eq 'InstallPending') {
    $exitCode = Invoke-DismDisable 'Licensing'
    $changed = $true
    $restartNeeded = ($exitCode -eq 3010)
  }
  $after = Get-RoleState
  if ($after.licensingRoleFeature -eq 'UninstallPending') { $restartNeeded = $true }
  Write-Result ([ordered]@{ rdpMedic = $ScriptName; v = 1; changed = $changed; restartNeeded = $restartNeeded; before = $before; after = $after })
  exit 0
} catch {
  Write-CaughtError $_
  exit 1
}
