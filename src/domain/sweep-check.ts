/**
 * One VM's sweep result, from its probe (through the same diagnose and plan as a remediation run) or from the
 * reason it could not be probed. Pure.
 */
import { diagnose } from "./diagnose";
import { planRemediation } from "./plan";
import type { PlaybookPolicy, ProbeResult } from "./playbook";
import type { GraceWarning, UnknownCode, VmCheck } from "./sweep-record";
import type { PowerState } from "./vm-status";

export interface CheckContext {
  graceWarningDays: number;
  symptoms: number;
  now: Date;
}

/** Failures count against maxErrors; every other unknown is a fact about the VM, not about the sweep. */
const FAILURES: readonly UnknownCode[] = ["probe-failed", "probe-timeout"];

/**
 * compliant / noncompliant (with causes) from a probe report; the grace warning for noncompliant VMs. Causes that
 * are only information (no RD Session Host role, a stale component cache, ...) leave a VM compliant; drift makes
 * it noncompliant, and repairable when the sweep policy enforces drift (SWEEP_POLICY=enforce).
 */
export function classifyProbe(vmId: string, probe: ProbeResult, policy: PlaybookPolicy, context: CheckContext): VmCheck {
  const all = diagnose(probe, policy);
  const causes = all.filter((c) => c.effect !== "info");
  const plan = planRemediation(probe, all, policy, { enforceDrift: policy.enforceDriftInSweeps });
  const check: VmCheck = {
    vmId,
    outcome: causes.length === 0 ? "compliant" : "noncompliant",
    causes: causes.map((c) => c.code),
    repairable: causes.length > 0 && plan.verdict === "fix",
    failed: false,
    graceDaysLeft: probe.graceDaysLeft,
    symptoms: context.symptoms,
    checkedAt: context.now.toISOString(),
  };
  const broken = causes.some((c) => c.effect === "breaks");
  const warning = broken ? graceWarning(probe.graceDaysLeft, check.causes.includes("grace-over"), context) : undefined;
  if (warning) check.warning = warning;
  return check;
}

function graceWarning(daysLeft: number | null, graceOver: boolean, context: CheckContext): GraceWarning | undefined {
  if (graceOver || daysLeft === 0) {
    return {
      kind: "rdp-lost",
      daysLeft: 0,
      message: "The RD licensing grace period is over: only administrators can connect (mstsc /admin) until licensing is fixed.",
    };
  }
  if (daysLeft === null || daysLeft > context.graceWarningDays) return undefined;
  const ends = new Date(context.now.getTime() + daysLeft * 86_400_000).toISOString().slice(0, 10);
  return {
    kind: "expiring",
    daysLeft,
    message: `Remote Desktop stops accepting non-administrators in ${daysLeft} day(s) (about ${ends}), when the RD licensing grace period ends, unless licensing is fixed.`,
  };
}

/** A VM that was not probed, or whose probe gave no report. */
export function unknownCheck(vmId: string, code: UnknownCode, message: string, context: Omit<CheckContext, "graceWarningDays">): VmCheck {
  return {
    vmId,
    outcome: "unknown",
    causes: [],
    repairable: false,
    reason: { code, message },
    failed: FAILURES.includes(code),
    graceDaysLeft: null,
    symptoms: context.symptoms,
    checkedAt: context.now.toISOString(),
  };
}

/** Why a VM in this power state cannot be probed; undefined when it is running (or its state is unknown). */
export function notProbeable(power: PowerState): { code: UnknownCode; message: string } | undefined {
  switch (power) {
    case "running":
    case "unknown":
      return undefined;
    case "deallocated":
    case "deallocating":
      return { code: "vm-deallocated", message: `the VM is ${power}: Run Command needs a running VM` };
    case "stopped":
    case "stopping":
      return { code: "vm-stopped", message: `the VM is ${power} (not deallocated): Run Command needs a running VM` };
    case "starting":
      return { code: "vm-not-running", message: "the VM is starting: it is checked by the next sweep" };
    default:
      return undefined;
  }
}

/** Higher is worse: lost RDP, then soonest to lose it, then other drift, then failed checks, then unknowns. */
export function severity(check: VmCheck): number {
  if (check.outcome === "noncompliant") {
    if (check.warning?.kind === "rdp-lost") return 5_000_000 + check.symptoms;
    if (check.warning?.kind === "expiring") return 4_000_000 + (1000 - check.warning.daysLeft) * 1000 + Math.min(check.symptoms, 999);
    return 3_000_000 + Math.min(check.symptoms, 999_999);
  }
  if (check.outcome === "unknown") return (check.failed ? 2_000_000 : 1_000_000) + Math.min(check.symptoms, 999_999);
  return Math.min(check.symptoms, 999_999);
}

/** Worst first; ties by VM ID so the order is stable. */
export function compareWorstFirst(a: VmCheck, b: VmCheck): number {
  return severity(b) - severity(a) || (a.vmId < b.vmId ? -1 : a.vmId > b.vmId ? 1 : 0);
}
