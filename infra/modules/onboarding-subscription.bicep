metadata description = 'Fleet onboarding on one target subscription: the built-in policy assignments (system-assigned identity each), the roles their identities need here and on the rule\'s resource group, and a remediation task per assignment for the VMs that already exist.'

targetScope = 'subscription'

import { onboardingAssignment } from 'onboarding-types.bicep'

@description('The assignments to make (main.bicep builds them).')
param assignments onboardingAssignment[]

@description('Suffix that makes the names unique to this deployment of RDP Medic.')
param nameSuffix string

@description('Region of the assignments\' managed identities.')
param location string

@description('Subscription ID of the data collection rule\'s resource group.')
param ruleSubscriptionId string

@description('Name of the data collection rule\'s resource group.')
param ruleResourceGroupName string

@description('Changes at every deployment, so each deployment starts fresh remediation tasks for the VMs that are not compliant yet.')
param remediationRun string

// One entry per (assignment, role): role assignments cannot be nested loops.
var grants = flatten(map(range(0, length(assignments)), i => map(assignments[i].roles, role => { index: i, role: role })))

resource assignment 'Microsoft.Authorization/policyAssignments@2025-03-01' = [
  for a in assignments: {
    name: 'rdpmedic-${a.key}-${nameSuffix}'
    location: location
    identity: {
      type: 'SystemAssigned'
    }
    properties: {
      displayName: a.displayName
      description: 'RDP Medic fleet onboarding: the RD licensing events of every Windows VM here reach RDP Medic\'s workspace.'
      policyDefinitionId: tenantResourceId('Microsoft.Authorization/policyDefinitions', a.definitionGuid)
      parameters: a.parameters
      enforcementMode: 'Default'
    }
  }
]

resource grant 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for g in grants: {
    name: guid(subscription().id, assignment[g.index].id, g.role)
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', g.role)
      principalId: assignment[g.index].identity.principalId
      principalType: 'ServicePrincipal'
      description: 'RDP Medic onboarding policy ${assignments[g.index].key}: what its remediation deploys here'
    }
  }
]

module ruleAccess 'onboarding-rule-access.bicep' = [
  for (a, i) in assignments: if (a.rolesOnRuleResourceGroup) {
    name: 'rdpmedic-rule-access-${a.key}-${uniqueString(subscription().id, nameSuffix)}'
    scope: resourceGroup(ruleSubscriptionId, ruleResourceGroupName)
    params: {
      policyAssignmentId: assignment[i].id
      principalId: assignment[i].identity.principalId
      roles: a.roles
    }
  }
]

resource remediation 'Microsoft.PolicyInsights/remediations@2024-10-01' = [
  for (a, i) in assignments: {
    name: 'rdpmedic-${a.key}-${uniqueString(remediationRun)}'
    properties: {
      policyAssignmentId: assignment[i].id
      // A new assignment has no compliance results yet: evaluate, then remediate what is not compliant.
      resourceDiscoveryMode: 'ReEvaluateCompliance'
    }
    dependsOn: [grant, ruleAccess]
  }
]

@description('Policy assignment resource IDs.')
output assignmentIds string[] = [for (a, i) in assignments: assignment[i].id]
