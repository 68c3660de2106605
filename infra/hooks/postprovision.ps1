#!/usr/bin/env pwsh
# azd runs this after `azd provision` (and inside `azd up`): a provision rewrites the action group from the
# template, so the function-key receiver is put back at once when the code is already deployed.
& (Join-Path $PSScriptRoot 'alert-receiver-key.ps1') -Stage postprovision
exit $LASTEXITCODE
