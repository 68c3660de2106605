#!/usr/bin/env pwsh
# azd runs this after `azd deploy` (and inside `azd up`): the Alerts function exists now, so its own key can be made.
& (Join-Path $PSScriptRoot 'alert-receiver-key.ps1') -Stage postdeploy
exit $LASTEXITCODE
