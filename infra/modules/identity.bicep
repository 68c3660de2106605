metadata description = 'The user-assigned managed identity RDP Medic runs as: storage, Application Insights, Azure Resource Manager and Log Analytics all see this one principal.'

import { tagMap } from 'types.bicep'

@description('Name of the user-assigned managed identity.')
param name string

@description('Azure region.')
param location string

@description('Tags for the identity.')
param tags tagMap

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: name
  location: location
  tags: tags
}

@description('Resource name of the identity.')
output name string = identity.name

@description('Resource ID of the identity.')
output resourceId string = identity.id

@description('Client (application) ID: what the app and the Functions host use to pick this identity.')
output clientId string = identity.properties.clientId

@description('Object (principal) ID: what role assignments name.')
output principalId string = identity.properties.principalId
