/**
 * Records the reference histories of the current orchestrators at host.json's defaultVersion: the real app on the
 * offline twin (simulator, Azurite, the scripts' model) runs one scenario per path a run or a sweep can be in flight
 * on, and every instance's history is written to `<version>/<scenario>.json`. Refuses a released version
 * (released-versions.json): what ran in production is never re-recorded.
 *
 *     npx tsx test/local/durable/reference-histories/record.ts
 */
import type { OfflineApp } from "../../../../local/offline/offline-app";
import type { InstanceStatus } from "../../../../local/durable/status-view";
import { readVersioning } from "../../../../local/durable/versioning";
import type { RunReport } from "../../../../src/domain/run";
import { alertFor, runIdOf, settle, startScenario, type VmSpec } from "../../../e2e/harness";
import { PROJECT_ROOT, releasedVersions, saveScenarios, type ReferenceScenario } from "./reference-histories";

const SKIP_SWEEP = { "rdp-medic-sweep": "skip" };

/** One VM per run scenario (left out of sweeps), and the sweep's own fleet. */
const VMS: VmSpec[] = [
  { name: "r-approve", preset: "no-cals-visible", tags: SKIP_SWEEP },
  { name: "r-reject", preset: "no-cals-visible", tags: SKIP_SWEEP },
  { name: "r-timeout", preset: "no-cals-visible", tags: SKIP_SWEEP },
  { name: "r-cancel", preset: "no-cals-visible", tags: SKIP_SWEEP },
  { name: "r-slot-a", preset: "demo-broken", tags: SKIP_SWEEP },
  { name: "r-slot-b", preset: "demo-broken", tags: SKIP_SWEEP },
  { name: "r-healthy", preset: "healthy", tags: SKIP_SWEEP },
  { name: "r-gpo", preset: "gpo-both", tags: SKIP_SWEEP },
  { name: "r-rollback", preset: "demo-broken", tags: SKIP_SWEEP },
  { name: "r-off", preset: "demo-broken", powerState: "deallocated", tags: SKIP_SWEEP },
  { name: "s-broken", preset: "demo-broken" },
  { name: "s-healthy", preset: "healthy" },
  { name: "s-grace", preset: "grace-running" },
  { name: "s-gpo", preset: "gpo-both" },
  { name: "s-off", preset: "demo-broken", powerState: "deallocated" },
];

const SETTINGS = {
  NO_CALS_ACTION: "remove-rdsh-role",
  APPROVAL_TIMEOUT_HOURS: "4",
  MAX_CONCURRENT_REMEDIATIONS: "1",
  SWEEP_MAX_CONCURRENCY: "2",
  SWEEP_TAG_EXCLUDE: "rdp-medic-sweep=skip",
  SWEEP_POLICY: "remediate",
  BREAKER_THRESHOLD: "1000",
};

interface RunScenario {
  scenario: string;
  vm: string;
  verdict: RunReport["verdict"];
  description: string;
}

const RUNS: RunScenario[] = [
  { scenario: "run-approved", vm: "r-approve", verdict: "remediated", description: "no CALs: waits for approval, approved, removes the role, restarts, verifies" },
  { scenario: "run-rejected", vm: "r-reject", verdict: "rejected", description: "no CALs: waits for approval, rejected, changes nothing" },
  { scenario: "run-approval-timeout", vm: "r-timeout", verdict: "needs-human", description: "no CALs: nobody answers within APPROVAL_TIMEOUT_HOURS" },
  { scenario: "run-canceled", vm: "r-cancel", verdict: "canceled", description: "no CALs: canceled while awaiting approval" },
  { scenario: "run-slot-first", vm: "r-slot-a", verdict: "remediated", description: "wrong license servers: takes the only slot, fixes, restarts, verifies" },
  { scenario: "run-slot-waiter", vm: "r-slot-b", verdict: "remediated", description: "wrong license servers: waits for the only slot (MAX_CONCURRENT_REMEDIATIONS=1), then fixes" },
  { scenario: "run-healthy", vm: "r-healthy", verdict: "healthy", description: "licensing works: probes, plans nothing" },
  { scenario: "run-needs-human", vm: "r-gpo", verdict: "needs-human", description: "Group Policy sets licensing: diagnosed, a person must act" },
  { scenario: "run-rolled-back", vm: "r-rollback", verdict: "failed-rolled-back", description: "a fix step's Run Command fails: registry put back, VM restarted" },
  { scenario: "run-skipped", vm: "r-off", verdict: "skipped", description: "the VM is deallocated: preflight ends the run" },
];

const runs = (app: OfflineApp) => app.host.listInstances({}, { showHistory: true });
const vmOf = (s: InstanceStatus) => ((s.input as { vmId?: string } | null)?.vmId ?? "").split("/").pop() ?? "";

async function alert(app: OfflineApp, ...names: string[]): Promise<string[]> {
  const ids: string[] = [];
  for (const name of names) ids.push(runIdOf(await app.post("alerts", alertFor(name))));
  return ids;
}

async function decide(app: OfflineApp, runId: string, decision: "approve" | "reject" | "cancel"): Promise<void> {
  const answer = await app.post(`remediations/${runId}/${decision}`, { comment: "reference-recorder" });
  if (answer.status !== 202) throw new Error(`${decision} ${runId}: ${answer.status} ${answer.body}`);
}

async function sweep(app: OfflineApp, policy: "report" | "remediate"): Promise<string> {
  const started = await app.post("sweeps", { policy });
  if (started.status !== 202) throw new Error(`sweep ${policy}: ${started.status} ${started.body}`);
  await settle(app, 8);
  return (started.json as { sweepId: string }).sweepId;
}

function toScenario(scenario: string, description: string, version: string, instances: InstanceStatus[]): ReferenceScenario {
  return {
    scenario,
    description,
    version,
    instances: instances.map((s) => ({ name: s.name, instanceId: s.instanceId, history: s.history ?? [] })),
  };
}

export async function recordReferenceHistories(): Promise<{ version: string; scenarios: ReferenceScenario[] }> {
  const version = readVersioning(PROJECT_ROOT).defaultVersion;
  const app = await startScenario(VMS, SETTINGS, "model");
  try {
    const [approve, reject, , cancel] = await alert(app, "r-approve", "r-reject", "r-timeout", "r-cancel");
    await settle(app, 1);
    await decide(app, approve as string, "approve");
    await decide(app, reject as string, "reject");
    await decide(app, cancel as string, "cancel");
    await settle(app, 6);
    await Promise.all([alert(app, "r-slot-a"), alert(app, "r-slot-b")]);
    await settle(app, 6);
    await alert(app, "r-healthy", "r-gpo", "r-off");
    await settle(app, 2);
    app.sim.addFault({ match: { operation: "vm.runCommand", vmName: "r-rollback", script: "set-license-servers" }, effect: { lroFailed: { code: "VMAgentStatusCommunicationError", message: "the script failed" } }, times: 1 });
    await alert(app, "r-rollback");
    await settle(app, 6);
    const reportSweep = await sweep(app, "report");
    const remediateSweep = await sweep(app, "remediate");

    const all = runs(app);
    const unfinished = all.filter((s) => s.runtimeStatus !== "Completed");
    if (unfinished.length > 0) throw new Error(`not finished: ${unfinished.map((s) => `${s.instanceId} ${s.runtimeStatus}`).join(", ")}`);
    const wrongVersion = all.filter((s) => s.version !== version);
    if (wrongVersion.length > 0) throw new Error(`not at ${version}: ${wrongVersion.map((s) => s.instanceId).join(", ")}`);

    const scenarios: ReferenceScenario[] = [];
    for (const run of RUNS) {
      const found = all.filter((s) => s.name === "RemediateVm" && vmOf(s) === run.vm);
      const verdict = (found[0]?.output as RunReport | undefined)?.verdict;
      if (found.length !== 1 || verdict !== run.verdict) throw new Error(`${run.scenario}: expected one run ending ${run.verdict}, got ${found.length} (${verdict})`);
      scenarios.push(toScenario(run.scenario, run.description, version, found));
    }
    const waited = scenarios.find((s) => s.scenario === "run-slot-waiter")?.instances[0]?.history.filter((e) => e.EventType === 14).length ?? 0;
    if (waited < 2) throw new Error("run-slot-waiter never waited for the slot");
    for (const [sweepId, scenario, description] of [
      [reportSweep, "sweep-report", "policy report over five VMs in waves of at most two: batches probe, poll and record"],
      [remediateSweep, "sweep-remediate", "policy remediate: batches probe, and the repairable VMs get their own remediation runs"],
    ] as const) {
      const parts = all.filter((s) => s.instanceId === sweepId || s.instanceId.startsWith(`${sweepId}:batch:`));
      const started = all.filter((s) => s.name === "RemediateVm" && (s.input as { trigger?: { sweepId?: string } }).trigger?.sweepId === sweepId);
      if (parts.filter((s) => s.name === "SweepBatch").length < 2) throw new Error(`${scenario}: expected several batches`);
      if (scenario === "sweep-remediate" && started.length === 0) throw new Error(`${scenario}: expected remediation runs, got none`);
      scenarios.push(toScenario(scenario, description, version, [...parts, ...started]));
    }
    return { version, scenarios };
  } finally {
    await app.stop();
  }
}

async function main(): Promise<void> {
  const version = readVersioning(PROJECT_ROOT).defaultVersion;
  if (!version) throw new Error("host.json sets no extensions.durableTask.defaultVersion.");
  if (releasedVersions().includes(version)) {
    throw new Error(
      `Version ${version} is released (released-versions.json): its histories are what production instances replay and are never re-recorded. ` +
        "Ship the change under a new defaultVersion (docs/deploy.md, Shipping a change to an orchestrator).",
    );
  }
  const recorded = await recordReferenceHistories();
  const dir = saveScenarios(recorded.version, recorded.scenarios);
  console.log(`${recorded.scenarios.length} scenarios, ${recorded.scenarios.reduce((n, s) => n + s.instances.length, 0)} instances, recorded at ${recorded.version} in ${dir}`);
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
