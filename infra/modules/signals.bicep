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

@description('Name of the function behind the /api/alerts route.')
param alertFunctionName string

@description('How often the alert rule runs, and the window it looks back over (ISO 8601 duration).')
@allowed(['PT5M', 'PT10M', 'PT15M', 'PT30M', 'PT1H'])
param alertEvaluationFrequency string

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

// One row per event; the alert counts rows per VM (_ResourceId, Computer), so each VM fires its own alert and its
// ID reaches the payload as a dimension and as the configuration item.
var alertQuery = '''
Event
| where Source == "Microsoft-Windows-TerminalServices-RemoteConnectionManager"
| where EventID in (1128, 1130, 1068, 1069)
| project TimeGenerated, Computer, _ResourceId, EventID, EventLog, RenderedDescription
'''

resource site 'Microsoft.Web/sites@2024-04-01' existing = {
  name: functionAppName
}

// The host's default function key, read at deployment time into the receiver URL (never into an output).
// Microsoft.Web/sites/host has no Bicep type, so listKeys takes its resource ID.
var functionKey = listKeys('${site.id}/host/default', '2024-04-01').functionKeys.default

resource dcr 'Microsoft.Insights/dataCollectionRules@2023-03-11' = {
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

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: '${namePrefix}-remediate'
  location: 'Global'
  tags: tags
  properties: {
    groupShortName: 'rdpmedic'
    enabled: true
    azureFunctionReceivers: [
      {
        name: 'rdp-medic-alerts'
        functionAppResourceId: site.id
        functionName: alertFunctionName
        httpTriggerUrl: 'https://${site.properties.defaultHostName}/api/alerts?code=${functionKey}'
        useCommonAlertSchema: true
      }
    ]
  }
}

resource alertRule 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: '${namePrefix}-rd-licensing-errors'
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: 'RDP Medic: RD licensing errors'
    description: 'A VM logged RD licensing event 1128, 1130, 1068 or 1069: RDP Medic diagnoses and repairs it.'
    severity: alertSeverity
    enabled: true
    evaluationFrequency: alertEvaluationFrequency
    windowSize: alertEvaluationFrequency
    scopes: [workspaceResourceId]
    criteria: {
      allOf: [
        {
          query: alertQuery
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: 0
          dimensions: [
            {
              name: '_ResourceId'
              operator: 'Include'
              values: ['*']
            }
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
    autoMitigate: true
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
