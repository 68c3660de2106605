/**
 * A sweep's summary: counts by outcome, by cause and by unknown reason, grace warnings, repairs, and the worst
 * VMs first. Batches summarise their own VMs; the parent merges the summaries. Bounded size whatever the fleet.
 */
import { compareWorstFirst } from "./sweep-check";
import { SWEEP_LIMITS, type RepairNote, type VmCheck } from "./sweep-record";

export interface SweepSummary {
  checked: number;
  compliant: number;
  noncompliant: number;
  unknown: number;
  /** Checks that failed (they count against maxErrors). */
  failed: number;
  /** Noncompliant VMs that the remediation can fix without a person. */
  repairable: number;
  warnings: { rdpLost: number; expiring: number };
  byCause: Record<string, number>;
  byUnknownReason: Record<string, number>;
  repairs: Partial<Record<RepairNote["state"], number>>;
  /** The worst VMs, worst first (at most SWEEP_LIMITS.worst). */
  worst: VmCheck[];
}

export function emptySummary(): SweepSummary {
  return {
    checked: 0,
    compliant: 0,
    noncompliant: 0,
    unknown: 0,
    failed: 0,
    repairable: 0,
    warnings: { rdpLost: 0, expiring: 0 },
    byCause: {},
    byUnknownReason: {},
    repairs: {},
    worst: [],
  };
}

function bump(counts: Record<string, number>, key: string, by = 1): void {
  counts[key] = (counts[key] ?? 0) + by;
}

/** A new summary with these checks added. */
export function summarise(checks: readonly VmCheck[], into: SweepSummary = emptySummary(), limit: number = SWEEP_LIMITS.worst): SweepSummary {
  const s: SweepSummary = structuredClone(into);
  for (const c of checks) {
    s.checked += 1;
    s[c.outcome] += 1;
    if (c.failed) s.failed += 1;
    if (c.repairable) s.repairable += 1;
    for (const cause of c.causes) bump(s.byCause, cause);
    if (c.reason) bump(s.byUnknownReason, c.reason.code);
    if (c.warning?.kind === "rdp-lost") s.warnings.rdpLost += 1;
    if (c.warning?.kind === "expiring") s.warnings.expiring += 1;
    if (c.repair) bump(s.repairs as Record<string, number>, c.repair.state);
  }
  s.worst = worstOf([...s.worst, ...checks.filter((c) => c.outcome !== "compliant")], limit);
  return s;
}

export function mergeSummaries(a: SweepSummary, b: SweepSummary, limit: number = SWEEP_LIMITS.worst): SweepSummary {
  const s = structuredClone(a);
  s.checked += b.checked;
  s.compliant += b.compliant;
  s.noncompliant += b.noncompliant;
  s.unknown += b.unknown;
  s.failed += b.failed;
  s.repairable += b.repairable;
  s.warnings.rdpLost += b.warnings.rdpLost;
  s.warnings.expiring += b.warnings.expiring;
  for (const [k, v] of Object.entries(b.byCause)) bump(s.byCause, k, v);
  for (const [k, v] of Object.entries(b.byUnknownReason)) bump(s.byUnknownReason, k, v);
  for (const [k, v] of Object.entries(b.repairs)) bump(s.repairs as Record<string, number>, k, v ?? 0);
  s.worst = worstOf([...s.worst, ...b.worst], limit);
  return s;
}

function worstOf(checks: VmCheck[], limit: number): VmCheck[] {
  const byVm = new Map<string, VmCheck>();
  for (const c of checks) byVm.set(c.vmId, c);
  return [...byVm.values()].sort(compareWorstFirst).slice(0, limit);
}

/** Causes by count, most frequent first: what a report leads with. */
export function causesByCount(summary: SweepSummary): Array<{ cause: string; vms: number }> {
  return Object.entries(summary.byCause)
    .map(([cause, vms]) => ({ cause, vms }))
    .sort((a, b) => b.vms - a.vms || a.cause.localeCompare(b.cause));
}
