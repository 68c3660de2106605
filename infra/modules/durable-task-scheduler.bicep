metadata description = 'The Durable Task Scheduler backend for Durable Functions (durableBackend = durable-task-scheduler): a scheduler, its task hub, and Durable Task Data Contributor for the app\'s identity on the scheduler, as Microsoft\'s Durable Functions azd quickstart deploys them.'

import { tagMap } from 'types.bicep'

@description('Scheduler name.')
param name string

@description('Azure region.')
param location string

@description('Tags for the scheduler.')
param tags tagMap

@description('Task hub name: the app\'s TASK_HUB_NAME (host.json hubName).')
param taskHubName string

@description('Resource ID of the managed identity: with the scope and role, it names the role assignment.')
param identityResourceId string

@description('Principal ID of the app\'s managed identity.')
param principalId string

var durableTaskDataContributor = '0ad04412-c4d5-4796-b79c-f76d14c8d402'

resource scheduler 'Microsoft.DurableTask/schedulers@2025-11-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'Consumption'
    }
    // The scheduler refuses every caller when the list is empty; access is by Microsoft Entra role below.
    ipAllowlist: ['0.0.0.0/0']
  }
}

resource taskHub 'Microsoft.DurableTask/schedulers/taskHubs@2025-11-01' = {
  parent: scheduler
  name: taskHubName
}

resource dataContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(scheduler.id, identityResourceId, durableTaskDataContributor)
  scope: scheduler
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', durableTaskDataContributor)
    principalId: principalId
    principalType: 'ServicePrincipal'
    description: 'RDP Medic: Durable Functions orchestrations in the scheduler\'s task hub'
  }
}

@description('Scheduler endpoint (https://...), for DURABLE_TASK_SCHEDULER_CONNECTION_STRING.')
output endpoint string = scheduler.properties.endpoint

@description('Task hub name.')
output taskHubName string = taskHub.name
