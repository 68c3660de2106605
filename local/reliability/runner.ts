/**
 * Runs the fault matrix through the real app offline: one app (guest model) over a scenario with one broken VM
 * per case, each case's fault set up before its alert, every alert sent, then the durable host driven until
 * nothing is left to do or the virtual horizon is reached. Then every case is judged (checks.ts).
 */
import { logAlertFor } from "../offline/alert-payload";
import { OFFLINE_CLIENT_ID } from "../offline/offline-app";
import { deployedFacts } from "../simulator/deployment";
import type { RbacOptions } from "../simulator/rbac";
import { findTool, missingToolMessage, toolsRequired } from "../tools";
import { type Profile, pinsFor } from "./variants";
import type { RunReport } from "../../src/domain/run";
import { REMEDIATION_SLOTS, REMEDIATION_SLOTS_KEY, type SlotsState } from "../../src/entities/remediation-slots";
import type { LocalDurableHost } from "../durable/host";
import { startOfflineApp, type OfflineApp } from "../offline/offline-app";
import { resolveScenario } from "../offline/scenario-file";
import { judgeCase, type CaseResult } from "./checks";
import { FaultInjector } from "./injector";
import { buildMatrix, matrixCases, type Cell, type FaultCase } from "./matrix";

export const SUBSCRIPTION = "6e0f3c54-1b6e-4a3b-9d2f-2f1c8b7a9e10";
export const RESOURCE_GROUP = "rg-rdsh";

/** App settings of the matrix: cases must not wait on each other (slots) or trip guards meant for fleets. */
export const MATRIX_SETTINGS: Record<string, string> = {
  POLL_INTERVAL_SECONDS: "15",
  OPERATION_TIMEOUT_MINUTES: "10",
  MAX_CONCURRENT_REMEDIATIONS: "1000",
  BREAKER_THRESHOLD: "10000",
};

/** Every run must end within this much virtual time: the operation timeout plus a margin for retries. */
export const RUN_BOUND_MS = (Number(MATRIX_SETTINGS.OPERATION_TIMEOUT_MINUTES) + 20) * 60_000;

export interface MatrixOptions {
  /** How Azure answers (a value per response-variant axis; cases keep what their fault needs); default: the simulator's defaults. */
  profile?: Profile;
  /** Virtual time the host may run for before the runs still going are declared hung (default 4 x RUN_BOUND_MS). */
  horizonMs?: number;
  /** Only these case IDs (plus nothing else); default every case. */
  only?: readonly string[];
  log?: (line: string) => void;
}

export interface MatrixResult {
  profile: Profile | undefined;
  /** Whether the deployed remediator role was enforced (the Bicep CLI was there to read it). */
  roleEnforced: boolean;
  cells: Cell[];
  results: CaseResult[];
  /** Virtual time from the first alert until the host was idle (or hit the horizon). */
  virtualMs: number;
  stoppedBy: "idle" | "horizon";
  wallMs: number;
  ok: boolean;
}

export const vmIdOf = (name: string) =>
  `/subscriptions/${SUBSCRIPTION}/resourcegroups/${RESOURCE_GROUP}/providers/microsoft.compute/virtualmachines/${name}`;

export async function runFaultMatrix(options: MatrixOptions = {}): Promise<MatrixResult> {
  const wallStart = Date.now();
  const log = options.log ?? (() => undefined);
  const cells = buildMatrix({ transitionalPower: options.profile?.power === "transitional" });
  const cases = matrixCases(cells).filter((c) => !options.only || options.only.includes(c.id));
  const rbac = deployedRole();
  const app = await startOfflineApp({
    scenario: scenarioOf(cases, options.profile),
    guest: "model",
    settings: { ALLOWED_SCOPES: `/subscriptions/${SUBSCRIPTION}`, ...MATRIX_SETTINGS },
    simulator: { ...(options.profile ? { variants: { fixed: options.profile } } : {}), ...(rbac ? { rbac } : {}) },
  });
  try {
    const injector = new FaultInjector(app.sim, cases.map((faultCase) => ({ faultCase, vmId: vmIdOf(faultCase.id) })));
    const runIds = new Map<string, string>();
    const firstAlert = app.host.clock.nowMs();
    for (const faultCase of cases) {
      injector.beforeAlert(faultCase.id);
      runIds.set(faultCase.id, await alert(app, faultCase.id));
    }
    log(`${cases.length} runs started`);
    const horizon = firstAlert + (options.horizonMs ?? 4 * RUN_BOUND_MS);
    const stoppedBy = await drive(app.host, injector, horizon);
    const virtualMs = app.host.clock.nowMs() - firstAlert;
    log(`host ${stoppedBy} after ${Math.round(virtualMs / 1000)} s of virtual time`);

    const slots = app.host.readEntityState<SlotsState>(REMEDIATION_SLOTS, REMEDIATION_SLOTS_KEY);
    const slotHolders = Object.keys(slots.entityState?.holders ?? {});
    const own = injector.ownRequests();
    const entries = app.sim.requestLog.entries().filter((e) => !own.has(e.seq));
    const results: CaseResult[] = [];
    for (const faultCase of cases) {
      const runId = runIds.get(faultCase.id)!;
      const vmId = vmIdOf(faultCase.id);
      const status = app.host.getStatus(runId);
      const injected = injector.outcome(faultCase.id);
      results.push(
        judgeCase(
          faultCase,
          runId,
          {
            runtimeStatus: status?.runtimeStatus,
            report: (status?.output ?? undefined) as RunReport | undefined,
            requests: entries.filter((e) => e.vmId === vmId),
            slotHolders,
            ledgerRunIds: await ledgerRunIds(app, vmId),
            injectionError: injected.error,
            injectionsPending: injected.pending,
          },
          RUN_BOUND_MS,
        ),
      );
    }
    return { profile: options.profile, roleEnforced: rbac !== undefined, cells, results, virtualMs, stoppedBy, wallMs: Date.now() - wallStart, ok: results.every((r) => r.ok) };
  } finally {
    await app.stop();
  }
}

/**
 * Runs the host one timer instant at a time, so that injections waiting for a request are applied while every
 * run waits on a durable timer (deterministically before the next request of that run).
 */
async function drive(host: LocalDurableHost, injector: FaultInjector, horizonMs: number): Promise<"idle" | "horizon"> {
  let until = host.clock.now();
  for (;;) {
    await host.runUntilIdle({ until });
    await injector.onIdle();
    const next = host.hub.nextTimerDueMs();
    if (next === undefined) return "idle";
    if (next > horizonMs) {
      await host.runUntilIdle({ until: new Date(horizonMs) });
      return "horizon";
    }
    until = new Date(next);
  }
}

async function alert(app: OfflineApp, vmName: string): Promise<string> {
  const answer = await app.post("alerts", logAlertFor([vmIdOf(vmName)]));
  const run = (answer.json as { runs?: Array<{ runId: string; state: string }> }).runs?.[0];
  if (answer.status !== 202 || !run || run.state !== "started") throw new Error(`the alert for ${vmName} started no run: ${answer.status} ${JSON.stringify(answer.json)}`);
  return run.runId;
}

async function ledgerRunIds(app: OfflineApp, vmId: string): Promise<string[]> {
  const answer = await app.get(`remediations?vm=${encodeURIComponent(vmId)}`);
  if (answer.status !== 200) return [];
  return ((answer.json as { runs?: Array<{ runId: string }> }).runs ?? []).map((r) => r.runId);
}

/** The shipped remediator role at the matrix's subscription (when the Bicep CLI can read it). */
function deployedRole(): RbacOptions | undefined {
  if (!findTool("bicep")) {
    if (toolsRequired()) throw new Error(missingToolMessage("bicep"));
    return undefined;
  }
  const role = deployedFacts({ enableOsDiskRestore: MATRIX_SETTINGS.RESTORE_OS_DISK_ON_FAILURE === "true" });
  return {
    principalClientId: OFFLINE_CLIENT_ID,
    assignments: [{ scope: `/subscriptions/${SUBSCRIPTION}`, actions: role.remediatorActions, notActions: role.remediatorNotActions }],
  };
}

function scenarioOf(cases: readonly FaultCase[], profile: Profile | undefined) {
  return resolveScenario(
    {
      vms: cases.map((c) => ({
        ...(profile ? { variants: pinsFor(c, profile) } : {}),
        subscriptionId: SUBSCRIPTION,
        resourceGroup: RESOURCE_GROUP,
        name: c.id,
        location: "westeurope",
        powerState: c.vm.powerState,
        agentReady: c.vm.agentReady,
        osDisk: { name: `${c.id}-os`, managed: true },
        guestPreset: "demo-broken",
      })),
    },
    new Date(),
  );
}
