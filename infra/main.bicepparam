// Parameters for RDP Medic, read from the environment: azd passes its environment (.azure/<env>/.env, set with
// `azd env set NAME value`) to this file; for `az deployment sub create`, export the same variables.
// There are no example values: a variable without a default that is not set stops the deployment before anything
// is created, with Bicep's message naming it (BCP338: Failed to evaluate parameter ... "RDPMEDIC_TARGET_SCOPES").
// Wrong values stop it in validation, also before anything is created (main.bicep, "Validation").
using 'main.bicep'

param environmentName = readEnvironmentVariable('AZURE_ENV_NAME')

param location = readEnvironmentVariable('AZURE_LOCATION')

// Comma-separated: /subscriptions/<id> or /subscriptions/<id>/resourceGroups/<name>.
param targetScopes = split(readEnvironmentVariable('RDPMEDIC_TARGET_SCOPES'), ',')

// Comma-separated FQDNs, host names or IP addresses of the RD license servers.
param licenseServers = split(readEnvironmentVariable('RDPMEDIC_LICENSE_SERVERS'), ',')

// The API app registration (docs/deploy.md, "The API app registration").
param entraClientId = readEnvironmentVariable('RDPMEDIC_ENTRA_CLIENT_ID')

param entraApplicationObjectId = readEnvironmentVariable('RDPMEDIC_ENTRA_APP_OBJECT_ID', '')

// entra or function-key; Bicep refuses any other value here, before anything is created.
param alertAuth = readEnvironmentVariable('RDPMEDIC_ALERT_AUTH', 'entra')

// azure-storage or durable-task-scheduler; likewise.
param durableBackend = readEnvironmentVariable('RDPMEDIC_DURABLE_BACKEND', 'azure-storage')

// approve, wait or force: what a needed restart does while users are signed in; Bicep refuses any other value.
param restartWithUsers = readEnvironmentVariable('RDPMEDIC_RESTART_WITH_USERS', 'approve')

// [days ]HH:MM-HH:MM in UTC, e.g. Sat,Sun 02:00-05:00; required when restartWithUsers is wait.
param maintenanceWindow = readEnvironmentVariable('RDPMEDIC_MAINTENANCE_WINDOW', '')

param onboardByPolicy = bool(readEnvironmentVariable('RDPMEDIC_ONBOARD_BY_POLICY', 'true'))

param policyAllWindowsImages = bool(readEnvironmentVariable('RDPMEDIC_POLICY_ALL_WINDOWS_IMAGES', 'true'))

param policyAddSystemIdentity = bool(readEnvironmentVariable('RDPMEDIC_POLICY_ADD_SYSTEM_IDENTITY', 'true'))

param enableOsDiskRestore = bool(readEnvironmentVariable('RDPMEDIC_ENABLE_OS_DISK_RESTORE', 'false'))

param killSwitch = bool(readEnvironmentVariable('RDPMEDIC_KILL_SWITCH', 'false'))

// A secure parameter: keep the URL (its query carries a signature) out of this file, in the environment.
param notifyWebhookUrl = readEnvironmentVariable('RDPMEDIC_NOTIFY_WEBHOOK_URL', '')

// Comma-separated resource IDs of VMs to associate with the data collection rule directly (besides the policies).
param monitoredVmResourceIds = empty(readEnvironmentVariable('RDPMEDIC_MONITORED_VMS', ''))
  ? []
  : split(readEnvironmentVariable('RDPMEDIC_MONITORED_VMS', ''), ',')

param sweepWorkspaceResourceIds = []
