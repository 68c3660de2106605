import { describe, expect, it } from "vitest";
import { encodeRegValue } from "../../../src/domain/registry-value";
import type { RegKind } from "../../../src/domain/playbook";
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

describe("verifyScriptCall: what this run did, not what the policy wishes", () => {
  const cases: Array<[string, PlanStep[], Record<string, string>]> = [
    [
      "mode and servers set",
      [{ kind: "set-licensing-mode", mode: 2 }, { kind: "set-license-servers", servers: ["ls01.contoso.com", "LS01.contoso.com."] }, { kind: "restart" }],
      { ExpectedMode: "2", ExpectedServers: "ls01.contoso.com", RdshExpected: "present", LicensingEvents: "check" },
    ],
    ["only the mode set: servers not checked", [{ kind: "set-licensing-mode", mode: 4 }, { kind: "restart" }], { ExpectedMode: "4", ExpectedServers: "any", RdshExpected: "present", LicensingEvents: "check" }],
    [
      "only the servers set: the mode not checked (the run did not touch it)",
      [{ kind: "set-license-servers", servers: ["10.0.0.4"] }, { kind: "restart" }],
      { ExpectedMode: "any", ExpectedServers: "10.0.0.4", RdshExpected: "present", LicensingEvents: "check" },
    ],
    [
      "RD Session Host removed: only that it is gone",
      [{ kind: "set-licensing-mode", mode: 4 }, { kind: "remove-rdsh-role" }, { kind: "restart" }],
      { ExpectedMode: "any", ExpectedServers: "any", RdshExpected: "absent", LicensingEvents: "check" },
    ],
    ["RD Licensing role removed", [{ kind: "remove-licensing-role" }, { kind: "restart" }], { ExpectedMode: "any", ExpectedServers: "any", RdshExpected: "present", LicensingEvents: "check" }],
    ["restart only (pending role change): no licensing check yet", [{ kind: "restart" }], { ExpectedMode: "any", ExpectedServers: "any", RdshExpected: "any", LicensingEvents: "any" }],
  ];
  it.each(cases)("%s", (_name, steps, parameters) => {
    expect(verifyScriptCall(steps)).toEqual({ script: "verify", parameters });
    // The policy is not consulted.
    expect(verifyScriptCall(steps, policy({ licensingMode: 2, licenseServers: ["other.contoso.com"] }))).toEqual({ script: "verify", parameters });
  });
  it("never passes an empty parameter value", () => {
    for (const [, steps] of cases) {
      for (const value of Object.values(verifyScriptCall(steps).parameters)) expect(value).not.toBe("");
    }
  });
  it("refuses a step it cannot check", () => {
    expect(codeOf(() => verifyScriptCall([{ kind: "set-licensing-mode", mode: 6 as 4 }]))).toBe("invalid-licensing-mode");
    expect(codeOf(() => verifyScriptCall([{ kind: "set-license-servers", servers: ["a b"] }]))).toBe("invalid-license-server");
    expect(codeOf(() => verifyScriptCall([{ kind: "reboot" } as unknown as PlanStep]))).toBe("invalid-step");
    expect(codeOf(() => verifyScriptCall("restart" as unknown as PlanStep[]))).toBe("invalid-step");
  });
});

describe("restoreScriptCall: the exact value and kind, as data", () => {
  const fact = (kind: RegKind, value: Parameters<typeof encodeRegValue>[1]) => ({ kind, data: encodeRegValue(kind, value).toString("base64") });
  const multi = fact("REG_MULTI_SZ", ["LS01.contoso.com", " odd entry;$(x) ", "", "ls01.contoso.com."]);
  const good: Array<[string, LicensingBefore, Record<string, string>]> = [
    ["both absent", { licensingMode: null, licenseServers: null }, { LicensingMode: "absent", LicenseServers: "absent" }],
    ["both kept", { licensingMode: "keep", licenseServers: "keep" }, { LicensingMode: "keep", LicenseServers: "keep" }],
    ["mode 5 as a DWORD", { licensingMode: fact("REG_DWORD", 5), licenseServers: "keep" }, { LicensingMode: "REG_DWORD:BQAAAA==", LicenseServers: "keep" }],
    ["mode 0xFFFFFFFF", { licensingMode: fact("REG_DWORD", 4294967295), licenseServers: null }, { LicensingMode: "REG_DWORD://///w==", LicenseServers: "absent" }],
    ["mode as the REG_SZ it was", { licensingMode: fact("REG_SZ", "4"), licenseServers: null }, { LicensingMode: `REG_SZ:${fact("REG_SZ", "4").data}`, LicenseServers: "absent" }],
    ["any list content, spelling and empty entries kept, as data", { licensingMode: "keep", licenseServers: multi }, { LicensingMode: "keep", LicenseServers: `REG_MULTI_SZ:${multi.data}` }],
    ["an empty list", { licensingMode: "keep", licenseServers: fact("REG_MULTI_SZ", []) }, { LicensingMode: "keep", LicenseServers: "REG_MULTI_SZ:AAA=" }],
    ["a REG_SZ list", { licensingMode: "keep", licenseServers: fact("REG_SZ", "ls01,ls02") }, { LicensingMode: "keep", LicenseServers: `REG_SZ:${fact("REG_SZ", "ls01,ls02").data}` }],
    ["REG_BINARY", { licensingMode: fact("REG_BINARY", Buffer.from([1, 2, 3])), licenseServers: "keep" }, { LicensingMode: "REG_BINARY:AQID", LicenseServers: "keep" }],
    ["an empty REG_BINARY", { licensingMode: { kind: "REG_BINARY", data: "" }, licenseServers: "keep" }, { LicensingMode: "REG_BINARY:", LicenseServers: "keep" }],
  ];
  it.each(good)("%s", (_name, before, parameters) => {
    expect(restoreScriptCall(before)).toEqual({ script: "restore-licensing", parameters });
  });

  it("never sends an empty parameter", () => {
    for (const [, before] of good) {
      for (const value of Object.values(restoreScriptCall(before).parameters)) expect(value).not.toBe("");
    }
  });

  it("any number of entries with any characters travels as base64 only", () => {
    const entries = Array.from({ length: 25 }, (_, i) => `ls${i}'; rm C:\\ -r; "\r\n`);
    const call = restoreScriptCall({ licensingMode: "keep", licenseServers: fact("REG_MULTI_SZ", entries) });
    expect(call.parameters.LicenseServers).toMatch(/^REG_MULTI_SZ:[A-Za-z0-9+/]+={0,2}$/);
  });

  const servers = (licenseServers: unknown) => ({ licensingMode: "keep", licenseServers });
  const mode = (licensingMode: unknown) => ({ licensingMode, licenseServers: "keep" });
  const bad: Array<[string, unknown]> = [
    ["null", null],
    ["a list", [4, ["ls01"]]],
    ["a string", "4"],
    ["a number (no kind)", mode(4)],
    ["a list of names (no kind)", servers(["ls01.contoso.com"])],
    ["'absent' as a string (absent is null)", mode("absent")],
    ["'Keep' in another case", mode("Keep")],
    ["undefined (missing is not absent)", { licenseServers: null }],
    ["an unknown kind", mode({ kind: "REG_LINK", data: "AAAA" })],
    ["a kind in lower case", mode({ kind: "reg_dword", data: "BAAAAA==" })],
    ["no data (the probe left it out)", servers({ kind: "REG_MULTI_SZ", data: null })],
    ["data not base64", servers({ kind: "REG_MULTI_SZ", data: "bABz;AAA=" })],
    ["non-canonical base64 (unused bits set)", mode({ kind: "REG_DWORD", data: "BAAAAB==" })],
    ["base64 with whitespace", mode({ kind: "REG_DWORD", data: "BAAA AA==" })],
    ["a 3-byte DWORD", mode({ kind: "REG_DWORD", data: "BAAA" })],
    ["a 4-byte QWORD", mode({ kind: "REG_QWORD", data: "BAAAAA==" })],
    ["text without its NUL", servers({ kind: "REG_SZ", data: Buffer.from("ls01", "utf16le").toString("base64") })],
    ["odd-length text", servers({ kind: "REG_SZ", data: "AAAA" })],
    ["a list without its final NUL", servers({ kind: "REG_MULTI_SZ", data: Buffer.from("ls01\u0000", "utf16le").toString("base64") })],
    ["over 2048 bytes", servers({ kind: "REG_BINARY", data: Buffer.alloc(2049).toString("base64") })],
    ["extra keys are ignored but a missing kind is not", servers({ data: "AAA=" })],
  ];
  it.each(bad)("refuses %s with an InputError invalid-restore", (_name, before) => {
    expect(() => restoreScriptCall(before as LicensingBefore)).toThrow(InputError);
    expect(codeOf(() => restoreScriptCall(before as LicensingBefore))).toBe("invalid-restore");
  });
});
