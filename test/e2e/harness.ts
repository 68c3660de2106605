import { createServer, type AddressInfo } from "node:net";
import { logAlertFor } from "../../local/offline/alert-payload";
import { join } from "node:path";
import { startOfflineApp, type OfflineApp } from "../../local/offline/offline-app";
import { resolveScenario } from "../../local/offline/scenario-file";
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
  return logAlertFor(names.map((name) => (name.startsWith("/") ? name : vmId(name))));
}

/** Requests about one VM (its own URL, or an operation/disk/snapshot the simulator tied to it). */
export function requestsFor(entries: RequestLogEntry[], id: string): RequestLogEntry[] {
  return entries.filter((e) => (e.vmId ?? "").toLowerCase() === id.toLowerCase());
}

export interface VmSpec {
  name: string;
  preset: string;
  powerState?: "running" | "deallocated";
  tags?: Record<string, string>;
}

/** An offline app over a scenario built from presets (one per test file: the app reads its settings once). */
export async function startScenario(
  vms: VmSpec[],
  settings: Record<string, string> = {},
  guest: "pwsh" | "model" = e2eGuest(),
  entry?: string,
): Promise<OfflineApp> {
  const scenario = resolveScenario(
    {
      vms: vms.map((vm) => ({
        subscriptionId: SUB,
        resourceGroup: "rg-rdsh",
        name: vm.name,
        location: "westeurope",
        powerState: vm.powerState ?? "running",
        agentReady: (vm.powerState ?? "running") === "running",
        osDisk: { name: `${vm.name}-os`, managed: true },
        ...(vm.tags ? { tags: vm.tags } : {}),
        guestPreset: vm.preset,
      })),
    },
    new Date(),
  );
  return startOfflineApp({ scenario, guest, entry, settings: { ALLOWED_SCOPES: `/subscriptions/${SUB}`, ...settings } });
}

/** Runs the host until nothing can progress within the next `hours` of virtual time. */
export async function settle(app: OfflineApp, hours = 1): Promise<void> {
  await app.host.runUntilIdle({ until: new Date(app.host.clock.nowMs() + hours * 3_600_000) });
}

export function runIdOf(response: { json: unknown }): string {
  const body = response.json as { runs?: Array<{ runId: string }>; runId?: string };
  const id = body.runs?.[0]?.runId ?? body.runId;
  if (!id) throw new Error(`no run in ${JSON.stringify(body).slice(0, 300)}`);
  return id;
}

/** A loopback port where nothing listens (a VM whose RDP does not answer). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
