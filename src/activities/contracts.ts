import type { OperationRef } from "../domain/operation";
import type { Cause, Plan, PlanStep, ProbeResult, StepOutput, VerifyOutput } from "../domain/playbook";
import type { LicensingBefore } from "../domain/step-scripts";
import type { VmStatus } from "../domain/vm-status";

/** Activity names: the orchestrator calls these, src/functions/activities.ts registers them. */
export const ACTIVITY = {
  preflight: "Preflight",
  startSnapshot: "StartSnapshot",
  startScript: "StartScript",
  startRestart: "StartRestart",
  pollOperation: "PollOperation",
  readVm: "ReadVm",
  planRemediation: "PlanRemediation",
} as const;

export type Failure = { ok: false; code: string; message: string };

export type PreflightResult =
  | { ok: true; vm: VmStatus; changesBlockedBy: "kill-switch" | "opted-out" | undefined }
  | { ok: false; code: string; message: string };

export interface StartSnapshotInput {
  vmId: string;
  runId: string;
  location: string;
  osDiskId: string;
}
export type StartSnapshotResult = { ok: true; operation: OperationRef; snapshotId: string } | Failure;

/** Which script to run: the activity turns it into script text and validated parameters. */
export type ScriptAction =
  | { kind: "probe" }
  | { kind: "step"; step: Exclude<PlanStep, { kind: "restart" }> }
  | { kind: "verify"; plan: PlanStep[] }
  | { kind: "restore"; before: LicensingBefore };

export interface StartScriptInput {
  vmId: string;
  action: ScriptAction;
}
export type StartedOperation = { ok: true; operation: OperationRef } | Failure;

export interface StartRestartResult {
  ok: true;
  operation: OperationRef;
  requestedAt: string;
}

export type ScriptOutput =
  | { script: "probe"; probe: ProbeResult }
  | { script: "verify"; verify: VerifyOutput }
  | { script: "step"; step: StepOutput };

export type PollResult =
  | { status: "running"; operation: OperationRef }
  /** completedAt: when this poll saw the operation succeeded (the app's clock), for operations other than Run Command. */
  | { status: "succeeded"; output?: ScriptOutput; completedAt?: string }
  | { status: "failed"; code: string; message: string };

export interface PlanRemediationResult {
  causes: Cause[];
  plan: Plan;
}

/** An operation after waiting: it never ends "running". */
export type FinishedOperation = Exclude<PollResult, { status: "running" }>;

export const GUARD_ACTIVITIES = {
  checkGuards: "CheckGuards",
  recordRun: "RecordRun",
  notify: "Notify",
  probeRdp: "ProbeRdp",
} as const;

export const RESTORE_ACTIVITIES = {
  startRestoreStep: "StartRestoreStep",
} as const;
