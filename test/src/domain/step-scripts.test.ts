import { describe, expect, it } from "vitest";
import { InputError } from "../../../src/errors";
import type { PlanStep } from "../../../src/domain/playbook";
import {
  probeScriptCall,
  restoreScriptCall,
  SCRIPT_NAMES,
  stepScriptCall,
  verifyScriptCall,
  type LicensingBefore,
} from "../../../src/domain/step-scripts";
import { codeOf, policy } from "./probe-builder";

describe("SCRIPT_NAMES", () => {
  it("names the seven scripts", () => {
    expect([...SCRIPT_NAMES].sort()).toEqual(
      ["probe", "remove-licensing-role", "remove-rdsh-role", "restore-licensing", "set-license-servers", "set-licensing-mode", "verify"].sort(),
    );
  });
});

describe("stepScriptCall", () => {
  const good: Array<[PlanStep, string, Record<string, string>]> = [
    [{ kind: "set-licensing-mode", mode: 4 }, "set-licensing-mode", { Mode: "4" }],
    [{ kind: "set-licensing-mode", mode: 2 }, "set-licensing-mode", { Mode: "2" }],
    [{ kind: "set-license-servers", servers: ["rdls01.contoso.com", "10.0.0.5", "fd00::5"] }, "set-license-servers", { Servers: "rdls01.contoso.com,10.0.0.5,fd00::5" }],
    [{ kind: "set-license-servers", servers: ["ls1.contoso.com", "LS1.contoso.com.", "ls2"] }, "set-license-servers", { Servers: "ls1.contoso.com,ls2" }],
    [{ kind: "remove-rdsh-role" }, "remove-rdsh-role", {}],
    [{ kind: "remove-licensing-role" }, "remove-licensing-role", {}],
  ];
  it.each(good)("%j -> %s", (step, script, parameters) => {
    expect(stepScriptCall(step)).toEqual({ script, parameters });
  });

  const bad: Array<[string, unknown, string]> = [
    ["restart", { kind: "restart" }, "invalid-step"],
    ["unknown kind", { kind: "format-c" }, "invalid-step"],
    ["null", null, "invalid-step"],
    ["mode 6", { kind: "set-licensing-mode", mode: 6 }, "invalid-licensing-mode"],
    ["mode as a string", { kind: "set-licensing-mode", mode: "4" }, "invalid-licensing-mode"],
    ["mode missing", { kind: "set-licensing-mode" }, "invalid-licensing-mode"],
    ["no servers", { kind: "set-license-servers", servers: [] }, "invalid-server-count"],
    ["servers not a list", { kind: "set-license-servers", servers: "ls1,ls2" }, "invalid-server-count"],
    ["11 servers", { kind: "set-license-servers", servers: Array.from({ length: 11 }, (_, i) => `ls${i}`) }, "invalid-server-count"],
    ["injection with a quote", { kind: "set-license-servers", servers: ['ls1"; Remove-Item C:\\ -Recurse; "'] }, "invalid-license-server"],
    ["injection with $()", { kind: "set-license-servers", servers: ["$(Stop-Computer)"] }, "invalid-license-server"],
    ["comma inside a name", { kind: "set-license-servers", servers: ["ls1,ls2"] }, "invalid-license-server"],
    ["ampersand", { kind: "set-license-servers", servers: ["ls1&calc"] }, "invalid-license-server"],
    ["newline", { kind: "set-license-servers", servers: ["ls1\nls2"] }, "invalid-license-server"],
    ["look-alike Unicode", { kind: "set-license-servers", servers: ["rdls01.cоntoso.com"] }, "invalid-license-server"],
    ["a number", { kind: "set-license-servers", servers: [42] }, "invalid-license-server"],
  ];
  it.each(bad)("refuses %s with an InputError", (_name, step, code) => {
    expect(() => stepScriptCall(step as PlanStep)).toThrow(InputError);
    expect(codeOf(() => stepScriptCall(step as PlanStep))).toBe(code);
  });
});

describe("probeScriptCall", () => {
  it("passes the policy's servers as LicenseServers", () => {
    expect(probeScriptCall(policy())).toEqual({ script: "probe", parameters: { LicenseServers: "rdls01.contoso.com,rdls02.contoso.com" } });
  });
  it("refuses an invalid policy server", () => {
    expect(codeOf(() => probeScriptCall(policy({ licenseServers: ["ok.contoso.com", "x y"] })))).toBe("invalid-license-server");
  });
});

describe("verifyScriptCall", () => {
  const p = policy({ licensingMode: 2 });
  const cases: Array<[string, PlanStep[], Record<string, string>]> = [
    [
      "registry fix",
      [{ kind: "set-licensing-mode", mode: 2 }, { kind: "restart" }],
      { ExpectedMode: "2", ExpectedServers: "rdls01.contoso.com,rdls02.contoso.com", RdshExpected: "present" },
    ],
    [
      "RD Session Host removed",
      [{ kind: "remove-rdsh-role" }, { kind: "restart" }],
      { ExpectedMode: "any", ExpectedServers: "any", RdshExpected: "absent" },
    ],
    ["restart only (pending role change)", [{ kind: "restart" }], { ExpectedMode: "any", ExpectedServers: "any", RdshExpected: "any" }],
  ];
  it.each(cases)("%s", (_name, steps, parameters) => {
    expect(verifyScriptCall(steps, p)).toEqual({ script: "verify", parameters });
  });
  it("never passes an empty parameter value", () => {
    for (const [, steps] of cases) {
      for (const value of Object.values(verifyScriptCall(steps, p).parameters)) expect(value).not.toBe("");
    }
  });
  it("refuses an invalid policy", () => {
    expect(codeOf(() => verifyScriptCall([{ kind: "restart" }], { licensingMode: 6 as 4, licenseServers: ["a"] }))).toBe("invalid-licensing-mode");
  });
});

describe("restoreScriptCall", () => {
  const ten = Array.from({ length: 10 }, (_, i) => `ls${i}.contoso.com`);
  const good: Array<[string, LicensingBefore, Record<string, string>]> = [
    ["both absent", { licensingMode: null, licenseServers: null }, { LicensingMode: "absent", LicenseServers: "absent" }],
    ["mode 5 (not configured), one server", { licensingMode: 5, licenseServers: ["ls01.contoso.com"] }, { LicensingMode: "5", LicenseServers: "ls01.contoso.com" }],
    ["mode 0", { licensingMode: 0, licenseServers: null }, { LicensingMode: "0", LicenseServers: "absent" }],
    ["mode 6", { licensingMode: 6, licenseServers: null }, { LicensingMode: "6", LicenseServers: "absent" }],
    [
      "spelling, order and repeats kept",
      { licensingMode: 4, licenseServers: ["LS01.contoso.com", "10.0.0.5", "ls01.contoso.com.", "fd00::5", "LS01.contoso.com"] },
      { LicensingMode: "4", LicenseServers: "LS01.contoso.com,10.0.0.5,ls01.contoso.com.,fd00::5,LS01.contoso.com" },
    ],
    ["ten servers", { licensingMode: 2, licenseServers: ten }, { LicensingMode: "2", LicenseServers: ten.join(",") }],
    ["'absent' in another case or beside another server is a name", { licensingMode: null, licenseServers: ["Absent"] }, { LicensingMode: "absent", LicenseServers: "Absent" }],
    ["'absent' in a list of two", { licensingMode: null, licenseServers: ["absent", "ls01"] }, { LicensingMode: "absent", LicenseServers: "absent,ls01" }],
  ];
  it.each(good)("%s", (_name, before, parameters) => {
    expect(restoreScriptCall(before)).toEqual({ script: "restore-licensing", parameters });
  });

  it("never sends an empty parameter", () => {
    for (const [, before] of good) {
      for (const value of Object.values(restoreScriptCall(before).parameters)) expect(value).not.toBe("");
    }
  });

  const servers = (licenseServers: unknown) => ({ licensingMode: 4, licenseServers });
  const mode = (licensingMode: unknown) => ({ licensingMode, licenseServers: null });
  const bad: Array<[string, unknown, string]> = [
    ["null", null, "invalid-restore"],
    ["a list", [4, ["ls01"]], "invalid-restore"],
    ["a string", "4", "invalid-restore"],
    ["mode 7", mode(7), "invalid-licensing-mode"],
    ["mode -1", mode(-1), "invalid-licensing-mode"],
    ["mode 4.5", mode(4.5), "invalid-licensing-mode"],
    ["mode 0xFFFFFFFF", mode(4294967295), "invalid-licensing-mode"],
    ["mode NaN", mode(Number.NaN), "invalid-licensing-mode"],
    ["mode as a string", mode("4"), "invalid-licensing-mode"],
    ["mode 'absent' (absent is null)", mode("absent"), "invalid-licensing-mode"],
    ["mode missing (undefined is not null)", { licenseServers: null }, "invalid-licensing-mode"],
    ["mode true", mode(true), "invalid-licensing-mode"],
    ["servers missing (undefined is not null)", { licensingMode: 4 }, "invalid-server-count"],
    ["servers as a string", servers("ls01,ls02"), "invalid-server-count"],
    ["servers 'absent' as a string", servers("absent"), "invalid-server-count"],
    ["an empty list (an empty value: not restorable)", servers([]), "invalid-server-count"],
    ["11 servers", servers(Array.from({ length: 11 }, (_, i) => `ls${i}`)), "invalid-server-count"],
    ["a lone server named 'absent'", servers(["absent"]), "invalid-license-server"],
    ["a server that is not a string", servers([42]), "invalid-license-server"],
    ["a null server", servers([null]), "invalid-license-server"],
    ["an empty name", servers([""]), "invalid-license-server"],
    ["a comma inside a name", servers(["ls1,ls2"]), "invalid-license-server"],
    ["a space inside a name", servers(["ls1 ls2"]), "invalid-license-server"],
    ["quote injection", servers(['ls1"; Remove-Item C:\\ -Recurse; "']), "invalid-license-server"],
    ["$() injection after a valid name", servers(["ls01", "$(Stop-Computer)"]), "invalid-license-server"],
    ["a name the probe flagged invalid", servers(["ls01.c\u043entoso.com"]), "invalid-license-server"],
  ];
  it.each(bad)("refuses %s with an InputError", (_name, before, code) => {
    expect(() => restoreScriptCall(before as LicensingBefore)).toThrow(InputError);
    expect(codeOf(() => restoreScriptCall(before as LicensingBefore))).toBe(code);
  });
});
