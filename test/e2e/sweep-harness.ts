import type { OfflineApp } from "../../local/offline/offline-app";
import { startOfflineApp } from "../../local/offline/offline-app";
import { resolveScenario } from "../../local/offline/scenario-file";
import type { SweepReport } from "../../src/activities/sweep-contracts";
import { e2eGuest, e2eSimulator, FOREIGN_SUB, presetVm, SUB } from "./harness";

export { settle } from "./harness";

export const WORKSPACE = "3c1e6a52-7d0b-4f7e-9a43-6f2d8c1b5e90";

/** A sweep fleet: one VM per situation a sweep must tell apart (name -> guest preset and VM facts). */
export function sweepFleet(now: Date) {
  const vm = presetVm;
  return resolveScenario(
    {
      vms: [
        vm("s-healthy", "healthy"),
        vm("s-broken", "demo-broken", { workspaceId: WORKSPACE }),
        vm("s-grace", "grace-running", { workspaceId: WORKSPACE }),
        vm("s-gpo", "gpo-both"),
        vm("s-norole", "role-not-installed"),
        vm("s-off", "demo-broken", { powerState: "deallocated", agentReady: false }),
        vm("s-agent", "demo-broken", { agentReady: false }),
        vm("s-skip", "demo-broken", { tags: { "rdp-medic-sweep": "skip" } }),
        vm("s-optout", "demo-broken", { tags: { "rdp-medic-opt-out": "true" } }),
        vm("s-nocals", "no-cals-visible"),
        vm("s-foreign", "demo-broken", { subscriptionId: FOREIGN_SUB, resourceGroup: "rg-elsewhere" }),
      ],
    },
    now,
  );
}

export async function startSweepFleet(settings: Record<string, string>): Promise<OfflineApp> {
  const all = {
    ALLOWED_SCOPES: `/subscriptions/${SUB}`,
    SWEEP_WORKSPACE_IDS: WORKSPACE,
    SWEEP_TAG_EXCLUDE: "rdp-medic-sweep=skip",
    ...settings,
  };
  return startOfflineApp({ scenario: sweepFleet(new Date()), guest: e2eGuest(), settings: all, simulator: e2eSimulator(all, `sweep:${JSON.stringify(settings)}`) });
}

export async function sweepReport(app: OfflineApp, sweepId: string): Promise<SweepReport> {
  const status = await app.get(`sweeps/${sweepId}`);
  if (status.status !== 200) throw new Error(`GET sweeps/${sweepId}: ${status.status} ${status.body}`);
  const body = status.json as { runtimeStatus: string; report?: SweepReport; failure?: unknown };
  if (body.runtimeStatus !== "Completed" || !body.report) throw new Error(`sweep ${sweepId} is ${body.runtimeStatus}: ${JSON.stringify(body.failure ?? body)}`);
  return body.report;
}
