import type { Actor } from "../auth/policy";
import type { ApprovalReason, Cause, PlanStep, ProbeResult, RestartDecision, StepOutput, VerifyOutput } from "./playbook";
import type { RunVerdict } from "./run-record";

export type { Actor };

/** How a run was started; a manual run names the identity that started it (from its token, never its body). */
export type Trigger =
  | { kind: "alert"; alertId: string; alertRule: string }
  | { kind: "manual"; by?: Actor }
  | { kind: "sweep"; sweepId: string };

/** A person's decision about a run: who, when, with what comment. */
export interface RunDecision {
  decision: "approved" | "rejected" | "canceled";
  by: Actor;
  at: string;
  comment?: string;
}

/** An alert that arrived for this VM while the run held it (a dry run, an approval wait). */
export interface PendingAlert {
  alertId: string;
  alertRule: string;
  receivedAt: string;
}

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
  /** Who approved, rejected or canceled it, when, with what comment. */
  decisions?: RunDecision[];
  /** What a person was asked to approve (a role removal, a restart with users signed in), when the plan needed it. */
  approvals?: ApprovalReason[];
  /** Alerts that arrived while the run held the VM, and whether the next run acts on them. */
  pendingAlerts?: PendingAlert[];
  /** The next run for this VM starts from these alerts (continue-as-new) when the run ends. */
  followedBy?: "alert";
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
  /** The identity that started a run may also decide its approval (absent in runs started before it existed: off). */
  allowSelfApproval?: boolean;
}

/** The run settings a run carries in its input, from the app's settings. */
export function runSettings(config: {
  pollIntervalSeconds: number;
  operationTimeoutMinutes: number;
  approvalTimeoutHours: number;
  guards: { maxConcurrentRemediations: number };
  restoreOsDiskOnFailure: boolean;
  allowSelfApproval?: boolean;
}): RunSettings {
  return {
    pollIntervalSeconds: config.pollIntervalSeconds,
    operationTimeoutMinutes: config.operationTimeoutMinutes,
    approvalTimeoutHours: config.approvalTimeoutHours,
    maxConcurrentRemediations: config.guards.maxConcurrentRemediations,
    restoreOsDiskOnFailure: config.restoreOsDiskOnFailure,
    allowSelfApproval: config.allowSelfApproval === true,
  };
}

/** What a person answers to an approval request (the APPROVAL_EVENT): the identity comes from their token. */
export interface ApprovalDecision {
  approved: boolean;
  by: Actor;
  at: string;
  comment?: string;
}

/** A person's request to stop a run (the CANCEL_EVENT). */
export interface CancelRequest {
  by: Actor;
  at: string;
  comment?: string;
}

/** Events from runs started by an older version carried `by` as a bare string, or nothing. */
export function actorOfEvent(by: unknown): Actor {
  if (typeof by === "object" && by !== null && typeof (by as Actor).id === "string" && typeof (by as Actor).name === "string") {
    return { id: (by as Actor).id, name: (by as Actor).name };
  }
  const name = typeof by === "string" && by !== "" ? by.slice(0, 200) : "unknown";
  return { id: `unverified:${name}`, name };
}

/** The identities that started a run: a person for a manual run; none for an alert (a sweep's starter is checked where the sweep is known). */
export function startersOf(trigger: Trigger): Actor[] {
  return trigger.kind === "manual" && trigger.by ? [trigger.by] : [];
}

/**
 * Whether alerts that arrived while the run held the VM start the next run when it ends: yes when the run changed
 * nothing and no person decided (a dry run; an approval nobody gave in time); otherwise the run's own outcome (a fix,
 * a diagnosis, a person's rejection or cancel) answers them, and they are kept in its report.
 */
export function pendingAlertsStartNextRun(verdict: Verdict, approvalTimedOut: boolean): boolean {
  return verdict === "dry-run" || (verdict === "needs-human" && approvalTimedOut);
}

/** Custom status: where the run is now (16 KB cap: keep it small). */
export interface RunStatus {
  step: string;
  vmId: string;
  dryRun: boolean;
  detail?: string;
  planned?: PlanStep[];
  before?: LicensingValues;
  /** Keys (alertKey) of the alerts this run holds for its end, while it waits for approval. */
  pendingAlerts?: string[];
}
