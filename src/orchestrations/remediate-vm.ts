import type * as df from "durable-functions";
import type { OrchestrationContext } from "durable-functions";
import {
  ACTIVITY,
  GUARD_ACTIVITIES,
  type FinishedOperation,
  type PlanRemediationResult,
  type PreflightResult,
  type ScriptAction,
  type StartedOperation,
  type StartSnapshotResult,
} from "../activities/contracts";
import type { AppRdpCheck } from "../activities/probe-rdp";
import { mayDecide } from "../auth/policy";
import { activityFailureMessage, withoutStackTrace } from "../domain/activity-failure";
import type { GuardDecision } from "../domain/guards";
import { inMaintenanceWindow, nextMaintenanceWindow } from "../domain/maintenance-window";
import type { NotificationReason, RunNotification } from "../domain/notification";
import type { ApprovalReason, ProbeResult, VerifyOutput } from "../domain/playbook";
import { PROBE_MAX_AGE_MS, recheckPlan } from "../domain/plan-recheck";
import {
  actorOfEvent,
  licensingValues,
  pendingAlertsStartNextRun,
  startersOf,
  stepRecord,
  type ApprovalDecision,
  type CancelRequest,
  type RemediationInput,
  type RunReport,
  type RunStatus,
  type Verdict,
} from "../domain/run";
import { PendingAlertInbox } from "./pending-alerts";
import { acquireSlot, releaseSlot } from "./remediation-slot";
import { restartAndWait } from "./restart-and-wait";
import { restoreOsDisk, type OsDiskRestoreOutcome } from "./restore-os-disk";
import { recordOrMark, writeUnrecordedRuns } from "./unrecorded-runs";
import { AZURE_RETRY, waitForOperation } from "./wait-for-operation";

export const REMEDIATE_VM = "RemediateVm";
export const APPROVAL_EVENT = "approval";
export const CANCEL_EVENT = "cancel";

type Step<T = unknown> = Generator<df.Task, T, any>;

interface RunFlags {
  slotHeld: boolean;
  /** The notification the end of the run sends; "silent" when one was already sent for the same cause. */
  notify: NotificationReason | "silent" | undefined;
  /** The step the run is in (its custom status): named when an activity fails for good after its retries. */
  step: string;
  /** The approval wait ended with nobody deciding: alerts that came meanwhile start the next run. */
  approvalTimedOut: boolean;
  /** Alerts raised on this run while it held the VM. */
  inbox: PendingAlertInbox;
}

/** Ends the run's main path: a verdict and its reason. */
class RunEnd {
  constructor(
    readonly verdict: Verdict,
    readonly reason: string,
  ) {}
}

/**
 * One remediation run for one VM (the instance ID is derived from the VM ID, so runs never overlap):
 * preflight -> snapshot -> probe -> plan -> guards -> [approval] -> slot -> steps -> restart -> verify -> report.
 * Control flow only: every Azure call is an activity, every wait a durable timer. Every path ends with a report,
 * recorded in the ledger, and a notification when a person is needed.
 */
export function* remediateVm(context: OrchestrationContext): Step<RunReport> {
  const input = context.df.getInput<RemediationInput>();
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
  const run: RunFlags = { slotHeld: false, notify: undefined, step: "start", approvalTimedOut: false, inbox: new PendingAlertInbox(context) };
  const status = (step: string, extra: Partial<RunStatus> = {}) => {
    run.step = step;
    context.df.setCustomStatus({ step, vmId: input.vmId, dryRun: input.dryRun, ...extra } satisfies RunStatus);
  };

  try {
    const end: RunEnd = yield* remediate(context, input, report, run, status);
    report.verdict = end.verdict;
    report.reason = end.reason;
  } catch (error) {
    // An activity still failing after its retries (e.g. a Run Command lock that never frees): name the step, keep
    // the exception's message (not its stack), and say how to get back when a step was already applied.
    const reason = `the run stopped at ${run.step} on an error it could not handle: ${activityFailureMessage(error)}`;
    const end = report.steps.length > 0 ? failedAfterChange(report, reason) : new RunEnd("failed", reason);
    report.verdict = end.verdict;
    report.reason = end.reason;
  }
  if (run.slotHeld) releaseSlot(context);
  report.endedAt = now();
  // Nothing that leaves the app carries a stack trace: not the report, its record or a notification.
  report.reason = withoutStackTrace(report.reason);
  for (const step of report.steps) if (step.error !== undefined) step.error = withoutStackTrace(step.error);
  if (report.verdict === "needs-human") run.notify ??= "needs-human";
  if (report.verdict === "failed" || report.verdict === "failed-rolled-back") run.notify ??= "failed";
  if (report.decisions && report.decisions.length > 0) run.notify ??= "decided";

  // Alerts for this VM that arrived while the run held it: kept in the report, and acted on by the next run when
  // this one neither changed the VM nor had a person's decision.
  const pending = yield* run.inbox.drain();
  const followUp = pending.length > 0 && pendingAlertsStartNextRun(report.verdict, run.approvalTimedOut);
  if (pending.length > 0) {
    report.pendingAlerts = pending;
    report.reason += followUp
      ? `; ${pending.length} alert(s) that arrived meanwhile start the next run for this VM`
      : `; ${pending.length} alert(s) that arrived meanwhile are answered by this run`;
    if (followUp) report.followedBy = "alert";
  }

  status("report", { detail: report.verdict });
  const recorded = yield* recordOrMark(context, report);
  if (!recorded.recorded) {
    report.reason += ` (not recorded in the ledger: ${recorded.error}${recorded.marked ? "; the next run for this VM changes nothing until this record is written" : ""})`;
    if (recorded.marked) run.notify = run.notify === "silent" || run.notify === undefined ? "needs-human" : run.notify;
    report.reason = withoutStackTrace(report.reason);
  }
  if (run.notify !== undefined && run.notify !== "silent") {
    yield context.df.callActivity(GUARD_ACTIVITIES.notify, notification(report, run.notify));
  }
  status("done", { detail: report.verdict });
  if (followUp) {
    const [first] = pending;
    context.df.continueAsNew({ ...input, dryRun: false, trigger: { kind: "alert", alertId: first!.alertId, alertRule: first!.alertRule } } satisfies RemediationInput);
  }
  return report;
}

function* remediate(
  context: OrchestrationContext,
  input: RemediationInput,
  report: RunReport,
  run: RunFlags,
  status: (step: string, extra?: Partial<RunStatus>) => void,
): Step<RunEnd> {
  const settings = input.settings;
  const now = () => context.df.currentUtcDateTime.toISOString();
  const cancel = context.df.waitForExternalEvent(CANCEL_EVENT);
  /** Ends the run canceled, naming who canceled it. */
  const canceled = (reason: string): RunEnd => {
    const request = cancel.result as Partial<CancelRequest> | undefined;
    const by = actorOfEvent(request?.by);
    const comment = typeof request?.comment === "string" ? request.comment : undefined;
    (report.decisions ??= []).push({ decision: "canceled", by, at: request?.at ?? now(), ...(comment ? { comment } : {}) });
    return new RunEnd("canceled", `${reason}; canceled by ${by.name}${comment ? `: ${comment}` : ""}`);
  };
  const wait = (op: Parameters<typeof waitForOperation>[1]) =>
    waitForOperation(context, op, settings.pollIntervalSeconds, settings.operationTimeoutMinutes);
  function* runScript(action: ScriptAction): Step<FinishedOperation> {
    let started: StartedOperation;
    try {
      started = yield context.df.callActivityWithRetry(ACTIVITY.startScript, AZURE_RETRY, { vmId: input.vmId, action });
    } catch (error) {
      // Still refused after every retry (e.g. another Run Command keeps the VM's Run Command lock): this script
      // failed, and the run handles it like any other failure of it (a rollback included).
      return { status: "failed", code: "retries-exhausted", message: activityFailureMessage(error) };
    }
    if (!started.ok) return { status: "failed", code: started.code, message: started.message };
    return yield* wait(started.operation);
  }

  /**
   * A failure after something changed: put the VM back. Registry changes are undone by writing the probe's
   * before-values back and restarting; what that cannot undo (a removed role, a failed rollback) is undone by
   * restoring the OS disk from the run's snapshot when RESTORE_OS_DISK_ON_FAILURE allows it. Otherwise the report
   * says how to restore it by hand.
   */
  function* recover(reason: string, probe: ProbeResult): Step<RunEnd> {
    if (!report.snapshotId || !pre.ok) return failedAfterChange(report, reason);
    const changed = report.steps.filter((s) => s.status === "done" || s.status === "failed").map((s) => s.step.kind);
    const registryOnly = changed.every((k) => k === "set-licensing-mode" || k === "set-license-servers" || k === "restart");
    let rollbackProblem = "";
    if (registryOnly && changed.some((k) => k !== "restart")) {
      status("rollback: registry");
      // The exact values the probe read (kind and data), for the values a step wrote; the others are left alone.
      const restored: FinishedOperation = yield* runScript({
        kind: "restore",
        before: {
          licensingMode: changed.includes("set-licensing-mode") ? probe.licensingModeValue : "keep",
          licenseServers: changed.includes("set-license-servers") ? probe.specifiedLicenseServersValue : "keep",
        },
      });
      if (restored.status === "succeeded") {
        const restart = yield* restartAndWait(context, input.vmId, settings, () => status("rollback: agent-wait"));
        if (restart.ok) {
          noteRestoreHint(report);
          return new RunEnd("failed-rolled-back", `${reason}; the registry values were put back and the VM restarted`);
        }
        rollbackProblem = `; the restart after the rollback failed: ${restart.error}`;
      } else {
        rollbackProblem = `; putting the registry values back failed (${restored.code}): ${restored.message}`;
      }
    }
    if (settings.restoreOsDiskOnFailure && pre.vm.osDisk.managedDiskId) {
      const restored: OsDiskRestoreOutcome = yield* restoreOsDisk(
        context,
        {
          vmId: input.vmId,
          runId: report.runId,
          snapshotId: report.snapshotId,
          currentOsDiskId: pre.vm.osDisk.managedDiskId,
          location: pre.vm.location,
        },
        settings,
        (step) => status(`restore: ${step}`),
      );
      if (restored.ok) {
        report.restoreHint = `the OS disk was restored from ${report.snapshotId} as ${restored.diskId}; the replaced disk is kept, detached`;
        return new RunEnd("failed-rolled-back", `${reason}${rollbackProblem}; the OS disk was restored from the snapshot`);
      }
      return failedAfterChange(report, `${reason}${rollbackProblem}; restoring the OS disk failed at ${restored.step}: ${restored.error}`);
    }
    return failedAfterChange(report, `${reason}${rollbackProblem}`);
  }

  // 1. Preflight: in scope, exists, running, agent Ready, managed OS disk.
  status("preflight");
  const pre: PreflightResult = yield context.df.callActivityWithRetry(ACTIVITY.preflight, AZURE_RETRY, { vmId: input.vmId });
  if (!pre.ok) return new RunEnd("skipped", `${pre.code}: ${pre.message}`);
  const changesAllowed = !input.dryRun && pre.changesBlockedBy === undefined;

  // 2. Snapshot of the OS disk before anything can change (none when nothing may change).
  if (changesAllowed) {
    status("snapshot");
    const snap: StartSnapshotResult = yield context.df.callActivityWithRetry(ACTIVITY.startSnapshot, AZURE_RETRY, {
      vmId: input.vmId,
      runId: report.runId,
      location: pre.vm.location,
      osDiskId: pre.vm.osDisk.managedDiskId,
    });
    if (!snap.ok) return new RunEnd("failed", `snapshot could not start (${snap.code}): ${snap.message}; nothing was changed`);
    const done: FinishedOperation = yield* wait(snap.operation);
    if (done.status !== "succeeded") return new RunEnd("failed", `snapshot failed (${done.code}): ${done.message}; nothing was changed`);
    report.snapshotId = snap.snapshotId;
  }

  // 3. Probe (read-only Run Command).
  status("probe");
  const probed: FinishedOperation = yield* runScript({ kind: "probe" });
  if (probed.status !== "succeeded" || probed.output?.script !== "probe") {
    return new RunEnd("failed", probed.status === "failed" ? `probe failed (${probed.code}): ${probed.message}` : "probe printed no result");
  }
  let probe: ProbeResult = probed.output.probe;
  let probedAt = context.df.currentUtcDateTime.getTime();
  report.before = licensingValues(probe);

  // 4. Diagnose and plan.
  status("plan", { before: report.before });
  const planned: PlanRemediationResult = yield context.df.callActivity(ACTIVITY.planRemediation, { probe, trigger: input.trigger });
  let plan = planned.plan;
  report.causes = planned.causes;
  report.plan = plan.steps;
  report.humanActions = plan.humanActions;
  if (plan.restart !== undefined) report.restart = plan.restart;
  if (plan.verdict === "healthy") return new RunEnd("healthy", "RD licensing is configured and working; nothing to do");
  if (plan.verdict === "drift") {
    const drift = plan.causes.filter((c) => c.effect === "drift").map((c) => c.detail);
    return new RunEnd("drift", `RD licensing works; it differs from the policy, which is reported and not changed: ${drift.join(" ")}`);
  }
  if (plan.verdict === "needs-human") return new RunEnd("needs-human", plan.causes.map((c) => c.detail).join(" "));
  if (input.dryRun) return new RunEnd("dry-run", `dry run: ${plan.steps.length} planned step(s), nothing changed`);
  if (pre.changesBlockedBy !== undefined) {
    report.guard = pre.changesBlockedBy;
    return new RunEnd(
      "diagnosed-only",
      pre.changesBlockedBy === "kill-switch" ? "the kill switch is on: diagnosed, nothing changed" : "the VM is tagged to opt out: diagnosed, nothing changed",
    );
  }

  // 5. Guards over the ledger: recurrence, license-server breaker, cooldown. They fail closed: an earlier run's
  // change that was never recorded is written first, and a ledger that cannot be written or read holds the run.
  status("guards");
  const unrecorded = yield* writeUnrecordedRuns(context, input.vmId);
  if (unrecorded) {
    report.guard = "unrecorded-run";
    return new RunEnd(
      "needs-human",
      `run ${unrecorded.report.runId} (started ${unrecorded.report.startedAt}) changed this VM and its record could not be written ` +
        `to the ledger (${unrecorded.retryError}); nothing is changed until it is: the cooldown and breakers cannot see it`,
    );
  }
  let guard: GuardDecision;
  try {
    guard = yield context.df.callActivityWithRetry(GUARD_ACTIVITIES.checkGuards, AZURE_RETRY, {
      vmId: input.vmId,
      plan,
      probe,
      now: now(),
    });
  } catch (error) {
    report.guard = "ledger-unavailable";
    return new RunEnd(
      "needs-human",
      `the ledger could not be read (${activityFailureMessage(error)}): the cooldown, recurrence and license-server guards cannot decide, so nothing was changed`,
    );
  }
  if (guard.action === "hold") {
    report.guard = guard.guard;
    return new RunEnd("diagnosed-only", guard.reason);
  }
  if (guard.action === "needs-human") {
    report.guard = guard.guard;
    // The breaker reports a server once per window; later runs for it end needs-human without a second message.
    if (guard.guard === "license-server-breaker" && !guard.notify) run.notify = "silent";
    return new RunEnd("needs-human", guard.reason);
  }

  // Track a cancel request from here on (yielding it once, raced with an immediate timer, makes replays see it).
  yield context.df.Task.any([cancel, context.df.createTimer(context.df.currentUtcDateTime)]);
  if (cancel.isCompleted) return canceled("canceled before any change");

  // Waiting for a person or a window makes the probe's evidence old: it is read again before the first change.
  let waited = false;
  const approvedKinds: ApprovalReason["kind"][] = [];

  // 6. Approval for risky steps (role removals) and for a restart with users signed in (RESTART_WITH_USERS=approve).
  if (plan.needsApproval) {
    status("awaiting-approval", { planned: plan.steps, before: report.before });
    // What is asked (a role removal, a restart with N users signed in) goes into the report and every notification.
    report.approvals = plan.approvals ?? [{ kind: "remove-rdsh-role", detail: "Removing the RD Session Host role needs approval." }];
    const asked = report.approvals.map((a) => a.detail).join(" ");
    yield context.df.callActivity(GUARD_ACTIVITIES.notify, notification({ ...report, reason: asked }, "approval-needed"));
    const deadline = new Date(context.df.currentUtcDateTime.getTime() + settings.approvalTimeoutHours * 3_600_000);
    // Who decides: the identity from the decider's token, never the one that started the run (four eyes). A decision
    // that breaks the rule (raised around the HTTP check) is ignored, and the wait goes on. Alerts for the VM that
    // arrive meanwhile are kept for the end of the run. Each round waits on a fresh timer for the same deadline: a
    // timer task yielded a second time would be scheduled a second time.
    let approval = context.df.waitForExternalEvent(APPROVAL_EVENT);
    for (;;) {
      const timeout = context.df.createTimer(deadline);
      const first: df.Task = yield context.df.Task.any([approval, timeout, cancel, run.inbox.next()]);
      if (first === timeout) {
        run.approvalTimedOut = true;
        return new RunEnd("needs-human", `no approval within ${settings.approvalTimeoutHours} h; nothing was changed`);
      }
      timeout.cancel();
      if (first === cancel) return canceled("canceled while awaiting approval; nothing was changed");
      if (first !== approval) {
        run.inbox.take();
        status("awaiting-approval", { planned: plan.steps, before: report.before, pendingAlerts: run.inbox.keys() });
        continue;
      }
      const decision = approval.result as Partial<ApprovalDecision>;
      const by = actorOfEvent(decision.by);
      if (!mayDecide(by, startersOf(input.trigger), settings.allowSelfApproval === true).ok) {
        approval = context.df.waitForExternalEvent(APPROVAL_EVENT);
        continue;
      }
      const comment = typeof decision.comment === "string" ? decision.comment : undefined;
      (report.decisions ??= []).push({ decision: decision.approved ? "approved" : "rejected", by, at: decision.at ?? now(), ...(comment ? { comment } : {}) });
      if (!decision.approved) return new RunEnd("rejected", `rejected by ${by.name}${comment ? `: ${comment}` : ""}; nothing was changed`);
      approvedKinds.push(...report.approvals.map((a) => a.kind));
      waited = true;
      break;
    }
  }

  // 6b. A restart with users signed in under RESTART_WITH_USERS=wait: nothing changes before the maintenance window.
  if (plan.restart?.mode === "wait" && plan.restart.window !== undefined) {
    const opens = nextMaintenanceWindow(plan.restart.window, context.df.currentUtcDateTime);
    if (opens.getTime() > context.df.currentUtcDateTime.getTime()) {
      status("waiting-for-maintenance-window", { detail: `${plan.restart.window.text} UTC, next at ${opens.toISOString()}` });
      const first: df.Task = yield context.df.Task.any([context.df.createTimer(opens), cancel]);
      if (first === cancel) return canceled("canceled while waiting for the maintenance window; nothing was changed");
      waited = true;
    }
  }

  // 7. Blast radius: wait for a slot among MAX_CONCURRENT_REMEDIATIONS.
  status("waiting-for-slot");
  run.slotHeld = yield* acquireSlot(context, settings.maxConcurrentRemediations, settings, (holders) =>
    status("waiting-for-slot", { detail: `${holders} run(s) are changing VMs` }),
  );
  if (!run.slotHeld) return new RunEnd("failed", "no remediation slot became free in time; nothing was changed");

  // 7b. Current evidence before the first change: after a wait, probe again and go on only with the same plan (a
  // person may have fixed the VM, users may have signed in). The rollback then puts back what this probe read.
  if (waited || context.df.currentUtcDateTime.getTime() - probedAt > PROBE_MAX_AGE_MS) {
    status("recheck");
    const again: FinishedOperation = yield* runScript({ kind: "probe" });
    if (again.status !== "succeeded" || again.output?.script !== "probe") {
      const why = again.status === "failed" ? `(${again.code}): ${again.message}` : "(it printed no result)";
      return new RunEnd("failed", `the probe before the first change failed ${why}; nothing was changed`);
    }
    const replanned: PlanRemediationResult = yield context.df.callActivity(ACTIVITY.planRemediation, { probe: again.output.probe, trigger: input.trigger });
    const recheck = recheckPlan(plan, approvedKinds, replanned.plan);
    if (recheck.action === "stop") {
      report.causes = replanned.causes;
      report.humanActions = replanned.plan.humanActions;
      return new RunEnd(recheck.verdict, recheck.reason);
    }
    probe = again.output.probe;
    probedAt = context.df.currentUtcDateTime.getTime();
    plan = recheck.plan;
    report.before = licensingValues(probe);
    if (plan.restart !== undefined) report.restart = plan.restart;
  }

  // 8. Apply the steps in order; a restart step restarts and waits for the agent.
  for (const [index, step] of plan.steps.entries()) {
    if (cancel.isCompleted) {
      const end = canceled(`canceled before step ${index + 1} (${step.kind})`);
      if (index > 0) noteRestoreHint(report);
      return end;
    }
    status(`step ${index + 1}/${plan.steps.length}: ${step.kind}`, { planned: plan.steps });
    const startedAt = now();
    if (step.kind === "restart") {
      // The slot or the steps may have taken the run past the window's end: the restart waits for the next one.
      if (plan.restart?.mode === "wait" && plan.restart.window !== undefined && !inMaintenanceWindow(plan.restart.window, context.df.currentUtcDateTime)) {
        const opens = nextMaintenanceWindow(plan.restart.window, context.df.currentUtcDateTime);
        status("waiting-for-maintenance-window", { detail: `restart at ${opens.toISOString()}` });
        yield context.df.createTimer(opens);
      }
      const restart = yield* restartAndWait(context, input.vmId, settings, () => status("agent-wait"));
      report.steps.push(stepRecord(step, startedAt, now(), undefined, restart.ok ? undefined : restart.error));
      if (!restart.ok) return yield* recover(`restart failed: ${restart.error}`, probe);
      continue;
    }
    const result: FinishedOperation = yield* runScript({ kind: "step", step });
    if (result.status !== "succeeded" || result.output?.script !== "step") {
      const error = result.status === "failed" ? `${result.code}: ${result.message}` : "the step printed no result";
      report.steps.push(stepRecord(step, startedAt, now(), undefined, error));
      return yield* recover(`step ${step.kind} failed: ${error}`, probe);
    }
    report.steps.push(stepRecord(step, startedAt, now(), result.output.step));
  }

  // 9. Verify in the guest, then from the app where it can reach the VM.
  status("verify");
  const verified: FinishedOperation = yield* runScript({ kind: "verify", plan: plan.steps });
  if (verified.status !== "succeeded" || verified.output?.script !== "verify") {
    return yield* recover(verified.status === "failed" ? `verify failed (${verified.code}): ${verified.message}` : "verify printed no result", probe);
  }
  const verify: VerifyOutput = verified.output.verify;
  report.verify = verify;
  if (!verify.ok) {
    const failed = verify.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`);
    return yield* recover(`verification failed after the fix: ${failed.join("; ")}`, probe);
  }
  const rdp: AppRdpCheck = yield context.df.callActivity(GUARD_ACTIVITIES.probeRdp, { tags: pre.vm.tags, computerName: pre.vm.computerName });
  if (rdp.checked) {
    report.appRdpCheck = { target: rdp.target, ok: rdp.ok, detail: rdp.detail };
    // The guest confirmed the fix: the app's own check failing alone (a firewall, a route, DNS) never undoes it.
    if (!rdp.ok) {
      noteRestoreHint(report);
      return new RunEnd(
        "needs-human",
        `${plan.steps.length} step(s) applied and verified in the guest, but the app could not negotiate RDP with ${rdp.target}: ` +
          `${rdp.detail}; the fix was kept: check the network path to the VM and RDP from a client (the restore hint says how to undo the fix)`,
      );
    }
  }
  const unchecked = !rdp.checked && rdp.refused ? `; the app's RDP check was not made: ${rdp.reason}` : "";
  return new RunEnd("remediated", `${plan.steps.length} step(s) applied and verified${rdp.checked ? ", RDP answers" : ""}${unchecked}`);
}

/** A failure after something changed: say how to get back to where the run started. */
function failedAfterChange(report: RunReport, reason: string): RunEnd {
  noteRestoreHint(report);
  return new RunEnd("failed", reason);
}

function noteRestoreHint(report: RunReport): void {
  if (report.snapshotId) {
    report.restoreHint =
      `restore the OS disk from snapshot ${report.snapshotId}: create a managed disk from it, deallocate the VM, ` +
      "swap the OS disk (az vm update --os-disk <disk>), start the VM";
  }
}

function notification(report: RunReport, reason: NotificationReason): RunNotification {
  const summary: Record<NotificationReason, string> = {
    "approval-needed": report.reason,
    "needs-human": `${report.vmId.split("/").pop()} needs a person: ${report.reason}`,
    failed: `The run on ${report.vmId.split("/").pop()} failed: ${report.reason}`,
    decided: `The run on ${report.vmId.split("/").pop()} ended ${report.verdict}: ${report.reason}`,
  };
  return {
    reason,
    runId: report.runId,
    vmId: report.vmId,
    verdict: reason === "approval-needed" ? "awaiting-approval" : report.verdict,
    summary: summary[reason].slice(0, 1000),
    causes: report.causes.map((c) => c.code),
    humanActions: report.humanActions,
    ...(report.snapshotId ? { snapshotId: report.snapshotId } : {}),
    startedAt: report.startedAt,
    ...(report.trigger.kind === "manual" && report.trigger.by ? { startedBy: report.trigger.by } : {}),
    ...(report.decisions && report.decisions.length > 0 ? { decisions: report.decisions } : {}),
    ...(report.approvals && report.approvals.length > 0 ? { approvals: report.approvals } : {}),
  };
}
