import type { Cause, PlanStep, ProbeResult, RestartDecision, StepOutput, VerifyOutput } from "./playbook";
import type { RunVerdict } from "./run-record";

/** How a run was started. */
export type Trigger =
  | { kind: "alert"; alertId: string; alertRule: string }
  | { kind: "manual" }
  | { kind: "sweep"; sweepId: string };

/** The orchestration's input. Small on purpose: IDs and flags, not documents. */
export interface RemediationInput {
  vmId: string;
  trigger: Trigger;
  dryRun: boolean;
  settings: RunSettings;
}

/** How a run ended: one list, shared with the ledger. */
export type Verdict = RunVerdict;

/** The licensing values a person cares about, before and after. */
export interface LicensingValues {
  licensingMode: number | null;
  licenseServers: string[] | null;
  policyLicensingMode: number | null;
  policyLicenseServers: string[] | null;
  rdshFeature: string;
  graceDaysLeft: number | null;
}

export interface StepRecord {
  step: PlanStep;
  status: "done" | "failed";
  startedAt: string;
  endedAt: string;
  before?: Record<string, unknown>;
  after?: Record<string, unknown>;
  error?: string;
}

/** Every run ends with one of these (the orchestration's output). */
export interface RunReport {
  runId: string;
  vmId: string;
  trigger: Trigger;
  dryRun: boolean;
  startedAt: string;
  endedAt: string;
  verdict: Verdict;
  reason: string;
  snapshotId: string | undefined;
  before: LicensingValues | undefined;
  causes: Cause[];
  plan: PlanStep[];
  humanActions: string[];
  steps: StepRecord[];
  verify: VerifyOutput | undefined;
  /** The app's own RDP negotiation with the VM after the fix, when it can reach the VM. */
  appRdpCheck?: { target: string; ok: boolean; detail: string };
  /** The guard that stopped or held changes, when one did. */
  guard?: string;
  /** How to get back to the state before the run, when something failed after a change. */
  restoreHint?: string;
  /** Whether the plan restarts the VM and why: nobody signed in, approved with the user count, waited for the window, forced. */
  restart?: RestartDecision;
}

export function licensingValues(probe: ProbeResult): LicensingValues {
  return {
    licensingMode: probe.licensingMode,
    licenseServers: probe.specifiedLicenseServers,
    policyLicensingMode: probe.policyLicensingMode,
    policyLicenseServers: probe.policyLicenseServers,
    rdshFeature: probe.rdshFeature,
    graceDaysLeft: probe.graceDaysLeft,
  };
}

export function stepRecord(step: PlanStep, startedAt: string, endedAt: string, output: StepOutput | undefined, error?: string): StepRecord {
  const record: StepRecord = { step, status: error === undefined ? "done" : "failed", startedAt, endedAt };
  if (output) {
    record.before = output.before;
    record.after = output.after;
  }
  if (error !== undefined) record.error = error;
  return record;
}

/** A step's label in status and logs, e.g. "set-license-servers". */
export function stepLabel(step: PlanStep): string {
  return step.kind;
}

/** The settings a run carries in its input, so replays never read the environment. */
export interface RunSettings {
  pollIntervalSeconds: number;
  operationTimeoutMinutes: number;
  approvalTimeoutHours: number;
  /** Blast radius: runs changing VMs at once. */
  maxConcurrentRemediations: number;
  /** After a failed fix that the registry rollback could not undo, restore the OS disk from the snapshot. */
  restoreOsDiskOnFailure: boolean;
}

/** The run settings a run carries in its input, from the app's settings. */
export function runSettings(config: {
  pollIntervalSeconds: number;
  operationTimeoutMinutes: number;
  approvalTimeoutHours: number;
  guards: { maxConcurrentRemediations: number };
  restoreOsDiskOnFailure: boolean;
}): RunSettings {
  return {
    pollIntervalSeconds: config.pollIntervalSeconds,
    operationTimeoutMinutes: config.operationTimeoutMinutes,
    approvalTimeoutHours: config.approvalTimeoutHours,
    maxConcurrentRemediations: config.guards.maxConcurrentRemediations,
    restoreOsDiskOnFailure: config.restoreOsDiskOnFailure,
  };
}

/** What a person answers to an approval request. */
export interface ApprovalDecision {
  approved: boolean;
  by: string;
  comment?: string;
}

/** Custom status: where the run is now (16 KB cap: keep it small). */
export interface RunStatus {
  step: string;
  vmId: string;
  dryRun: boolean;
  detail?: string;
  planned?: PlanStep[];
  before?: LicensingValues;
}
