import { createHash } from "node:crypto";
import { createServer, type AddressInfo } from "node:net";
import { logAlertFor } from "../../local/offline/alert-payload";
import { join } from "node:path";
import { OFFLINE_CLIENT_ID, startOfflineApp, type OfflineApp, type OfflineAppOptions } from "../../local/offline/offline-app";
import { resolveScenario } from "../../local/offline/scenario-file";
import { loadScenario } from "../../local/offline/scenario-file";
import type { RequestLogEntry, ScenarioOsDisk, VariantChoices } from "../../local/simulator";
import { deployedFacts } from "../../local/simulator/deployment";
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

/**
 * What every end-to-end run's Azure is like: the response variants the specs allow, picked at random per VM from a
 * seed (RDPMEDIC_VARIANT_SEED, else one derived from `seedFrom`, so a run is repeatable), and the remediator role
 * of the shipped infrastructure (read by the Bicep CLI from the compiled template, with or without the OS-disk
 * restore as the settings say), assigned at ALLOWED_SCOPES: every request the role does not grant is refused
 * with 403, so each test also proves the role sufficient.
 */
export function e2eSimulator(settings: Record<string, string>, seedFrom: string): NonNullable<OfflineAppOptions["simulator"]> {
  const role = deployedRole(settings.RESTORE_OS_DISK_ON_FAILURE === "true");
  const scopes = (settings.ALLOWED_SCOPES ?? `/subscriptions/${SUB}`).split(",").map((s) => s.trim()).filter(Boolean);
  return {
    variants: { seed: variantSeed(seedFrom) },
    ...(role
      ? { rbac: { principalClientId: OFFLINE_CLIENT_ID, assignments: scopes.map((scope) => ({ scope, actions: role.remediatorActions, notActions: role.remediatorNotActions })) } }
      : {}),
  };
}

/** RDPMEDIC_VARIANT_SEED when set (to try other variants), else a seed derived from the test's own names. */
export function variantSeed(seedFrom: string): number {
  const fromEnv = process.env.RDPMEDIC_VARIANT_SEED;
  if (fromEnv !== undefined && fromEnv !== "") return Number.parseInt(fromEnv, 10);
  return createHash("sha256").update(seedFrom).digest().readUInt32BE(0);
}

/** The deployed remediator role; undefined (no RBAC, with a warning) when the Bicep CLI is missing outside CI. */
export function deployedRole(restore: boolean): ReturnType<typeof deployedFacts> | undefined {
  if (!findTool("bicep")) {
    if (toolsRequired()) throw new Error(missingToolMessage("bicep"));
    console.warn(`${missingToolMessage("bicep")} End-to-end tests run without the deployed role (no 403s).`);
    return undefined;
  }
  return deployedFacts({ enableOsDiskRestore: restore });
}

export async function startFleet(settings: Record<string, string> = {}): Promise<OfflineApp> {
  const all = { ALLOWED_SCOPES: `/subscriptions/${SUB}`, ...settings };
  return startOfflineApp({
    scenario: loadScenario(join(__dirname, "fleet.json")),
    guest: e2eGuest(),
    settings: all,
    simulator: e2eSimulator(all, "fleet"),
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
  /** OS disk facts beyond the name (security type, generation). */
  osDisk?: Partial<ScenarioOsDisk>;
  zone?: string;
  /** Response variants for this VM, over the seeded ones. */
  variants?: Partial<VariantChoices>;
}

/** One scenario VM from a guest preset: running, agent Ready, a managed OS disk, in rg-rdsh of SUB, unless `extra` says otherwise. */
export function presetVm(name: string, preset: string, extra: Record<string, unknown> = {}) {
  return {
    subscriptionId: SUB,
    resourceGroup: "rg-rdsh",
    name,
    location: "westeurope",
    powerState: "running",
    agentReady: true,
    osDisk: { name: `${name}-os`, managed: true },
    guestPreset: preset,
    ...extra,
  };
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
      vms: vms.map((vm) =>
        presetVm(vm.name, vm.preset, {
          powerState: vm.powerState ?? "running",
          agentReady: (vm.powerState ?? "running") === "running",
          osDisk: { name: `${vm.name}-os`, managed: true, ...(vm.osDisk ?? {}) },
          ...(vm.tags ? { tags: vm.tags } : {}),
          ...(vm.zone ? { zone: vm.zone } : {}),
          ...(vm.variants ? { variants: vm.variants } : {}),
        }),
      ),
    },
    new Date(),
  );
  const all = { ALLOWED_SCOPES: `/subscriptions/${SUB}`, ...settings };
  return startOfflineApp({ scenario, guest, entry, settings: all, simulator: e2eSimulator(all, vms.map((vm) => vm.name).join(",")) });
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
