metadata description = 'Storage for the Functions host, Durable Functions (task hub), the ledger tables and the Flex Consumption deployment package. Shared keys are off: every client uses the managed identity.'

import { tagMap } from 'types.bicep'

@description('Storage account name (3-24 lower-case letters and digits, globally unique).')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region.')
param location string

@description('Tags for the account.')
param tags tagMap

@description('Blob container that holds the Flex Consumption deployment package.')
param deploymentContainerName string

@description('Resource ID of the managed identity: with the scope and role, it names each role assignment.')
param identityResourceId string

@description('Principal ID of the managed identity that gets the data-plane roles.')
param principalId string

// Built-in data-plane roles, as the Functions host with identity-based connections needs them:
// blob (host leases, timers, keys, Durable large messages, deployment package), queue (Durable control
// and work-item queues), table (Durable history and instances, and the app's ledger tables).
var dataRoles = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
}

resource account 'Microsoft.Storage/storageAccounts@2026-09-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2026-09-01' = {
  parent: account
  name: 'default'
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2026-09-01' = {
  parent: blobService
  name: deploymentContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource dataRoleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in items(dataRoles): {
    name: guid(account.id, identityResourceId, role.value)
    scope: account
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role.value)
      principalId: principalId
      principalType: 'ServicePrincipal'
      description: 'RDP Medic: ${role.key} for identity-based storage connections'
    }
  }
]

@description('Storage account name.')
output name string = account.name

@description('Storage account resource ID.')
output resourceId string = account.id

@description('Blob endpoint, e.g. https://<name>.blob.core.windows.net/.')
output blobEndpoint string = account.properties.primaryEndpoints.blob

@description('Queue endpoint, for the Functions host and Durable Functions.')
output queueEndpoint string = account.properties.primaryEndpoints.queue

@description('Table endpoint, for the ledger.')
output tableEndpoint string = account.properties.primaryEndpoints.table

@description('Name of the deployment package container.')
output deploymentContainerName string = deploymentContainer.name
