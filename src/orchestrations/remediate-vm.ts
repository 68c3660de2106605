import type * as df from "durable-functions";
import type { OrchestrationContext } from "durable-functions";
import {
  ACTIVITY,
  type PlanRemediationResult,
  type FinishedOperation,
  type PreflightResult,
  type ScriptAction,
  type StartedOperation,
  type StartRestartResult,
  type StartSnapshotResult,
} from "../activities/contracts";
import type { PlanStep, ProbeResult, VerifyOutput } from "../domain/playbook";
import {
  licensingValues,
  stepRecord,
  type ApprovalDecision,
  type RemediationInput,
  type RunReport,
  type RunStatus,
  type Verdict,
} from "../domain/run";
import type { VmStatus } from "../domain/vm-status";
import { AZURE_RETRY, waitForOperation } from "./wait-for-operation";

export const REMEDIATE_VM = "RemediateVm";
export const APPROVAL_EVENT = "approval";
export const CANCEL_EVENT = "cancel";

type Step = Generator<df.Task, any, any>;

/**
 * One remediation run for one VM (the instance ID is derived from the VM ID, so runs never overlap):
 * preflight -> snapshot -> probe -> plan -> [approval] -> steps -> restart -> agent -> verify -> report.
 * Control flow only: every Azure call is an activity, every wait a durable timer.
 */
export function* remediateVm(context: OrchestrationContext): Step {
  const input = context.df.getInput<RemediationInput>();
  const { timing } = input;
  const now = () => context.df.currentUtcDateTime.toISOString();
  const report: RunReport = {
    runId: context.df.instanceId,
    vmId: input.vmId,
    trigger: input.trigger,
    dryRun: input.dryRun,
    startedAt: now(),
    endedAt: now(),
    verdict: "failed",
    reason: "",
    snapshotId: undefined,
    before: undefined,
    causes: [],
    plan: [],
    humanActions: [],
    steps: [],
    verify: undefined,
  };
  const status = (step: string, extra: Partial<RunStatus> = {}) =>
    context.df.setCustomStatus({ step, vmId: input.vmId, dryRun: input.dryRun, ...extra } satisfies RunStatus);
  const finish = (verdict: Verdict, reason: string): RunReport => {
    report.verdict = verdict;
    report.reason = reason;
    report.endedAt = now();
    status("done", { detail: verdict });
    return report;
  };
  const cancel = context.df.waitForExternalEvent(CANCEL_EVENT);
  const wait = (op: Parameters<typeof waitForOperation>[1]) =>
    waitForOperation(context, op, timing.pollIntervalSeconds, timing.operationTimeoutMinutes);

  function* runScript(action: ScriptAction): Generator<df.Task, FinishedOperation, any> {
    const started: StartedOperation = yield context.df.callActivityWithRetry(ACTIVITY.startScript, AZURE_RETRY, {
      vmId: input.vmId,
      action,
    });
    if (!started.ok) return { status: "failed", code: started.code, message: started.message };
    return yield* wait(started.operation);
  }

  // 1. Preflight: exists, in scope, running, agent Ready, managed OS disk.
  status("preflight");
  const pre: PreflightResult = yield context.df.callActivityWithRetry(ACTIVITY.preflight, AZURE_RETRY, { vmId: input.vmId });
  if (!pre.ok) return finish("skipped", `${pre.code}: ${pre.message}`);
  const changesAllowed = !input.dryRun && pre.changesBlockedBy === undefined;

  // 2. Snapshot of the OS disk before anything can change (none for dry runs or when changes are blocked).
  if (changesAllowed) {
    status("snapshot");
    const snap: StartSnapshotResult = yield context.df.callActivityWithRetry(ACTIVITY.startSnapshot, AZURE_RETRY, {
      vmId: input.vmId,
      runId: report.runId,
      location: pre.vm.location,
      osDiskId: pre.vm.osDisk.managedDiskId,
    });
    if (!snap.ok) return finish("failed", `snapshot could not start (${snap.code}): ${snap.message}; nothing was changed`);
    const done: FinishedOperation = yield* wait(snap.operation);
    if (done.status !== "succeeded") {
      return finish("failed", `snapshot failed (${done.code}): ${done.message}; nothing was changed`);
    }
    report.snapshotId = snap.snapshotId;
  }

  // 3. Probe (read-only Run Command).
  status("probe");
  const probed: FinishedOperation = yield* runScript({ kind: "probe" });
  if (probed.status !== "succeeded" || probed.output?.script !== "probe") {
    return finish("failed", probed.status === "failed" ? `probe failed (${probed.code}): ${probed.message}` : "probe printed no result");
  }
  const probe: ProbeResult = probed.output.probe;
  report.before = licensingValues(probe);

  // 4. Diagnose and plan (pure, in an activity so the plan is recorded in history).
  status("plan", { before: report.before });
  const planned: PlanRemediationResult = yield context.df.callActivity(ACTIVITY.planRemediation, { probe });
  const plan = planned.plan;
  report.causes = planned.causes;
  report.plan = plan.steps;
  report.humanActions = plan.humanActions;
  if (plan.verdict === "healthy") return finish("healthy", "RD licensing is configured and working; nothing to do");
  if (plan.verdict === "needs-human") return finish("needs-human", plan.causes.map((c) => c.detail).join(" "));
  if (input.dryRun) return finish("dry-run", `dry run: ${plan.steps.length} planned step(s), nothing changed`);
  if (pre.changesBlockedBy === "kill-switch") return finish("diagnosed-only", "the kill switch is on: diagnosed, nothing changed");
  if (pre.changesBlockedBy === "opted-out") return finish("diagnosed-only", "the VM is tagged to opt out: diagnosed, nothing changed");

  // A cancel request is an external event; yielding it once (raced with an immediate timer) makes the
  // orchestrator track it, so later replays see it completed and the run stops at the next step boundary.
  const startNow = context.df.createTimer(context.df.currentUtcDateTime);
  yield context.df.Task.any([cancel, startNow]);
  if (cancel.isCompleted) return finish("canceled", "canceled before any change");

  // 5. Approval for risky steps (removing the RD Session Host role).
  if (plan.needsApproval) {
    status("awaiting-approval", { planned: plan.steps, before: report.before });
    const deadline = new Date(context.df.currentUtcDateTime.getTime() + timing.approvalTimeoutHours * 3_600_000);
    const approval = context.df.waitForExternalEvent(APPROVAL_EVENT);
    const timeout = context.df.createTimer(deadline);
    const first: df.Task = yield context.df.Task.any([approval, timeout, cancel]);
    if (first === cancel) return finish("canceled", "canceled while awaiting approval; nothing was changed");
    if (first !== approval) {
      return finish("needs-human", `no approval within ${timing.approvalTimeoutHours} h; nothing was changed`);
    }
    timeout.cancel();
    const decision = approval.result as ApprovalDecision;
    if (!decision.approved) return finish("rejected", `rejected by ${decision.by}; nothing was changed`);
  }

  // 6. Apply the steps in order; a restart step restarts and waits for the agent.
  let restartedAt: string | undefined;
  for (const [index, step] of plan.steps.entries()) {
    if (cancel.isCompleted) return finish("canceled", `canceled before step ${index + 1} (${step.kind})`);
    status(`step ${index + 1}/${plan.steps.length}: ${step.kind}`, { planned: plan.steps });
    const startedAt = now();
    if (step.kind === "restart") {
      const restart: { ok: boolean; error?: string; requestedAt?: string } = yield* restartAndWait();
      report.steps.push(stepRecord(step, startedAt, now(), undefined, restart.ok ? undefined : restart.error));
      if (!restart.ok) return finish("failed", `restart failed: ${restart.error}`);
      restartedAt = restart.requestedAt;
      continue;
    }
    const result: FinishedOperation = yield* runScript({ kind: "step", step });
    if (result.status !== "succeeded" || result.output?.script !== "step") {
      const error = result.status === "failed" ? `${result.code}: ${result.message}` : "the step printed no result";
      report.steps.push(stepRecord(step, startedAt, now(), undefined, error));
      return finish("failed", `step ${step.kind} failed: ${error}`);
    }
    report.steps.push(stepRecord(step, startedAt, now(), result.output.step));
  }

  // 7. Verify in the guest.
  status("verify");
  const verified: FinishedOperation = yield* runScript({ kind: "verify", plan: plan.steps });
  if (verified.status !== "succeeded" || verified.output?.script !== "verify") {
    return finish("failed", verified.status === "failed" ? `verify failed (${verified.code}): ${verified.message}` : "verify printed no result");
  }
  const verify: VerifyOutput = verified.output.verify;
  report.verify = verify;
  if (!verify.ok) {
    const failed = verify.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`);
    return finish("failed", `verification failed after the fix: ${failed.join("; ")}`);
  }
  return finish("remediated", `${plan.steps.length} step(s) applied${restartedAt ? ", restarted" : ""} and verified`);

  function* restartAndWait(): Generator<df.Task, { ok: boolean; error?: string; requestedAt?: string }, any> {
    const started: StartRestartResult | { ok: false; code: string; message: string } = yield context.df.callActivityWithRetry(
      ACTIVITY.startRestart,
      AZURE_RETRY,
      { vmId: input.vmId },
    );
    if (!started.ok) return { ok: false, error: `${started.code}: ${started.message}` };
    const done: FinishedOperation = yield* wait(started.operation);
    if (done.status !== "succeeded") return { ok: false, error: `${done.code}: ${done.message}` };
    status("agent-wait");
    const deadline = context.df.currentUtcDateTime.getTime() + timing.operationTimeoutMinutes * 60_000;
    for (;;) {
      const vm: VmStatus | null = yield context.df.callActivityWithRetry(ACTIVITY.readVm, AZURE_RETRY, { vmId: input.vmId });
      const fresh = vm?.agentStatusTime !== undefined && vm.agentStatusTime > started.requestedAt;
      if (vm && vm.powerState === "running" && vm.agentReady && fresh) return { ok: true, requestedAt: started.requestedAt };
      const next = context.df.currentUtcDateTime.getTime() + timing.pollIntervalSeconds * 1000;
      if (next > deadline) {
        return { ok: false, error: `the VM agent was not Ready within ${timing.operationTimeoutMinutes} minutes of the restart` };
      }
      yield context.df.createTimer(new Date(next));
    }
  }
}

export type { PlanStep };
