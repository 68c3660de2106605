metadata description = 'Signals: a data collection rule that sends the RD licensing events to the workspace, a log search alert split per VM, and an action group that calls the app with the common alert schema.'

import { tagMap } from 'types.bicep'

@description('Name prefix for the rule, alert and action group.')
param namePrefix string

@description('Azure region of the data collection rule and the alert rule.')
param location string

@description('Tags for all three resources.')
param tags tagMap

@description('Resource ID of the Log Analytics workspace the events go to and the alert queries.')
param workspaceResourceId string

@description('Name of the function app (in this resource group) that receives the alerts.')
param functionAppName string

@description('How the action group proves itself: entra = secure webhook; function-key = no receiver here, the azd hooks add one with the Alerts function\'s own key after deploy (infra/hooks/alert-receiver-key.ps1).')
param alertAuth 'entra' | 'function-key'

@description('The API\'s Application ID URI: the audience of the secure webhook\'s token (ENTRA_AUDIENCE).')
param entraAudience string

@description('Object ID of the API app registration (the secure webhook names it); unused with function-key.')
param entraApplicationObjectId string

@description('How often the alert rule runs (ISO 8601 duration).')
@allowed(['PT5M', 'PT10M', 'PT15M', 'PT30M'])
param alertEvaluationFrequency string

@description('The window each run looks back over; longer than the frequency (main.bicep checks).')
@allowed(['PT10M', 'PT15M', 'PT30M', 'PT45M', 'PT1H', 'PT2H'])
param alertWindowSize string

@description('Alert severity, 0 (critical) to 4 (verbose).')
@minValue(0)
@maxValue(4)
param alertSeverity int

// 1128 (grace period over, no license server) and 1130 (no license server specified) are classic events in the
// System log; 1068 (licensing mode not configured) and 1069 (grace period over and mode not configured) go to the
// RemoteConnectionManager Admin channel. Form: <channel>!<XPath>. azure-facts §7.2, §9.3.
var xPathQueries = [
  'System!*[System[Provider[@Name=\'Microsoft-Windows-TerminalServices-RemoteConnectionManager\'] and (EventID=1128 or EventID=1130)]]'
  'Microsoft-Windows-TerminalServices-RemoteConnectionManager/Admin!*[System[(EventID=1068 or EventID=1069)]]'
]

// One row per event; the alert counts rows per VM. The query lives in one file so tests (and the KQL binding) read
// exactly what is deployed.
var alertQuery = loadTextContent('../queries/rd-licensing-alert.kql')

resource site 'Microsoft.Web/sites@2025-03-01' existing = {
  name: functionAppName
}

resource dcr 'Microsoft.Insights/dataCollectionRules@2024-03-11' = {
  name: '${namePrefix}-rd-licensing'
  location: location
  tags: tags
  kind: 'Windows'
  properties: {
    description: 'RD licensing events (1128, 1130 from System; 1068, 1069 from RemoteConnectionManager/Admin) for RDP Medic.'
    dataSources: {
      windowsEventLogs: [
        {
          name: 'rdLicensing'
          streams: ['Microsoft-Event']
          xPathQueries: xPathQueries
        }
      ]
    }
    destinations: {
      logAnalytics: [
        {
          name: 'workspace'
          workspaceResourceId: workspaceResourceId
        }
      ]
    }
    dataFlows: [
      {
        streams: ['Microsoft-Event']
        destinations: ['workspace']
      }
    ]
  }
}

// The receiver's credential works only for alerts. entra: a secure webhook; Azure Monitor's action group service
// principal gets a token for the API (audience entraAudience) carrying the ActionGroupsSecureWebhook app role.
// function-key: no receiver from the template; after deploy, infra/hooks/alert-receiver-key.ps1 creates the Alerts
// function's own key named action-group (ARM's function keys API) and puts the receiver in. No host key anywhere.
resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: '${namePrefix}-remediate'
  location: 'Global'
  tags: tags
  properties: {
    groupShortName: 'rdpmedic'
    enabled: true
    webhookReceivers: alertAuth == 'entra'
      ? [
          {
            name: 'rdp-medic-alerts'
            serviceUri: 'https://${site.properties.defaultHostName}/api/alerts'
            useCommonAlertSchema: true
            useAadAuth: true
            objectId: entraApplicationObjectId
            identifierUri: entraAudience
            tenantId: tenant().tenantId
          }
        ]
      : []
    azureFunctionReceivers: []
  }
}

resource alertRule 'Microsoft.Insights/scheduledQueryRules@2026-03-01' = {
  name: '${namePrefix}-rd-licensing-errors'
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: 'RDP Medic: RD licensing errors'
    description: 'A VM logged RD licensing event 1128 or 1130 (System) or 1068 or 1069 (RemoteConnectionManager/Admin) within the window: RDP Medic diagnoses and repairs it.'
    severity: alertSeverity
    enabled: true
    evaluationFrequency: alertEvaluationFrequency
    windowSize: alertWindowSize
    scopes: [workspaceResourceId]
    criteria: {
      allOf: [
        {
          query: alertQuery
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: 0
          // Each VM is its own alert with the VM as the target resource (alertTargetIDs), not the workspace.
          resourceIdColumn: '_ResourceId'
          dimensions: [
            {
              name: 'Computer'
              operator: 'Include'
              values: ['*']
            }
          ]
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    // Stateless: fires at every run that still finds events in the window, so a VM that stays broken (or whose
    // repair failed) alerts again; RDP Medic's per-VM lock, cooldown and ledger absorb the repeats.
    autoMitigate: false
    actions: {
      actionGroups: [actionGroup.id]
      customProperties: {
        source: 'rdp-medic'
      }
    }
  }
}

@description('Data collection rule resource ID (associate VMs with it).')
output dataCollectionRuleId string = dcr.id

@description('Alert rule resource ID.')
output alertRuleId string = alertRule.id

@description('Action group resource ID.')
output actionGroupId string = actionGroup.id
