import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { diagnose } from "../../../src/domain/diagnose";
import { planRemediation } from "../../../src/domain/plan";
import { FEATURE_STATES, type PlanStep, type PlaybookPolicy } from "../../../src/domain/playbook";
import { stepScriptCall, verifyScriptCall } from "../../../src/domain/step-scripts";
import { policy, probe } from "./probe-builder";

const LS = ["rdls01.contoso.com", "rdls02.contoso.com"];
const ORDER: PlanStep["kind"][] = ["set-licensing-mode", "set-license-servers", "remove-rdsh-role", "remove-licensing-role", "restart"];
const SERVER_STATES = ["ok", "unknown", "dns", "port", "not-activated", "no-cals", "cals-exhausted", "unchecked"] as const;

const scenario = fc.record({
  policy: fc.record({
    licensingMode: fc.constantFrom<2 | 4>(2, 4),
    noCalsAction: fc.constantFrom<PlaybookPolicy["noCalsAction"]>("report", "remove-rdsh-role"),
    removeUnusedLicensingRole: fc.boolean(),
  }),
  rdshFeature: fc.constantFrom(...FEATURE_STATES),
  installState: fc.constantFrom(null, 0, 1, 2),
  licensingRole: fc.constantFrom(...FEATURE_STATES),
  mode: fc.constantFrom(null, 2, 4, 5, 6),
  servers: fc.constantFrom<string[] | null>(null, [], LS, [LS[1]!, LS[0]!], ["old.contoso.com"], ["ls1;ls2"], ["RDSH01"]),
  legacy: fc.constantFrom<string[] | null>(null, [LS[0]!], ["localhost"]),
  gpoMode: fc.constantFrom(null, 2, 4),
  gpoServers: fc.constantFrom<string[] | null>(null, LS, ["gpo-ls.contoso.com"]),
  serverStates: fc.tuple(fc.constantFrom(...SERVER_STATES), fc.constantFrom(...SERVER_STATES)),
  grace: fc.constantFrom(null, 0, 60),
  events: fc.subarray([1068, 1069, 1128, 1130]),
});

describe("plan invariants over generated probes", () => {
  it("holds the safety and ordering rules for every probe", () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const p = policy({ ...s.policy, licenseServers: LS });
        const b = probe(p)
          .rdsh(s.rdshFeature, s.installState)
          .licensingRole(s.licensingRole)
          .mode(s.mode)
          .servers(s.servers)
          .legacyServers(s.legacy)
          .gpoMode(s.gpoMode)
          .gpoServers(s.gpoServers)
          .grace(s.grace);
        for (const id of s.events) b.event(id, id === 1068 || id === 1069 ? "Admin" : "System");
        s.serverStates.forEach((state, i) => {
          const name = LS[i]!;
          if (state === "dns") b.dnsFails(name);
          else if (state === "port") b.portClosed(name);
          else if (state === "unchecked") b.withoutCheck(name);
          else b.health(name, state);
        });
        const result = b.build();
        const causes = diagnose(result, p);
        const plan = planRemediation(result, causes, p);
        const kinds = plan.steps.map((st) => st.kind);

        expect(new Set(causes.map((c) => c.code)).size).toBe(causes.length);
        // One restart at most, and it is the last step whenever anything changes.
        expect(kinds.filter((k) => k === "restart").length).toBeLessThanOrEqual(1);
        if (kinds.length > 0) expect(kinds[kinds.length - 1]).toBe("restart");
        // The article's order.
        const ranks = kinds.map((k) => ORDER.indexOf(k));
        expect([...ranks].sort((a, c) => a - c)).toEqual(ranks);
        // Approval exactly for the destructive step, which only an explicit policy allows.
        expect(plan.needsApproval).toBe(kinds.includes("remove-rdsh-role"));
        if (kinds.includes("remove-rdsh-role")) expect(p.noCalsAction).toBe("remove-rdsh-role");
        if (kinds.includes("remove-licensing-role")) {
          expect(p.removeUnusedLicensingRole).toBe(true);
          expect(result.licensingRoleFeature).toBe("Installed");
        }
        // Nothing a Group Policy value would revert.
        if (result.policyLicensingMode !== null) expect(kinds).not.toContain("set-licensing-mode");
        if ((result.policyLicenseServers ?? []).length > 0) expect(kinds).not.toContain("set-license-servers");
        // Verdict agrees with the plan.
        expect(plan.verdict).toBe(kinds.length > 0 ? "fix" : plan.humanActions.length > 0 ? "needs-human" : "healthy");
        // A role that is not installed is never touched.
        if (causes.some((c) => c.code === "role-not-installed")) expect(plan.verdict).toBe("healthy");
        // Every step becomes valid script parameters.
        for (const step of plan.steps) if (step.kind !== "restart") expect(() => stepScriptCall(step)).not.toThrow();
        if (kinds.length > 0) expect(() => verifyScriptCall(plan.steps, p)).not.toThrow();
      }),
      { numRuns: 3000, seed: 20240501 },
    );
  });
});
