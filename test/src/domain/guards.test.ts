import { describe, expect, it } from "vitest";
import { evaluateGuards, serversOfPlan, type GuardInput } from "../../../src/domain/guards";
import type { Plan, ProbeResult } from "../../../src/domain/playbook";
import type { RunRecord } from "../../../src/domain/run-record";

const NOW = new Date("2026-11-25T12:00:00Z");
const VM = "/subscriptions/s/resourcegroups/rg/providers/microsoft.compute/virtualmachines/vm1";
const settings = {
  cooldownMinutes: 60,
  recurrenceLimit: 3,
  recurrenceWindowDays: 7,
  breakerThreshold: 3,
  breakerWindowMinutes: 60,
  maxConcurrentRemediations: 5,
};
const fixPlan: Plan = {
  verdict: "fix",
  causes: [],
  steps: [{ kind: "set-license-servers", servers: ["ls01.contoso.com"] }, { kind: "restart" }],
  humanActions: [],
  needsApproval: false,
};
const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000).toISOString();

function run(vmId: string, endedMinutesAgo: number, extra: Partial<RunRecord> = {}): RunRecord {
  return {
    runId: `run-${vmId.slice(-3)}-${endedMinutesAgo}`,
    vmId,
    trigger: { kind: "alert" },
    startedAt: minutesAgo(endedMinutesAgo + 5),
    endedAt: minutesAgo(endedMinutesAgo),
    verdict: "remediated",
    causes: [],
    plan: fixPlan.steps,
    steps: [{ step: fixPlan.steps[0]!, status: "applied", before: {}, after: {} }],
    licenseServers: ["ls01.contoso.com"],
    durationsMs: {},
    ...extra,
  };
}

function probe(health: "ok" | "unreachable" | "no-cals", tcp135 = health !== "unreachable"): ProbeResult {
  return {
    servers: [{ name: "ls01.contoso.com", dnsResolved: true, addresses: ["10.0.0.4"], tcp135, health }],
  } as unknown as ProbeResult;
}

function input(over: Partial<GuardInput>): GuardInput {
  return { vmId: VM, now: NOW, plan: fixPlan, probe: probe("ok"), vmHistory: [], serverHistory: new Map(), settings, ...over };
}

describe("guards over the ledger's history", () => {
  it("no history: proceed", () => expect(evaluateGuards(input({})).action).toBe("proceed"));

  it("cooldown: a change within the cooldown holds; one before it does not", () => {
    expect(evaluateGuards(input({ vmHistory: [run(VM, 30)] }))).toMatchObject({ action: "hold", guard: "cooldown" });
    expect(evaluateGuards(input({ vmHistory: [run(VM, 90)] })).action).toBe("proceed");
    // A recent run that changed nothing (e.g. healthy) starts no cooldown.
    expect(evaluateGuards(input({ vmHistory: [run(VM, 10, { verdict: "healthy", plan: [], steps: [] })] })).action).toBe("proceed");
  });

  it("recurrence: the same fix needed N times in M days stops at needs-human", () => {
    const history = [run(VM, 2000), run(VM, 4000), run(VM, 6000)];
    expect(evaluateGuards(input({ vmHistory: history }))).toMatchObject({ action: "needs-human", guard: "recurrence" });
    const older = [run(VM, 2000), run(VM, 4000), run(VM, 20_000)];
    expect(evaluateGuards(input({ vmHistory: older })).action).toBe("proceed");
  });

  it("breaker: K VMs of one server needing fixes and the server not answering opens it, notifying once", () => {
    const others = [run("vm-a", 10), run("vm-b", 20)];
    const decision = evaluateGuards(input({ probe: probe("unreachable"), serverHistory: new Map([["ls01.contoso.com", others]]) }));
    expect(decision).toMatchObject({ action: "needs-human", guard: "license-server-breaker", server: "ls01.contoso.com", notify: true });
    const reported = [...others, run("vm-c", 5, { verdict: "needs-human", guard: "license-server-breaker", steps: [] })];
    const again = evaluateGuards(input({ probe: probe("no-cals"), serverHistory: new Map([["ls01.contoso.com", reported]]) }));
    expect(again).toMatchObject({ guard: "license-server-breaker", notify: false });
  });

  it("breaker stays closed when the server answers, or when too few VMs or too long ago", () => {
    const others = [run("vm-a", 10), run("vm-b", 20)];
    expect(evaluateGuards(input({ probe: probe("ok"), serverHistory: new Map([["ls01.contoso.com", others]]) })).action).toBe("proceed");
    expect(evaluateGuards(input({ probe: probe("unreachable"), serverHistory: new Map([["ls01.contoso.com", [run("vm-a", 10)]]]) })).action).toBe("proceed");
    const stale = [run("vm-a", 100), run("vm-b", 200)];
    expect(evaluateGuards(input({ probe: probe("unreachable"), serverHistory: new Map([["ls01.contoso.com", stale]]) })).action).toBe("proceed");
    const sameVm = [run(VM, 90), run(VM, 100)];
    expect(evaluateGuards(input({ probe: probe("unreachable"), serverHistory: new Map([["ls01.contoso.com", sameVm]]) })).action).toBe("proceed");
  });

  it("the plan's servers are the ones it sets, else the policy's, normalised", () => {
    expect(serversOfPlan(fixPlan, ["x.contoso.com"])).toEqual(["ls01.contoso.com"]);
    expect(serversOfPlan({ ...fixPlan, steps: [{ kind: "restart" }] }, ["X.Contoso.com."])).toEqual(["x.contoso.com"]);
  });
});
