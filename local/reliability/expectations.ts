/**
 * The outcome a case must have, derived from what the fault means (not from what the app happens to do):
 * a transient fault is retried and the run still repairs the VM; a permanent one ends the run `failed` with a
 * reason that names the step; at preflight the run finds the VM unfit and ends `skipped` with the reason's code.
 */
import type { Verdict } from "../../src/domain/run";
import type { FaultDef, StepDef } from "./steps-and-faults";

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

export function expectedOutcome(step: StepDef, fault: FaultDef): Expectation {
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
  return { verdict: "failed", reason: word, summary: `failed, names the ${step.id === "agent-wait" ? "agent wait" : step.id}` };
}

/** The baseline case (no fault): a plain repair. */
export const BASELINE_EXPECTATION: Expectation = { verdict: "remediated", reason: /applied and verified/, summary: "remediated" };

export function meetsExpectation(expected: Expectation, verdict: string | undefined, reason: string | undefined, vmName: string): boolean {
  if (verdict !== expected.verdict || reason === undefined) return false;
  const masked = reason.replace(new RegExp(vmName.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "gi"), "<vm>");
  return expected.reason.test(masked);
}
