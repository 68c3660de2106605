import { describe, expect, it } from "vitest";
import { diagnose } from "../../../src/domain/diagnose";
import { planRemediation, type PlanOptions } from "../../../src/domain/plan";
import type { CalFacts, Plan, PlanStep, PlanVerdict, PlaybookPolicy } from "../../../src/domain/playbook";
import { policy, probe, type ProbeBuilder } from "./probe-builder";

const LS1 = "rdls01.contoso.com";
const LS2 = "rdls02.contoso.com";
const GPO_PATH = "HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows NT\\Terminal Services";

function planFor(b: ProbeBuilder, p: PlaybookPolicy = policy(), options?: PlanOptions): Plan {
  const result = b.build();
  return planRemediation(result, diagnose(result, p), p, options);
}

const restart: PlanStep = { kind: "restart" };
const mode4: PlanStep = { kind: "set-licensing-mode", mode: 4 };
const mode2: PlanStep = { kind: "set-licensing-mode", mode: 2 };
const servers: PlanStep = { kind: "set-license-servers", servers: [LS1, LS2] };
const removeRdsh: PlanStep = { kind: "remove-rdsh-role" };
const removeLicensing: PlanStep = { kind: "remove-licensing-role" };

const cals = (type: "device" | "user", total = 50, issued = 10, version = 7): CalFacts => ({ activated: true, packs: [{ type, version, total, issued }] });

type Row = [name: string, build: () => ProbeBuilder, p: PlaybookPolicy, verdict: PlanVerdict, steps: PlanStep[], human: RegExp[]];

const remove = policy({ noCalsAction: "remove-rdsh-role" });
const tidy = policy({ removeUnusedLicensingRole: true });
const perDevice = policy({ licensingMode: 2 });

function check(rows: Row[], options?: PlanOptions) {
  it.each(rows)("%s", (_name, build, p, verdict, steps, human) => {
    const plan = planFor(build(), p, options);
    expect(plan.verdict).toBe(verdict);
    expect(plan.steps).toEqual(steps);
    expect(plan.humanActions).toHaveLength(human.length);
    human.forEach((pattern, i) => expect(plan.humanActions[i]).toMatch(pattern));
  });
}

describe("planRemediation: fix what is broken", () => {
  check([
    ["healthy: nothing to do", () => probe(), policy(), "healthy", [], []],
    ["role not installed: nothing to do", () => probe().rdsh("Available", 0).mode(null), policy(), "healthy", [], []],
    ["role not installed: Group Policy licensing values that differ are not a person's task either", () => probe().rdsh("Available", 0).gpoMode(2).gpoServers(["x.contoso.com"]), policy(), "healthy", [], []],
    ["mode unset: set it, restart", () => probe().mode(null), policy(), "fix", [mode4, restart], []],
    ["mode 5: set it", () => probe().mode(5), policy(), "fix", [mode4, restart], []],
    ["mode as a REG_SZ: rewrite it as the REG_DWORD Windows reads", () => probe().mode(4, "REG_SZ"), policy(), "fix", [mode4, restart], []],
    ["servers missing: set them, restart", () => probe().servers(null), policy(), "fix", [servers, restart], []],
    ["servers as a REG_SZ: rewrite them as a REG_MULTI_SZ", () => probe().servers([LS1, LS2], "REG_SZ"), policy(), "fix", [servers, restart], []],
    ["mode and servers: article order, one restart", () => probe().mode(null).servers(null), policy(), "fix", [mode4, servers, restart], []],
    [
      "configured servers all fail, the policy's serve: set them",
      () => probe().servers(["old.contoso.com"]).dnsFails("old.contoso.com"),
      policy(),
      "fix",
      [servers, restart],
      [],
    ],
    [
      "policy servers' status unknown: a broken host still gets them (not taken as broken)",
      () => probe().servers(null).status(LS1, 0).status(LS2, 8),
      policy(),
      "fix",
      [servers, restart],
      [],
    ],
    [
      "duplicate policy servers are set once",
      () => probe(policy({ licenseServers: [LS1, LS1.toUpperCase()] })).servers(null),
      policy({ licenseServers: [LS1, LS1.toUpperCase()] }),
      "fix",
      [{ kind: "set-license-servers", servers: [LS1] }, restart],
      [],
    ],
    ["per-device policy, mode unset: 2", () => probe(perDevice).mode(null), perDevice, "fix", [mode2, restart], []],
    ["pending role install: restart only", () => probe().rdsh("InstallPending", 1).mode(null), policy(), "fix", [restart], []],
    ["pending role removal: restart", () => probe().rdsh("UninstallPending", 1), policy(), "fix", [restart], []],
    [
      "per-user mode in a workgroup, per-device policy: switch to per device",
      () => probe(perDevice).mode(4).workgroup(),
      perDevice,
      "fix",
      [mode2, restart],
      [],
    ],
    [
      "CALs only per device, mode per user, per-device policy: switch towards the CALs",
      () => probe(perDevice).mode(4).allPolicyServers("ok").cals(LS1, cals("device")).cals(LS2, cals("device")),
      perDevice,
      "fix",
      [mode2, restart],
      [],
    ],
  ]);
});

describe("planRemediation: a broken host a person must fix (no partial fix, no restart)", () => {
  check([
    [
      "every server down: the network first",
      () => probe().servers(["old.contoso.com"]).portClosed("old.contoso.com").portClosed(LS1).portClosed(LS2),
      policy(),
      "needs-human",
      [],
      [/rdls01.*TCP 135.*TermServLicensing/, /rdls02.*TCP 135/],
    ],
    [
      "no license server exists (DNS fails everywhere)",
      () => probe().servers(null).dnsFails(LS1).dnsFails(LS2).grace(0),
      policy(),
      "needs-human",
      [],
      [/Install-WindowsFeature RDS-Licensing.*Activate Server.*RDS Per User CALs.*Windows Server 2022 or newer/, /Resolve-DnsName rdls01/, /Resolve-DnsName rdls02/],
    ],
    [
      "not activated (visible)",
      () => probe().allPolicyServers("not-activated"),
      policy(),
      "needs-human",
      [],
      [/Activate the RD license server rdls01/, /rdls02/],
    ],
    [
      "CALs exhausted (visible): add CALs of the host's version",
      () => probe().allPolicyServers("cals-exhausted"),
      policy(),
      "needs-human",
      [],
      [/Add RDS Per User CALs of Windows Server 2022 or newer on rdls01.*all of them are issued.*only a license server running Windows Server 2022 or newer can issue them/, /rdls02/],
    ],
    [
      "no CALs (visible), report",
      () => probe().allPolicyServers("no-cals"),
      policy(),
      "needs-human",
      [],
      [/Install RDS Per User CALs of Windows Server 2022 or newer on rdls01.*NO_CALS_ACTION=remove-rdsh-role/, /rdls02/],
    ],
    [
      "older license server (status 4): upgrade it, the CAL-version rule",
      () => probe().status(LS1, 4).status(LS2, 4),
      policy(),
      "needs-human",
      [],
      [/Upgrade the license server rdls01\.contoso\.com to Windows Server 2022 or newer.*A Windows Server 2022 \(build 20348\) session host needs RDS CALs of Windows Server 2022/, /rdls02/],
    ],
    [
      "host not in the license server's group (status 5)",
      () => probe().status(LS1, 5).status(LS2, 5),
      policy(),
      "needs-human",
      [],
      [/add RDSH01's computer account to the local group "Terminal Server Computers".*License server security group/, /rdls02/],
    ],
    ["beta mismatch (status 3)", () => probe().status(LS1, 3).status(LS2, 3), policy(), "needs-human", [], [/pre-release/, /pre-release/]],
    [
      "CAL type mismatch: never switch the mode away from the CALs there are",
      () => probe().cals(LS1, cals("device")).cals(LS2, cals("device")),
      policy(),
      "needs-human",
      [],
      [/has only per-device CALs; the licensing mode is per-user: install RDS Per User CALs.*change LICENSING_MODE.*never switches the mode away/, /rdls02/],
    ],
    [
      "mode unset, per-user policy, the servers hold only per-device CALs: not set to per user",
      () => probe().mode(null).cals(LS1, cals("device")).cals(LS2, cals("device")),
      policy(),
      "needs-human",
      [],
      [/rdls01.*has only per-device CALs.*never switches the mode away/, /rdls02.*has only per-device CALs/],
    ],
    [
      "CALs too old (visible)",
      () => probe().cals(LS1, cals("user", 50, 10, 5)).cals(LS2, cals("user", 50, 10, 5)),
      policy(),
      "needs-human",
      [],
      [/Install RDS Per User CALs of Windows Server 2022 or newer on rdls01.*Windows Server 2016 CALs/, /rdls02/],
    ],
    ["per-user mode in a workgroup, per-user policy", () => probe().workgroup(), policy(), "needs-human", [], [/not in a domain, and per-user CALs need Active Directory.*LICENSING_MODE=2/]],
    [
      "workgroup, mode unset, per-user policy: not set to per user",
      () => probe().workgroup().mode(null),
      policy(),
      "needs-human",
      [],
      [/per-user CALs need Active Directory/],
    ],
    [
      "GPO sets a wrong mode and the local servers are missing: the servers are fixed, the GPO mode is drift",
      () => probe().gpoMode(2).servers(null),
      policy(),
      "fix",
      [servers, restart],
      [],
    ],
    [
      "GPO sets servers that fail: no local change at all",
      () => probe().gpoServers(["gpo-ls.contoso.com"]).dnsFails("gpo-ls.contoso.com"),
      policy(),
      "needs-human",
      [],
      [/"Use the specified Remote Desktop license servers".*rdls01\.contoso\.com,rdls02\.contoso\.com.*LicenseServers=gpo-ls\.contoso\.com/],
    ],
    [
      "GPO sets a mode that breaks (per user in a workgroup): the GPO is named",
      () => probe(perDevice).workgroup().gpoMode(4),
      perDevice,
      "needs-human",
      [],
      [/"Set the Remote Desktop licensing mode".*Per Device.*LicensingMode=4/],
    ],
    [
      "broker deployment, broken: change the deployment, not the host",
      () => probe().broker("cb01.contoso.com").servers(null),
      policy(),
      "needs-human",
      [],
      [/Set-RDLicenseConfiguration -ConnectionBroker cb01\.contoso\.com -LicenseServer rdls01\.contoso\.com,rdls02\.contoso\.com -Mode PerUser/],
    ],
    [
      "the current value could not be reported exactly: no write (no exact rollback)",
      () => probe().servers(["old.contoso.com"]).dnsFails("old.contoso.com").withoutRawData("specifiedLicenseServersValue"),
      policy(),
      "needs-human",
      [],
      [/SpecifiedLicenseServers value on RDSH01 is too large to be reported exactly.*reg export/],
    ],
    [
      "mode value not reported exactly: no write",
      () => probe().mode(5).withoutRawData("licensingModeValue"),
      policy(),
      "needs-human",
      [],
      [/LicensingMode value on RDSH01 is too large/],
    ],
    [
      "licensing events since boot although the settings look right: a restart by a person",
      () => probe().event(1128),
      policy(),
      "needs-human",
      [],
      [/Restart RDSH01 in a maintenance window.*lsdiag\.msc/],
    ],
    ["no Server Manager: nothing", () => probe().noServerManager().mode(null), policy(), "needs-human", [], [/multi-session host.*Azure Virtual Desktop.*opt-out/]],
    ["role state unknown on a server: check it", () => probe().rdsh("Unknown", 1).mode(null), policy(), "needs-human", [], [/dism \/Online \/Get-FeatureInfo/]],
    ["TermService stopped: start it", () => probe().termService("Stopped", "Manual").mode(null), policy(), "needs-human", [], [/Start-Service TermService/]],
    ["TermService disabled: find out why", () => probe().termService("Stopped", "Disabled"), policy(), "needs-human", [], [/Find out why TermService was disabled.*Set-Service TermService -StartupType Manual/]],
  ]);
});

describe("planRemediation: report what merely differs", () => {
  const drift: Row[] = [
    ["another mode with working CALs: drift, no change", () => probe().mode(2).cals(LS1, cals("device")), policy(), "drift", [], []],
    ["listed by IP: drift", () => probe().servers(["10.0.0.4", LS2]).check("10.0.0.4", { addresses: ["10.0.0.4"] }), policy(), "drift", [], []],
    ["another working server: drift", () => probe().servers(["other.contoso.com"]), policy(), "drift", [], []],
    ["an extra dead entry: drift", () => probe().servers([LS1, LS2, "old.contoso.com"]).dnsFails("old.contoso.com"), policy(), "drift", [], []],
    [
      "self-hosted license server: drift",
      () => probe().servers(["localhost"]).localLicenseServer(cals("user")),
      policy(),
      "drift",
      [],
      [],
    ],
    ["GPO sets another working mode: drift, the GPO named", () => probe().gpoMode(2), policy(), "drift", [], [/"Set the Remote Desktop licensing mode"/]],
    ["broker host that differs: drift, the deployment named", () => probe().broker("cb01").mode(2), policy(), "drift", [], [/Set-RDLicenseConfiguration/]],
    ["unused licensing role: drift", () => probe().localLicenseServer({ activated: false, packs: [] }), tidy, "drift", [], []],
    ["licensing role used by other hosts, policy would remove it: a person decides", () => probe().localLicenseServer(cals("user", 5, 2)), tidy, "needs-human", [], [/has issued 2 CAL\(s\)/]],
    ["licensing role used by other hosts on a broken host: the fix goes on, the person is told", () => probe().mode(null).localLicenseServer(cals("user", 5, 2)), tidy, "fix", [mode4, restart], [/has issued 2 CAL\(s\)/]],
  ];
  check(drift);
});

describe("planRemediation: enforce (sweeps under SWEEP_POLICY=enforce)", () => {
  const enforce = { enforceDrift: true };
  check(
    [
      ["healthy stays healthy", () => probe(), policy(), "healthy", [], []],
      ["another working server: the policy's, which Windows says are valid", () => probe().servers(["other.contoso.com"]), policy(), "fix", [servers, restart], []],
      ["listed by IP: rewritten to the policy's spelling", () => probe().servers(["10.0.0.4"]).check("10.0.0.4", { addresses: ["10.0.0.4"] }), policy(), "fix", [servers, restart], []],
      [
        "the policy's servers' validity unknown: drift is not changed towards them",
        () => probe().servers(["other.contoso.com"]).status(LS1, 7).status(LS2, 0),
        policy(),
        "drift",
        [],
        [],
      ],
      [
        "another mode, CALs hidden: never switched blind",
        () => probe().mode(2),
        policy(),
        "drift",
        [],
        [/RDP Medic switches the mode only when it can see RDS Per User CALs.*rdls01\.contoso\.com, rdls02\.contoso\.com/],
      ],
      [
        "another mode, CALs visible and of the policy's type: switched",
        () => probe().mode(2).cals(LS1, { activated: true, packs: [{ type: "device", version: 7, total: 5, issued: 1 }, { type: "user", version: 7, total: 5, issued: 1 }] }).cals(LS2, cals("user")),
        policy(),
        "fix",
        [mode4, restart],
        [],
      ],
      [
        "another mode, CALs visible only of the current type: never switched away",
        () => probe().mode(2).cals(LS1, cals("device")).cals(LS2, cals("device")),
        policy(),
        "drift",
        [],
        [/has only per-device CALs; the licensing mode is per-user.*never switches the mode away/, /rdls02/],
      ],
      ["per-device mode on a workgroup host, per-user policy: never", () => probe().workgroup().mode(2), policy(), "drift", [], [/per-user CALs need Active Directory/]],
      ["GPO drift: a person changes the GPO", () => probe().gpoMode(2).cals(LS1, cals("device")), policy(), "drift", [], [/"Set the Remote Desktop licensing mode"/]],
      ["unused licensing role: removed after approval", () => probe().localLicenseServer({ activated: false, packs: [] }), tidy, "fix", [removeLicensing, restart], []],
      [
        "unused licensing role, pending reboot: DISM would fail",
        () => probe().localLicenseServer({ activated: false, packs: [] }).pendingReboot("component-servicing"),
        tidy,
        "drift",
        [],
        [/waits for a restart \(component-servicing\), and DISM cannot remove the RD Licensing role/],
      ],
      [
        "licensing role that issued CALs: never removed, a person decides",
        () => probe().localLicenseServer(cals("user", 50, 14)),
        tidy,
        "needs-human",
        [],
        [/REMOVE_UNUSED_LICENSING_ROLE asks to remove the RD Licensing role from RDSH01, but it has issued 14 CAL\(s\).*Uninstall-WindowsFeature RDS-Licensing/],
      ],
      ["licensing role unreadable: never removed", () => probe().localLicenseServer(null), tidy, "needs-human", [], [/may have issued CALs \(its license server could not be read\)/]],
    ],
    enforce,
  );

  it("a broken host is fixed the same with or without enforce", () => {
    const b = () => probe().mode(null).servers(["other.contoso.com"]);
    expect(planFor(b(), policy(), enforce).steps).toEqual(planFor(b(), policy()).steps);
    expect(planFor(b(), policy()).steps).toEqual([mode4, restart]);
  });
});

describe("planRemediation: removing roles", () => {
  check([
    ["no CALs visible anywhere, remove: approval, restart", () => probe().allPolicyServers("no-cals"), remove, "fix", [removeRdsh, restart], []],
    ["no CALs, licensing values are moot", () => probe().allPolicyServers("no-cals").mode(null).servers(null), remove, "fix", [removeRdsh, restart], []],
    [
      "no CALs and an unused licensing role: both, with approval",
      () => probe().allPolicyServers("no-cals").localLicenseServer({ activated: false, packs: [] }),
      policy({ noCalsAction: "remove-rdsh-role", removeUnusedLicensingRole: true }),
      "fix",
      [removeRdsh, removeLicensing, restart],
      [],
    ],
    ["no CALs on one server, the other serves with hidden CALs: licensing works, never removed", () => probe().health(LS1, "no-cals"), remove, "drift", [], []],
    [
      "no CALs on one, the other unreachable: never removed (its CALs cannot be seen)",
      () => probe().health(LS1, "no-cals").portClosed(LS2),
      remove,
      "needs-human",
      [],
      [/removes the RD Session Host role only when it can see that no license server has CALs, and the CALs of rdls02/, /Install RDS Per User CALs.*rdls01/, /rdls02.*TCP 135/],
    ],
    [
      "no CALs but a pending reboot: DISM would fail",
      () => probe().allPolicyServers("no-cals").pendingReboot("windows-update"),
      remove,
      "needs-human",
      [],
      [/waits for a restart \(windows-update\), and DISM cannot remove the RD Session Host role/, /rdls01/, /rdls02/],
    ],
    [
      "no CALs on the policy servers but a GPO server works: never removed",
      () => probe().allPolicyServers("no-cals").gpoServers(["gpo-ls.contoso.com"]),
      remove,
      "drift",
      [],
      [/Use the specified/],
    ],
  ]);

  it("removals are approved: the approval names what and why", () => {
    const plan = planFor(probe().allPolicyServers("no-cals").localLicenseServer({ activated: false, packs: [] }), policy({ noCalsAction: "remove-rdsh-role", removeUnusedLicensingRole: true }));
    expect(plan.needsApproval).toBe(true);
    expect(plan.approvals?.map((a) => a.kind)).toEqual(["remove-rdsh-role", "remove-licensing-role"]);
    expect(plan.approvals?.[0]?.detail).toContain("no license server it can use has any RDS CAL");
    expect(plan.approvals?.[1]?.detail).toContain("has issued no CALs to anyone");
  });
});

describe("planRemediation: the restart decision", () => {
  it("no users: the restart simply happens", () => {
    const plan = planFor(probe().mode(null));
    expect(plan.restart).toMatchObject({ mode: "no-users", users: { active: 0, disconnected: 0 } });
    expect(plan.needsApproval).toBe(false);
    expect(plan.approvals).toEqual([]);
  });

  it("users signed in, approve (default): approval with the user count", () => {
    const plan = planFor(probe().mode(null).sessions(2, 1));
    expect(plan.restart?.mode).toBe("approve");
    expect(plan.needsApproval).toBe(true);
    expect(plan.approvals).toEqual([{ kind: "restart-with-users", detail: "Restarting RDSH01 with 3 users (2 active, 1 disconnected) signed in needs approval" }]);
  });

  it("users signed in, wait: waits for the window, no approval", () => {
    const window = { text: "Sun 02:00-05:00", days: [0], startMinute: 120, endMinute: 300 };
    const plan = planFor(probe().mode(null).sessions(1, 0), policy({ restartWithUsers: "wait", maintenanceWindow: window }));
    expect(plan.restart).toMatchObject({ mode: "wait", window });
    expect(plan.needsApproval).toBe(false);
  });

  it("no restart planned: nothing to decide, whoever is signed in", () => {
    const plan = planFor(probe().sessions(5, 5));
    expect(plan.restart).toEqual({ mode: "none", users: { active: 5, disconnected: 5 }, detail: "no restart is planned" });
    expect(plan.needsApproval).toBe(false);
  });

  it("a role removal with users signed in asks for both", () => {
    const plan = planFor(probe().allPolicyServers("no-cals").sessions(1, 0), remove);
    expect(plan.approvals?.map((a) => a.kind)).toEqual(["remove-rdsh-role", "restart-with-users"]);
  });
});

describe("planRemediation: shape", () => {
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

  it("never repeats an action", () => {
    const plan = planFor(probe().gpoMode(2).cals(LS1, cals("device")), policy(), { enforceDrift: true });
    expect(new Set(plan.humanActions).size).toBe(plan.humanActions.length);
  });
});

describe("planRemediation: actions only where they apply", () => {
  const userCals = cals("user");

  it("a healthy host in a broker deployment gets no broker action (nothing differs)", () => {
    const plan = planFor(probe().broker("cb01.contoso.com"));
    expect(plan.verdict).toBe("healthy");
    expect(plan.humanActions).toEqual([]);
  });

  it("one policy server does not resolve and the other is not activated: activate it, no advice to install a new one", () => {
    const plan = planFor(probe().servers(null).dnsFails(LS1).health(LS2, "not-activated"));
    expect(plan.verdict).toBe("needs-human");
    expect(plan.humanActions.some((a) => a.includes("Activate the RD license server rdls02.contoso.com"))).toBe(true);
    expect(plan.humanActions.some((a) => a.includes("Install-WindowsFeature RDS-Licensing"))).toBe(false);
  });

  it("NO_CALS_ACTION=remove-rdsh-role with one server without CALs and one that serves: fix the servers, no word of removing the role", () => {
    const plan = planFor(probe().servers(null).health(LS1, "no-cals").cals(LS2, userCals), remove);
    expect(plan.verdict).toBe("fix");
    expect(plan.steps).toEqual([servers, restart]);
    expect(plan.humanActions).toEqual([]);
    expect(plan.approvals).toEqual([]);
  });

  it("enforce: after switching the mode, the servers are judged for the new mode's CALs", () => {
    // Works per device through ls9 (device CALs); the policy's servers hold per-user CALs only.
    const b = probe().mode(2).servers(["ls9.contoso.com"]).cals(LS1, userCals).cals(LS2, userCals).cals("ls9.contoso.com", cals("device"));
    const plan = planFor(b, policy(), { enforceDrift: true });
    expect(plan.steps).toEqual([mode4, servers, restart]);
    expect(plan.humanActions).toEqual([]);
  });
});

describe("planRemediation: the mode check reads only CALs that exist", () => {
  it("a configured server activated with no CAL pack does not count as a mismatch while another serves the mode", () => {
    const plan = planFor(probe().mode(null).health(LS1, "no-cals").cals(LS2, cals("user")));
    expect(plan.verdict).toBe("fix");
    expect(plan.steps).toEqual([mode4, restart]);
  });
});
