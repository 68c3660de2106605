// Example parameters for RDP Medic. Copy this file, or set the environment variables it reads:
//   az deployment sub create -l <region> -f infra/main.bicep -p infra/main.bicepparam
//   azd up   (azd sets AZURE_ENV_NAME; `azd env set RDPMEDIC_TARGET_SCOPES ...` sets the others)
using 'main.bicep'

param environmentName = readEnvironmentVariable('AZURE_ENV_NAME', 'rdpmedic')

// Comma-separated in the environment variable; replace the example with your subscriptions or resource groups.
param targetScopes = split(
  readEnvironmentVariable(
    'RDPMEDIC_TARGET_SCOPES',
    '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-rdsh'
  ),
  ','
)

param licenseServers = split(readEnvironmentVariable('RDPMEDIC_LICENSE_SERVERS', 'rdls01.contoso.com'), ',')

param licensingMode = '4'

param noCalsAction = 'report'

param enableOsDiskRestore = bool(readEnvironmentVariable('RDPMEDIC_ENABLE_OS_DISK_RESTORE', 'false'))

param killSwitch = bool(readEnvironmentVariable('RDPMEDIC_KILL_SWITCH', 'false'))

// A secure parameter: keep the URL (its query carries a signature) out of this file, in the environment.
param notifyWebhookUrl = readEnvironmentVariable('RDPMEDIC_NOTIFY_WEBHOOK_URL', '')

// Resource IDs of session hosts whose RD licensing events should be collected (they need the Azure Monitor Agent).
param monitoredVmResourceIds = empty(readEnvironmentVariable('RDPMEDIC_MONITORED_VMS', ''))
  ? []
  : split(readEnvironmentVariable('RDPMEDIC_MONITORED_VMS', ''), ',')

param sweepWorkspaceResourceIds = []
