import type { RepairNote, SweepInput, VmCheck } from "../domain/sweep-record";
import type { SweepSummary } from "../domain/sweep-summary";
import type { PackedTargets, TargetSelection } from "../domain/sweep-targets";

/** Sweep activity names: the sweep orchestrations call these, src/functions/sweep-activities.ts registers them. */
export const SWEEP_ACTIVITY = {
  listTargets: "SweepListTargets",
  startProbes: "SweepStartProbes",
  pollProbes: "SweepPollProbes",
  startRemediations: "SweepStartRemediations",
  recordChecks: "SweepRecordChecks",
  recordUnchecked: "SweepRecordUnchecked",
  recordReport: "SweepRecordReport",
} as const;

export interface ListTargetsResult {
  /** Windows VMs in scope that pass the tag filter, symptoms first. */
  targets: PackedTargets;
  listed: number;
  skipped: TargetSelection["skipped"];
  /** Targets with licensing events in the symptom window. */
  symptomatic: number;
  /** Workspaces whose symptom query failed: the sweep goes on without their events. */
  workspaceProblems: Array<{ workspaceId: string; code: string; message: string }>;
  requests: { resourceGraph: number; logs: number };
}

export interface StartProbesInput {
  sweepId: string;
  vmIds: string[];
  /** Stop starting probes once this many could not be started for good (the sweep's remaining error budget). */
  stopAfterFailures: number;
}

export type ProbeStartOutcome =
  | { vmId: string; state: "started"; op: string }
  /** The probe could not start: the VM's result is already known (unknown, or a failed check). */
  | { vmId: string; state: "finished"; check: VmCheck }
  /** The VM goes back to the queue: Azure throttled the start, another Run Command keeps it busy, Azure failed
   *  transiently, or the error budget ran out before its turn. */
  | { vmId: string; state: "returned"; why: ReturnReason; retryAfterSeconds: number; detail?: string };

export type ReturnReason = "throttled" | "busy" | "not-started";

export interface PollProbesInput {
  sweepId: string;
  graceWarningDays: number;
  probes: Array<{ vmId: string; op: string }>;
}

/** Finished probes only (still-running ones are left out: the caller keeps polling them). */
export interface PollProbesResult {
  finished: VmCheck[];
  throttled: number;
}

export interface StartRemediationsInput {
  sweepId: string;
  vmIds: string[];
}

export interface StartRemediationsResult {
  repairs: Array<{ vmId: string; repair: RepairNote }>;
}

export interface RecordChecksInput {
  sweepId: string;
  checks: VmCheck[];
}

export interface RecordUncheckedInput {
  sweepId: string;
  targets: PackedTargets;
  reason: string;
}

/** What a sweep reports at the end (its orchestration output, also recorded in the ledger). */
export interface SweepReport {
  sweepId: string;
  trigger: SweepInput["trigger"];
  policy: SweepInput["settings"]["policy"];
  startedAt: string;
  endedAt: string;
  /** completed: every target has a result; stopped: maxErrors was reached and the rest is "not-checked". */
  state: "completed" | "stopped";
  stopReason?: string;
  targets: Omit<ListTargetsResult, "targets"> & { total: number };
  summary: SweepSummary;
  rate: { waves: number; peakWave: number; errors: number; throttledWaves: number; batches: number };
}
