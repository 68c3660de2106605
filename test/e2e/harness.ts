import { join } from "node:path";
import { startOfflineApp, type OfflineApp } from "../../local/offline/offline-app";
import { loadScenario } from "../../local/offline/scenario-file";
import type { RequestLogEntry } from "../../local/simulator";
import { findTool, missingToolMessage, toolsRequired } from "../../local/tools";

export const SUB = "6e0f3c54-1b6e-4a3b-9d2f-2f1c8b7a9e10";
export const FOREIGN_SUB = "0a9b8c7d-6e5f-4a3b-8c1d-2e3f4a5b6c7d";
export const vmId = (name: string, sub = SUB, rg = "rg-rdsh") =>
  `/subscriptions/${sub}/resourcegroups/${rg}/providers/microsoft.compute/virtualmachines/${name}`;

/** The guest runtime for end-to-end tests: real PowerShell when installed (always in CI), else the model. */
export function e2eGuest(): "pwsh" | "model" {
  if (findTool("pwsh")) return "pwsh";
  if (toolsRequired()) throw new Error(missingToolMessage("pwsh"));
  console.warn(`${missingToolMessage("pwsh")} End-to-end tests use the TypeScript model of the scripts.`);
  return "model";
}

export async function startFleet(settings: Record<string, string> = {}): Promise<OfflineApp> {
  return startOfflineApp({
    scenario: loadScenario(join(__dirname, "fleet.json")),
    guest: e2eGuest(),
    settings: { ALLOWED_SCOPES: `/subscriptions/${SUB}`, ...settings },
  });
}

export function alertFor(...names: string[]): unknown {
  return {
    schemaId: "azureMonitorCommonAlertSchema",
    data: {
      essentials: {
        alertId: `/subscriptions/${SUB}/providers/Microsoft.AlertsManagement/alerts/${names.join("-")}`,
        alertRule: "rd-licensing-events",
        severity: "Sev2",
        signalType: "Log",
        monitorCondition: "Fired",
        monitoringService: "Log Alerts V2",
        alertTargetIDs: [`/subscriptions/${SUB}/resourcegroups/rg-monitor/providers/microsoft.operationalinsights/workspaces/law`],
        configurationItems: [],
        firedDateTime: new Date().toISOString(),
        essentialsVersion: "1.0",
        alertContextVersion: "1.0",
      },
      alertContext: {
        conditionType: "LogQueryCriteria",
        condition: {
          windowSize: "PT15M",
          allOf: names.map((name) => ({
            searchQuery: "Event",
            dimensions: [{ name: "_ResourceId", value: name.startsWith("/") ? name : vmId(name) }],
          })),
        },
      },
    },
  };
}

/** Requests about one VM (its own URL, or an operation/disk/snapshot the simulator tied to it). */
export function requestsFor(entries: RequestLogEntry[], id: string): RequestLogEntry[] {
  return entries.filter((e) => (e.vmId ?? "").toLowerCase() === id.toLowerCase());
}
