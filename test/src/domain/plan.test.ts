import { describe, expect, it } from "vitest";
import { diagnose } from "../../../src/domain/diagnose";
import { planRemediation } from "../../../src/domain/plan";
import type { Plan, PlanStep, PlanVerdict, PlaybookPolicy } from "../../../src/domain/playbook";
import { policy, probe, type ProbeBuilder } from "./probe-builder";

const LS1 = "rdls01.contoso.com";
const LS2 = "rdls02.contoso.com";
const GPO_PATH = "HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows NT\\Terminal Services";

function planFor(b: ProbeBuilder, p: PlaybookPolicy = policy()): Plan {
  const result = b.build();
  return planRemediation(result, diagnose(result, p), p);
}

const restart: PlanStep = { kind: "restart" };
const mode4: PlanStep = { kind: "set-licensing-mode", mode: 4 };
const servers: PlanStep = { kind: "set-license-servers", servers: [LS1, LS2] };
const removeRdsh: PlanStep = { kind: "remove-rdsh-role" };
const removeLicensing: PlanStep = { kind: "remove-licensing-role" };

type Row = [name: string, build: () => ProbeBuilder, p: PlaybookPolicy, verdict: PlanVerdict, steps: PlanStep[], human: RegExp[]];

const report = policy({ noCalsAction: "report" });
const remove = policy({ noCalsAction: "remove-rdsh-role" });
const tidy = policy({ removeUnusedLicensingRole: true });

describe("planRemediation", () => {
  const rows: Row[] = [
    ["healthy: nothing to do", () => probe(), policy(), "healthy", [], []],
    ["role not installed: nothing to do, two admin sessions", () => probe().rdsh("Available", 0).mode(null), policy(), "healthy", [], []],
    ["role not installed, unused Licensing role: still nothing", () => probe().rdsh("Unknown", 0).licensingRole("Installed"), tidy, "healthy", [], []],
    ["mode unset: set it, restart", () => probe().mode(null), policy(), "fix", [mode4, restart], []],
    ["per-device policy: mode 2", () => probe(policy({ licensingMode: 2 })).mode(4), policy({ licensingMode: 2 }), "fix", [{ kind: "set-licensing-mode", mode: 2 }, restart], []],
    ["servers missing: set them, restart", () => probe().servers(null), policy(), "fix", [servers, restart], []],
    ["mode and servers: article order, one restart", () => probe().mode(2).servers(["old.contoso.com"]), policy(), "fix", [mode4, servers, restart], []],
    ["duplicate policy servers are set once", () => probe(policy({ licenseServers: [LS1, LS1.toUpperCase()] })).servers(null), policy({ licenseServers: [LS1, LS1.toUpperCase()] }), "fix", [{ kind: "set-license-servers", servers: [LS1] }, restart], []],
    ["pending restart + mode unset: restart first, only", () => probe().rdsh("InstallPending", 1).mode(null), policy(), "fix", [restart], []],
    ["uninstall pending: restart", () => probe().rdsh("UninstallPending", 1), policy(), "fix", [restart], []],
    [
      "GPO sets a wrong mode: no local change at all",
      () => probe().gpoMode(2).servers(null),
      policy(),
      "needs-human",
      [],
      [/"Set the Remote Desktop licensing mode".*Per User.*LicensingMode=2 to HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows NT\\Terminal Services/],
    ],
    [
      "GPO + wrong servers",
      () => probe().gpoServers(["gpo-ls.contoso.com"]),
      policy(),
      "needs-human",
      [],
      [/"Use the specified Remote Desktop license servers".*rdls01\.contoso\.com,rdls02\.contoso\.com.*LicenseServers=gpo-ls\.contoso\.com/],
    ],
    ["GPO sets both wrong", () => probe().gpoMode(2).gpoServers(["gpo-ls.contoso.com"]), policy(), "needs-human", [], [/licensing mode/, /license servers/]],
    ["GPO sets only the mode, correctly: local servers fixed", () => probe().gpoMode(4).mode(2).servers(null), policy(), "fix", [servers, restart], []],
    ["GPO sets only the servers, correctly: local mode fixed", () => probe().gpoServers([LS1, LS2]).servers(null).mode(null), policy(), "fix", [mode4, restart], []],
    ["no CALs, report", () => probe().allPolicyServers("no-cals"), report, "needs-human", [], [/Install RDS Per User CALs on rdls01.*NO_CALS_ACTION=remove-rdsh-role/, /rdls02/]],
    ["no CALs, remove the role: approval, restart", () => probe().allPolicyServers("no-cals"), remove, "fix", [removeRdsh, restart], []],
    ["no CALs, remove the role: licensing values are moot", () => probe().allPolicyServers("no-cals").mode(null).servers(null), remove, "fix", [removeRdsh, restart], []],
    ["no CALs, remove the role despite a GPO (it does not revert a role)", () => probe().allPolicyServers("no-cals").gpoMode(2), remove, "fix", [removeRdsh, restart], []],
    [
      "no CALs, remove both roles",
      () => probe().allPolicyServers("no-cals").licensingRole("Installed"),
      policy({ noCalsAction: "remove-rdsh-role", removeUnusedLicensingRole: true }),
      "fix",
      [removeRdsh, removeLicensing, restart],
      [],
    ],
    ["no CALs, remove, but the role state is unknown: by hand", () => probe().allPolicyServers("no-cals").rdsh("Unknown", 1), remove, "needs-human", [], [/Install RDS Per User CALs on rdls01\.contoso\.com \([^)]*\)\.$/, /rdls02/, /dism \/Online \/Disable-Feature \/FeatureName:Remote-Desktop-Services/]],
    ["no CALs on policy servers but a GPO server works: never remove", () => probe().allPolicyServers("no-cals").gpoServers(["gpo-ls.contoso.com"]), remove, "needs-human", [], [/Use the specified/, /Install RDS Per User CALs/, /Install RDS Per User CALs/]],
    ["one policy server without CALs, the other unreachable: not 'no CALs'", () => probe().health(LS1, "no-cals").portClosed(LS2), remove, "needs-human", [], [/Install RDS Per User CALs on rdls01/, /TCP 135 and the RPC dynamic ports 49152-65535.*TermServLicensing/]],
    ["unreachable + wrong: fix the network first", () => probe().servers(["old.contoso.com"]).portClosed(LS1).portClosed(LS2), policy(), "needs-human", [], [/rdls01.*TCP 135/, /rdls02.*TCP 135/]],
    [
      "no license server exists (DNS fails everywhere), grace over",
      () => probe().servers(null).dnsFails(LS1).dnsFails(LS2).grace(0),
      policy(),
      "needs-human",
      [],
      [/Install-WindowsFeature RDS-Licensing.*Activate Server.*RDS Per User CALs/, /Resolve-DnsName rdls01/, /Resolve-DnsName rdls02/],
    ],
    ["wrong configured server is down, the policy's work: just set them", () => probe().servers(["old.contoso.com"]).portClosed("old.contoso.com"), policy(), "fix", [servers, restart], []],
    ["one policy server down, mode wrong: fix and tell", () => probe().mode(2).portClosed(LS2), policy(), "fix", [mode4, restart], [/rdls02.*TCP 135/]],
    ["one policy server down, all else fine", () => probe().dnsFails(LS2), policy(), "needs-human", [], [/Resolve-DnsName rdls02/]],
    ["not activated", () => probe().allPolicyServers("not-activated"), policy(), "needs-human", [], [/Activate the RD license server rdls01/, /rdls02/]],
    ["CALs exhausted", () => probe().allPolicyServers("cals-exhausted"), policy(), "needs-human", [], [/Add RDS Per User CALs on rdls01.*all of them are issued/, /rdls02/]],
    ["per-device policy asks for per-device CALs", () => probe(policy({ licensingMode: 2 })).allPolicyServers("cals-exhausted"), policy({ licensingMode: 2 }), "needs-human", [], [/RDS Per Device CALs/, /RDS Per Device CALs/]],
    ["unused Licensing role on a healthy host", () => probe().licensingRole("Installed"), tidy, "fix", [removeLicensing, restart], []],
    ["unused Licensing role after the registry steps", () => probe().licensingRole("Installed").mode(null), tidy, "fix", [mode4, removeLicensing, restart], []],
    ["Licensing role kept when the policy does not allow removal", () => probe().licensingRole("Installed"), policy(), "healthy", [], []],
    ["Licensing role used: a policy server is this VM by name", () => probe(policy({ licenseServers: ["RDSH01"] })).licensingRole("Installed"), policy({ licenseServers: ["RDSH01"], removeUnusedLicensingRole: true }), "healthy", [], []],
    ["Licensing role used: configured by FQDN", () => probe().servers([LS1, LS2, "rdsh01.contoso.com"]).licensingRole("Installed"), tidy, "fix", [servers, restart], []],
    ["Licensing role used: configured by its own IP", () => probe().servers(["10.0.1.4"]).licensingRole("Installed"), tidy, "fix", [servers, restart], []],
    ["Licensing role used: a name that resolves to this VM", () => probe().gpoServers([LS1, LS2, "alias.contoso.com"]).check("alias.contoso.com", { addresses: ["10.0.1.4"] }).licensingRole("Installed"), tidy, "needs-human", [], [/Use the specified/]],
    ["Licensing role used: localhost at the legacy path", () => probe().legacyServers(["localhost"]).licensingRole("Installed"), tidy, "healthy", [], []],
    ["Licensing role pending removal is left alone", () => probe().licensingRole("UninstallPending"), tidy, "healthy", [], []],
    ["legacy-path finding alone changes nothing", () => probe().servers(null).gpoServers([LS1, LS2]).legacyServers([LS1]), policy(), "healthy", [], []],
  ];

  it.each(rows)("%s", (_name, build, p, verdict, steps, human) => {
    const plan = planFor(build(), p);
    expect(plan.verdict).toBe(verdict);
    expect(plan.steps).toEqual(steps);
    expect(plan.needsApproval).toBe(steps.some((s) => s.kind === "remove-rdsh-role"));
    expect(plan.humanActions).toHaveLength(human.length);
    human.forEach((pattern, i) => expect(plan.humanActions[i]).toMatch(pattern));
  });

  it("carries the causes it was given", () => {
    const result = probe().mode(null).build();
    const causes = diagnose(result, policy());
    expect(planRemediation(result, causes, policy()).causes).toBe(causes);
  });

  it("names the exact GPO path in every GPO action", () => {
    const plan = planFor(probe().gpoMode(2).gpoServers(["x.contoso.com"]));
    for (const action of plan.humanActions) expect(action).toContain(GPO_PATH);
    expect(plan.humanActions.join(" ")).toContain("gpupdate /force on RDSH01");
  });
});
