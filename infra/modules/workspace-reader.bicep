metadata description = 'Log Analytics Reader for the identity on one workspace the compliance sweep queries.'

@description('Name of the Log Analytics workspace (in this resource group).')
param workspaceName string

@description('Resource ID of the managed identity: with the scope and role, it names each role assignment.')
param identityResourceId string

@description('Principal ID of the managed identity.')
param principalId string

var logAnalyticsReader = '73c42c96-874c-492b-b04d-ab87d138a893'

resource workspace 'Microsoft.OperationalInsights/workspaces@2026-03-01' existing = {
  name: workspaceName
}

resource reader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(workspace.id, identityResourceId, logAnalyticsReader)
  scope: workspace
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', logAnalyticsReader)
    principalId: principalId
    principalType: 'ServicePrincipal'
    description: 'RDP Medic: query RD licensing events'
  }
}

@description('Workspace ID (customerId, a GUID): what Log Analytics queries name.')
output customerId string = workspace.properties.customerId

@description('Role assignment resource ID.')
output resourceId string = reader.id
