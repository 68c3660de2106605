/**
 * An Azure Monitor log search alert (common alert schema, Log Alerts V2 on a workspace) split by `_ResourceId`,
 * naming the given VMs: what the action group posts to /api/alerts when the licensing events fire.
 */
export function logAlertFor(vmIds: readonly string[]): unknown {
  const subscription = /^\/subscriptions\/([^/]+)/i.exec(vmIds[0] ?? "")?.[1] ?? "00000000-0000-0000-0000-000000000000";
  return {
    schemaId: "azureMonitorCommonAlertSchema",
    data: {
      essentials: {
        alertId: `/subscriptions/${subscription}/providers/Microsoft.AlertsManagement/alerts/${vmIds.map((id) => id.split("/").pop()).join("-")}`,
        alertRule: "rd-licensing-events",
        severity: "Sev2",
        signalType: "Log",
        monitorCondition: "Fired",
        monitoringService: "Log Alerts V2",
        alertTargetIDs: [`/subscriptions/${subscription}/resourcegroups/rg-monitor/providers/microsoft.operationalinsights/workspaces/law`],
        configurationItems: [],
        firedDateTime: new Date().toISOString(),
        essentialsVersion: "1.0",
        alertContextVersion: "1.0",
      },
      alertContext: {
        conditionType: "LogQueryCriteria",
        condition: {
          windowSize: "PT15M",
          allOf: vmIds.map((id) => ({ searchQuery: "Event", dimensions: [{ name: "_ResourceId", value: id }] })),
        },
      },
    },
  };
}
