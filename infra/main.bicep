metadata description = 'RDP Medic: repairs Azure Windows VMs whose Remote Desktop fails because no RD license server provides licenses. Creates the resource group and everything in it, the remediator role and its assignments, and the signals (data collection rule, alert, action group).'

targetScope = 'subscription'

import { appSettingValues, tagMap } from 'modules/types.bicep'

// ---------- Where and what to call things ----------

@description('Environment name: part of every resource name (azd sets it from AZURE_ENV_NAME).')
@minLength(1)
@maxLength(32)
param environmentName string

@description('Azure region for the resources; one where Flex Consumption is offered. Defaults to the deployment location.')
param location string = deployment().location

@description('Resource group to create (or update).')
param resourceGroupName string = 'rg-rdpmedic-${environmentName}'

@description('Tags on the resource group and every resource.')
param tags tagMap = {}

// ---------- What RDP Medic may touch ----------

@description('Subscriptions (/subscriptions/<id>) and resource groups (/subscriptions/<id>/resourceGroups/<name>) whose VMs RDP Medic may repair: ALLOWED_SCOPES, the remediator role\'s assignable scopes, and where it is assigned.')
@minLength(1)
param targetScopes string[]

@description('Roll back by OS-disk swap when a fix cannot be verified: adds what that needs to the remediator role (disk write, VM deallocate, start and write, NIC join) and sets RESTORE_OS_DISK_ON_FAILURE to the same value, so the app never tries a restore the role does not allow.')
param enableOsDiskRestore bool = false

@description('Name of the remediator custom role (unique in the tenant).')
param remediatorRoleName string = 'RDP Medic Remediator (${environmentName})'

@description('Other Log Analytics workspaces the compliance sweep queries (resource IDs); the identity gets Log Analytics Reader on each, and on the workspace this deployment creates. SWEEP_WORKSPACE_IDS lists their workspace IDs (customerId), the created one first.')
param sweepWorkspaceResourceIds string[] = []

// ---------- Policy: the app settings (src/config.ts) ----------

@description('LICENSE_SERVERS: RD license servers (FQDN, host name or IP) session hosts must use; at most 10.')
@minLength(1)
@maxLength(10)
param licenseServers string[]

@description('LICENSING_MODE: 4 = per user, 2 = per device.')
param licensingMode '2' | '4' = '4'

@description('NO_CALS_ACTION: report (needs a person) or remove-rdsh-role (after approval).')
param noCalsAction 'report' | 'remove-rdsh-role' = 'report'

@description('REMOVE_UNUSED_LICENSING_ROLE: also remove an RD Licensing role no configuration uses.')
param removeUnusedLicensingRole bool = false

@description('LOGS_ENDPOINT: Log Analytics query endpoint, including /v1 (change it for sovereign clouds).')
param logsEndpoint string = 'https://api.loganalytics.io/v1'

@description('TASK_HUB_NAME: Durable Functions task hub (3-45 letters and digits, starting with a letter).')
@minLength(3)
@maxLength(45)
param taskHubName string = 'RdpMedic'

@description('OPT_OUT_TAG: a VM with this tag set to true is diagnosed but never changed.')
param optOutTag string = 'rdp-medic-opt-out'

@description('SNAPSHOT_RETENTION_DAYS: days a pre-fix OS-disk snapshot is kept.')
@minValue(1)
@maxValue(365)
param snapshotRetentionDays int = 7

@description('SNAPSHOT_EXPIRY_SCHEDULE: when expired snapshots this app created are deleted; NCRONTAB, six fields (second minute hour day month day-of-week).')
param snapshotExpirySchedule string = '0 30 3 * * *'

@description('KILL_SWITCH: true = runs diagnose and report but change nothing.')
param killSwitch bool = false

@description('POLL_INTERVAL_SECONDS: wait between polls of a long Azure operation.')
@minValue(1)
@maxValue(600)
param pollIntervalSeconds int = 15

@description('OPERATION_TIMEOUT_MINUTES: longest wait for one Azure operation or for the VM agent after a restart.')
@minValue(1)
@maxValue(180)
param operationTimeoutMinutes int = 30

@description('APPROVAL_TIMEOUT_HOURS: how long a run waits for approval of a risky step before it ends with no change.')
@minValue(1)
@maxValue(336)
param approvalTimeoutHours int = 24

@description('ENTRA_AUDIENCE: Application ID URI of the API app registration; people (app roles Operator, Approver) and a secure-webhook action group (ActionGroupsSecureWebhook) send tokens for it. Empty = every endpoint that needs a token refuses.')
param entraAudience string = ''

@description('ENTRA_CLIENT_ID: client ID of the API app registration (aud of v2 tokens); needs entraAudience.')
param entraClientId string = ''

@description('ENTRA_ISSUER: exact iss of those tokens (https://sts.windows.net/<tenant>/ or https://login.microsoftonline.com/<tenant>/v2.0); set together with entraAudience.')
param entraIssuer string = ''

@description('ALERT_AUTH: how /api/alerts knows the action group: entra (secure webhook token with ActionGroupsSecureWebhook) or function-key (the alerts function\'s own key).')
@allowed(['entra', 'function-key'])
param alertAuth string = 'entra'

@description('ALLOW_SELF_APPROVAL: true lets the identity that started a run also approve it (small teams); default four eyes.')
param allowSelfApproval bool = false

// ---------- Guards: the run ledger and the limits it feeds (LEDGER_TABLE_ENDPOINT is this deployment's storage) ----------

@description('LEDGER_TABLE_NAME: ledger table in the app\'s storage account (3-63 letters and digits, starting with a letter; created on first use). Sweep results go to a table named after it.')
@minLength(3)
@maxLength(63)
param ledgerTableName string = 'RdpMedicRuns'

@description('COOLDOWN_MINUTES: after a run changed a VM, the VM is not changed again for this long (0 = no cooldown).')
@minValue(0)
@maxValue(10080)
param cooldownMinutes int = 60

@description('RECURRENCE_LIMIT: when a VM needed a fix this many times within recurrenceWindowDays, the next run stops at needs-human.')
@minValue(1)
@maxValue(100)
param recurrenceLimit int = 3

@description('RECURRENCE_WINDOW_DAYS: the window of recurrenceLimit, in days.')
@minValue(1)
@maxValue(90)
param recurrenceWindowDays int = 7

@description('BREAKER_THRESHOLD: when this many VMs of one license server needed a fix within breakerWindowMinutes and the server does not answer properly, no VM is changed for that server.')
@minValue(2)
@maxValue(10000)
param breakerThreshold int = 5

@description('BREAKER_WINDOW_MINUTES: the window of breakerThreshold, in minutes.')
@minValue(1)
@maxValue(10080)
param breakerWindowMinutes int = 60

@description('MAX_CONCURRENT_REMEDIATIONS: blast radius, the most runs that change VMs at once; the others wait their turn.')
@minValue(1)
@maxValue(1000)
param maxConcurrentRemediations int = 5

@description('NOTIFY_WEBHOOK_URL: HTTPS URL a JSON summary is POSTed to when a run needs a person (Teams, Logic Apps); empty = no notifications. Secure: such URLs carry a signature in their query. It is never an output.')
@secure()
param notifyWebhookUrl string = ''

@description('RDP_PROBE_HOST_SUFFIX: DNS domain under which the app reaches the VMs (<computer name>.<suffix>:3389) to negotiate RDP after a fix; empty = only the in-guest verify.')
@maxLength(253)
param rdpProbeHostSuffix string = ''

@description('RDP_PROBE_ADDRESS_RANGES: CIDR ranges the VM tag rdp-medic-rdp-host may point the app\'s RDP check at.')
param rdpProbeAddressRanges string[] = []

@description('RDP_PROBE_PORTS: TCP ports the app\'s RDP check may use; the first is the default.')
param rdpProbePorts int[] = [3389]

// ---------- Compliance sweep ----------

@description('SWEEP_SCHEDULE: when the compliance sweep runs; NCRONTAB, six fields (second minute hour day month day-of-week), UTC.')
param sweepSchedule string = '0 0 2 * * *'

@description('SWEEP_POLICY: report (changes nothing) or remediate (starts a remediation run for each VM it can fix).')
param sweepPolicy 'report' | 'remediate' = 'report'

@description('SWEEP_MAX_CONCURRENCY: most VMs a sweep checks at once (it starts with one and doubles per clean wave).')
@minValue(1)
@maxValue(1000)
param sweepMaxConcurrency int = 50

@description('SWEEP_MAX_ERRORS: a sweep starts no new check once this many checks have failed.')
@minValue(1)
@maxValue(10000)
param sweepMaxErrors int = 10

@description('SWEEP_MAX_REMEDIATIONS: most remediation runs one sweep starts when sweepPolicy is remediate.')
@minValue(0)
@maxValue(10000)
param sweepMaxRemediations int = 20

@description('GRACE_WARNING_DAYS: a noncompliant VM whose RD licensing grace period ends within this many days is flagged.')
@minValue(0)
@maxValue(120)
param graceWarningDays int = 14

@description('SWEEP_TAG_INCLUDE: sweep only VMs with these tags, each name=value or name (any value); empty = every Windows VM in the target scopes.')
param sweepTagInclude string[] = []

@description('SWEEP_TAG_EXCLUDE: leave VMs with any of these tags (name=value or name) out of sweeps.')
param sweepTagExclude string[] = []

@description('SYMPTOM_LOOKBACK_HOURS: how far back a sweep looks for licensing events in the workspaces.')
@minValue(1)
@maxValue(720)
param symptomLookbackHours int = 24

// ---------- Signals ----------

@description('VMs (resource IDs) to associate with the RD licensing data collection rule. They need the Azure Monitor Agent. For fleets, use the Azure Policy option in docs/deploy.md instead.')
param monitoredVmResourceIds string[] = []

@description('Name of the function behind the /api/alerts route (src/functions/http-alerts.ts registers it as Alerts); the action group\'s Azure Function receiver names it.')
param alertFunctionName string = 'Alerts'

@description('How often the alert rule runs and the window it looks back over.')
@allowed(['PT5M', 'PT10M', 'PT15M', 'PT30M', 'PT1H'])
param alertEvaluationFrequency string = 'PT15M'

@description('Alert severity, 0 (critical) to 4 (verbose).')
@minValue(0)
@maxValue(4)
param alertSeverity int = 2

// ---------- Sizing ----------

@description('Days the Log Analytics workspace keeps data.')
@minValue(30)
@maxValue(730)
param logRetentionInDays int = 30

@description('Most instances the function app scales out to.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Memory per function app instance, in MB.')
@allowed([512, 2048, 4096])
param instanceMemoryMB int = 2048

// ---------- Names ----------

var token = toLower(uniqueString(subscription().id, environmentName, location))
var allTags = union(tags, { 'azd-env-name': environmentName, application: 'rdp-medic' })
var names = {
  identity: 'id-rdpmedic-${token}'
  storage: 'strdpmedic${token}'
  workspace: 'log-rdpmedic-${token}'
  appInsights: 'appi-rdpmedic-${token}'
  plan: 'plan-rdpmedic-${token}'
  functionApp: 'func-rdpmedic-${token}'
  deploymentContainer: 'app-package-${token}'
  signals: 'rdpmedic-${token}'
}

// A scope is /subscriptions/<id> (3 segments after splitting on '/') or /subscriptions/<id>/resourceGroups/<name> (5).
var subscriptionTargets = filter(targetScopes, s => length(split(s, '/')) == 3)
var resourceGroupTargets = filter(targetScopes, s => length(split(s, '/')) == 5)
// The role definition lives in the first target's subscription; assignable scopes name every target.
var roleHomeSubscriptionId = split(targetScopes[0], '/')[2]
var remediatorRoleGuid = guid(roleHomeSubscriptionId, remediatorRoleName)
// Known before deployment, so role assignment names (guid of scope, identity, role) are too: what-if stays exact.
var identityResourceId = resourceId(
  subscription().subscriptionId,
  resourceGroupName,
  'Microsoft.ManagedIdentity/userAssignedIdentities',
  names.identity
)

// Workspace IDs (GUIDs) are only known once the workspaces are read: the created one first, then the others.
// The empty case is spelled out so nothing reads the outputs of a module loop that ran zero times.
var sweepWorkspaceCustomerIds = empty(sweepWorkspaceResourceIds)
  ? []
  : map(sweepWorkspaceReaders, reader => reader.outputs.customerId)

var settings appSettingValues = {
  allowedScopes: join(targetScopes, ',')
  licenseServers: join(licenseServers, ',')
  licensingMode: licensingMode
  noCalsAction: noCalsAction
  removeUnusedLicensingRole: removeUnusedLicensingRole ? 'true' : 'false'
  armEndpoint: environment().resourceManager
  logsEndpoint: logsEndpoint
  taskHubName: taskHubName
  optOutTag: optOutTag
  snapshotRetentionDays: string(snapshotRetentionDays)
  snapshotExpirySchedule: snapshotExpirySchedule
  killSwitch: killSwitch ? 'true' : 'false'
  pollIntervalSeconds: string(pollIntervalSeconds)
  operationTimeoutMinutes: string(operationTimeoutMinutes)
  approvalTimeoutHours: string(approvalTimeoutHours)
  entraAudience: entraAudience
  entraClientId: entraClientId
  entraIssuer: entraIssuer
  alertAuth: alertAuth
  allowSelfApproval: allowSelfApproval ? 'true' : 'false'
  sweepSchedule: sweepSchedule
  sweepPolicy: sweepPolicy
  sweepMaxConcurrency: string(sweepMaxConcurrency)
  sweepMaxErrors: string(sweepMaxErrors)
  sweepMaxRemediations: string(sweepMaxRemediations)
  graceWarningDays: string(graceWarningDays)
  sweepWorkspaceIds: join(concat([monitoring.outputs.workspaceCustomerId], sweepWorkspaceCustomerIds), ',')
  sweepTagInclude: join(sweepTagInclude, ',')
  sweepTagExclude: join(sweepTagExclude, ',')
  symptomLookbackHours: string(symptomLookbackHours)
  ledgerTableEndpoint: storage.outputs.tableEndpoint
  ledgerTableName: ledgerTableName
  cooldownMinutes: string(cooldownMinutes)
  recurrenceLimit: string(recurrenceLimit)
  recurrenceWindowDays: string(recurrenceWindowDays)
  breakerThreshold: string(breakerThreshold)
  breakerWindowMinutes: string(breakerWindowMinutes)
  maxConcurrentRemediations: string(maxConcurrentRemediations)
  rdpProbeHostSuffix: rdpProbeHostSuffix
  rdpProbeAddressRanges: join(rdpProbeAddressRanges, ',')
  rdpProbePorts: join(map(rdpProbePorts, p => string(p)), ',')
  restoreOsDiskOnFailure: enableOsDiskRestore ? 'true' : 'false'
}

// ---------- Resources ----------

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: resourceGroupName
  location: location
  tags: allTags
}

module identity 'modules/identity.bicep' = {
  name: 'rdpmedic-identity'
  scope: rg
  params: {
    name: names.identity
    location: location
    tags: allTags
  }
}

module storage 'modules/storage.bicep' = {
  name: 'rdpmedic-storage'
  scope: rg
  params: {
    name: names.storage
    location: location
    tags: allTags
    deploymentContainerName: names.deploymentContainer
    identityResourceId: identityResourceId
    principalId: identity.outputs.principalId
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'rdpmedic-monitoring'
  scope: rg
  params: {
    workspaceName: names.workspace
    appInsightsName: names.appInsights
    location: location
    tags: allTags
    retentionInDays: logRetentionInDays
    identityResourceId: identityResourceId
    principalId: identity.outputs.principalId
  }
}

module functionApp 'modules/function-app.bicep' = {
  name: 'rdpmedic-function-app'
  scope: rg
  params: {
    name: names.functionApp
    planName: names.plan
    location: location
    tags: allTags
    identityResourceId: identity.outputs.resourceId
    identityClientId: identity.outputs.clientId
    storageAccountName: names.storage
    deploymentContainerName: names.deploymentContainer
    appInsightsName: names.appInsights
    settings: settings
    notifyWebhookUrl: notifyWebhookUrl
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
  }
}

module remediatorRole 'modules/remediator-role.bicep' = {
  name: 'rdpmedic-remediator-role-${token}'
  scope: subscription(roleHomeSubscriptionId)
  params: {
    roleGuid: remediatorRoleGuid
    roleName: remediatorRoleName
    assignableScopes: targetScopes
    enableOsDiskRestore: enableOsDiskRestore
  }
}

module subscriptionAssignments 'modules/remediator-assignment-subscription.bicep' = [
  for target in subscriptionTargets: {
    name: 'rdpmedic-remediator-${uniqueString(target, token)}'
    scope: subscription(split(target, '/')[2])
    params: {
      roleGuid: remediatorRoleGuid
      identityResourceId: identityResourceId
      principalId: identity.outputs.principalId
    }
    dependsOn: [remediatorRole]
  }
]

module resourceGroupAssignments 'modules/remediator-assignment-resource-group.bicep' = [
  for target in resourceGroupTargets: {
    name: 'rdpmedic-remediator-${uniqueString(target, token)}'
    scope: resourceGroup(split(target, '/')[2], split(target, '/')[4])
    params: {
      roleGuid: remediatorRoleGuid
      identityResourceId: identityResourceId
      principalId: identity.outputs.principalId
    }
    dependsOn: [remediatorRole]
  }
]

module ownWorkspaceReader 'modules/workspace-reader.bicep' = {
  name: 'rdpmedic-workspace-reader'
  scope: rg
  params: {
    workspaceName: names.workspace
    identityResourceId: identityResourceId
    principalId: identity.outputs.principalId
  }
  dependsOn: [monitoring]
}

module sweepWorkspaceReaders 'modules/workspace-reader.bicep' = [
  for workspaceId in sweepWorkspaceResourceIds: {
    name: 'rdpmedic-workspace-reader-${uniqueString(workspaceId, token)}'
    scope: resourceGroup(split(workspaceId, '/')[2], split(workspaceId, '/')[4])
    params: {
      workspaceName: last(split(workspaceId, '/'))
      identityResourceId: identityResourceId
      principalId: identity.outputs.principalId
    }
  }
]

module signals 'modules/signals.bicep' = {
  name: 'rdpmedic-signals'
  scope: rg
  params: {
    namePrefix: names.signals
    location: location
    tags: allTags
    workspaceResourceId: monitoring.outputs.workspaceResourceId
    functionAppName: names.functionApp
    alertFunctionName: alertFunctionName
    alertEvaluationFrequency: alertEvaluationFrequency
    alertSeverity: alertSeverity
  }
  dependsOn: [functionApp]
}

module dcrAssociations 'modules/dcr-association.bicep' = [
  for vmId in monitoredVmResourceIds: {
    name: 'rdpmedic-dcr-${uniqueString(vmId, token)}'
    scope: resourceGroup(split(vmId, '/')[2], split(vmId, '/')[4])
    params: {
      vmName: last(split(vmId, '/'))
      dataCollectionRuleId: signals.outputs.dataCollectionRuleId
      associationName: 'rdpmedic-rd-licensing'
    }
  }
]

// ---------- Outputs (azd reads the upper-case ones into its environment) ----------

@description('Region of the resources.')
output AZURE_LOCATION string = location

@description('Tenant of the deployment.')
output AZURE_TENANT_ID string = tenant().tenantId

@description('Resource group holding RDP Medic.')
output AZURE_RESOURCE_GROUP string = rg.name

@description('Function app name (azd deploys the api service to it).')
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name

@description('Client ID of the managed identity the app runs as.')
output AZURE_CLIENT_ID string = identity.outputs.clientId

@description('Resource ID of the remediator custom role, in its home subscription.')
output REMEDIATOR_ROLE_ID string = remediatorRole.outputs.resourceId

@description('Data collection rule to associate more VMs with.')
output DATA_COLLECTION_RULE_ID string = signals.outputs.dataCollectionRuleId

@description('Log Analytics workspace the events land in.')
output LOG_ANALYTICS_WORKSPACE_ID string = monitoring.outputs.workspaceResourceId
