metadata description = 'Roles for one onboarding policy assignment\'s managed identity on the data collection rule\'s resource group: associating a VM with the rule needs them on the rule too.'

@description('Resource ID of the policy assignment: with the scope and role, it names each role assignment.')
param policyAssignmentId string

@description('Principal ID of the policy assignment\'s system-assigned identity.')
param principalId string

@description('Built-in role definition GUIDs.')
param roles string[]

resource grant 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in roles: {
    name: guid(resourceGroup().id, policyAssignmentId, role)
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
      principalId: principalId
      principalType: 'ServicePrincipal'
      description: 'RDP Medic onboarding policy: link VMs to the RD licensing data collection rule'
    }
  }
]
