metadata description = 'Types shared by main.bicep and its modules.'

@export()
@description('The settings RDP Medic reads at start (src/config.ts), with the values this deployment gives them. Numbers and switches are already strings: app settings are strings. NOTIFY_WEBHOOK_URL is not here: it is a secure value of its own.')
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
  @description('RESTART_WITH_USERS: approve, wait or force.')
  restartWithUsers: 'approve' | 'wait' | 'force'
  @description('MAINTENANCE_WINDOW: [days ]HH:MM-HH:MM in UTC; empty = none.')
  maintenanceWindow: string
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
  @description('ENTRA_AUDIENCE: the API\'s Application ID URI; tokens\' aud must be it or ENTRA_CLIENT_ID.')
  entraAudience: string
  @description('ENTRA_ISSUER: exact iss of the tokens.')
  entraIssuer: string
  @description('ENTRA_CLIENT_ID: client ID of the API app registration.')
  entraClientId: string
  @description('ALERT_AUTH: entra (secure webhook) or function-key (the Alerts function\'s own key).')
  alertAuth: 'entra' | 'function-key'
  @description('ALLOW_SELF_APPROVAL: true or false.')
  allowSelfApproval: 'true' | 'false'
  @description('SWEEP_SCHEDULE: NCRONTAB schedule (six fields) of the compliance sweep.')
  sweepSchedule: string
  @description('SWEEP_POLICY: report, remediate or enforce.')
  sweepPolicy: 'report' | 'remediate' | 'enforce'
  @description('SWEEP_MAX_CONCURRENCY: most VMs a sweep checks at once.')
  sweepMaxConcurrency: string
  @description('SWEEP_MAX_ERRORS: failed checks after which a sweep starts no new check.')
  sweepMaxErrors: string
  @description('SWEEP_MAX_REMEDIATIONS: most remediation runs one sweep starts.')
  sweepMaxRemediations: string
  @description('GRACE_WARNING_DAYS: grace-period days left that flag a VM as about to lose Remote Desktop.')
  graceWarningDays: string
  @description('SWEEP_WORKSPACE_IDS: comma-separated workspace IDs (GUIDs, customerId) the sweep queries for licensing events.')
  sweepWorkspaceIds: string
  @description('SWEEP_TAG_INCLUDE: comma-separated name=value or name; sweep only VMs with these tags.')
  sweepTagInclude: string
  @description('SWEEP_TAG_EXCLUDE: comma-separated name=value or name; leave VMs with any of these tags out.')
  sweepTagExclude: string
  @description('SYMPTOM_LOOKBACK_HOURS: how far back a sweep looks for licensing events.')
  symptomLookbackHours: string
  @description('LEDGER_TABLE_ENDPOINT: Table service of the app\'s storage account (identity-based).')
  ledgerTableEndpoint: string
  @description('LEDGER_TABLE_NAME: ledger table name.')
  ledgerTableName: string
  @description('COOLDOWN_MINUTES: after a run changed a VM, minutes before it is changed again.')
  cooldownMinutes: string
  @description('RECURRENCE_LIMIT: fixes within RECURRENCE_WINDOW_DAYS after which a VM needs a person.')
  recurrenceLimit: string
  @description('RECURRENCE_WINDOW_DAYS: the window of RECURRENCE_LIMIT.')
  recurrenceWindowDays: string
  @description('BREAKER_THRESHOLD: VMs of one license server needing a fix that open its circuit breaker.')
  breakerThreshold: string
  @description('BREAKER_WINDOW_MINUTES: the window of BREAKER_THRESHOLD.')
  breakerWindowMinutes: string
  @description('MAX_CONCURRENT_REMEDIATIONS: most runs that change VMs at once.')
  maxConcurrentRemediations: string
  @description('RDP_PROBE_HOST_SUFFIX: DNS suffix under which the app reaches the VMs for the RDP check; empty = off.')
  rdpProbeHostSuffix: string
  @description('RDP_PROBE_ADDRESS_RANGES: comma-separated CIDR ranges for the rdp-medic-rdp-host tag.')
  rdpProbeAddressRanges: string
  @description('RDP_PROBE_PORTS: comma-separated ports for the RDP check.')
  rdpProbePorts: string
  @description('RESTORE_OS_DISK_ON_FAILURE: true only when the remediator role has the OS-disk restore actions.')
  restoreOsDiskOnFailure: 'true' | 'false'
}

@export()
@description('Resource tags.')
type tagMap = {
  *: string
}
