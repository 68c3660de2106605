import { readFileSync } from "node:fs";
import type { RunReport } from "../../src/domain/run";
import { startOfflineApp } from "../offline/offline-app";
import { loadScenario } from "../offline/scenario-file";
import { watchSteps } from "./progress";
import { rdpState, type RdpState } from "./rdp-state";

export interface SimulateOptions {
  alertFile: string;
  scenarioFile: string;
  guest: "pwsh" | "model" | "auto";
  /** Before/after and the report, in words. */
  narrate: boolean;
  /** Live step-by-step progress lines (a terminal). */
  live: boolean;
  print: (line: string) => void;
}

/** The machine-readable result of `rdp-medic simulate --json` (documented in the README). */
export interface SimulationSummary {
  guestRuntime: "pwsh" | "model";
  alert: { status: number; body: unknown };
  runs: Array<{
    vmId: string;
    runId: string;
    runtimeStatus: string;
    verdict: string | undefined;
    reason: string | undefined;
    snapshotId: string | undefined;
    causes: string[];
    steps: Array<{ kind: string; status: string; before?: unknown; after?: unknown }>;
    rdpBefore: RdpState;
    rdpAfter: RdpState;
  }>;
  requests: { total: number; stateChanging: number; byOperation: Record<string, number> };
  virtualMinutes: number;
  wallSeconds: number;
}

export async function simulate(options: SimulateOptions): Promise<SimulationSummary> {
  const wallStart = Date.now();
  const scenario = loadScenario(options.scenarioFile);
  let alert: unknown;
  try {
    alert = readFileSync(options.alertFile, "utf8");
  } catch (error) {
    throw new Error(`alert ${options.alertFile}: ${(error as Error).message}`);
  }
  const app = await startOfflineApp({ scenario, guest: options.guest, auth: "local-development" });
  try {
    const say = (line: string) => options.narrate && options.print(line);
    const now = new Date();
    const before = new Map(
      app.sim.listVms().map((vm) => [vm.id.toLowerCase(), rdpState(app.sim.getGuest(vm.id)!, now)] as const),
    );
    say(`Azure simulator ${app.sim.armEndpoint} · guest scripts run under ${app.guestRuntime.name === "pwsh" ? "real PowerShell" : "the TypeScript model"}`);
    for (const [vmId, state] of before) say(`  ${vmId.split("/").pop()}: RDP ${state.state} — ${state.detail}`);
    say("POST /api/alerts");

    const response = await app.post("alerts", alert);
    say(`  ${response.status} ${summariseAlertAnswer(response.json)}`);
    const stopWatching = options.live ? watchSteps(app.host, options.print) : () => undefined;
    const stats = await app.host.runUntilIdle();
    stopWatching();

    const runs: SimulationSummary["runs"] = [];
    for (const handle of runHandles(response.json)) {
      const status = app.host.getStatus(handle.runId);
      const report = status?.output as RunReport | undefined;
      const vmId = handle.vmId.toLowerCase();
      const after = rdpState(app.sim.getGuest(vmId)!, new Date());
      runs.push({
        vmId,
        runId: handle.runId,
        runtimeStatus: status?.runtimeStatus ?? "Unknown",
        verdict: report?.verdict,
        reason: report?.reason,
        snapshotId: report?.snapshotId,
        causes: report?.causes.map((c) => c.code) ?? [],
        steps: report?.steps.map((s) => ({ kind: s.step.kind, status: s.status, before: s.before, after: s.after })) ?? [],
        rdpBefore: before.get(vmId)?.state ?? "failing",
        rdpAfter: after.state,
      });
      if (report) {
        say(`\n${vmId.split("/").pop()}: ${report.verdict.toUpperCase()} — ${report.reason}`);
        if (report.snapshotId) say(`  snapshot   ${report.snapshotId.split("/").pop()}`);
        for (const cause of report.causes) say(`  cause      ${cause.code}: ${cause.detail}`);
        for (const step of report.steps) say(`  step       ${step.step.kind} ${step.status}${step.before ? ` ${JSON.stringify(step.before)} -> ${JSON.stringify(step.after)}` : ""}`);
        if (report.restart && report.restart.mode !== "none") say(`  restart    ${report.restart.detail}`);
        for (const action of report.humanActions) say(`  for a person: ${action}`);
        say(`  RDP now    ${after.state} — ${after.detail}`);
      }
    }
    const entries = app.sim.requestLog.entries();
    const byOperation: Record<string, number> = {};
    for (const e of entries) byOperation[e.operation] = (byOperation[e.operation] ?? 0) + 1;
    return {
      guestRuntime: app.guestRuntime.name,
      alert: { status: response.status, body: response.json },
      runs,
      requests: { total: entries.length, stateChanging: entries.filter((e) => e.stateChanging).length, byOperation },
      virtualMinutes: Math.round((stats.virtualEnd.getTime() - stats.virtualStart.getTime()) / 60_000),
      wallSeconds: Math.round((Date.now() - wallStart) / 100) / 10,
    };
  } finally {
    await app.stop();
  }
}

function runHandles(body: unknown): Array<{ vmId: string; runId: string }> {
  const runs = (body as { runs?: unknown })?.runs;
  return Array.isArray(runs) ? (runs as Array<{ vmId: string; runId: string }>) : [];
}

function summariseAlertAnswer(body: unknown): string {
  const b = body as { runs?: Array<{ vmId: string; state: string }>; rejected?: Array<{ target: string; code: string }>; ignored?: { reason: string }; error?: { code: string } };
  if (b?.error) return b.error.code;
  if (b?.ignored) return `ignored (${b.ignored.reason})`;
  const runs = (b?.runs ?? []).map((r) => `${r.vmId.split("/").pop()} ${r.state}`);
  const rejected = (b?.rejected ?? []).map((r) => `${r.target.split("/").pop()} ${r.code}`);
  return [...runs, ...rejected].join(", ");
}
