import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { diagnose } from "../../../src/domain/diagnose";
import { calFactsOf } from "../../../src/domain/license-servers";
import { calTypeOf, effectiveServers } from "../../../src/domain/licensing-state";
import { planRemediation } from "../../../src/domain/plan";
import { FEATURE_STATES, type CalFacts, type PlanStep, type PlaybookPolicy } from "../../../src/domain/playbook";
import { stepScriptCall, verifyScriptCall } from "../../../src/domain/step-scripts";
import { policy, probe } from "./probe-builder";

const LS = ["rdls01.contoso.com", "rdls02.contoso.com"];
const ORDER: PlanStep["kind"][] = ["set-licensing-mode", "set-license-servers", "remove-rdsh-role", "remove-licensing-role", "restart"];
const SERVER_STATES = ["ok", "unknown", "dns", "port", "not-activated", "no-cals", "cals-exhausted", "unchecked", "status4", "status5", "status8", "device", "old"] as const;
const CALS: Record<string, CalFacts> = {
  device: { activated: true, packs: [{ type: "device", version: 7, total: 10, issued: 1 }] },
  old: { activated: true, packs: [{ type: "user", version: 5, total: 10, issued: 1 }] },
};

const scenario = fc.record({
  policy: fc.record({
    licensingMode: fc.constantFrom<2 | 4>(2, 4),
    noCalsAction: fc.constantFrom<PlaybookPolicy["noCalsAction"]>("report", "remove-rdsh-role"),
    removeUnusedLicensingRole: fc.boolean(),
    restartWithUsers: fc.constantFrom<PlaybookPolicy["restartWithUsers"]>("approve", "wait", "force"),
  }),
  enforce: fc.boolean(),
  rdshFeature: fc.constantFrom(...FEATURE_STATES),
  installState: fc.constantFrom(null, 0, 1, 2),
  licensingRole: fc.constantFrom<"none" | "unused" | "issuing">("none", "unused", "issuing"),
  mode: fc.constantFrom(null, 2, 4, 5, 6),
  modeKind: fc.constantFrom<"REG_DWORD" | "REG_SZ">("REG_DWORD", "REG_DWORD", "REG_SZ"),
  servers: fc.constantFrom<string[] | null>(null, [], LS, [LS[1]!, LS[0]!], ["old.contoso.com"], ["ls1;ls2"], ["RDSH01"], ["localhost"], ["10.0.0.4"]),
  serversKind: fc.constantFrom<"REG_MULTI_SZ" | "REG_SZ">("REG_MULTI_SZ", "REG_MULTI_SZ", "REG_SZ"),
  legacy: fc.constantFrom<string[] | null>(null, [LS[0]!], ["localhost"]),
  gpoMode: fc.constantFrom(null, 2, 4),
  gpoServers: fc.constantFrom<string[] | null>(null, LS, ["gpo-ls.contoso.com"]),
  serverStates: fc.tuple(fc.constantFrom(...SERVER_STATES), fc.constantFrom(...SERVER_STATES)),
  grace: fc.constantFrom(null, 0, 60),
  events: fc.subarray([1068, 1069, 1128, 1130]),
  workgroup: fc.boolean(),
  sessions: fc.constantFrom<[number, number] | null>([0, 0], [0, 0], [2, 1], [0, 1], null),
  termService: fc.constantFrom<"ok" | "stopped" | "disabled">("ok", "ok", "ok", "stopped", "disabled"),
  pendingReboot: fc.boolean(),
  broker: fc.boolean(),
  rawOmitted: fc.constantFrom<"none" | "mode" | "servers">("none", "none", "none", "mode", "servers"),
});

describe("plan invariants over generated probes", () => {
  it("holds the safety and ordering rules for every probe", () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const p = policy({
          ...s.policy,
          licenseServers: LS,
          maintenanceWindow: s.policy.restartWithUsers === "wait" ? { text: "02:00-05:00", days: [0, 1, 2, 3, 4, 5, 6], startMinute: 120, endMinute: 300 } : undefined,
        });
        const b = probe(p)
          .rdsh(s.rdshFeature, s.installState)
          .mode(s.mode, s.modeKind)
          .servers(s.servers, s.serversKind)
          .grace(s.grace);
        if (s.legacy) b.legacyServers(s.legacy);
        if (s.gpoMode !== null) b.gpoMode(s.gpoMode);
        if (s.gpoServers !== null) b.gpoServers(s.gpoServers);
        if (s.licensingRole === "unused") b.localLicenseServer({ activated: false, packs: [] });
        if (s.licensingRole === "issuing") b.localLicenseServer({ activated: true, packs: [{ type: "user", version: 7, total: 10, issued: 3 }] });
        if (s.workgroup) b.workgroup();
        if (s.sessions === null) b.sessionsUnknown();
        else b.sessions(...s.sessions);
        if (s.termService === "stopped") b.termService("Stopped", "Manual");
        if (s.termService === "disabled") b.termService("Stopped", "Disabled");
        if (s.pendingReboot) b.pendingReboot("component-servicing");
        if (s.broker) b.broker("cb01.contoso.com");
        if (s.rawOmitted === "mode" && s.mode !== null) b.withoutRawData("licensingModeValue");
        if (s.rawOmitted === "servers" && s.servers !== null) b.withoutRawData("specifiedLicenseServersValue");
        for (const id of s.events) b.event(id, id === 1068 || id === 1069 ? "Admin" : "System");
        s.serverStates.forEach((state, i) => {
          const name = LS[i]!;
          if (state === "dns") b.dnsFails(name);
          else if (state === "port") b.portClosed(name);
          else if (state === "unchecked") b.withoutCheck(name);
          else if (state === "status4") b.status(name, 4);
          else if (state === "status5") b.status(name, 5);
          else if (state === "status8") b.status(name, 8);
          else if (state === "device" || state === "old") b.cals(name, CALS[state]!);
          else b.health(name, state);
        });
        const result = b.build();
        const causes = diagnose(result, p);
        const plan = planRemediation(result, causes, p, { enforceDrift: s.enforce });
        const kinds = plan.steps.map((st) => st.kind);
        const writes = kinds.filter((k) => k !== "restart");
        const broken = causes.some((c) => c.effect === "breaks");

        expect(new Set(causes.map((c) => c.code)).size).toBe(causes.length);
        // Fix what is broken, report what merely differs: without a breaking cause nothing changes, unless enforced.
        if (!broken && !s.enforce) expect(kinds).toEqual([]);
        if (!broken && plan.verdict !== "fix") expect(["healthy", "drift", "needs-human"]).toContain(plan.verdict);
        // One restart at most, last, and only with a change or a pending role.
        expect(kinds.filter((k) => k === "restart").length).toBeLessThanOrEqual(1);
        if (kinds.length > 0) expect(kinds[kinds.length - 1]).toBe("restart");
        if (kinds.length === 1) expect(["InstallPending", "UninstallPending"]).toContain(result.rdshFeature);
        // The article's order.
        const ranks = kinds.map((k) => ORDER.indexOf(k));
        expect([...ranks].sort((a, c) => a - c)).toEqual(ranks);
        // Nothing on a host whose role or service state cannot be read.
        if (result.rdshFeature === "Unknown" || result.termService.status !== "Running") expect(kinds).toEqual([]);
        // Nothing a Group Policy value or a connection broker would revert.
        if (result.policyLicensingMode !== null || result.broker !== null) expect(kinds).not.toContain("set-licensing-mode");
        if ((result.policyLicenseServers ?? []).length > 0 || result.broker !== null) expect(kinds).not.toContain("set-license-servers");
        // Never a value that could not be put back exactly.
        if (result.licensingModeValue?.data === null) expect(kinds).not.toContain("set-licensing-mode");
        if (result.specifiedLicenseServersValue?.data === null) expect(kinds).not.toContain("set-license-servers");
        // Never per user on a workgroup host; never a mode away from the CALs the servers in use visibly have.
        const inUse = kinds.includes("set-license-servers") ? LS : (effectiveServers(result).value ?? []);
        for (const step of plan.steps) {
          if (step.kind !== "set-licensing-mode") continue;
          if (result.domain?.joined === false) expect(step.mode).toBe(2);
          for (const name of inUse) {
            const facts = calFactsOf(result, name);
            if (facts !== null && facts.packs.length > 0) expect(facts.packs.map((pk) => pk.type)).toContain(calTypeOf(step.mode));
          }
        }
        // Role removals: only by explicit policy, only with approval, never with a pending reboot.
        if (kinds.includes("remove-rdsh-role")) {
          expect(p.noCalsAction).toBe("remove-rdsh-role");
          expect(result.pendingReboot).toEqual([]);
          expect(plan.approvals?.map((a) => a.kind)).toContain("remove-rdsh-role");
        }
        if (kinds.includes("remove-licensing-role")) {
          expect(p.removeUnusedLicensingRole).toBe(true);
          expect(s.licensingRole).toBe("unused");
          expect(result.pendingReboot).toEqual([]);
          expect(plan.approvals?.map((a) => a.kind)).toContain("remove-licensing-role");
        }
        // A restart is a decision: with users on (or unknown) it is approved, waited for, or forced by policy.
        const restarts = kinds.includes("restart");
        const users = result.sessions === null || result.sessions.active + result.sessions.disconnected > 0;
        expect(plan.restart?.mode).toBe(!restarts ? "none" : !users ? "no-users" : p.restartWithUsers);
        expect(plan.approvals?.some((a) => a.kind === "restart-with-users")).toBe(restarts && users && p.restartWithUsers === "approve");
        expect(plan.needsApproval).toBe((plan.approvals ?? []).length > 0);
        // Verdict agrees with the plan.
        if (writes.length > 0 || kinds.length > 0) expect(plan.verdict).toBe("fix");
        if (plan.verdict === "healthy") expect(causes.filter((c) => c.effect !== "info")).toEqual([]);
        // Every step becomes valid script parameters.
        for (const step of plan.steps) if (step.kind !== "restart") expect(() => stepScriptCall(step)).not.toThrow();
        if (kinds.length > 0) expect(() => verifyScriptCall(plan.steps)).not.toThrow();
      }),
      { numRuns: 4000, seed: 20250310 },
    );
  });
});
