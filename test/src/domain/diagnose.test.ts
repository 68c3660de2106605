import { describe, expect, it } from "vitest";
import { diagnose } from "../../../src/domain/diagnose";
import type { CauseCode, PlaybookPolicy } from "../../../src/domain/playbook";
import { policy, probe, type ProbeBuilder } from "./probe-builder";

const LS1 = "rdls01.contoso.com";
const LS2 = "rdls02.contoso.com";

type Row = [name: string, build: () => ProbeBuilder, expected: CauseCode[], forPolicy?: PlaybookPolicy];

const codes = (b: ProbeBuilder, p: PlaybookPolicy = policy()) => diagnose(b.build(), p).map((c) => c.code);

describe("diagnose: the article's rows", () => {
  const rows: Row[] = [
    ["healthy session host: nothing", () => probe(), []],
    ["InstallState 0: role disabled, go to step 3", () => probe().rdsh("Unknown", 0), ["role-not-installed"]],
    ["LicensingMode other than 4: set it to 4", () => probe().mode(2), ["mode-wrong"]],
    ["LicensingMode missing", () => probe().mode(null), ["mode-not-configured"]],
    ["SpecifiedLicenseServers missing", () => probe().servers(null), ["no-license-server"]],
    ["SpecifiedLicenseServers incorrect", () => probe().servers(["old-ls.contoso.com"]), ["license-server-wrong"]],
    ["no CALs installed", () => probe().allPolicyServers("no-cals"), ["no-cals"]],
    ["port 135 test fails", () => probe().portClosed(LS1).portClosed(LS2), ["license-server-unreachable"]],
    ["license server installed but not activated", () => probe().allPolicyServers("not-activated"), ["server-not-activated"]],
    ["more users than CALs", () => probe().allPolicyServers("cals-exhausted"), ["cals-exhausted"]],
    [
      "never had a licensing role and the grace period is over",
      () => probe().servers(null).dnsFails(LS1).dnsFails(LS2).grace(0).event(1128),
      ["no-license-server", "license-server-unreachable", "grace-over"],
    ],
  ];
  it.each(rows)("%s", (_name, build, expected, p) => {
    expect(codes(build(), p)).toEqual(expected);
  });
});

describe("diagnose: what an experienced admin adds", () => {
  const rows: Row[] = [
    ["feature Available: not installed", () => probe().rdsh("Available", null).mode(null).servers(null), ["role-not-installed"]],
    ["feature Installed wins over a stale InstallState 0", () => probe().rdsh("Installed", 0), []],
    ["feature Unknown, InstallState 1: diagnosed as installed", () => probe().rdsh("Unknown", 1).mode(null), ["mode-not-configured"]],
    ["nothing known about the role: diagnosed as installed", () => probe().rdsh("Unknown", null).mode(null), ["mode-not-configured"]],
    ["InstallPending: restart first", () => probe().rdsh("InstallPending", 1), ["role-pending-restart"]],
    ["InstallState 2: restart first", () => probe().rdsh("Installed", 2), ["role-pending-restart"]],
    ["pending restart + mode unset", () => probe().rdsh("InstallPending", 1).mode(null), ["role-pending-restart", "mode-not-configured"]],
    ["UninstallPending: licensing is moot", () => probe().rdsh("UninstallPending", 1).mode(null).servers(null), ["role-pending-restart"]],
    ["LicensingMode 5 is Windows' 'not configured'", () => probe().mode(5), ["mode-not-configured"]],
    ["LicensingMode 6 (AAD per user) is not the policy", () => probe().mode(6), ["mode-wrong"]],
    ["policy per device, VM per user", () => probe(policy({ licensingMode: 2 })).mode(4), ["mode-wrong"], policy({ licensingMode: 2 })],
    ["servers in another order, case and trailing dot: same set", () => probe().servers([`${LS2.toUpperCase()}.`, LS1]), []],
    ["one extra server is a difference", () => probe().servers([LS1, LS2, "rdls03.contoso.com"]), ["license-server-wrong"]],
    ["GPO sets a wrong mode only", () => probe().gpoMode(2), ["gpo-manages-licensing", "mode-wrong"]],
    ["GPO sets wrong servers only", () => probe().gpoServers(["gpo-ls.contoso.com"]), ["gpo-manages-licensing", "license-server-wrong"]],
    [
      "GPO sets both wrong",
      () => probe().gpoMode(2).gpoServers(["gpo-ls.contoso.com"]),
      ["gpo-manages-licensing", "mode-wrong", "license-server-wrong"],
    ],
    ["GPO values agree with the policy: the wrong local values do not count", () => probe().gpoMode(4).gpoServers([LS1, LS2]).mode(2).servers(null), []],
    ["GPO + wrong local servers", () => probe().gpoMode(2).servers(["old.contoso.com"]), ["gpo-manages-licensing", "mode-wrong", "license-server-wrong"]],
    ["an empty GPO server list does not manage the servers", () => probe().gpoServers([]).servers(null), ["no-license-server"]],
    ["one policy server unreachable, the other fine", () => probe().portClosed(LS2), ["license-server-unreachable"]],
    ["wrong configured servers that are unreachable, policy servers fine", () => probe().servers(["old.contoso.com"]).dnsFails("old.contoso.com"), ["license-server-wrong"]],
    ["unreachable + wrong", () => probe().servers(["old.contoso.com"]).portClosed(LS1).dnsFails(LS2), ["license-server-wrong", "license-server-unreachable"]],
    ["health unknown with TCP 135 open counts as usable", () => probe().allPolicyServers("unknown"), []],
    ["a policy server the probe did not check is not called unreachable", () => probe().withoutCheck(LS2).portClosed(LS1), ["license-server-unreachable"]],
    ["grace over, but the policy servers can serve: just the config", () => probe().grace(0).mode(null), ["mode-not-configured"]],
    ["grace days unknown, event 1069 says over, no usable server", () => probe().grace(null).event(1069, "Admin").allPolicyServers("no-cals"), ["no-cals", "grace-over"]],
    ["grace days left and no usable server: not over yet", () => probe().grace(30).allPolicyServers("no-cals"), ["no-cals"]],
    ["value only at the seed edition's legacy path", () => probe().servers(null).legacyServers([LS1]), ["no-license-server", "legacy-path-value"]],
    ["legacy path value beside a correct one: no finding", () => probe().legacyServers([LS1]), []],
    ["legacy path value, servers from GPO", () => probe().servers(null).gpoServers([LS1, LS2]).legacyServers([LS1]), ["legacy-path-value"]],
  ];
  it.each(rows)("%s", (_name, build, expected, p) => {
    expect(codes(build(), p)).toEqual(expected);
  });
});

describe("diagnose: details an operator can act on", () => {
  const detail = (b: ProbeBuilder, code: CauseCode, p = policy()) => diagnose(b.build(), p).find((c) => c.code === code)?.detail ?? "";

  it("names the GPO settings and registry path, and whether GPO sets only the mode", () => {
    const onlyMode = detail(probe().gpoMode(2), "gpo-manages-licensing");
    expect(onlyMode).toContain('"Set the Remote Desktop licensing mode"');
    expect(onlyMode).toContain("HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows NT\\Terminal Services");
    expect(onlyMode).toContain("only the licensing mode");
    expect(onlyMode).not.toContain("Use the specified Remote Desktop license servers");
    const both = detail(probe().gpoMode(2).gpoServers(["gpo-ls.contoso.com"]), "gpo-manages-licensing");
    expect(both).toContain('"Use the specified Remote Desktop license servers"');
    expect(both).toContain('"gpo-ls.contoso.com"');
    expect(both).not.toContain("only");
  });

  it("says the effective mode came from Group Policy", () => {
    expect(detail(probe().gpoMode(2), "mode-wrong")).toMatch(/2 \(per device\).*Group Policy.*4 \(per user\)/);
    expect(detail(probe().mode(2), "mode-wrong")).toContain("RCM\\Licensing Core");
  });

  it("reports configured names that are not host names as invalid", () => {
    const text = detail(probe().servers(["ls1;ls2", LS1]), "license-server-wrong");
    expect(text).toContain('Not a valid host name or IP address: "ls1;ls2"');
  });

  it("tells DNS failures from closed ports, per server", () => {
    const text = detail(probe().dnsFails(LS1).portClosed(LS2), "license-server-unreachable");
    expect(text).toContain(`${LS1} does not resolve in DNS`);
    expect(text).toContain(`${LS2} does not answer on TCP 135`);
    expect(text).toContain("No license server of the policy can be reached");
    expect(detail(probe().portClosed(LS2), "license-server-unreachable")).not.toContain("No license server");
  });

  it("names the legacy path and the path Windows reads", () => {
    const text = detail(probe().servers(null).legacyServers([LS1]), "legacy-path-value");
    expect(text).toContain("HKLM\\SYSTEM\\CurrentControlSet\\Services\\TermService\\Parameters (");
    expect(text).toContain("HKLM\\SYSTEM\\CurrentControlSet\\Services\\TermService\\Parameters\\LicenseServers");
  });

  it("says the role is absent and two admin sessions remain", () => {
    expect(detail(probe().rdsh("Available", 0), "role-not-installed")).toContain("two administrative");
  });
});
