metadata description = 'Associates one VM (in this resource group) with the RD licensing data collection rule. The VM needs the Azure Monitor Agent.'

@description('Name of the virtual machine.')
param vmName string

@description('Resource ID of the data collection rule.')
param dataCollectionRuleId string

@description('Association name, the same on every VM.')
param associationName string

resource vm 'Microsoft.Compute/virtualMachines@2026-04-01' existing = {
  name: vmName
}

resource association 'Microsoft.Insights/dataCollectionRuleAssociations@2024-03-11' = {
  name: associationName
  scope: vm
  properties: {
    description: 'RDP Medic: collect RD licensing events'
    dataCollectionRuleId: dataCollectionRuleId
  }
}

@description('Association resource ID.')
output resourceId string = association.id
