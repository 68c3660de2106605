import { describe, expect, it } from "vitest";
import { diagnose } from "../../../src/domain/diagnose";
import { planRemediation } from "../../../src/domain/plan";
import { recheckPlan } from "../../../src/domain/plan-recheck";
import type { Plan, PlaybookPolicy } from "../../../src/domain/playbook";
import { policy, probe, type ProbeBuilder } from "./probe-builder";

// Plans come from the real diagnosis and planner: the probe before a wait, and the probe after it.
function planFor(b: ProbeBuilder, p: PlaybookPolicy = policy()): Plan {
  const result = b.build();
  return planRemediation(result, diagnose(result, p), p);
}

const modeUnset = () => probe().mode(null);

describe("a plan made before a wait holds only while the VM is the same", () => {
  it("the same broken VM: go, with the fresh plan", () => {
    const planned = planFor(modeUnset());
    const fresh = planFor(modeUnset());
    const recheck = recheckPlan(planned, [], fresh);
    expect(recheck).toEqual({ action: "go", plan: fresh });
  });

  it("fixed by a person while the run waited: healthy, nothing changes", () => {
    const recheck = recheckPlan(planFor(modeUnset()), [], planFor(probe()));
    expect(recheck).toMatchObject({ action: "stop", verdict: "healthy" });
    expect(recheck.action === "stop" && recheck.reason).toMatch(/works now .*nothing was changed$/);
  });

  it("fixed by a person in another way than the policy: drift, nothing changes", () => {
    const fresh = planFor(probe().mode(2).cals("rdls01.contoso.com", { activated: true, packs: [{ type: "device", version: 7, total: 10, issued: 1 }] }).cals("rdls02.contoso.com", { activated: true, packs: [{ type: "device", version: 7, total: 10, issued: 1 }] }));
    expect(fresh.verdict).toBe("drift");
    const recheck = recheckPlan(planFor(modeUnset()), [], fresh);
    expect(recheck).toMatchObject({ action: "stop", verdict: "drift" });
    expect(recheck.action === "stop" && recheck.reason).toMatch(/works now .*differs from the policy, which is reported and not changed; nothing was changed$/);
  });

  it("now a case for a person (TermService disabled meanwhile): needs-human with the fresh causes", () => {
    const fresh = planFor(modeUnset().termService("Stopped", "Disabled"));
    expect(fresh.verdict).toBe("needs-human");
    const recheck = recheckPlan(planFor(modeUnset()), [], fresh);
    expect(recheck).toMatchObject({ action: "stop", verdict: "needs-human" });
    expect(fresh.causes.length).toBeGreaterThan(1);
    expect(recheck.action === "stop" && recheck.reason).toContain(fresh.causes.map((c) => c.detail).join(" "));
  });

  it("other steps now: needs-human naming both plans", () => {
    const planned = planFor(modeUnset());
    const fresh = planFor(modeUnset().servers(null));
    expect(fresh.steps.length).toBeGreaterThan(planned.steps.length);
    const recheck = recheckPlan(planned, [], fresh);
    expect(recheck).toMatchObject({ action: "stop", verdict: "needs-human" });
    expect(recheck.action === "stop" && recheck.reason).toMatch(
      /the plan was set-licensing-mode, restart, a fresh probe plans set-licensing-mode, set-license-servers, restart; nothing was changed/,
    );
  });

  it("the same kinds of steps with other values: needs-human", () => {
    const perDevice = policy({ licensingMode: 2 });
    const planned = planFor(modeUnset());
    const other = { ...planned, steps: planFor(probe(perDevice).mode(null), perDevice).steps };
    expect(other.steps.map((s) => s.kind)).toEqual(planned.steps.map((s) => s.kind));
    expect(recheckPlan(planned, [], other)).toMatchObject({ action: "stop", verdict: "needs-human" });
  });

  it("users signed in while the run waited for a slot: the restart now needs an approval nobody gave", () => {
    const planned = planFor(modeUnset());
    const fresh = planFor(modeUnset().sessions(2, 1));
    expect(fresh.approvals?.map((a) => a.kind)).toEqual(["restart-with-users"]);
    const recheck = recheckPlan(planned, [], fresh);
    expect(recheck).toMatchObject({ action: "stop", verdict: "needs-human" });
    expect(recheck.action === "stop" && recheck.reason).toContain(fresh.approvals![0]!.detail);
  });

  it("an approval a person gave in this run covers the same ask again (with a new user count)", () => {
    const planned = planFor(modeUnset().sessions(1, 0));
    const fresh = planFor(modeUnset().sessions(3, 2));
    expect(recheckPlan(planned, ["restart-with-users"], fresh)).toEqual({ action: "go", plan: fresh });
  });

  it("the users left while the run waited: go without asking again", () => {
    const planned = planFor(modeUnset().sessions(1, 0));
    const fresh = planFor(modeUnset());
    expect(fresh.needsApproval).toBe(false);
    expect(recheckPlan(planned, ["restart-with-users"], fresh)).toEqual({ action: "go", plan: fresh });
  });

  it("an approval of one thing does not cover another", () => {
    const planned = planFor(modeUnset().sessions(1, 0));
    const fresh = planFor(modeUnset().sessions(1, 0));
    expect(recheckPlan(planned, ["remove-rdsh-role"], fresh)).toMatchObject({ action: "stop", verdict: "needs-human" });
  });

  it("one more step at the end is another plan", () => {
    const planned = planFor(modeUnset());
    const longer: Plan = { ...planned, steps: [...planned.steps, { kind: "remove-rdsh-role" }] };
    expect(recheckPlan(planned, [], longer)).toMatchObject({ action: "stop", verdict: "needs-human" });
    const shorter: Plan = { ...planned, steps: planned.steps.slice(0, 1) };
    const recheck = recheckPlan(planned, [], shorter);
    expect(recheck.action === "stop" && recheck.reason).toContain("a fresh probe plans set-licensing-mode;");
  });

  it("a plan without steps is named as such", () => {
    const planned = planFor(modeUnset());
    const recheck = recheckPlan(planned, [], { ...planned, steps: [] });
    expect(recheck.action === "stop" && recheck.reason).toContain("a fresh probe plans no step;");
  });

  it("every approval nobody gave is named", () => {
    const planned = planFor(modeUnset());
    const fresh: Plan = {
      ...planned,
      needsApproval: true,
      approvals: [
        { kind: "restart-with-users", detail: "Restart with users?" },
        { kind: "remove-rdsh-role", detail: "Remove the role?" },
      ],
    };
    const recheck = recheckPlan(planned, [], fresh);
    expect(recheck.action === "stop" && recheck.reason).toBe(
      "the VM changed while the run waited: Restart with users? Remove the role? Nobody approved that in this run; nothing was changed; a new run asks for it",
    );
  });

  it("a plan that lists no approvals needs none", () => {
    const planned = planFor(modeUnset());
    const fresh: Plan = { ...planned };
    delete fresh.approvals;
    expect(recheckPlan(planned, [], fresh)).toEqual({ action: "go", plan: fresh });
  });
});
