metadata description = 'RDP Medic: repairs Azure Windows VMs whose Remote Desktop fails because no RD license server provides licenses. Creates the resource group and everything in it, the remediator role and its assignments, and the signals (data collection rule, alert, action group).'

targetScope = 'subscription'

import { appSettingValues, tagMap } from 'modules/types.bicep'
import { isGuid, isValidScope, normalizedScope } from 'modules/scope.bicep'
import { onboardingAssignment } from 'modules/onboarding-types.bicep'

// ---------- Where and what to call things ----------

@description('Environment name: part of every resource name (azd sets it from AZURE_ENV_NAME).')
@minLength(1)
@maxLength(32)
param environmentName string

// Regions that offer the Flex Consumption plan (as Microsoft's Functions azd quickstarts list them; check a region
// with `az functionapp list-flexconsumption-locations`). azd offers only these when it asks for the location.
@description('Azure region for the resources: one where the Flex Consumption plan is offered (azd: AZURE_LOCATION, which azd asks for from this list).')
@allowed([
  'australiaeast'
  'australiasoutheast'
  'brazilsouth'
  'canadacentral'
  'centralindia'
  'centralus'
  'eastasia'
  'eastus'
  'eastus2'
  'francecentral'
  'germanywestcentral'
  'italynorth'
  'japaneast'
  'koreacentral'
  'northcentralus'
  'northeurope'
  'norwayeast'
  'southafricanorth'
  'southcentralus'
  'southeastasia'
  'southindia'
  'spaincentral'
  'swedencentral'
  'uaenorth'
  'uksouth'
  'ukwest'
  'westcentralus'
  'westeurope'
  'westus'
  'westus2'
  'westus3'
])
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Resource group to create (or update).')
param resourceGroupName string = 'rg-rdpmedic-${environmentName}'

@description('Tags on the resource group and every resource.')
param tags tagMap = {}

// ---------- What RDP Medic may touch ----------

@description('Subscriptions (/subscriptions/<id>) and resource groups (/subscriptions/<id>/resourceGroups/<name>) whose VMs RDP Medic may repair: ALLOWED_SCOPES, the remediator role\'s assignable scopes, where it is assigned, and where the onboarding policies are assigned. Normalised exactly as the app parses ALLOWED_SCOPES (modules/scope.bicep); anything the app would refuse fails the deployment before a resource is created.')
@minLength(1)
@maxLength(50)
param targetScopes string[]

@description('Roll back by OS-disk swap when a fix cannot be verified: adds what that needs to the remediator role (disk write, VM deallocate, start and write, NIC join) and sets RESTORE_OS_DISK_ON_FAILURE to the same value, so the app never tries a restore the role does not allow.')
param enableOsDiskRestore bool = false

@description('Name of the remediator custom role (unique in the tenant).')
param remediatorRoleName string = 'RDP Medic Remediator (${environmentName})'

@description('Other Log Analytics workspaces the compliance sweep queries (resource IDs); the identity gets Log Analytics Reader on each, and on the workspace this deployment creates. SWEEP_WORKSPACE_IDS lists their workspace IDs (customerId), the created one first.')
param sweepWorkspaceResourceIds string[] = []

// ---------- Policy: the app settings (src/config.ts) ----------

@description('LICENSE_SERVERS: RD license servers (FQDN, host name or IP) session hosts must use; 1 to 10, each without spaces or commas. No default: a wrong server written into real VMs breaks them.')
@minLength(1)
@maxLength(10)
param licenseServers string[]

@description('LICENSING_MODE: 4 = per user, 2 = per device.')
param licensingMode '2' | '4' = '4'

@description('NO_CALS_ACTION: report (needs a person) or remove-rdsh-role (after approval).')
param noCalsAction 'report' | 'remove-rdsh-role' = 'report'

@description('REMOVE_UNUSED_LICENSING_ROLE: an RD Licensing role no setting on the host uses and that issued no CALs is drift, removed under sweepPolicy enforce after approval.')
param removeUnusedLicensingRole bool = false

@description('RESTART_WITH_USERS: what a needed restart does while users are signed in: approve (a person approves), wait (for maintenanceWindow) or force.')
param restartWithUsers 'approve' | 'wait' | 'force' = 'approve'

@description('MAINTENANCE_WINDOW: when restarts with users signed in may happen under restartWithUsers wait, UTC: [days ]HH:MM-HH:MM, e.g. Sat,Sun 02:00-05:00; empty = none.')
@maxLength(64)
param maintenanceWindow string = ''

@description('LOGS_ENDPOINT: Log Analytics query endpoint, including /v1 (change it for sovereign clouds).')
param logsEndpoint string = 'https://api.loganalytics.io/v1'

@description('Durable Functions backend: azure-storage (queues, tables and blobs in the app\'s storage account) or durable-task-scheduler (a Durable Task Scheduler with a task hub named taskHubName, reached with the app\'s identity), as Microsoft\'s Durable Functions azd quickstart deploys it.')
param durableBackend 'azure-storage' | 'durable-task-scheduler' = 'azure-storage'

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

@description('ENTRA_CLIENT_ID: client (application) ID of RDP Medic\'s API app registration, the one with the app roles Operator, Approver and ActionGroupsSecureWebhook (docs/deploy.md, "The API app registration"). Every human endpoint requires a token for it.')
param entraClientId string

@description('ENTRA_AUDIENCE: the API\'s Application ID URI (identifierUri); tokens\' aud must be it or entraClientId. Defaults to api://<entraClientId>.')
param entraAudience string = 'api://${entraClientId}'

@description('ENTRA_ISSUER: exact iss of the tokens. Defaults to the v1 issuer of this tenant (the API app registration accepts v1 tokens unless its manifest says otherwise; set https://login.microsoftonline.com/<tenant>/v2.0 for v2).')
param entraIssuer string = 'https://sts.windows.net/${tenant().tenantId}/'

@description('ALERT_AUTH: how the action group proves itself on POST /api/alerts. entra = a Microsoft Entra secure webhook (token with role ActionGroupsSecureWebhook; needs entraApplicationObjectId); function-key = the Alerts function\'s own key named action-group, made after deploy by the azd hooks (infra/hooks/alert-receiver-key.ps1). Never the host\'s keys.')
param alertAuth 'entra' | 'function-key' = 'entra'

@description('Object ID of the API app registration (not its client ID): the secure webhook names it. Required when alertAuth is entra.')
param entraApplicationObjectId string = ''

@description('ALLOW_SELF_APPROVAL: true lets the identity that started a run also approve or reject it (small teams); default false: four eyes.')
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

@description('SWEEP_POLICY: report (changes nothing), remediate (starts a remediation run for each broken VM it can fix) or enforce (also for drift from the policy).')
param sweepPolicy 'report' | 'remediate' | 'enforce' = 'report'

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

@description('Onboard the fleet by Azure Policy: on every target scope, built-in policies install the Azure Monitor Agent on Windows VMs and associate them with the RD licensing data collection rule (new VMs as they come, existing ones by remediation tasks). false = only the VMs in monitoredVmResourceIds.')
param onboardByPolicy bool = true

@description('With onboardByPolicy: true = every VM whose OS disk is Windows, including custom and gallery images (the policies\' scopeToSupportedImages=false); false = only the marketplace images the policies list, plus policyImageIds.')
param policyAllWindowsImages bool = true

@description('With onboardByPolicy: image IDs (custom images, gallery image versions) the policies treat as supported Windows images.')
param policyImageIds string[] = []

@description('With onboardByPolicy: also assign the built-in policies that add a system-assigned managed identity to VMs that have none or only user-assigned ones; the Azure Monitor Agent authenticates with it. false = such VMs get the agent but send nothing until they have one.')
param policyAddSystemIdentity bool = true

@description('Changes at every deployment (its default is the deployment time): each deployment starts fresh policy remediation tasks for VMs that are not onboarded yet. Leave it to the default.')
param onboardingRun string = utcNow()

@description('VMs (resource IDs) to associate with the RD licensing data collection rule directly (they need the Azure Monitor Agent), in addition to or instead of the policies.')
param monitoredVmResourceIds string[] = []

@description('Name of the function behind the /api/alerts route (src/functions/http-alerts.ts registers it as Alerts); the function-key receiver names it.')
param alertFunctionName string = 'Alerts'

@description('How often the alert rule runs.')
@allowed(['PT5M', 'PT10M', 'PT15M', 'PT30M'])
param alertEvaluationFrequency string = 'PT15M'

@description('The window each run looks back over; longer than alertEvaluationFrequency, so an event ingested late is still counted.')
@allowed(['PT10M', 'PT15M', 'PT30M', 'PT45M', 'PT1H', 'PT2H'])
param alertWindowSize string = 'PT30M'

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
  scheduler: 'dts-rdpmedic-${token}'
}

// ---------- Validation: everything that can be checked before a resource is created ----------
// Azure evaluates these variables when it validates the template, before it creates anything; fail() stops the
// deployment there with a message naming the parameter.

var invalidTargetScopes = filter(targetScopes, s => !isValidScope(s))
// Normalised as the app will read them, duplicates (after normalising) removed.
var scopes = empty(invalidTargetScopes)
  ? union(map(targetScopes, s => normalizedScope(s)), [])
  : fail('targetScopes (RDPMEDIC_TARGET_SCOPES): not /subscriptions/<guid> or /subscriptions/<guid>/resourceGroups/<name>: "${join(invalidTargetScopes, '", "')}"')
var invalidLicenseServers = filter(
  licenseServers,
  n => empty(n) || length(n) > 253 || contains(n, ',') || contains(n, ' ') || contains(n, '\t') || contains(n, ';')
)
var licenseServerList = empty(invalidLicenseServers)
  ? licenseServers
  : fail('licenseServers (RDPMEDIC_LICENSE_SERVERS): each must be one FQDN, host name or IP address without spaces, commas or semicolons: "${join(invalidLicenseServers, '", "')}"')
var entraClientIdChecked = isGuid(entraClientId)
  ? entraClientId
  : fail('entraClientId (RDPMEDIC_ENTRA_CLIENT_ID): must be the API app registration\'s client ID, a GUID; got "${entraClientId}"')
var entraApplicationObjectIdChecked = alertAuth != 'entra' || isGuid(entraApplicationObjectId)
  ? entraApplicationObjectId
  : fail('entraApplicationObjectId (RDPMEDIC_ENTRA_APP_OBJECT_ID): alertAuth is entra, so the secure webhook needs the API app registration\'s object ID, a GUID; got "${entraApplicationObjectId}"')
var maintenanceWindowChecked = restartWithUsers != 'wait' || !empty(trim(maintenanceWindow))
  ? maintenanceWindow
  : fail('maintenanceWindow (RDPMEDIC_MAINTENANCE_WINDOW): restartWithUsers is wait, so restarts with users signed in need a window, e.g. Sat,Sun 02:00-05:00 (UTC)')
var entraAudienceChecked = !empty(entraAudience) && !contains(entraAudience, ' ') && length(entraAudience) <= 512
  ? entraAudience
  : fail('entraAudience: must be one Application ID URI (e.g. api://<client id>) without spaces')
var entraIssuerChecked = startsWith(entraIssuer, 'https://') && !contains(entraIssuer, '?') && !contains(entraIssuer, '#')
  ? entraIssuer
  : fail('entraIssuer: must be the https issuer of the tokens, e.g. https://sts.windows.net/<tenant>/, without query or fragment')
// ISO 8601 minutes of the allowed frequency and window values.
var durationMinutes = {
  PT5M: 5
  PT10M: 10
  PT15M: 15
  PT30M: 30
  PT45M: 45
  PT1H: 60
  PT2H: 120
}
var alertWindow = durationMinutes[alertWindowSize] > durationMinutes[alertEvaluationFrequency]
  ? alertWindowSize
  : fail('alertWindowSize (${alertWindowSize}) must be longer than alertEvaluationFrequency (${alertEvaluationFrequency}), or events ingested late are never counted')
var invalidMonitoredVms = filter(
  monitoredVmResourceIds,
  id => length(split(id, '/')) != 9 || !isValidScope(join(take(split(id, '/'), 5), '/')) || toLower(split(id, '/')[6]) != 'microsoft.compute' || toLower(split(id, '/')[7]) != 'virtualmachines'
)
var monitoredVms = empty(invalidMonitoredVms)
  ? monitoredVmResourceIds
  : fail('monitoredVmResourceIds (RDPMEDIC_MONITORED_VMS): not /subscriptions/<guid>/resourceGroups/<name>/providers/Microsoft.Compute/virtualMachines/<name>: "${join(invalidMonitoredVms, '", "')}"')

// A scope is /subscriptions/<id> (3 segments after splitting on '/') or /subscriptions/<id>/resourceGroups/<name> (5).
var subscriptionTargets = filter(scopes, s => length(split(s, '/')) == 3)
var resourceGroupTargets = filter(scopes, s => length(split(s, '/')) == 5)
// The role definition lives in the first target's subscription; assignable scopes name every target.
var roleHomeSubscriptionId = split(scopes[0], '/')[2]
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

// ---------- Fleet onboarding: built-in policies on every target scope (docs/deploy.md, "Fleet onboarding") ----------
var builtInRoles = {
  virtualMachineContributor: '9980e02c-c2be-4d73-94e8-173b1dc7cf3c'
  monitoringContributor: '749f88d5-cbae-40b8-bcfc-e573ddc772fa'
  logAnalyticsContributor: '92aaf0da-9dab-42b6-94a3-d43ce8d16293'
}
var dataCollectionRuleId = resourceId(
  subscription().subscriptionId,
  resourceGroupName,
  'Microsoft.Insights/dataCollectionRules',
  '${names.signals}-rd-licensing'
)
var systemIdentityAssignments onboardingAssignment[] = policyAddSystemIdentity
  ? [
      {
        // Modify: identity.type = SystemAssigned where a VM has none. The definition names Contributor; the one
        // write it makes (a VM's identity) is in Virtual Machine Contributor, so that narrower role is granted.
        key: 'vm-identity'
        definitionGuid: '3cf2ab00-13f1-4d0c-8971-2ac904541a7e'
        displayName: 'RDP Medic: add a system-assigned identity to VMs with no identity'
        parameters: {}
        roles: [builtInRoles.virtualMachineContributor]
        rolesOnRuleResourceGroup: false
      }
      {
        // Modify: adds SystemAssigned beside the user-assigned identities a VM has.
        key: 'vm-identity-ua'
        definitionGuid: '497dff13-db2a-4c0f-8603-28fa3b331ab6'
        displayName: 'RDP Medic: add a system-assigned identity to VMs with only user-assigned identities'
        parameters: {}
        roles: [builtInRoles.virtualMachineContributor]
        rolesOnRuleResourceGroup: false
      }
    ]
  : []
var onboardingAssignments onboardingAssignment[] = onboardByPolicy
  ? concat(
      [
        {
          // DeployIfNotExists: the AzureMonitorWindowsAgent extension, authenticating with the VM's system-assigned identity.
          key: 'ama'
          definitionGuid: 'ca817e41-e85a-4783-bc7f-dc532d36235e'
          displayName: 'RDP Medic: Azure Monitor Agent on Windows VMs'
          parameters: {
            scopeToSupportedImages: { value: !policyAllWindowsImages }
            listOfWindowsImageIdToInclude: { value: policyImageIds }
          }
          roles: [builtInRoles.virtualMachineContributor]
          rolesOnRuleResourceGroup: false
        }
        {
          // DeployIfNotExists: the association of each Windows VM with the RD licensing data collection rule.
          key: 'dcr'
          definitionGuid: 'eab1f514-22e3-42e3-9a1f-e1dc9199355c'
          displayName: 'RDP Medic: Windows VMs associated with the RD licensing data collection rule'
          parameters: {
            dcrResourceId: { value: dataCollectionRuleId }
            resourceType: { value: 'Microsoft.Insights/dataCollectionRules' }
            scopeToSupportedImages: { value: !policyAllWindowsImages }
            listOfWindowsImageIdToInclude: { value: policyImageIds }
          }
          roles: [builtInRoles.monitoringContributor, builtInRoles.logAnalyticsContributor]
          rolesOnRuleResourceGroup: true
        }
      ],
      systemIdentityAssignments
    )
  : []

var settings appSettingValues = {
  allowedScopes: join(scopes, ',')
  licenseServers: join(licenseServerList, ',')
  licensingMode: licensingMode
  noCalsAction: noCalsAction
  removeUnusedLicensingRole: removeUnusedLicensingRole ? 'true' : 'false'
  restartWithUsers: restartWithUsers
  maintenanceWindow: maintenanceWindowChecked
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
  entraAudience: entraAudienceChecked
  entraIssuer: entraIssuerChecked
  entraClientId: entraClientIdChecked
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

resource rg 'Microsoft.Resources/resourceGroups@2025-04-01' = {
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
    durableBackend: durableBackend
    durableTaskSchedulerEndpoint: durableBackend == 'durable-task-scheduler' ? durableTaskScheduler!.outputs.endpoint : ''
    settings: settings
    notifyWebhookUrl: notifyWebhookUrl
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
  }
}

module durableTaskScheduler 'modules/durable-task-scheduler.bicep' = if (durableBackend == 'durable-task-scheduler') {
  name: 'rdpmedic-durable-task-scheduler'
  scope: rg
  params: {
    name: names.scheduler
    location: location
    tags: allTags
    taskHubName: taskHubName
    identityResourceId: identityResourceId
    principalId: identity.outputs.principalId
  }
}

module remediatorRole 'modules/remediator-role.bicep' = {
  name: 'rdpmedic-remediator-role-${token}'
  scope: subscription(roleHomeSubscriptionId)
  params: {
    roleGuid: remediatorRoleGuid
    roleName: remediatorRoleName
    assignableScopes: scopes
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
    alertAuth: alertAuth
    entraAudience: entraAudienceChecked
    entraApplicationObjectId: entraApplicationObjectIdChecked
    alertEvaluationFrequency: alertEvaluationFrequency
    alertWindowSize: alertWindow
    alertSeverity: alertSeverity
  }
  dependsOn: [functionApp]
}

module subscriptionOnboarding 'modules/onboarding-subscription.bicep' = [
  for target in subscriptionTargets: if (onboardByPolicy) {
    name: 'rdpmedic-onboarding-${uniqueString(target, token)}'
    scope: subscription(split(target, '/')[2])
    params: {
      assignments: onboardingAssignments
      nameSuffix: token
      location: location
      ruleSubscriptionId: subscription().subscriptionId
      ruleResourceGroupName: resourceGroupName
      remediationRun: onboardingRun
    }
    dependsOn: [signals]
  }
]

module resourceGroupOnboarding 'modules/onboarding-resource-group.bicep' = [
  for target in resourceGroupTargets: if (onboardByPolicy) {
    name: 'rdpmedic-onboarding-${uniqueString(target, token)}'
    scope: resourceGroup(split(target, '/')[2], split(target, '/')[4])
    params: {
      assignments: onboardingAssignments
      nameSuffix: token
      location: location
      ruleSubscriptionId: subscription().subscriptionId
      ruleResourceGroupName: resourceGroupName
      remediationRun: onboardingRun
    }
    dependsOn: [signals]
  }
]

module dcrAssociations 'modules/dcr-association.bicep' = [
  for vmId in monitoredVms: {
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

@description('How the action group authenticates to /api/alerts (ALERT_AUTH); the azd hooks read it.')
output RDPMEDIC_ALERT_AUTH string = alertAuth

@description('Action group that calls /api/alerts; the function-key hook puts the receiver into it.')
output RDPMEDIC_ACTION_GROUP_ID string = signals.outputs.actionGroupId

@description('Function behind /api/alerts, whose own key the function-key hook creates.')
output RDPMEDIC_ALERT_FUNCTION_NAME string = alertFunctionName

@description('Function app resource ID.')
output AZURE_FUNCTION_APP_ID string = functionApp.outputs.resourceId

@description('Azure Resource Manager endpoint of the cloud deployed to: where the azd hooks call.')
output RDPMEDIC_ARM_ENDPOINT string = environment().resourceManager

@description('Data collection rule to associate more VMs with.')
output DATA_COLLECTION_RULE_ID string = signals.outputs.dataCollectionRuleId

@description('Log Analytics workspace the events land in.')
output LOG_ANALYTICS_WORKSPACE_ID string = monitoring.outputs.workspaceResourceId
