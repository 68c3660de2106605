/** What the infra must grant and set: the specification the template tests check against. */

/** Actions the remediator role always has: each one is a call the app makes, or Azure's check for one. */
export const REMEDIATE_ACTIONS = [
  "Microsoft.Compute/virtualMachines/read",
  "Microsoft.Compute/virtualMachines/instanceView/read",
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
  "AzureWebJobsStorage__accountName",
  "AzureWebJobsStorage__credential",
  "AzureWebJobsStorage__clientId",
  "APPLICATIONINSIGHTS_CONNECTION_STRING",
  "APPLICATIONINSIGHTS_AUTHENTICATION_STRING",
  "AZURE_CLIENT_ID",
] as const;

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
