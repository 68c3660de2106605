import { describe, expect, it } from "vitest";
import { diagnose } from "../../../src/domain/diagnose";
import type { CauseCode, CauseEffect, PlaybookPolicy } from "../../../src/domain/playbook";
import { policy, probe, type ProbeBuilder } from "./probe-builder";

const LS1 = "rdls01.contoso.com";
const LS2 = "rdls02.contoso.com";

type Row = [name: string, build: () => ProbeBuilder, expected: string[], forPolicy?: PlaybookPolicy];

/** "code:effect" for every cause, in order. */
const all = (b: ProbeBuilder, p: PlaybookPolicy = policy()) => diagnose(b.build(), p).map((c) => `${c.code}:${c.effect}`);
/** The same without the note that CALs are not visible (the builder's servers are valid with hidden CALs). */
const found = (b: ProbeBuilder, p: PlaybookPolicy = policy()) => all(b, p).filter((c) => c !== "cals-not-visible:info");
const detail = (b: ProbeBuilder, code: CauseCode, p = policy()) => diagnose(b.build(), p).find((c) => c.code === code)?.detail ?? "";
const evidence = (b: ProbeBuilder, code: CauseCode, p = policy()) => diagnose(b.build(), p).find((c) => c.code === code)?.evidence ?? [];

const visible = (packs: Array<[type: "device" | "user", version: number, total: number, issued: number]>, activated: boolean | null = true) => ({
  activated,
  packs: packs.map(([type, version, total, issued]) => ({ type, version, total, issued })),
});

describe("diagnose: the article's rows, each with what it means for licensing", () => {
  const rows: Row[] = [
    ["healthy session host: nothing", () => probe(), []],
    ["InstallState 0 and the role Available: nothing to fix", () => probe().rdsh("Available", 0), ["role-not-installed:info"]],
    ["LicensingMode other than the policy, licensing works: drift", () => probe().mode(2), ["mode-wrong:drift"]],
    ["LicensingMode missing: breaks", () => probe().mode(null), ["mode-not-configured:breaks"]],
    ["SpecifiedLicenseServers missing: breaks", () => probe().servers(null), ["no-license-server:breaks"]],
    [
      "SpecifiedLicenseServers incorrect and not a license server: breaks (the servers), drift (the list)",
      () => probe().servers(["old-ls.contoso.com"]).status("old-ls.contoso.com", 6),
      ["license-server-unreachable:breaks", "license-server-wrong:drift"],
    ],
    ["no CALs installed (visible): breaks", () => probe().allPolicyServers("no-cals"), ["no-cals:breaks"]],
    ["port 135 closed everywhere: breaks", () => probe().portClosed(LS1).portClosed(LS2), ["license-server-unreachable:breaks"]],
    ["not activated (visible): breaks", () => probe().allPolicyServers("not-activated"), ["server-not-activated:breaks"]],
    ["more users than CALs (visible): breaks", () => probe().allPolicyServers("cals-exhausted"), ["cals-exhausted:breaks"]],
    [
      "never had a licensing role and the grace period is over",
      () => probe().servers(null).dnsFails(LS1).dnsFails(LS2).grace(0).event(1128),
      ["no-license-server:breaks", "grace-over:breaks"],
    ],
  ];
  it.each(rows)("%s", (_name, build, expected, p) => {
    expect(found(build(), p)).toEqual(expected);
  });
});

describe("diagnose: servers compared as machines", () => {
  const rows: Row[] = [
    ["another order, case and trailing dot: the same set", () => probe().servers([`${LS2.toUpperCase()}.`, LS1]), []],
    [
      "listed by IP address: the same machines, spelled differently",
      () => probe(policy({ licenseServers: [LS1] })).servers(["10.0.0.4"]).check("10.0.0.4", { addresses: ["10.0.0.4"] }),
      ["server-named-differently:drift"],
      policy({ licenseServers: [LS1] }),
    ],
    [
      "listed by short name that resolves to the same address",
      () => probe(policy({ licenseServers: [LS1] })).servers(["rdls01"]).check("rdls01", { addresses: ["10.0.0.4"] }),
      ["server-named-differently:drift"],
      policy({ licenseServers: [LS1] }),
    ],
    [
      "this VM by localhost while the policy names it by FQDN",
      () =>
        probe(policy({ licenseServers: ["rdsh01.contoso.com"] }))
          .servers(["localhost"])
          .check("rdsh01.contoso.com", { addresses: ["10.0.1.4"] })
          .localLicenseServer(visible([["user", 7, 10, 1]])),
      ["server-named-differently:drift"],
      policy({ licenseServers: ["rdsh01.contoso.com"] }),
    ],
    [
      "a working self-hosted license server the policy does not name: drift, not broken",
      () => probe().servers(["RDSH01"]).localLicenseServer(visible([["user", 7, 10, 1]])),
      ["license-server-wrong:drift"],
    ],
    [
      "an extra entry that does not answer while another serves: drift",
      () => probe().servers([LS1, LS2, "old.contoso.com"]).dnsFails("old.contoso.com"),
      ["license-server-unreachable:drift", "license-server-wrong:drift"],
    ],
    [
      "another working server than the policy's: drift",
      () => probe().servers(["other.contoso.com"]),
      ["license-server-wrong:drift"],
    ],
    [
      "an IP that is a different machine is not the policy's server",
      () => probe(policy({ licenseServers: [LS1] })).servers(["10.0.9.1"]).check("10.0.9.1", { addresses: ["10.0.9.1"] }),
      ["license-server-wrong:drift"],
      policy({ licenseServers: [LS1] }),
    ],
  ];
  it.each(rows)("%s", (_name, build, expected, p) => {
    expect(found(build(), p)).toEqual(expected);
  });

  it("names what differs: configured, missing, serving", () => {
    const text = detail(probe().servers([LS1, "other.contoso.com"]), "license-server-wrong");
    expect(text).toContain("configured but not in the policy: other.contoso.com (serves this host)");
    expect(text).toContain(`in the policy but not configured: ${LS2}`);
    expect(evidence(probe().servers([LS1, "other.contoso.com"]), "license-server-wrong")).toEqual([
      `${LS1}: resolves to 10.0.0.4`,
      "other.contoso.com: resolves to 10.0.9.9",
    ]);
  });

  it("says a spelling difference is the same machines", () => {
    const p = policy({ licenseServers: [LS1] });
    const text = detail(probe(p).servers(["10.0.0.4"]).check("10.0.0.4", { addresses: ["10.0.0.4"] }), "server-named-differently", p);
    expect(text).toContain('"10.0.0.4"');
    expect(text).toContain("the same machines the policy names");
  });

  it("a server that does not serve while another does says so", () => {
    const text = detail(probe().servers([LS1, "old.contoso.com"]).dnsFails("old.contoso.com"), "license-server-unreachable");
    expect(text).toContain("old.contoso.com does not resolve in DNS");
    expect(text).toContain(`Another configured server can serve (${LS1})`);
  });
});

describe("diagnose: license-server health the way Windows sees it", () => {
  const onlyLs1 = policy({ licenseServers: [LS1] });
  const one = () => probe(onlyLs1);
  const rows: Row[] = [
    ["status 11: valid", () => one().status(LS1, 11), ["cals-not-visible:info"]],
    ["status 0: unknown, neither working nor broken", () => one().status(LS1, 0), ["license-server-status-unknown:info"]],
    ["status 1 on a 2022 host: a 2008 R2 license server, too old", () => one().status(LS1, 1), ["license-server-older:breaks"]],
    ["status 2 on a 2022 host: a 2008 license server, too old", () => one().status(LS1, 2), ["license-server-older:breaks"]],
    ["status 3: beta/RTM mismatch", () => one().status(LS1, 3), ["license-server-beta:breaks"]],
    ["status 4: older license server than the host", () => one().status(LS1, 4), ["license-server-older:breaks"]],
    ["status 5: host not in the license server's group", () => one().status(LS1, 5), ["host-not-in-license-group:breaks"]],
    ["status 6: not connectable", () => one().status(LS1, 6), ["license-server-unreachable:breaks"]],
    ["status 7: connectable, validity unknown", () => one().status(LS1, 7), ["license-server-status-unknown:info"]],
    ["status 8: connectable, no admin rights to tell", () => one().status(LS1, 8), ["license-server-status-unknown:info"]],
    ["status 9 on a 2022 host: a 2008 R2 VDI license server, too old", () => one().status(LS1, 9), ["license-server-older:breaks"]],
    ["status 10: the check is not supported", () => one().status(LS1, 10), ["license-server-status-unknown:info"]],
    ["status 42: undocumented, unknown", () => one().status(LS1, 42), ["license-server-status-unknown:info"]],
    ["no status, TCP 135 open: unknown", () => one().status(LS1, null), ["license-server-status-unknown:info"]],
    ["no status, TCP 135 closed: unreachable", () => one().status(LS1, null).check(LS1, { tcp135: false }), ["license-server-unreachable:breaks"]],
    ["not checked (report cut): unknown", () => one().withoutCheck(LS1), ["license-server-status-unknown:info"]],
    ["CALs visible and fine: nothing", () => one().cals(LS1, visible([["user", 7, 50, 12]])), []],
    ["CALs visible, only per-device in per-user mode", () => one().cals(LS1, visible([["device", 7, 50, 12]])), ["cal-type-mismatch:breaks"]],
    ["CALs visible, only 2016 CALs for a 2022 host", () => one().cals(LS1, visible([["user", 5, 50, 12]])), ["cal-version-too-old:breaks"]],
    ["CALs visible, 2025 CALs serve a 2022 host", () => one().cals(LS1, visible([["user", 8, 50, 12]])), []],
    ["CALs visible, 2016 CALs serve a 2016 host", () => one().os(14393).cals(LS1, visible([["user", 5, 5, 1]])), []],
    ["CALs visible, all issued", () => one().cals(LS1, visible([["user", 7, 5, 5]])), ["cals-exhausted:breaks"]],
    ["CALs visible, old ones exhausted, current ones free", () => one().cals(LS1, visible([["user", 5, 5, 5], ["user", 7, 5, 1]])), []],
    ["CALs visible, activation unknown but CALs free", () => one().cals(LS1, visible([["user", 7, 5, 1]], null)), []],
    ["mode not configured: either CAL type serves", () => one().mode(5).cals(LS1, visible([["device", 7, 5, 1]])), ["mode-not-configured:breaks"]],
    ["per-device mode with per-device CALs: works, drift from per-user policy", () => one().mode(2).cals(LS1, visible([["device", 7, 5, 1]])), ["mode-wrong:drift"]],
  ];
  it.each(rows)("%s", (_name, build, expected) => {
    expect(all(build(), onlyLs1)).toEqual(expected);
  });

  it("status 1 serves a pre-2012 host (the documented meaning)", () => {
    expect(all(one().os(7601).status(LS1, 1), onlyLs1)).toEqual(["cals-not-visible:info"]);
  });

  it("each status carries its documented name and meaning", () => {
    expect(detail(one().status(LS1, 5), "host-not-in-license-group", onlyLs1)).toContain(
      "5 (LS_CONNECTABLE_NOT_IN_TSCGROUP: the license server's security group policy is on and this host is not in its Terminal Server Computers group)",
    );
    expect(detail(one().status(LS1, 4), "license-server-older", onlyLs1)).toContain("LS_CONNECTABLE_LOWER_VERSION");
    expect(detail(one().status(LS1, 1), "license-server-older", onlyLs1)).toContain("cannot issue RDS CALs for Windows Server 2012 or later hosts");
    expect(detail(one().status(LS1, 8), "license-server-status-unknown", onlyLs1)).toContain("LS_CONNECTABLE_BUT_ACCESS_DENIED");
    expect(detail(one().status(LS1, 8), "license-server-status-unknown", onlyLs1)).toContain("neither taken as working nor as broken");
  });

  it("CAL version: names what the host needs", () => {
    expect(detail(one().cals(LS1, visible([["user", 5, 50, 12]])), "cal-version-too-old", onlyLs1)).toContain(
      "has Windows Server 2016 CALs; a Windows Server 2022 (build 20348) host needs CALs of Windows Server 2022 or newer",
    );
  });

  it("CALs hidden from the host are reported as such, never assumed either way", () => {
    const causes = diagnose(one().build(), onlyLs1);
    expect(causes).toEqual([expect.objectContaining({ code: "cals-not-visible", effect: "info" })]);
    expect(causes[0]!.detail).toContain("not visible from the host");
    expect(evidence(one(), "cals-not-visible", onlyLs1)).toEqual([`${LS1}: remote WMI (Win32_TSLicenseKeyPack) not readable`]);
  });

  it("a server's evidence lists its address, its status and its CALs", () => {
    expect(evidence(one().cals(LS1, visible([["user", 5, 50, 12]])), "cal-version-too-old", onlyLs1)[0]).toBe(
      `${LS1}: resolves to 10.0.0.4; has Windows Server 2016 CALs; a Windows Server 2022 (build 20348) host needs CALs of Windows Server 2022 or newer; CALs user/Windows Server 2016 12/50`,
    );
  });
});

describe("diagnose: what an experienced admin adds", () => {
  const rows: Row[] = [
    ["feature Available, no values: not installed", () => probe().rdsh("Available", null).mode(null).servers(null), ["role-not-installed:info"]],
    ["feature Installed wins over a stale InstallState 0", () => probe().rdsh("Installed", 0), ["component-cache-stale:info"]],
    ["feature Available wins over a stale InstallState 1", () => probe().rdsh("Available", 1), ["component-cache-stale:info", "role-not-installed:info"]],
    ["feature InstallPending with a settled cache: the cache is stale", () => probe().rdsh("InstallPending", 1), ["component-cache-stale:info", "role-pending-restart:breaks"]],
    ["a pending cache value never beats a live Installed", () => probe().rdsh("Installed", 2), ["component-cache-stale:info"]],
    ["InstallPending: restart first", () => probe().rdsh("InstallPending", 2), ["role-pending-restart:breaks"]],
    ["pending restart + mode unset", () => probe().rdsh("InstallPending", null).mode(null), ["role-pending-restart:breaks", "mode-not-configured:breaks"]],
    ["UninstallPending: licensing is moot", () => probe().rdsh("UninstallPending", null).mode(null).servers(null), ["role-pending-restart:breaks"]],
    ["no Server Manager: the role state is unknown, nothing else is judged", () => probe().noServerManager().mode(null), ["role-state-unknown:blocks"]],
    ["Get-WindowsFeature failed: unknown even with a cache value", () => probe().rdsh("Unknown", 1).mode(null), ["role-state-unknown:blocks"]],
    ["LicensingMode 5 is Windows' 'not configured'", () => probe().mode(5), ["mode-not-configured:breaks"]],
    ["LicensingMode 1 is not a licensing mode", () => probe().mode(1), ["mode-not-configured:breaks"]],
    ["LicensingMode 6 (Entra ID per user) works; differs from the policy", () => probe().mode(6), ["mode-wrong:drift"]],
    ["LicensingMode as a REG_SZ: Windows does not read it", () => probe().mode(4, "REG_SZ"), ["mode-value-kind:breaks"]],
    ["SpecifiedLicenseServers as a REG_SZ: Windows does not read it", () => probe().servers([LS1, LS2], "REG_SZ"), ["servers-value-kind:breaks"]],
    ["per-user mode in a workgroup", () => probe().workgroup(), ["per-user-in-workgroup:breaks"]],
    ["per-device mode in a workgroup: fine (drift from the policy)", () => probe().workgroup().mode(2), ["mode-wrong:drift"]],
    ["domain membership unknown: not taken as a workgroup", () => probe().domainUnknown(), []],
    ["TermService stopped", () => probe().termService("Stopped", "Manual"), ["termservice-stopped:blocks"]],
    ["TermService disabled", () => probe().termService("Stopped", "Disabled"), ["termservice-disabled:blocks"]],
    ["TermService starting", () => probe().termService("StartPending"), ["termservice-stopped:blocks"]],
    ["a pending reboot is reported", () => probe().pendingReboot("component-servicing", "file-rename"), ["reboot-pending:info"]],
    ["a broker deployment that works: information", () => probe().broker("cb01.contoso.com"), ["broker-managed:info"]],
    ["a broker deployment that is broken: blocks local writes", () => probe().broker("cb01.contoso.com").servers(null), ["no-license-server:breaks", "broker-managed:blocks"]],
    ["GPO sets another mode, licensing works: drift", () => probe().gpoMode(2), ["mode-wrong:drift", "gpo-manages-licensing:drift"]],
    ["GPO sets other servers that serve: drift", () => probe().gpoServers(["gpo-ls.contoso.com"]), ["license-server-wrong:drift", "gpo-manages-licensing:drift"]],
    [
      "GPO sets servers that do not serve: blocks",
      () => probe().gpoServers(["gpo-ls.contoso.com"]).dnsFails("gpo-ls.contoso.com"),
      ["license-server-unreachable:breaks", "license-server-wrong:drift", "gpo-manages-licensing:blocks"],
    ],
    ["GPO sets another mode, local servers broken: the GPO does not block that", () => probe().gpoMode(2).servers(null), ["mode-wrong:drift", "no-license-server:breaks", "gpo-manages-licensing:drift"]],
    ["GPO sets a per-user mode on a workgroup host: per user breaks there; the GPO matches the policy", () => probe().workgroup().gpoMode(4).gpoServers([LS1]), ["per-user-in-workgroup:breaks", "license-server-wrong:drift", "gpo-manages-licensing:drift"]],
    ["GPO values agree with the policy: the wrong local values do not count", () => probe().gpoMode(4).gpoServers([LS1, LS2]).mode(2).servers(null), []],
    ["an empty GPO server list does not manage the servers", () => probe().gpoServers([]).servers(null), ["no-license-server:breaks"]],
    ["grace over, but the servers serve: not broken", () => probe().grace(0), []],
    ["grace over and the config broken", () => probe().grace(0).mode(null), ["mode-not-configured:breaks", "grace-over:breaks"]],
    ["grace days unknown, event 1069 says over, no usable server", () => probe().grace(null).event(1069, "Admin").allPolicyServers("no-cals"), ["no-cals:breaks", "grace-over:breaks"]],
    ["grace days left and no usable server: broken, not over yet", () => probe().grace(30).allPolicyServers("no-cals"), ["no-cals:breaks"]],
    ["events since boot while the settings look right", () => probe().event(1128).event(1130), ["licensing-events:breaks"]],
    ["value only at the seed edition's legacy path", () => probe().servers(null).legacyServers([LS1]), ["no-license-server:breaks", "legacy-path-value:info"]],
    ["legacy path value beside a correct one: no finding", () => probe().legacyServers([LS1]), []],
  ];
  it.each(rows)("%s", (_name, build, expected, p) => {
    expect(found(build(), p)).toEqual(expected);
  });
});

describe("diagnose: the RD Licensing role on the host", () => {
  const tidy = policy({ removeUnusedLicensingRole: true });
  const rows: Row[] = [
    ["not installed: nothing", () => probe(), [], tidy],
    ["unused, no CALs issued: drift", () => probe().localLicenseServer(visible([], false)), ["licensing-role-unused:drift"], tidy],
    ["unused by this host but it issued CALs: in use", () => probe().localLicenseServer(visible([["user", 7, 50, 14]])), ["licensing-role-in-use:blocks"], tidy],
    ["unreadable: in use (unknown)", () => probe().localLicenseServer(null), ["licensing-role-in-use:blocks"], tidy],
    ["used by this host (localhost): nothing", () => probe().servers([LS1, LS2, "localhost"]).localLicenseServer(visible([["user", 7, 5, 0]])), ["license-server-wrong:drift"], tidy],
    ["used by Group Policy by the VM's IP: nothing", () => probe().gpoServers(["10.0.1.4"]).localLicenseServer(visible([["user", 7, 5, 0]])), ["license-server-wrong:drift", "gpo-manages-licensing:drift"], tidy],
    ["used at the legacy path: nothing", () => probe().legacyServers(["localhost"]).localLicenseServer(visible([], true)), [], tidy],
    ["policy does not ask for removal: nothing", () => probe().localLicenseServer(visible([], false)), [], policy()],
  ];
  it.each(rows)("%s", (_name, build, expected, p) => {
    expect(found(build(), p)).toEqual(expected);
  });

  it("says how many CALs the local server issued", () => {
    expect(detail(probe().localLicenseServer(visible([["user", 7, 50, 14]])), "licensing-role-in-use", tidy)).toContain("issued 14 CAL(s)");
  });
});

describe("diagnose: details an operator can act on", () => {
  it("names the GPO settings and registry path", () => {
    const both = detail(probe().gpoMode(2).gpoServers(["gpo-ls.contoso.com"]), "gpo-manages-licensing");
    expect(both).toContain('"Set the Remote Desktop licensing mode"');
    expect(both).toContain('"Use the specified Remote Desktop license servers"');
    expect(both).toContain('"gpo-ls.contoso.com"');
    expect(both).toContain("HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows NT\\Terminal Services");
    expect(detail(probe().gpoMode(2), "gpo-manages-licensing")).not.toContain("license servers");
  });

  it("says the effective mode came from Group Policy", () => {
    expect(detail(probe().gpoMode(2), "mode-wrong")).toMatch(/2 \(per device\).*Group Policy.*4 \(per user\)/);
    expect(detail(probe().mode(2), "mode-wrong")).toContain("RCM\\Licensing Core");
  });

  it("reports a wrong kind with the value as it is", () => {
    expect(detail(probe().mode(4, "REG_SZ"), "mode-value-kind")).toContain('REG_SZ "4"');
    expect(detail(probe().servers([LS1], "REG_SZ"), "servers-value-kind")).toContain(`REG_SZ "${LS1}"; Windows reads a REG_MULTI_SZ`);
  });

  it("reports configured names that are not host names as invalid", () => {
    expect(detail(probe().servers(["ls1;ls2"]), "license-server-invalid-name")).toContain("ls1;ls2 is not a valid host name or IP address");
  });

  it("tells DNS failures from closed ports, per server", () => {
    const text = detail(probe().dnsFails(LS1).portClosed(LS2), "license-server-unreachable");
    expect(text).toContain(`${LS1} does not resolve in DNS`);
    expect(text).toContain(`${LS2} cannot serve this host: Windows reports connectivity status 6 (LS_NOT_CONNECTABLE`);
    expect(text).toContain("No configured license server can serve this host");
  });

  it("names the legacy path and the path Windows reads", () => {
    const text = detail(probe().servers(null).legacyServers([LS1]), "legacy-path-value");
    expect(text).toContain("HKLM\\SYSTEM\\CurrentControlSet\\Services\\TermService\\Parameters (");
    expect(text).toContain("HKLM\\SYSTEM\\CurrentControlSet\\Services\\TermService\\Parameters\\LicenseServers");
  });

  it("says the role is absent and two admin sessions remain", () => {
    expect(detail(probe().rdsh("Available", 0), "role-not-installed")).toContain("two administrative");
  });

  it("an unknown role on a multi-session SKU names Azure Virtual Desktop and the CAL version", () => {
    const text = detail(probe().noServerManager("ServerRdsh"), "role-state-unknown");
    expect(text).toContain("there is no Server Manager");
    expect(text).toContain("Azure Virtual Desktop");
    expect(text).toContain("Windows Server 2022 or newer");
    expect(detail(probe().noServerManager("Enterprise"), "role-state-unknown")).toContain("client edition");
    expect(detail(probe().rdsh("Unknown", 1), "role-state-unknown")).toContain("Get-WindowsFeature gave no answer");
  });

  it("the evidence of a broken configuration lists the licensing events since boot", () => {
    const ev = evidence(probe().mode(null).event(1069, "Admin").event(1128), "mode-not-configured");
    expect(ev).toContain("LicensingMode (local): not set");
    expect(ev[1]).toMatch(/^2 licensing event\(s\) since boot at 2024-05-01T08:00:00Z: 1069 \(Admin\) at .*, 1128 \(System\) at /);
  });

  it("grace-over names its evidence: the days left or the event", () => {
    expect(detail(probe().grace(0).mode(null), "grace-over")).toContain("0 grace days left");
    expect(detail(probe().grace(null).event(1128).allPolicyServers("no-cals"), "grace-over")).toContain("event 1128 at");
  });

  it("a stale component cache names both states", () => {
    expect(detail(probe().rdsh("Installed", 0), "component-cache-stale")).toBe(
      "The Server Manager component cache says InstallState 0, but the live feature state is Installed: the cache is stale and the live state counts.",
    );
  });

  it("every cause has an effect and evidence", () => {
    const b = probe().mode(4, "REG_SZ").servers(["x.contoso.com"]).dnsFails("x.contoso.com").grace(0).event(1128).broker("cb").pendingReboot("windows-update");
    for (const c of diagnose(b.build(), policy())) {
      expect(["breaks", "drift", "blocks", "info"] satisfies CauseEffect[]).toContain(c.effect);
      expect(c.evidence.length, c.code).toBeGreaterThan(0);
    }
  });
});

describe("diagnose: the facts each cause stands on", () => {
  const onlyLs1 = policy({ licenseServers: [LS1] });

  it("the role's evidence gives the live feature state and the component cache, absent or not", () => {
    const ev = evidence(probe().rdsh("Available", null), "role-not-installed");
    expect(ev).toContain("Get-WindowsFeature RDS-RD-Server: Available");
    expect(ev).toContain("ServerComponentCache InstallState: absent");
    expect(evidence(probe().rdsh("Available", 0), "role-not-installed")).toContain("ServerComponentCache InstallState: 0");
  });

  it("an unknown role lists the missing Server Manager, the cache, the OS and the licensing events", () => {
    const ev = evidence(probe().noServerManager("ServerRdsh", 1).event(1128), "role-state-unknown");
    expect(ev).toContain("Get-WindowsFeature RDS-RD-Server: not available (no Server Manager)");
    expect(ev).toContain("ServerComponentCache InstallState: 1");
    const os = ev.find((e) => e.startsWith("OS: "));
    expect(os).toContain("Microsoft Windows Server 2022 Datacenter");
    expect(os).toContain("edition ServerRdsh");
    expect(os).toContain("product type 1");
    expect(ev.some((e) => e.includes("1 licensing event(s)") && e.includes("1128 (System)"))).toBe(true);
  });

  it("an unknown role on a server edition names neither Azure Virtual Desktop nor a client edition", () => {
    const text = detail(probe().noServerManager("ServerDatacenter", 3), "role-state-unknown");
    expect(text).not.toContain("client edition");
    expect(text).not.toContain("Azure Virtual Desktop");
    expect(text).toMatch(/changes nothing\. Needed CALs for Windows Server 2022/);
  });

  it("TermService disabled or stopped: says what a person must know, with the service state", () => {
    const disabled = probe().termService("Stopped", "Disabled");
    expect(detail(disabled, "termservice-disabled")).toContain("disabled");
    expect(detail(disabled, "termservice-disabled")).toContain("does not turn it back on");
    expect(evidence(disabled, "termservice-disabled")).toEqual(["TermService: Stopped, start type Disabled"]);
    const stopped = probe().termService("Stopped", "Manual");
    expect(detail(stopped, "termservice-stopped")).toContain("is not running");
    expect(detail(stopped, "termservice-stopped")).toContain("changes nothing it cannot see");
    expect(evidence(stopped, "termservice-stopped")).toEqual(["TermService: Stopped, start type Manual"]);
  });

  it("a pending role change and a pending reboot name what waits for the restart", () => {
    expect(detail(probe().rdsh("InstallPending", 2), "role-pending-restart")).toContain("RDS-RD-Server InstallPending");
    const b = probe().pendingReboot("component-servicing", "file-rename");
    expect(detail(b, "reboot-pending")).toContain("(component-servicing, file-rename)");
    expect(detail(b, "reboot-pending")).toContain("DISM refuses");
    expect(evidence(b, "reboot-pending")).toEqual(["pending reboot: component-servicing", "pending reboot: file-rename"]);
  });

  it("the mode causes give the value Windows sees and where it comes from", () => {
    expect(evidence(probe().mode(4, "REG_SZ"), "mode-value-kind")).toEqual(['LicensingMode: REG_SZ "4"']);
    const unset = detail(probe().mode(null), "mode-not-configured");
    expect(unset).toContain("not set");
    expect(unset).toContain("RCM\\Licensing Core");
    expect(unset).toContain("grace period");
    expect(evidence(probe().gpoMode(2), "mode-wrong")).toEqual(["LicensingMode (gpo): 2 (per device)"]);
    expect(evidence(probe().mode(2), "mode-wrong")).toEqual(["LicensingMode (local): 2 (per device)"]);
  });

  it("per-user mode in a workgroup names the workgroup and the mode a workgroup host needs", () => {
    const b = probe().workgroup("LAB");
    const text = detail(b, "per-user-in-workgroup");
    expect(text).toContain("RDSH01");
    expect(text).toContain('workgroup "LAB"');
    expect(text).toContain("per-device CALs (mode 2)");
    expect(evidence(b, "per-user-in-workgroup")).toEqual(["LicensingMode (local): 4 (per user)", "domain: not joined (workgroup LAB)"]);
  });

  it("the server list's wrong kind is evidence with the value as it is", () => {
    expect(evidence(probe().servers([LS1], "REG_SZ"), "servers-value-kind")[0]).toBe(`SpecifiedLicenseServers: REG_SZ "${LS1}"`);
  });

  it("no license server: names the value that is not set and the policy's servers", () => {
    const text = detail(probe().servers(null), "no-license-server");
    expect(text).toContain("SpecifiedLicenseServers in HKLM\\SYSTEM\\CurrentControlSet\\Services\\TermService\\Parameters\\LicenseServers is not set");
    expect(text).toContain(`"${LS1}", "${LS2}"`);
    expect(evidence(probe().servers(null), "no-license-server")).toEqual(["SpecifiedLicenseServers: absent"]);
    expect(evidence(probe().servers([]).event(1128), "no-license-server")).toEqual([
      "SpecifiedLicenseServers: REG_MULTI_SZ []",
      expect.stringContaining("1 licensing event(s)"),
    ]);
  });

  it("the configured list is named by where it comes from: Group Policy or the local value", () => {
    const fromGpo = detail(probe().gpoServers(["gpo-ls.contoso.com"]), "license-server-wrong");
    expect(fromGpo).toContain("(Group Policy (LicenseServers in HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows NT\\Terminal Services))");
    const local = detail(probe().servers(["other.contoso.com"]), "license-server-wrong");
    expect(local).toContain("(SpecifiedLicenseServers in HKLM\\SYSTEM\\CurrentControlSet\\Services\\TermService\\Parameters\\LicenseServers)");
    expect(local).not.toContain("Group Policy");
  });

  it("several servers failing the same way are each named, and so are those that serve", () => {
    expect(detail(probe().dnsFails(LS1).dnsFails(LS2), "license-server-unreachable")).toContain(`${LS1} does not resolve in DNS; ${LS2} does not resolve in DNS.`);
    const b = probe().servers([LS1, LS2, "old.contoso.com"]).dnsFails("old.contoso.com");
    expect(detail(b, "license-server-unreachable")).toContain(`Another configured server can serve (${LS1}, ${LS2})`);
  });

  it("a server that does not matter lists only itself; one that breaks licensing adds the events", () => {
    const drift = probe().servers([LS1, "old.contoso.com"]).dnsFails("old.contoso.com").event(1130);
    expect(evidence(drift, "license-server-unreachable")).toEqual(["old.contoso.com: does not resolve; does not resolve in DNS; CALs not visible"]);
    const breaks = evidence(probe().dnsFails(LS1).dnsFails(LS2).event(1130), "license-server-unreachable");
    expect(breaks).toHaveLength(3);
    expect(breaks[2]).toContain("1130 (System)");
  });

  it("servers whose status Windows cannot tell are each named, with their evidence", () => {
    const b = probe().status(LS1, 0).status(LS2, 7);
    const text = detail(b, "license-server-status-unknown");
    expect(text).toContain(`whether ${LS1}, ${LS2} can serve this host`);
    expect(text).toMatch(new RegExp(`${LS1} Windows reports connectivity status 0.*; ${LS2} Windows reports connectivity status 7`));
    const ev = evidence(b, "license-server-status-unknown");
    expect(ev).toHaveLength(2);
    expect(ev[0]).toContain(`${LS1}: resolves to 10.0.0.4`);
    expect(ev[1]).toContain(`${LS2}: resolves to 10.0.0.5`);
  });

  it("hidden CALs of several servers are each named", () => {
    expect(detail(probe(), "cals-not-visible")).toContain(`The CALs of ${LS1}, ${LS2} are not visible`);
  });

  it("a server's evidence tells this VM, an unchecked name, several addresses, no CAL packs, several packs", () => {
    const self = evidence(probe().servers([LS1, LS2, "localhost"]).localLicenseServer(visible([["user", 7, 5, 0]])), "license-server-wrong");
    expect(self).toContain("localhost: this VM");
    const unchecked = probe(onlyLs1).servers([LS1, "x.contoso.com"]).withoutCheck("x.contoso.com");
    expect(evidence(unchecked, "license-server-wrong", onlyLs1)).toContain("x.contoso.com: not checked");
    expect(evidence(unchecked, "license-server-status-unknown", onlyLs1)[0]).toMatch(/^x\.contoso\.com: not checked; was not checked/);
    const twoAddresses = probe(onlyLs1).check(LS1, { addresses: ["10.0.0.4", "10.0.0.7"] }).cals(LS1, visible([]));
    expect(evidence(twoAddresses, "no-cals", onlyLs1)[0]).toContain("resolves to 10.0.0.4, 10.0.0.7");
    expect(evidence(twoAddresses, "no-cals", onlyLs1)[0]).toMatch(/; CALs none$/);
    const twoPacks = probe(onlyLs1).cals(LS1, visible([["user", 7, 5, 5], ["user", 8, 3, 3]]));
    expect(evidence(twoPacks, "cals-exhausted", onlyLs1)[0]).toContain("CALs user/Windows Server 2022 5/5, user/Windows Server 2025 3/3");
  });

  it("licensing events without a known boot time do not claim one", () => {
    const ev = evidence(probe().set("bootTime", null).mode(null).event(1128), "mode-not-configured");
    expect(ev[1]).toMatch(/^1 licensing event\(s\): 1128 \(System\) at /);
  });

  it("the legacy path finding names the servers found there", () => {
    const ev = evidence(probe().servers(null).legacyServers([LS1]), "legacy-path-value");
    expect(ev).toHaveLength(1);
    expect(ev[0]).toContain(`"${LS1}"`);
    expect(ev[0]).toContain("TermService\\Parameters SpecifiedLicenseServers");
  });
});

describe("diagnose: how one finding weighs on another", () => {
  const onlyLs1 = policy({ licenseServers: [LS1] });
  const tidy = policy({ removeUnusedLicensingRole: true });

  it("a broker deployment blocks local writes as soon as anything breaks, whatever else is only information", () => {
    expect(found(probe().broker("cb01.contoso.com").servers(null).pendingReboot("windows-update"))).toEqual([
      "reboot-pending:info",
      "no-license-server:breaks",
      "broker-managed:blocks",
    ]);
  });

  it("a broker deployment names the broker and the cmdlet to use, or only the deployment when the broker is not named", () => {
    const named = probe().broker("cb01.contoso.com");
    expect(detail(named, "broker-managed")).toContain("deployment (cb01.contoso.com)");
    expect(detail(named, "broker-managed")).toContain("Set-RDLicenseConfiguration");
    expect(evidence(named, "broker-managed")).toEqual(["ClusterSettings SessionDirectoryActive = 1, SessionDirectoryLocation cb01.contoso.com"]);
    const unnamed = probe().broker("");
    expect(detail(unnamed, "broker-managed")).toContain("Connection Broker deployment: the deployment's licensing settings");
    expect(evidence(unnamed, "broker-managed")).toEqual(["ClusterSettings SessionDirectoryActive = 1"]);
  });

  it("a Group Policy mode that breaks licensing blocks local changes", () => {
    const perDevice = policy({ licensingMode: 2 });
    expect(found(probe(perDevice).workgroup().gpoMode(4), perDevice)).toEqual(["per-user-in-workgroup:breaks", "mode-wrong:drift", "gpo-manages-licensing:blocks"]);
  });

  it("a pending role change is not a broken server list: Group Policy servers that serve stay drift", () => {
    expect(found(probe().rdsh("InstallPending", 2).gpoServers(["gpo-ls.contoso.com"]))).toEqual([
      "role-pending-restart:breaks",
      "license-server-wrong:drift",
      "gpo-manages-licensing:drift",
    ]);
  });

  it("Group Policy findings name only the settings Group Policy sets, each as evidence", () => {
    const servers = probe().gpoServers(["gpo-ls.contoso.com"]);
    expect(detail(servers, "gpo-manages-licensing")).toContain('Group Policy sets LicenseServers "gpo-ls.contoso.com"');
    expect(detail(servers, "gpo-manages-licensing")).not.toContain("LicensingMode");
    const both = probe().gpoMode(2).gpoServers(["gpo-ls.contoso.com"]);
    expect(detail(both, "gpo-manages-licensing")).toMatch(/Group Policy sets LicensingMode 2 \(per device\) .*\) and LicenseServers "gpo-ls\.contoso\.com"/);
    const ev = evidence(both, "gpo-manages-licensing");
    expect(ev).toHaveLength(2);
    expect(ev[0]).toMatch(/^Group Policy: LicensingMode 2 \(per device\)/);
    expect(ev[1]).toMatch(/^Group Policy: LicenseServers "gpo-ls\.contoso\.com"/);
  });

  it("only events 1128 and 1069 say the grace period is over, and only when the days left are unknown", () => {
    expect(found(probe().grace(null).event(1130).allPolicyServers("no-cals"))).toEqual(["no-cals:breaks"]);
    expect(found(probe().grace(30).event(1128).allPolicyServers("no-cals"))).toEqual(["no-cals:breaks"]);
    const b = probe().grace(null).event(1130).event(1069, "Admin", "2024-05-01T11:00:00Z").allPolicyServers("no-cals");
    expect(found(b)).toEqual(["no-cals:breaks", "grace-over:breaks"]);
    expect(detail(b, "grace-over")).toContain("event 1069 at 2024-05-01T11:00:00");
  });

  it("licensing events are history once a configured server shows free CALs that Windows reports valid", () => {
    const b = probe(onlyLs1).cals(LS1, visible([["user", 7, 50, 12]])).event(1130);
    expect(all(b, onlyLs1)).toEqual(["licensing-events:info"]);
    expect(detail(b, "licensing-events", onlyLs1)).toContain(`${LS1} now has free CALs`);
    expect(detail(b, "licensing-events", onlyLs1)).toContain("older than the fix");
    const two = probe().cals(LS1, visible([["user", 7, 50, 12]])).cals(LS2, visible([["user", 7, 50, 1]])).event(1130);
    expect(detail(two, "licensing-events")).toContain(`${LS1}, ${LS2} now has free CALs`);
  });

  it("licensing events stay a break when no server proves them old: hidden CALs, or a server that cannot serve", () => {
    const hidden = probe().event(1130);
    expect(found(hidden)).toEqual(["licensing-events:breaks"]);
    expect(detail(hidden, "licensing-events")).toContain("may have been fixed without a restart");
    const failing = probe(onlyLs1).servers([LS1, "old.contoso.com"]).dnsFails("old.contoso.com").event(1130);
    expect(found(failing, onlyLs1)).toEqual(["license-server-unreachable:drift", "license-server-wrong:drift", "licensing-events:breaks"]);
  });

  it("the legacy path counts only with servers in it and none at the path Windows reads", () => {
    expect(found(probe().servers(null).legacyServers([]))).toEqual(["no-license-server:breaks"]);
    expect(found(probe().servers([]).legacyServers([LS1]))).toEqual(["no-license-server:breaks", "legacy-path-value:info"]);
  });

  it("the local RD Licensing role: why it stays or goes, with its CAL facts", () => {
    const unreadable = probe().localLicenseServer(null);
    expect(detail(unreadable, "licensing-role-in-use", tidy)).toContain("could not be read locally");
    expect(detail(unreadable, "licensing-role-in-use", tidy)).toContain("does not remove it");
    expect(evidence(unreadable, "licensing-role-in-use", tidy)).toEqual(["Win32_TSLicenseServer / Win32_TSLicenseKeyPack: not readable"]);
    expect(evidence(probe().localLicenseServer(visible([["user", 7, 50, 14]])), "licensing-role-in-use", tidy)).toEqual([
      "local license server: 14 CAL(s) issued, activated true",
    ]);
    const unused = probe().localLicenseServer(visible([], false));
    expect(detail(unused, "licensing-role-unused", tidy)).toContain("issued no CALs");
    expect(detail(unused, "licensing-role-unused", tidy)).toContain("REMOVE_UNUSED_LICENSING_ROLE=true");
    expect(evidence(unused, "licensing-role-unused", tidy)).toEqual(["local license server: 0 CALs issued, 0 CAL pack(s), activated false"]);
  });
});

describe("diagnose: what differs between the configured servers and the policy's", () => {
  const onlyLs1 = policy({ licenseServers: [LS1] });
  const wrong = (b: ProbeBuilder, p = policy()) => detail(b, "license-server-wrong", p);

  it("only missing servers: names them right after the policy, and no extra ones", () => {
    const text = wrong(probe().servers([LS1]));
    expect(text).toContain(`"${LS2}": in the policy but not configured: ${LS2}.`);
    expect(text).not.toContain("configured but not in the policy");
  });

  it("only extra servers: names them, and no missing ones", () => {
    const text = wrong(probe().servers([LS1, LS2, "other.contoso.com"]));
    expect(text).toContain(`"${LS2}": configured but not in the policy: other.contoso.com (serves this host).`);
    expect(text).not.toContain("in the policy but not configured");
  });

  it("an extra server that cannot serve is not said to serve", () => {
    const text = wrong(probe().servers([LS1, LS2, "old.contoso.com"]).dnsFails("old.contoso.com"));
    expect(text).toContain("configured but not in the policy: old.contoso.com.");
    expect(text).not.toContain("serves this host");
  });

  it("both differences are separated, each machine listed apart", () => {
    expect(wrong(probe().servers([LS1, "other.contoso.com"]))).toContain("(serves this host); in the policy but not configured");
    expect(wrong(probe().servers(["other.contoso.com"]))).toContain(`in the policy but not configured: ${LS1}, ${LS2}.`);
    const twoExtra = probe().servers([LS1, LS2, "a.contoso.com", "b.contoso.com"]).check("b.contoso.com", { addresses: ["10.0.9.8"] });
    expect(wrong(twoExtra)).toContain("configured but not in the policy: a.contoso.com (serves this host), b.contoso.com (serves this host).");
  });

  it("a machine configured under two names is one extra machine that serves if either name does", () => {
    const b = probe().servers([LS1, LS2, "other.contoso.com", "10.0.9.9"]).status("10.0.9.9", 6);
    expect(wrong(b)).toContain("configured but not in the policy: other.contoso.com/10.0.9.9 (serves this host).");
  });

  it("a machine the policy names twice (name and address) is one missing machine with both names", () => {
    const p = policy({ licenseServers: [LS1, "10.0.0.4", LS2] });
    const b = probe(p).servers([LS2]).check("10.0.0.4", { addresses: ["10.0.0.4"] });
    expect(wrong(b, p)).toContain(`in the policy but not configured: ${LS1}/10.0.0.4.`);
  });

  it("a multi-homed license server is one machine whichever of its addresses a name resolves to", () => {
    // The policy's name resolves to one address of the server, ls-a to both, ls-b only to the other one.
    const configured = probe(onlyLs1)
      .servers(["ls-a.contoso.com", "ls-b.contoso.com"])
      .check("ls-a.contoso.com", { addresses: ["10.0.0.4", "10.0.0.7"] })
      .check("ls-b.contoso.com", { addresses: ["10.0.0.7"] });
    expect(found(configured, onlyLs1)).toEqual(["server-named-differently:drift"]);
    // The policy names it twice, the host once by an address only one policy name shares.
    const twice = policy({ licenseServers: [LS1, "ls1-alt.contoso.com"] });
    const named = probe(twice)
      .check(LS1, { addresses: ["10.0.0.4", "10.0.0.7"] })
      .check("ls1-alt.contoso.com", { addresses: ["10.0.0.7"] })
      .servers(["10.0.0.4"])
      .check("10.0.0.4", { addresses: ["10.0.0.4"] });
    expect(found(named, twice)).toEqual(["server-named-differently:drift"]);
  });
});
