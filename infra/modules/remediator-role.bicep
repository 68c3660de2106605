metadata description = 'The custom role RDP Medic acts with on the target VMs: exactly the actions the app uses, no wildcards.'

targetScope = 'subscription'

@description('GUID the role definition is created under (stable for a given name and home subscription).')
param roleGuid string

@description('Role name, unique in the tenant.')
param roleName string

@description('Scopes the role can be assigned at: the target subscriptions and resource groups.')
@minLength(1)
param assignableScopes string[]

@description('Adds the actions the OS-disk restore (rollback by disk swap) needs.')
param enableOsDiskRestore bool

// Diagnose, snapshot, fix, restart. Each action is a call the app makes, or an access check Azure makes for one.
var remediateActions = [
  // Read the VM: OS disk, tags (opt-out), power state, agent status.
  'Microsoft.Compute/virtualMachines/read'
  // Probe, fix and verify scripts (action Run Command).
  'Microsoft.Compute/virtualMachines/runCommand/action'
  // Restart after a fix.
  'Microsoft.Compute/virtualMachines/restart/action'
  // Read the OS disk (managed disk ID, SKU, generation) before the snapshot.
  'Microsoft.Compute/disks/read'
  // A snapshot copied from a disk is checked for this action on the source disk (linked access check).
  'Microsoft.Compute/disks/beginGetAccess/action'
  // The pre-fix OS-disk snapshot: create, poll, and delete when it expires (only snapshots the app tagged).
  'Microsoft.Compute/snapshots/read'
  'Microsoft.Compute/snapshots/write'
  'Microsoft.Compute/snapshots/delete'
  // Status of the long-running operations: Compute (Run Command, restart, VM update) and disk (snapshot, disk).
  'Microsoft.Compute/locations/operations/read'
  'Microsoft.Compute/locations/diskOperations/read'
  // The compliance sweep finds target VMs with Azure Resource Graph.
  'Microsoft.ResourceGraph/resources/read'
]

// Roll back by OS-disk swap (azure-facts §2.3): disk from snapshot, deallocate, point the VM at the new disk, start.
var osDiskRestoreActions = [
  // Create the new OS disk from the snapshot.
  'Microsoft.Compute/disks/write'
  // A disk copied from a snapshot is checked for this action on the source snapshot (linked access check).
  'Microsoft.Compute/snapshots/beginGetAccess/action'
  // The swap needs the VM stopped and deallocated, then started again.
  'Microsoft.Compute/virtualMachines/deallocate/action'
  'Microsoft.Compute/virtualMachines/start/action'
  // Replace storageProfile.osDisk.managedDisk.id on the VM.
  'Microsoft.Compute/virtualMachines/write'
  // A VM update re-checks the resources the VM links to; every VM links its network interfaces.
  'Microsoft.Network/networkInterfaces/join/action'
]

resource role 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
  name: roleGuid
  properties: {
    roleName: roleName
    description: 'RDP Medic: diagnose and repair RD licensing on Azure Windows VMs (Run Command, OS-disk snapshot, restart${enableOsDiskRestore ? ', OS-disk restore' : ''}).'
    type: 'CustomRole'
    assignableScopes: assignableScopes
    permissions: [
      {
        actions: enableOsDiskRestore ? concat(remediateActions, osDiskRestoreActions) : remediateActions
        notActions: []
        dataActions: []
        notDataActions: []
      }
    ]
  }
}

@description('The role definition GUID (the last segment of its ID in every subscription).')
output roleGuid string = role.name

@description('Resource ID of the role definition in this subscription.')
output resourceId string = role.id
