metadata description = 'Assigns the remediator role to the identity on one target resource group.'

targetScope = 'resourceGroup'

@description('GUID of the remediator role definition.')
param roleGuid string

@description('Resource ID of the managed identity: with the scope and role, it names each role assignment.')
param identityResourceId string

@description('Principal ID of the managed identity.')
param principalId string

var roleDefinitionId = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleGuid)

resource assignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(resourceGroup().id, identityResourceId, roleDefinitionId)
  properties: {
    roleDefinitionId: roleDefinitionId
    principalId: principalId
    principalType: 'ServicePrincipal'
    description: 'RDP Medic remediator on this resource group'
  }
}

@description('Role assignment resource ID.')
output resourceId string = assignment.id
