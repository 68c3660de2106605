/**
 * The outcome a case must have, derived from what the fault means (not from what the app happens to do):
 * - a transient fault is retried and the run still repairs the VM (`remediated`);
 * - at preflight the run finds the VM unfit and ends `skipped` with the reason's code;
 * - a permanent fault before any change ends the run `failed`, with a reason that names the step;
 * - a permanent fault once a fix step has started is rolled back (registry values put back, restart):
 *   `failed-rolled-back`, unless the fault also keeps the rollback from running (the VM's Run Command lock stays
 *   taken, the agent never answers, the VM does not boot): then `failed`. Both name the step.
 */
import type { Verdict } from "../../src/domain/run";
import type { FaultDef, StepDef } from "./steps-and-faults";

/** What about Azure's answers changes an outcome: a power operation that runs shows a transitional state. */
export interface AzureBehaviour {
  transitionalPower: boolean;
}

export interface Expectation {
  verdict: Verdict;
  /** Matched against the report's reason with the VM's name blanked out (a VM name must not fake a step name). */
  reason: RegExp;
  /** For the document, e.g. "failed, names the probe". */
  summary: string;
}

const STEP_WORDS: Record<string, RegExp> = {
  snapshot: /\bsnapshot\b/i,
  probe: /\bprobe\b/i,
  "set-licensing-mode": /\bset-licensing-mode\b/,
  "set-license-servers": /\bset-license-servers\b/,
  restart: /\brestart\b/i,
  "agent-wait": /\bagent\b/i,
  verify: /\bverify\b/i,
};

const PREFLIGHT_CODES: Partial<Record<FaultDef["id"], string>> = {
  "agent-not-ready": "agent-not-ready",
  "vm-wont-start": "vm-not-running",
};

/** Steps at which the VM may already have been changed: the first fix step and everything after it. */
const AFTER_CHANGE = new Set(["set-licensing-mode", "set-license-servers", "restart", "agent-wait", "verify"]);

/** Does the fault also stop the rollback (a Run Command that puts the values back, then a restart)? */
function blocksRollback(step: StepDef, fault: FaultDef, azure: AzureBehaviour): boolean {
  switch (fault.id) {
    case "409-stuck":
    case "agent-not-ready":
    case "vm-wont-start":
      return true;
    case "never-finishes":
      // A hung Run Command keeps the VM's Run Command lock; a hung restart keeps a VM that shows its transitional
      // state ("starting") from taking a Run Command at all.
      return step.kind === "run-command" || (step.kind === "restart" && azure.transitionalPower);
    default:
      return false;
  }
}

export function expectedOutcome(step: StepDef, fault: FaultDef, azure: AzureBehaviour = { transitionalPower: false }): Expectation {
  if (fault.transient) {
    return { verdict: "remediated", reason: /applied and verified/, summary: "remediated (retried)" };
  }
  if (step.id === "preflight") {
    const code = PREFLIGHT_CODES[fault.id];
    if (!code) throw new Error(`no preflight outcome for ${fault.id}`);
    return { verdict: "skipped", reason: new RegExp(`^${code}\\b`), summary: `skipped (${code})` };
  }
  const word = STEP_WORDS[step.id];
  if (!word) throw new Error(`no step word for ${step.id}`);
  const names = `names the ${step.id === "agent-wait" ? "agent wait" : step.id}`;
  if (AFTER_CHANGE.has(step.id) && !blocksRollback(step, fault, azure)) {
    return { verdict: "failed-rolled-back", reason: word, summary: `failed-rolled-back, ${names}` };
  }
  return { verdict: "failed", reason: word, summary: `failed, ${names}` };
}

/** The baseline case (no fault): a plain repair. */
export const BASELINE_EXPECTATION: Expectation = { verdict: "remediated", reason: /applied and verified/, summary: "remediated" };

export function meetsExpectation(expected: Expectation, verdict: string | undefined, reason: string | undefined, vmName: string): boolean {
  if (verdict !== expected.verdict || reason === undefined) return false;
  const masked = reason.replace(new RegExp(vmName.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "gi"), "<vm>");
  return expected.reason.test(masked);
}
