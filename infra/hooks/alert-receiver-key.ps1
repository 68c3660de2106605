#!/usr/bin/env pwsh
<#
.SYNOPSIS
  Gives the action group a credential that works only for the Alerts function (ALERT_AUTH=function-key), or removes
  that credential when the secure webhook is used (ALERT_AUTH=entra). azd runs it after provision and after deploy
  (azure.yaml: infra/hooks/postprovision.ps1, infra/hooks/postdeploy.ps1); it is idempotent, so it can be run again
  at any time: `azd hooks run postdeploy`.

.DESCRIPTION
  function-key: reads the Alerts function's keys (ARM: POST .../functions/Alerts/listkeys); creates the
  function-level key named action-group if it is missing (PUT .../functions/Alerts/keys/action-group, a random
  value); and makes the action group's one Azure Function receiver call https://<app>/api/alerts?code=<that key>
  (GET, then PUT of the action group only when it differs). Never the host's default or master key.
  entra: the template gives the action group a secure webhook; a left-over action-group key is deleted.

  Until the code is deployed the function does not exist: after provision that is expected (the postdeploy run makes
  the key); after deploy the host may take a while to index it, so 404 and 5xx are retried with a bounded wait.
  The key is never printed, logged or stored in azd's environment.

  Input (azd's environment, from the template's outputs): RDPMEDIC_ALERT_AUTH, AZURE_FUNCTION_APP_ID,
  RDPMEDIC_ALERT_FUNCTION_NAME, RDPMEDIC_ACTION_GROUP_ID, RDPMEDIC_ARM_ENDPOINT. The ARM token comes from
  RDPMEDIC_ARM_ACCESS_TOKEN when set (pipelines), else `azd auth token`, else `az account get-access-token`.
  RDPMEDIC_HOOK_RETRY_SECONDS and RDPMEDIC_HOOK_ATTEMPTS bound the waiting (default 15 s x 20).
#>
param(
  [Parameter(Mandatory = $true)]
  [ValidateSet('postprovision', 'postdeploy')]
  [string] $Stage
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
# One plain line per failure (azd shows hook output as is), and a non-zero exit that stops azd.
trap {
  [Console]::Error.WriteLine($_.Exception.Message)
  exit 1
}

# API versions: the ones the template uses for the same resource types (a test checks they agree).
$WebApiVersion = '2025-03-01'
$ActionGroupApiVersion = '2023-01-01'
$KeyName = 'action-group'
$ReceiverName = 'rdp-medic-alerts'

function Get-RequiredSetting([string] $Name) {
  $value = [Environment]::GetEnvironmentVariable($Name)
  if ([string]::IsNullOrWhiteSpace($value)) {
    throw "alert-receiver-key: $Name is not set. It is an output of infra/main.bicep that azd puts in its environment: run 'azd provision' first."
  }
  return $value.Trim()
}

$alertAuth = Get-RequiredSetting 'RDPMEDIC_ALERT_AUTH'
if ($alertAuth -notin @('entra', 'function-key')) { throw "alert-receiver-key: RDPMEDIC_ALERT_AUTH must be entra or function-key, not '$alertAuth'." }
$siteId = Get-RequiredSetting 'AZURE_FUNCTION_APP_ID'
$functionName = Get-RequiredSetting 'RDPMEDIC_ALERT_FUNCTION_NAME'
$actionGroupId = Get-RequiredSetting 'RDPMEDIC_ACTION_GROUP_ID'
$armEndpoint = (Get-RequiredSetting 'RDPMEDIC_ARM_ENDPOINT').TrimEnd('/')
$retrySeconds = [int]([Environment]::GetEnvironmentVariable('RDPMEDIC_HOOK_RETRY_SECONDS') ?? '15')
$attempts = [int]([Environment]::GetEnvironmentVariable('RDPMEDIC_HOOK_ATTEMPTS') ?? '20')
foreach ($id in @($siteId, $actionGroupId)) {
  if ($id -notmatch '^/subscriptions/[0-9a-fA-F-]{36}/resourceGroups/[^/]+/providers/[^/]+/[^/]+/[^/]+$') { throw "alert-receiver-key: '$id' is not a resource ID." }
}
if ($functionName -notmatch '^[A-Za-z][A-Za-z0-9_-]{0,127}$') { throw "alert-receiver-key: '$functionName' is not a function name." }

function Get-ArmToken {
  $token = [Environment]::GetEnvironmentVariable('RDPMEDIC_ARM_ACCESS_TOKEN')
  if (-not [string]::IsNullOrWhiteSpace($token)) { return $token.Trim() }
  if (Get-Command azd -ErrorAction SilentlyContinue) {
    $out = & azd auth token --scope "$armEndpoint/.default" --output json 2>$null
    if ($LASTEXITCODE -eq 0 -and $out) { return ($out | ConvertFrom-Json).token }
  }
  if (Get-Command az -ErrorAction SilentlyContinue) {
    $out = & az account get-access-token --resource "$armEndpoint/" --query accessToken --output tsv 2>$null
    if ($LASTEXITCODE -eq 0 -and $out) { return $out.Trim() }
  }
  throw 'alert-receiver-key: no Azure Resource Manager token: sign in with azd auth login (or az login), or set RDPMEDIC_ARM_ACCESS_TOKEN.'
}
$headers = @{ Authorization = "Bearer $(Get-ArmToken)" }

# One ARM call; 429 and 5xx (and 404 when $RetryNotFound) are retried, honouring Retry-After. Returns status and body.
function Invoke-Arm([string] $Method, [string] $Path, [string] $ApiVersion, $Body = $null, [switch] $RetryNotFound) {
  $uri = "$armEndpoint$Path`?api-version=$ApiVersion"
  for ($attempt = 1; ; $attempt++) {
    $request = @{ Method = $Method; Uri = $uri; Headers = $headers; SkipHttpErrorCheck = $true }
    if ($null -ne $Body) { $request.Body = ($Body | ConvertTo-Json -Depth 32 -Compress); $request.ContentType = 'application/json' }
    $response = Invoke-WebRequest @request
    $status = [int]$response.StatusCode
    $parsed = if ($response.Content) { $response.Content | ConvertFrom-Json -AsHashtable } else { $null }
    $transient = $status -eq 429 -or $status -ge 500 -or ($RetryNotFound -and $status -eq 404)
    if (-not $transient -or $attempt -ge $attempts) { return @{ Status = $status; Body = $parsed } }
    $wait = $retrySeconds
    $retryAfter = $response.Headers['Retry-After']
    if ($retryAfter) { $wait = [Math]::Min([Math]::Max([int]"$retryAfter", $retrySeconds), 120) }
    Write-Host "alert-receiver-key: $Method $Path answered $status; trying again in $wait s ($attempt/$attempts)"
    Start-Sleep -Seconds $wait
  }
}

function Assert-Success($Result, [string] $What) {
  if ($Result.Status -lt 200 -or $Result.Status -ge 300) {
    $err = if ($Result.Body -and $Result.Body.ContainsKey('error')) { "$($Result.Body.error.code): $($Result.Body.error.message)" } else { "HTTP $($Result.Status)" }
    throw "alert-receiver-key: $What failed: $err"
  }
}

$functionPath = "$siteId/functions/$functionName"
$waitForFunction = $Stage -eq 'postdeploy'
$keys = Invoke-Arm -Method POST -Path "$functionPath/listkeys" -ApiVersion $WebApiVersion -RetryNotFound:$waitForFunction
if ($keys.Status -eq 404) {
  if ($Stage -eq 'postprovision') {
    Write-Host "alert-receiver-key: the $functionName function is not deployed yet; the postdeploy run sets up its receiver."
    exit 0
  }
  throw "alert-receiver-key: the $functionName function does not exist in $siteId after deploy (checked $attempts times). Is the package deployed?"
}
Assert-Success $keys "reading the $functionName function's keys"
# A string dictionary, key name -> value: at the top level as ARM answers it, or under properties as the REST spec's
# StringDictionary describes it.
$keyBody = $keys.Body ?? @{}
$keyTable = if ($keyBody.ContainsKey('properties') -and $keyBody.properties -is [hashtable]) { $keyBody.properties } else { $keyBody }

if ($alertAuth -eq 'entra') {
  if ($keyTable.ContainsKey($KeyName)) {
    $deleted = Invoke-Arm -Method DELETE -Path "$functionPath/keys/$KeyName" -ApiVersion $WebApiVersion
    if ($deleted.Status -ne 404) { Assert-Success $deleted "deleting the unused $KeyName key" }
    Write-Host "alert-receiver-key: ALERT_AUTH is entra (secure webhook); deleted the $KeyName function key, which nothing uses any more."
  } else {
    Write-Host 'alert-receiver-key: ALERT_AUTH is entra (secure webhook); no function key to manage.'
  }
  exit 0
}

if ($keyTable.ContainsKey($KeyName) -and -not [string]::IsNullOrEmpty($keyTable[$KeyName])) {
  $key = $keyTable[$KeyName]
  Write-Host "alert-receiver-key: the $functionName function's $KeyName key exists; keeping it."
} else {
  $bytes = [System.Security.Cryptography.RandomNumberGenerator]::GetBytes(40)
  $value = [Convert]::ToBase64String($bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_')
  # KeyInfo: name and value at the top level (the Microsoft.Web/sites/functions/keys resource has no properties bag).
  $created = Invoke-Arm -Method PUT -Path "$functionPath/keys/$KeyName" -ApiVersion $WebApiVersion -Body @{ name = $KeyName; value = $value } -RetryNotFound:$waitForFunction
  Assert-Success $created "creating the $KeyName key"
  # The value the host stored (it answers with the key it keeps).
  $props = if ($created.Body.ContainsKey('properties') -and $created.Body.properties -is [hashtable]) { $created.Body.properties } else { $created.Body }
  $key = $props.value
  Write-Host "alert-receiver-key: created the $functionName function's $KeyName key."
}

$site = Invoke-Arm -Method GET -Path $siteId -ApiVersion $WebApiVersion
Assert-Success $site 'reading the function app'
$url = "https://$($site.Body.properties.defaultHostName)/api/alerts?code=$([Uri]::EscapeDataString($key))"

$group = Invoke-Arm -Method GET -Path $actionGroupId -ApiVersion $ActionGroupApiVersion
Assert-Success $group 'reading the action group'
$properties = $group.Body.properties
$current = @($properties['azureFunctionReceivers'] ?? @())
$wanted = [ordered]@{
  name                  = $ReceiverName
  functionAppResourceId = $siteId
  functionName          = $functionName
  httpTriggerUrl        = $url
  useCommonAlertSchema  = $true
}
$upToDate = $current.Count -eq 1 -and $current[0].name -eq $ReceiverName -and $current[0].httpTriggerUrl -eq $url -and
  $current[0].functionName -eq $functionName -and $current[0].functionAppResourceId -eq $siteId -and $current[0].useCommonAlertSchema -eq $true -and
  @($properties['webhookReceivers'] ?? @()).Count -eq 0
if ($upToDate) {
  Write-Host 'alert-receiver-key: the action group already calls the Alerts function with its own key; nothing to change.'
  exit 0
}
$properties['azureFunctionReceivers'] = @($wanted)
$properties['webhookReceivers'] = @()
$body = [ordered]@{ location = $group.Body.location; properties = $properties }
if ($group.Body.ContainsKey('tags')) { $body.tags = $group.Body.tags }
$updated = Invoke-Arm -Method PUT -Path $actionGroupId -ApiVersion $ActionGroupApiVersion -Body $body
Assert-Success $updated 'updating the action group'
Write-Host "alert-receiver-key: the action group now calls https://$($site.Body.properties.defaultHostName)/api/alerts with the $functionName function's own key."
