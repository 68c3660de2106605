metadata description = 'Types shared by main.bicep and its modules.'

@export()
@description('The settings RDP Medic reads at start (src/config.ts), with the values this deployment gives them. Numbers and switches are already strings: app settings are strings.')
type appSettingValues = {
  @description('ALLOWED_SCOPES: comma-separated subscriptions and resource groups the app may touch.')
  allowedScopes: string
  @description('LICENSE_SERVERS: comma-separated RD license servers.')
  licenseServers: string
  @description('LICENSING_MODE: 4 (per user) or 2 (per device).')
  licensingMode: '2' | '4'
  @description('NO_CALS_ACTION: report or remove-rdsh-role.')
  noCalsAction: 'report' | 'remove-rdsh-role'
  @description('REMOVE_UNUSED_LICENSING_ROLE: true or false.')
  removeUnusedLicensingRole: 'true' | 'false'
  @description('ARM_ENDPOINT: Azure Resource Manager endpoint.')
  armEndpoint: string
  @description('LOGS_ENDPOINT: Log Analytics query endpoint, including /v1.')
  logsEndpoint: string
  @description('TASK_HUB_NAME: Durable Functions task hub.')
  taskHubName: string
  @description('OPT_OUT_TAG: tag that opts a VM out of changes.')
  optOutTag: string
  @description('SNAPSHOT_RETENTION_DAYS: days a pre-fix snapshot is kept.')
  snapshotRetentionDays: string
  @description('SNAPSHOT_EXPIRY_SCHEDULE: NCRONTAB schedule (six fields) of the timer that deletes our expired snapshots.')
  snapshotExpirySchedule: string
  @description('KILL_SWITCH: true or false.')
  killSwitch: 'true' | 'false'
  @description('POLL_INTERVAL_SECONDS: wait between polls of a long operation.')
  pollIntervalSeconds: string
  @description('OPERATION_TIMEOUT_MINUTES: longest wait for one operation.')
  operationTimeoutMinutes: string
  @description('APPROVAL_TIMEOUT_HOURS: how long a run waits for approval.')
  approvalTimeoutHours: string
  @description('ENTRA_AUDIENCE: audience of the alert sender\'s Entra token; empty = off.')
  entraAudience: string
  @description('ENTRA_ISSUER: issuer of those tokens.')
  entraIssuer: string
  @description('ENTRA_REQUIRED_ROLE: app role those tokens must carry.')
  entraRequiredRole: string
}

@export()
@description('Resource tags.')
type tagMap = {
  *: string
}
