metadata description = 'Log Analytics workspace (the RD licensing events land here) and workspace-based Application Insights with local (key) authentication off.'

import { tagMap } from 'types.bicep'

@description('Log Analytics workspace name.')
param workspaceName string

@description('Application Insights component name.')
param appInsightsName string

@description('Azure region.')
param location string

@description('Tags for both resources.')
param tags tagMap

@description('Days the workspace keeps data.')
@minValue(30)
@maxValue(730)
param retentionInDays int

@description('Resource ID of the managed identity: with the scope and role, it names each role assignment.')
param identityResourceId string

@description('Principal ID of the managed identity that sends telemetry (Monitoring Metrics Publisher on the component).')
param principalId string

var monitoringMetricsPublisher = '3913510d-42f4-4e42-8a64-420c390055eb'

resource workspace 'Microsoft.OperationalInsights/workspaces@2026-03-01' = {
  name: workspaceName
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: retentionInDays
    features: {
      enableLogAccessUsingOnlyResourcePermissions: true
    }
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: appInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    DisableLocalAuth: true
  }
}

resource publisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(appInsights.id, identityResourceId, monitoringMetricsPublisher)
  scope: appInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', monitoringMetricsPublisher)
    principalId: principalId
    principalType: 'ServicePrincipal'
    description: 'RDP Medic: send telemetry with Microsoft Entra authentication'
  }
}

@description('Workspace resource ID.')
output workspaceResourceId string = workspace.id

@description('Workspace ID (customerId, a GUID): what Log Analytics queries name.')
output workspaceCustomerId string = workspace.properties.customerId

@description('Workspace name.')
output workspaceName string = workspace.name

@description('Application Insights component name.')
output appInsightsName string = appInsights.name
