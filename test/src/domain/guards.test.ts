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

describe("guards: each condition on its own, at its boundaries, with the exact words a person reads", () => {
  const server = (over: Partial<ProbeResult["servers"][number]>): ProbeResult =>
    ({ servers: [{ name: "ls01.contoso.com", dnsResolved: true, addresses: ["10.0.0.4"], tcp135: true, health: "ok", ...over }] }) as unknown as ProbeResult;
  const breakerHistory = (runs: RunRecord[]) => new Map([["ls01.contoso.com", runs]]);
  const others = () => [run("vm-a", 10), run("vm-b", 20)];

  it("a run changed the VM when a step was applied or rolled back; unchanged, skipped or failed steps change nothing", () => {
    const step = fixPlan.steps[0]!;
    const withStep = (status: RunRecord["steps"][number]["status"]) => run(VM, 10, { steps: [{ step, status, before: {}, after: {} }] });
    expect(evaluateGuards(input({ vmHistory: [withStep("applied")] })).action).toBe("hold");
    expect(evaluateGuards(input({ vmHistory: [withStep("rolled-back")] })).action).toBe("hold");
    for (const status of ["unchanged", "skipped", "failed"] as const) {
      expect(evaluateGuards(input({ vmHistory: [withStep(status)] })).action, status).toBe("proceed");
    }
  });

  it("the cooldown names the run and when it ends; it ends exactly after COOLDOWN_MINUTES", () => {
    const last = run(VM, 30);
    expect(evaluateGuards(input({ vmHistory: [last] }))).toEqual({
      action: "hold",
      guard: "cooldown",
      reason: `run ${last.runId} changed this VM at ${last.endedAt}; no new change before ${minutesAgo(-30)} (cooldown)`,
    });
    expect(evaluateGuards(input({ vmHistory: [run(VM, 59)] })).action).toBe("hold");
    expect(evaluateGuards(input({ vmHistory: [run(VM, 60)] })).action).toBe("proceed");
    // The newest change decides, not an older one.
    expect(evaluateGuards(input({ vmHistory: [run(VM, 10, { steps: [] }), run(VM, 70)] })).action).toBe("proceed");
  });

  it("recurrence counts only remediated runs, inside the window (its first minute included), and says why", () => {
    const windowMinutes = settings.recurrenceWindowDays * 1440;
    const atEdge = [run(VM, 2000), run(VM, 4000), run(VM, windowMinutes)];
    expect(evaluateGuards(input({ vmHistory: atEdge }))).toEqual({
      action: "needs-human",
      guard: "recurrence",
      reason:
        "this VM was repaired 3 times in the last 7 days: something keeps undoing the fix (a Group Policy, an image or " +
        "configuration tool, a script); find it before repairing again",
    });
    expect(evaluateGuards(input({ vmHistory: [run(VM, 2000), run(VM, 4000), run(VM, windowMinutes + 1)] })).action).toBe("proceed");
    const notFixes = [run(VM, 2000), run(VM, 4000), run(VM, 6000, { verdict: "failed-rolled-back" })];
    expect(evaluateGuards(input({ vmHistory: notFixes })).action).toBe("proceed");
  });

  it("the breaker counts only runs that needed a fix (not a plan of a restart alone), other VMs, inside the window (its edge included)", () => {
    const unreachable = server({ tcp135: false, health: "unreachable" });
    const restartOnly = (vm: string, at: number) => run(vm, at, { plan: [{ kind: "restart" }] });
    expect(evaluateGuards(input({ probe: unreachable, serverHistory: breakerHistory([run("vm-a", 10), restartOnly("vm-b", 20)]) })).action).toBe("proceed");
    expect(evaluateGuards(input({ probe: unreachable, serverHistory: breakerHistory([run("vm-a", 10), run("vm-b", 60)]) })).action).toBe("needs-human");
    expect(evaluateGuards(input({ probe: unreachable, serverHistory: breakerHistory([run("vm-a", 10), run("vm-b", 61)]) })).action).toBe("proceed");
    // This VM's own runs do not count toward the threshold (it is counted once, as the VM asking).
    expect(evaluateGuards(input({ probe: unreachable, serverHistory: breakerHistory([run("vm-a", 10), run(VM, 20)]) })).action).toBe("proceed");
  });

  it("the server answers only when it resolves, TCP 135 is open and its health is ok; the probe's entry for it is found by name", () => {
    const closedFor = (over: Partial<ProbeResult["servers"][number]>) => evaluateGuards(input({ probe: server(over), serverHistory: breakerHistory(others()) }));
    expect(closedFor({}).action).toBe("proceed");
    expect(closedFor({ name: "LS01.Contoso.com." }).action).toBe("proceed");
    expect(closedFor({ dnsResolved: false }).action).toBe("needs-human");
    expect(closedFor({ tcp135: false }).action).toBe("needs-human");
    expect(closedFor({ health: "no-cals" }).action).toBe("needs-human");
    // A probe that did not check this server is no proof it answers.
    expect(closedFor({ name: "other.contoso.com" }).action).toBe("needs-human");
    const empty = evaluateGuards(input({ probe: { servers: [] } as unknown as ProbeResult, serverHistory: breakerHistory(others()) }));
    expect(empty).toMatchObject({ action: "needs-human" });
  });

  it("the breaker's reason names the server, the count, the window and what the probe saw", () => {
    const reason = (probeResult: ProbeResult) => (evaluateGuards(input({ probe: probeResult, serverHistory: breakerHistory(others()) })) as { reason: string }).reason;
    const tail = "no VM is changed for this server until it answers";
    expect(reason(server({ tcp135: false, health: "unreachable" }))).toBe(
      `license server ls01.contoso.com is the likely cause: 3 VMs that use it needed a fix within 60 minutes and it reports unreachable, TCP 135 closed; ${tail}`,
    );
    expect(reason(server({ health: "no-cals" }))).toBe(
      `license server ls01.contoso.com is the likely cause: 3 VMs that use it needed a fix within 60 minutes and it reports no-cals; ${tail}`,
    );
    expect(reason({ servers: [] } as unknown as ProbeResult)).toBe(
      `license server ls01.contoso.com is the likely cause: 3 VMs that use it needed a fix within 60 minutes and it was not checked; ${tail}`,
    );
  });

  it("an open breaker notifies once per window: a report by another VM in the window silences it, this VM's own or an older one does not", () => {
    const unreachable = server({ tcp135: false, health: "unreachable" });
    const reported = (vm: string, at: number) => run(vm, at, { verdict: "needs-human", guard: "license-server-breaker", steps: [] });
    const notify = (extra: RunRecord[]) => (evaluateGuards(input({ probe: unreachable, serverHistory: breakerHistory([...others(), ...extra]) })) as { notify: boolean }).notify;
    expect(notify([reported("vm-c", 60)])).toBe(false);
    expect(notify([reported("vm-c", 61)])).toBe(true);
    expect(notify([reported(VM, 5)])).toBe(true);
    expect(notify([run("vm-c", 5, { guard: "cooldown" })])).toBe(true);
  });

  it("a breaker that stays closed because the server answers says so; without any breaker there are no notes", () => {
    expect(evaluateGuards(input({ probe: server({}), serverHistory: breakerHistory(others()) }))).toEqual({
      action: "proceed",
      notes: ["3 VMs of license server ls01.contoso.com needed fixes recently, but it answers: the breaker stays closed"],
    });
    expect(evaluateGuards(input({}))).toEqual({ action: "proceed", notes: [] });
  });

  it("the plan's servers: only a set-license-servers step names them; other steps do not", () => {
    const modeOnly: Plan = { ...fixPlan, steps: [{ kind: "set-licensing-mode", mode: 4 } as Plan["steps"][number], { kind: "restart" }] };
    expect(serversOfPlan(modeOnly, ["policy.contoso.com"])).toEqual(["policy.contoso.com"]);
    const both: Plan = { ...fixPlan, steps: [{ kind: "set-licensing-mode", mode: 4 } as Plan["steps"][number], { kind: "set-license-servers", servers: ["A.contoso.com", "a.contoso.com."] }] };
    expect(serversOfPlan(both, ["policy.contoso.com"])).toEqual(["a.contoso.com"]);
  });
});
