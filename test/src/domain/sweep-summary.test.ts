import { describe, expect, it } from "vitest";
import { classifyProbe, unknownCheck } from "../../../src/domain/sweep-check";
import type { VmCheck } from "../../../src/domain/sweep-record";
import { causesByCount, emptySummary, mergeSummaries, summarise } from "../../../src/domain/sweep-summary";
import { policy, probe, type ProbeBuilder } from "./probe-builder";

const NOW = new Date("2025-03-10T09:00:00Z");
const vmId = (n: number) => `/subscriptions/00000000-0000-0000-0000-00000000000a/resourcegroups/rg/providers/microsoft.compute/virtualmachines/vm${n}`;
const check = (n: number, b: ProbeBuilder, symptoms = 0): VmCheck =>
  classifyProbe(vmId(n), b.build(), policy(), { graceWarningDays: 14, symptoms, now: NOW });

describe("summarise", () => {
  const checks: VmCheck[] = [
    check(1, probe().grace(30)),
    check(2, probe().mode(null).grace(5)),
    check(3, probe().mode(2).servers(null).grace(0)),
    check(4, probe().gpoMode(2).grace(60)),
    unknownCheck(vmId(5), "vm-deallocated", "deallocated", { symptoms: 0, now: NOW }),
    unknownCheck(vmId(6), "probe-failed", "script-failed", { symptoms: 0, now: NOW }),
    { ...check(7, probe().mode(null).grace(40)), repair: { state: "started", runId: "rdpmedic-vm7-0123456789abcdef" } },
  ];
  const s = summarise(checks);

  it("counts outcomes, failures, repairable VMs and warnings", () => {
    expect(s).toMatchObject({ checked: 7, compliant: 1, noncompliant: 4, unknown: 2, failed: 1, repairable: 3, warnings: { rdpLost: 1, expiring: 1 } });
  });

  it("counts causes and unknown reasons", () => {
    expect(s.byCause).toEqual({ "mode-not-configured": 2, "mode-wrong": 2, "no-license-server": 1, "grace-over": 1, "gpo-manages-licensing": 1 });
    expect(s.byUnknownReason).toEqual({ "vm-deallocated": 1, "probe-failed": 1 });
    expect(causesByCount(s).slice(0, 2).map((c) => c.vms)).toEqual([2, 2]);
    expect(s.repairs).toEqual({ started: 1 });
  });

  it("lists the worst VMs first and leaves compliant ones out", () => {
    expect(s.worst.map((c) => c.vmId)).toEqual([vmId(3), vmId(2), vmId(4), vmId(7), vmId(6), vmId(5)]);
  });
});

describe("mergeSummaries", () => {
  it("equals one summary of all checks, whatever the split", () => {
    const checks = Array.from({ length: 60 }, (_, i) =>
      i % 3 === 0 ? check(i, probe().grace(30)) : i % 3 === 1 ? check(i, probe().mode(null).grace(i % 20), i) : unknownCheck(vmId(i), "agent-not-ready", "x", { symptoms: 0, now: NOW }),
    );
    const whole = summarise(checks);
    const merged = [0, 7, 25, 60].slice(1).reduce(
      (acc, end, k, ends) => mergeSummaries(acc, summarise(checks.slice(k === 0 ? 0 : (ends[k - 1] as number), end))),
      emptySummary(),
    );
    expect(merged).toEqual(whole);
    expect(whole.worst).toHaveLength(25);
  });

  it("the worst list stays bounded", () => {
    const a = summarise(Array.from({ length: 40 }, (_, i) => check(i, probe().mode(null).grace(1))), emptySummary(), 5);
    expect(a.worst).toHaveLength(5);
    expect(mergeSummaries(a, a, 5).worst).toHaveLength(5);
  });
});
