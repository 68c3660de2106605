metadata description = 'The RDP Medic function app: Flex Consumption plan, Node.js 22, user-assigned identity, identity-based storage, HTTPS only, TLS 1.2.'

import { appSettingValues, tagMap } from 'types.bicep'

@description('Function app name (also its default host name).')
param name string

@description('Flex Consumption plan name.')
param planName string

@description('Azure region (one where Flex Consumption is offered).')
param location string

@description('Tags for the plan; the app gets them plus azd-service-name.')
param tags tagMap

@description('Resource ID of the user-assigned managed identity the app runs as.')
param identityResourceId string

@description('Client ID of that identity.')
param identityClientId string

@description('Storage account for the host, Durable Functions and the ledger (shared keys off).')
param storageAccountName string

@description('Blob container for the deployment package.')
param deploymentContainerName string

@description('Application Insights component (local authentication off).')
param appInsightsName string

@description('Durable Functions backend: azure-storage, or durable-task-scheduler at durableTaskSchedulerEndpoint.')
param durableBackend 'azure-storage' | 'durable-task-scheduler'

@description('Endpoint of the Durable Task Scheduler (https://...); empty with the azure-storage backend.')
param durableTaskSchedulerEndpoint string

@description('The settings the app reads (src/config.ts).')
param settings appSettingValues

@description('NOTIFY_WEBHOOK_URL: where runs that need a person are reported; empty = off. Secure: it may carry a signature.')
@secure()
param notifyWebhookUrl string

@description('Most instances the app scales out to.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int

@description('Memory per instance, in MB.')
@allowed([512, 2048, 4096])
param instanceMemoryMB int

resource storage 'Microsoft.Storage/storageAccounts@2026-09-01' existing = {
  name: storageAccountName
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

// The Durable Task Scheduler backend, as Microsoft's Durable Functions quickstart configures it: host.json's
// durableTask.storageProvider, set here through the host's AzureFunctionsJobHost__ override so host.json stays one
// file for both backends (its hubName is %TASK_HUB_NAME%, the scheduler's task hub).
var durableTaskSchedulerSettings = durableBackend == 'durable-task-scheduler'
  ? [
      {
        name: 'DURABLE_TASK_SCHEDULER_CONNECTION_STRING'
        value: 'Endpoint=${durableTaskSchedulerEndpoint};Authentication=ManagedIdentity;ClientID=${identityClientId}'
      }
      { name: 'AzureFunctionsJobHost__extensions__durableTask__storageProvider__type', value: 'azureManaged' }
      {
        name: 'AzureFunctionsJobHost__extensions__durableTask__storageProvider__connectionStringName'
        value: 'DURABLE_TASK_SCHEDULER_CONNECTION_STRING'
      }
    ]
  : []

resource plan 'Microsoft.Web/serverfarms@2025-03-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource site 'Microsoft.Web/sites@2025-03-01' = {
  name: name
  location: location
  // azd finds the app to deploy the 'api' service to by this tag.
  tags: union(tags, { 'azd-service-name': 'api' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityResourceId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityResourceId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'node'
        version: '22'
      }
    }
    siteConfig: {
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
      // Flex Consumption sets the runtime and its version from functionAppConfig: FUNCTIONS_WORKER_RUNTIME,
      // FUNCTIONS_EXTENSION_VERSION and WEBSITE_RUN_FROM_PACKAGE are not allowed here.
      appSettings: concat(durableTaskSchedulerSettings, [
        // Functions host: storage through the managed identity (host, timers, keys; the Durable task hub unless the
        // scheduler holds it), one endpoint per service as identity-based connections prefer.
        { name: 'AzureWebJobsStorage__blobServiceUri', value: storage.properties.primaryEndpoints.blob }
        { name: 'AzureWebJobsStorage__queueServiceUri', value: storage.properties.primaryEndpoints.queue }
        { name: 'AzureWebJobsStorage__tableServiceUri', value: storage.properties.primaryEndpoints.table }
        { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
        { name: 'AzureWebJobsStorage__clientId', value: identityClientId }
        // Telemetry with Microsoft Entra authentication (the component has local auth off).
        { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: appInsights.properties.ConnectionString }
        { name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING', value: 'ClientId=${identityClientId};Authorization=AAD' }
        // Azure SDK clients that use DefaultAzureCredential pick the user-assigned identity.
        { name: 'AZURE_CLIENT_ID', value: identityClientId }
        // The app's own settings: exactly the non-local entries of SETTINGS in src/config.ts.
        { name: 'ALLOWED_SCOPES', value: settings.allowedScopes }
        { name: 'LICENSE_SERVERS', value: settings.licenseServers }
        { name: 'LICENSING_MODE', value: settings.licensingMode }
        { name: 'NO_CALS_ACTION', value: settings.noCalsAction }
        { name: 'REMOVE_UNUSED_LICENSING_ROLE', value: settings.removeUnusedLicensingRole }
        { name: 'RESTART_WITH_USERS', value: settings.restartWithUsers }
        { name: 'MAINTENANCE_WINDOW', value: settings.maintenanceWindow }
        { name: 'ARM_ENDPOINT', value: settings.armEndpoint }
        { name: 'LOGS_ENDPOINT', value: settings.logsEndpoint }
        { name: 'MANAGED_IDENTITY_CLIENT_ID', value: identityClientId }
        { name: 'TASK_HUB_NAME', value: settings.taskHubName }
        { name: 'OPT_OUT_TAG', value: settings.optOutTag }
        { name: 'SNAPSHOT_RETENTION_DAYS', value: settings.snapshotRetentionDays }
        { name: 'SNAPSHOT_EXPIRY_SCHEDULE', value: settings.snapshotExpirySchedule }
        { name: 'KILL_SWITCH', value: settings.killSwitch }
        { name: 'POLL_INTERVAL_SECONDS', value: settings.pollIntervalSeconds }
        { name: 'OPERATION_TIMEOUT_MINUTES', value: settings.operationTimeoutMinutes }
        { name: 'APPROVAL_TIMEOUT_HOURS', value: settings.approvalTimeoutHours }
        { name: 'ENTRA_AUDIENCE', value: settings.entraAudience }
        { name: 'ENTRA_ISSUER', value: settings.entraIssuer }
        { name: 'ENTRA_CLIENT_ID', value: settings.entraClientId }
        { name: 'ALERT_AUTH', value: settings.alertAuth }
        { name: 'ALLOW_SELF_APPROVAL', value: settings.allowSelfApproval }
        { name: 'SWEEP_SCHEDULE', value: settings.sweepSchedule }
        { name: 'SWEEP_POLICY', value: settings.sweepPolicy }
        { name: 'SWEEP_MAX_CONCURRENCY', value: settings.sweepMaxConcurrency }
        { name: 'SWEEP_MAX_ERRORS', value: settings.sweepMaxErrors }
        { name: 'SWEEP_MAX_REMEDIATIONS', value: settings.sweepMaxRemediations }
        { name: 'GRACE_WARNING_DAYS', value: settings.graceWarningDays }
        { name: 'SWEEP_WORKSPACE_IDS', value: settings.sweepWorkspaceIds }
        { name: 'SWEEP_TAG_INCLUDE', value: settings.sweepTagInclude }
        { name: 'SWEEP_TAG_EXCLUDE', value: settings.sweepTagExclude }
        { name: 'SYMPTOM_LOOKBACK_HOURS', value: settings.symptomLookbackHours }
        { name: 'LEDGER_TABLE_ENDPOINT', value: settings.ledgerTableEndpoint }
        { name: 'LEDGER_TABLE_NAME', value: settings.ledgerTableName }
        { name: 'COOLDOWN_MINUTES', value: settings.cooldownMinutes }
        { name: 'RECURRENCE_LIMIT', value: settings.recurrenceLimit }
        { name: 'RECURRENCE_WINDOW_DAYS', value: settings.recurrenceWindowDays }
        { name: 'BREAKER_THRESHOLD', value: settings.breakerThreshold }
        { name: 'BREAKER_WINDOW_MINUTES', value: settings.breakerWindowMinutes }
        { name: 'MAX_CONCURRENT_REMEDIATIONS', value: settings.maxConcurrentRemediations }
        { name: 'NOTIFY_WEBHOOK_URL', value: notifyWebhookUrl }
        { name: 'RDP_PROBE_HOST_SUFFIX', value: settings.rdpProbeHostSuffix }
        { name: 'RDP_PROBE_ADDRESS_RANGES', value: settings.rdpProbeAddressRanges }
        { name: 'RDP_PROBE_PORTS', value: settings.rdpProbePorts }
        { name: 'RESTORE_OS_DISK_ON_FAILURE', value: settings.restoreOsDiskOnFailure }
      ])
    }
  }
}

// Deployment is by the managed identity (azd, az functionapp deployment): no publishing passwords.
resource ftpCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: site
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: site
  name: 'scm'
  properties: {
    allow: false
  }
}

@description('Function app name.')
output name string = site.name

@description('Function app resource ID.')
output resourceId string = site.id

@description('Default host name, e.g. <name>.azurewebsites.net.')
output defaultHostName string = site.properties.defaultHostName
