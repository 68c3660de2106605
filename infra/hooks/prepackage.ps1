#!/usr/bin/env pwsh
# azd runs this before it packages the api service (azure.yaml). It makes sure that what azd is about to zip
# (.artifacts/package, built by `npm run package`) comes from the locked dependencies, compiles under the strict
# tsconfig, and passes the tests that build the package the way azd does and run a whole remediation through it.
# A failure stops `azd package`, `azd deploy` and `azd up` before anything is uploaded.
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$root = Resolve-Path (Join-Path $PSScriptRoot '..' '..')
Push-Location $root
try {
  $steps = @(
    @('npm', 'ci', '--no-audit', '--no-fund'),
    @('npm', 'run', 'build'),
    @('npx', 'vitest', 'run', 'test/scripts/package.test.ts', 'test/e2e/packaged-app.test.ts')
  )
  foreach ($step in $steps) {
    Write-Host "prepackage: $($step -join ' ')"
    & $step[0] @($step | Select-Object -Skip 1)
    if ($LASTEXITCODE -ne 0) { throw "prepackage: '$($step -join ' ')' failed (exit $LASTEXITCODE); nothing was packaged" }
  }
} finally {
  Pop-Location
}
