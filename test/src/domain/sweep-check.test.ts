import { describe, expect, it } from "vitest";
import { classifyProbe, compareWorstFirst, notProbeable, unknownCheck } from "../../../src/domain/sweep-check";
import type { VmCheck } from "../../../src/domain/sweep-record";
import { policy, probe, type ProbeBuilder } from "./probe-builder";

const VM = "/subscriptions/00000000-0000-0000-0000-00000000000a/resourcegroups/rg/providers/microsoft.compute/virtualmachines/rdsh01";
const NOW = new Date("2025-03-10T09:00:00Z");
const LS1 = "rdls01.contoso.com";
const LS2 = "rdls02.contoso.com";
const classify = (b: ProbeBuilder, symptoms = 0, p = policy()) => classifyProbe(VM, b.build(), p, { graceWarningDays: 14, symptoms, now: NOW });
const enforce = policy({ enforceDriftInSweeps: true });

describe("classifyProbe", () => {
  type Row = [string, () => ProbeBuilder, Partial<VmCheck>, NonNullable<VmCheck["warning"]>["kind"] | undefined, ReturnType<typeof policy>?];
  const rows: Row[] = [
    ["healthy session host", () => probe().grace(30), { outcome: "compliant", causes: [], repairable: false }, undefined],
    ["healthy, grace counting down: licensed, so no warning", () => probe().grace(3), { outcome: "compliant" }, undefined],
    ["no RD Session Host role: needs no licensing", () => probe().rdsh("Available", null).mode(null).servers(null).grace(null), { outcome: "compliant", causes: [] }, undefined],
    ["information only (a stale cache, CALs not visible): compliant", () => probe().rdsh("Installed", 0), { outcome: "compliant", causes: [] }, undefined],
    ["mode unset, 30 days left: broken, repairable", () => probe().mode(null).grace(30), { outcome: "noncompliant", causes: ["mode-not-configured"], repairable: true }, undefined],
    ["mode unset, 10 days left: warned", () => probe().mode(null).grace(10), { outcome: "noncompliant", repairable: true }, "expiring"],
    ["mode unset, exactly the warning window", () => probe().mode(null).grace(14), { outcome: "noncompliant" }, "expiring"],
    ["mode unset, grace unknown", () => probe().mode(null).grace(null), { outcome: "noncompliant" }, undefined],
    ["mode unset, grace over: RDP already lost", () => probe().mode(null).grace(0), { outcome: "noncompliant" }, "rdp-lost"],
    ["another mode that works: drift, not repairable under remediate, no warning", () => probe().mode(2).cals(LS1, { activated: true, packs: [{ type: "device", version: 7, total: 5, issued: 0 }] }).grace(5), { outcome: "noncompliant", causes: ["mode-wrong"], repairable: false }, undefined],
    ["another working server: drift, repairable under enforce", () => probe().servers(["other.contoso.com"]), { outcome: "noncompliant", causes: ["license-server-wrong"], repairable: true }, undefined, enforce],
    ["another working server: drift, not repairable under remediate", () => probe().servers(["other.contoso.com"]), { outcome: "noncompliant", causes: ["license-server-wrong"], repairable: false }, undefined],
    [
      "no server anywhere, grace over",
      () => probe().servers(null).dnsFails(LS1).dnsFails(LS2).grace(0).event(1128),
      { outcome: "noncompliant", causes: ["no-license-server", "grace-over"], repairable: false },
      "rdp-lost",
    ],
    ["Group Policy sets servers that fail: a person must act", () => probe().gpoServers(["gpo.contoso.com"]).dnsFails("gpo.contoso.com").grace(40), { outcome: "noncompliant", repairable: false }, undefined],
    ["no servers set, servers reachable: repairable", () => probe().servers(null).grace(5), { outcome: "noncompliant", causes: ["no-license-server"], repairable: true }, "expiring"],
  ];
  it.each(rows)("%s", (_name, build, expected, warning, p) => {
    const check = classify(build(), 4, p);
    expect(check).toMatchObject({ vmId: VM, failed: false, symptoms: 4, checkedAt: NOW.toISOString(), ...expected });
    expect(check.warning?.kind).toBe(warning);
    expect(check.reason).toBeUndefined();
  });

  it("the expiring warning says when", () => {
    const check = classify(probe().mode(null).grace(10));
    expect(check.warning).toMatchObject({ kind: "expiring", daysLeft: 10 });
    expect(check.warning?.message).toContain("2025-03-20");
    expect(check.graceDaysLeft).toBe(10);
  });
});

describe("unknown checks", () => {
  it.each([
    ["vm-deallocated", false],
    ["agent-not-ready", false],
    ["vm-not-found", false],
    ["not-checked", false],
    ["probe-failed", true],
    ["probe-timeout", true],
  ] as const)("%s counts as a failure: %s", (code, failed) => {
    const check = unknownCheck(VM, code, "why", { symptoms: 2, now: NOW });
    expect(check).toMatchObject({ outcome: "unknown", failed, reason: { code, message: "why" }, causes: [], repairable: false, symptoms: 2 });
  });

  it.each([
    ["running", undefined],
    ["unknown", undefined],
    ["deallocated", "vm-deallocated"],
    ["deallocating", "vm-deallocated"],
    ["stopped", "vm-stopped"],
    ["stopping", "vm-stopped"],
    ["starting", "vm-not-running"],
  ] as const)("power state %s: %s", (power, code) => {
    expect(notProbeable(power)?.code).toBe(code);
  });
});

describe("worst first", () => {
  it("lost RDP, then soonest to lose it, then drift by symptoms, then failed checks, unknowns, compliant", () => {
    const c = (name: string, b: ProbeBuilder, symptoms = 0) => ({ ...classify(b, symptoms), vmId: name });
    const checks: VmCheck[] = [
      c("compliant", probe().grace(30)),
      { ...unknownCheck("unknown", "agent-not-ready", "x", { symptoms: 0, now: NOW }) },
      { ...unknownCheck("failed", "probe-failed", "x", { symptoms: 0, now: NOW }) },
      c("drift-quiet", probe().mode(2).grace(90)),
      c("drift-noisy", probe().mode(2).grace(90), 50),
      c("expiring-10", probe().mode(null).grace(10)),
      c("expiring-2", probe().mode(null).grace(2)),
      c("lost", probe().mode(null).grace(0)),
    ];
    expect([...checks].sort(compareWorstFirst).map((x) => x.vmId)).toEqual([
      "lost",
      "expiring-2",
      "expiring-10",
      "drift-noisy",
      "drift-quiet",
      "failed",
      "unknown",
      "compliant",
    ]);
  });
});
