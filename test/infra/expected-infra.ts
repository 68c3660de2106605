/** What the infra must grant and set: the specification the template tests check against. */

/** Actions the remediator role always has: each one is a call the app makes, or Azure's check for one. */
export const REMEDIATE_ACTIONS = [
  "Microsoft.Compute/virtualMachines/read",
  "Microsoft.Compute/virtualMachines/runCommand/action",
  "Microsoft.Compute/virtualMachines/restart/action",
  "Microsoft.Compute/disks/read",
  "Microsoft.Compute/disks/beginGetAccess/action",
  "Microsoft.Compute/snapshots/read",
  "Microsoft.Compute/snapshots/write",
  "Microsoft.Compute/snapshots/delete",
  "Microsoft.Compute/locations/operations/read",
  "Microsoft.Compute/locations/diskOperations/read",
  "Microsoft.ResourceGraph/resources/read",
] as const;

/** Added only when enableOsDiskRestore is true: disk from snapshot, deallocate, swap the OS disk, start. */
export const OS_DISK_RESTORE_ACTIONS = [
  "Microsoft.Compute/disks/write",
  "Microsoft.Compute/snapshots/beginGetAccess/action",
  "Microsoft.Compute/virtualMachines/deallocate/action",
  "Microsoft.Compute/virtualMachines/start/action",
  "Microsoft.Compute/virtualMachines/write",
  "Microsoft.Network/networkInterfaces/join/action",
] as const;

/** Settings the Functions host and the platform read themselves; every other app setting must be in SETTINGS. */
export const HOST_AND_PLATFORM_SETTINGS = [
  // Identity-based host storage, one endpoint per service (Functions "identity-based connections").
  "AzureWebJobsStorage__blobServiceUri",
  "AzureWebJobsStorage__queueServiceUri",
  "AzureWebJobsStorage__tableServiceUri",
  "AzureWebJobsStorage__credential",
  "AzureWebJobsStorage__clientId",
  // The Durable Task Scheduler backend (durableBackend = durable-task-scheduler): host.json's
  // extensions.durableTask.storageProvider through the host's AzureFunctionsJobHost__ override, and its connection.
  "DURABLE_TASK_SCHEDULER_CONNECTION_STRING",
  "AzureFunctionsJobHost__extensions__durableTask__storageProvider__type",
  "AzureFunctionsJobHost__extensions__durableTask__storageProvider__connectionStringName",
  "APPLICATIONINSIGHTS_CONNECTION_STRING",
  "APPLICATIONINSIGHTS_AUTHENTICATION_STRING",
  "AZURE_CLIENT_ID",
] as const;

/** Settings the app no longer reads: never deployed again. */
export const RETIRED_SETTINGS = ["ENTRA_REQUIRED_ROLE"] as const;

/** The API app registration's app roles (contract values; docs/deploy.md, "The API app registration"). */
export const APP_ROLES = { operator: "Operator", approver: "Approver", actionGroup: "ActionGroupsSecureWebhook" } as const;

/** Built-in role definition GUIDs. */
export const BUILT_IN_ROLES = {
  owner: "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
  contributor: "b24988ac-6180-42a0-ab88-20f7382dd24c",
  userAccessAdministrator: "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
  roleBasedAccessControlAdministrator: "f58310d9-a9f6-439a-9e8d-f62e7b41a168",
  storageBlobDataOwner: "b7e6dc6d-f1e8-4753-8033-0f276bb0955b",
  storageQueueDataContributor: "974c5e8b-45b9-4653-ba55-5f855dd0fb88",
  storageTableDataContributor: "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3",
  monitoringMetricsPublisher: "3913510d-42f4-4e42-8a64-420c390055eb",
  logAnalyticsReader: "73c42c96-874c-492b-b04d-ab87d138a893",
  virtualMachineContributor: "9980e02c-c2be-4d73-94e8-173b1dc7cf3c",
  monitoringContributor: "749f88d5-cbae-40b8-bcfc-e573ddc772fa",
  logAnalyticsContributor: "92aaf0da-9dab-42b6-94a3-d43ce8d16293",
  durableTaskDataContributor: "0ad04412-c4d5-4796-b79c-f76d14c8d402",
} as const;

/**
 * The built-in policies that onboard the fleet, as their definitions in Azure/azure-policy state them: the GUID, the
 * parameters the template sets, and the roles (`then.details.roleDefinitionIds`) their managed identity needs.
 */
export const ONBOARDING_POLICIES = {
  // built-in-policies/policyDefinitions/Monitoring/AzureMonitor_Agent_Windows_VM_Deploy.json ("Configure Windows
  // virtual machines to run Azure Monitor Agent using system-assigned managed identity").
  ama: {
    guid: "ca817e41-e85a-4783-bc7f-dc532d36235e",
    parameters: ["scopeToSupportedImages", "listOfWindowsImageIdToInclude"],
    roles: [BUILT_IN_ROLES.virtualMachineContributor],
  },
  // Monitoring/AzureMonitor_DCRA_Windows_DINE.json, version 4.6.0 ("Configure Windows Machines to be associated with
  // a Data Collection Rule or a Data Collection Endpoint"); dcrResourceId has assignPermissions: the roles are needed
  // on the rule's scope too.
  dcr: {
    guid: "eab1f514-22e3-42e3-9a1f-e1dc9199355c",
    parameters: ["dcrResourceId", "resourceType", "scopeToSupportedImages", "listOfWindowsImageIdToInclude"],
    roles: [BUILT_IN_ROLES.monitoringContributor, BUILT_IN_ROLES.logAnalyticsContributor],
  },
  // Guest Configuration/AddSystemIdentityWhenNone_Prerequisite.json (Modify identity.type): the definition names
  // Contributor; the one write it makes is a VM's, which Virtual Machine Contributor allows.
  vmIdentity: { guid: "3cf2ab00-13f1-4d0c-8971-2ac904541a7e", parameters: [], roles: [BUILT_IN_ROLES.virtualMachineContributor] },
  vmIdentityUserAssigned: { guid: "497dff13-db2a-4c0f-8603-28fa3b331ab6", parameters: [], roles: [BUILT_IN_ROLES.virtualMachineContributor] },
} as const;

/** Roles that must never be handed to the app: broad write or permission management. */
export const FORBIDDEN_ROLES = [
  BUILT_IN_ROLES.owner,
  BUILT_IN_ROLES.contributor,
  BUILT_IN_ROLES.userAccessAdministrator,
  BUILT_IN_ROLES.roleBasedAccessControlAdministrator,
];

/** The RD licensing events the signals collect and alert on (azure-facts §7.2). */
export const LICENSING_EVENTS = {
  provider: "Microsoft-Windows-TerminalServices-RemoteConnectionManager",
  system: [1128, 1130],
  rcmAdmin: [1068, 1069],
} as const;
