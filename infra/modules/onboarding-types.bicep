metadata description = 'The fleet onboarding policies: which built-in definitions are assigned on each target scope, with which parameters and which roles their managed identities get.'

@export()
@description('One built-in policy assignment on a target scope.')
type onboardingAssignment = {
  @description('Short key: part of the assignment, role assignment and remediation names.')
  key: string
  @description('GUID of the built-in policy definition.')
  definitionGuid: string
  @description('Display name of the assignment.')
  displayName: string
  @description('Parameter values for the definition.')
  parameters: resourceInput<'Microsoft.Authorization/policyAssignments@2025-03-01'>.properties.parameters
  @description('Built-in role definition GUIDs the assignment\'s managed identity gets on the target scope (what its deployments or modifications need).')
  roles: string[]
  @description('True when the identity also needs its roles on the data collection rule\'s resource group (the association links to the rule).')
  rolesOnRuleResourceGroup: bool
}
