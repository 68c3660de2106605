import { describe, expect, it } from "vitest";
import { ScriptFailedError } from "../../../src/domain/script-output";
import { isStepScriptName, parseStepOutput } from "../../../src/domain/step-output";
import type { StepScriptName } from "../../../src/domain/playbook";
import { codeOf } from "./probe-builder";

const digest = (kind: string, size: number, fill: string) => ({ kind, size, sha256: fill.repeat(64) });

const out = (script: string, fields: Record<string, unknown>) =>
  `${JSON.stringify({ rdpMedic: script, v: 1, ...fields })}\r\n`;

const cases: Array<[StepScriptName, Record<string, unknown>, Record<string, unknown>]> = [
  ["set-licensing-mode", { licensingMode: null, licensingModeKind: null, policyLicensingMode: null }, { licensingMode: 4, licensingModeKind: "REG_DWORD", policyLicensingMode: null }],
  [
    "set-licensing-mode",
    { licensingMode: null, licensingModeKind: "REG_SZ", policyLicensingMode: null },
    { licensingMode: 4, licensingModeKind: "REG_DWORD", policyLicensingMode: null },
  ],
  [
    "set-license-servers",
    { specifiedLicenseServers: ["old.contoso.com"], specifiedLicenseServersKind: "REG_SZ", policyLicenseServers: null },
    { specifiedLicenseServers: ["rdls01.contoso.com", "10.0.0.5"], specifiedLicenseServersKind: "REG_MULTI_SZ", policyLicenseServers: null },
  ],
  ["remove-rdsh-role", { rdshFeature: "Installed", rdshInstallState: 1 }, { rdshFeature: "UninstallPending", rdshInstallState: 1 }],
  ["remove-licensing-role", { licensingRoleFeature: "Installed" }, { licensingRoleFeature: "Available" }],
  [
    "restore-licensing",
    { licensingMode: digest("REG_DWORD", 4, "a"), policyLicensingMode: null, specifiedLicenseServers: digest("REG_MULTI_SZ", 38, "b"), policyLicenseServers: null },
    { licensingMode: null, policyLicensingMode: null, specifiedLicenseServers: null, policyLicenseServers: null },
  ],
  [
    "restore-licensing",
    { licensingMode: digest("REG_DWORD", 4, "c"), policyLicensingMode: 2, specifiedLicenseServers: digest("REG_MULTI_SZ", 2, "d"), policyLicenseServers: ["gpo.contoso.com"] },
    { licensingMode: digest("REG_SZ", 4, "e"), policyLicensingMode: 2, specifiedLicenseServers: digest("REG_SZ", 36, "f"), policyLicenseServers: ["gpo.contoso.com"] },
  ],
];

describe("parseStepOutput", () => {
  it.each(cases)("%s: reads changed, restartNeeded, before and after", (script, before, after) => {
    const parsed = parseStepOutput(script, `Running\r\n${out(script, { changed: true, restartNeeded: true, before, after })}`, "");
    expect(parsed).toEqual({ rdpMedic: script, v: 1, changed: true, restartNeeded: true, before, after });
  });

  it.each(cases)("%s: an unchanged (idempotent) run reports equal values", (script, _before, after) => {
    const parsed = parseStepOutput(script, out(script, { changed: false, restartNeeded: false, before: after, after }), "");
    expect(parsed.changed).toBe(false);
    expect(parsed.before).toEqual(parsed.after);
  });

  const state = (licensingMode: unknown) => ({ licensingMode, licensingModeKind: "REG_DWORD", policyLicensingMode: null });
  const ok = { changed: true, restartNeeded: true, before: state(2), after: state(4) };
  const bad: Array<[string, Record<string, unknown>, string]> = [
    ["changed but equal values", { ...ok, after: state(2) }, "output-invalid"],
    ["unchanged but different values", { ...ok, changed: false }, "output-invalid"],
    ["another script's state key", { ...ok, after: { rdshFeature: "Installed" } }, "output-invalid"],
    ["missing state key", { ...ok, after: { licensingMode: 4 } }, "output-invalid"],
    ["extra state key", { ...ok, after: { ...state(4), note: "x" } }, "output-invalid"],
    ["state not an object", { ...ok, before: [2] }, "output-invalid"],
    ["mode as a string", { ...ok, after: state("4") }, "output-invalid"],
    ["kind unknown", { ...ok, after: { ...state(4), licensingModeKind: "DWORD" } }, "output-invalid"],
    ["changed missing", { restartNeeded: true, before: ok.before, after: ok.after }, "output-invalid"],
    ["restartNeeded as 3010", { ...ok, restartNeeded: 3010 }, "output-invalid"],
    ["prototype key in state", { ...ok, after: JSON.parse('{"licensingMode":4,"__proto__":{"policyLicensingMode":4}}') }, "output-invalid"],
  ];

  it.each(bad)("rejects %s", (_name, fields, code) => {
    expect(codeOf(() => parseStepOutput("set-licensing-mode", out("set-licensing-mode", fields), ""))).toBe(code);
  });

  const restoreState = { licensingMode: digest("REG_DWORD", 4, "a"), policyLicensingMode: null, specifiedLicenseServers: null, policyLicenseServers: null };
  const restoreOk = { changed: true, restartNeeded: true, before: restoreState, after: { ...restoreState, licensingMode: digest("REG_DWORD", 4, "b") } };
  const badRestore: Array<[string, Record<string, unknown>]> = [
    ["only the mode keys (set-licensing-mode's state)", { ...restoreOk, after: { licensingMode: null, licensingModeKind: null, policyLicensingMode: null } }],
    ["only the server keys (set-license-servers' state)", { ...restoreOk, before: { specifiedLicenseServers: null, specifiedLicenseServersKind: null, policyLicenseServers: null } }],
    ["an extra key", { ...restoreOk, after: { ...restoreOk.after, legacyPathLicenseServers: null } }],
    ["the data itself instead of a digest", { ...restoreOk, after: { ...restoreOk.after, specifiedLicenseServers: ["ls01"] } }],
    ["a mode as a number", { ...restoreOk, after: { ...restoreOk.after, licensingMode: 4 } }],
    ["a digest of an unknown kind", { ...restoreOk, after: { ...restoreOk.after, licensingMode: digest("REG_LINK", 4, "b") } }],
    ["a digest that is not hex", { ...restoreOk, after: { ...restoreOk.after, licensingMode: digest("REG_DWORD", 4, "g") } }],
    ["a digest with the data beside it", { ...restoreOk, after: { ...restoreOk.after, licensingMode: { ...digest("REG_DWORD", 4, "b"), data: "BAAAAA==" } } }],
    ["changed but equal values", { ...restoreOk, after: restoreState }],
    ["unchanged but different values", { ...restoreOk, changed: false }],
  ];
  it.each(badRestore)("restore-licensing: rejects %s", (_name, fields) => {
    expect(codeOf(() => parseStepOutput("restore-licensing", out("restore-licensing", fields), ""))).toBe("output-invalid");
  });

  it("restore-licensing: the script's own error line is a ScriptFailedError", () => {
    const line = JSON.stringify({ rdpMedic: "restore-licensing", v: 1, error: { code: "invalid-parameter", message: "LicensingMode must be 'keep', 'absent' or <KIND>:<base64>: not of that form." } });
    expect(() => parseStepOutput("restore-licensing", line, "")).toThrow(ScriptFailedError);
  });

  it("rejects output of a different step script, stderr, and a non-step script name", () => {
    expect(codeOf(() => parseStepOutput("restore-licensing", out("set-licensing-mode", ok), ""))).toBe("output-wrong-script");
    expect(codeOf(() => parseStepOutput("set-license-servers", out("set-licensing-mode", ok), ""))).toBe("output-wrong-script");
    expect(codeOf(() => parseStepOutput("remove-rdsh-role", "", "dism failed: 0x800f0922"))).toBe("script-stderr");
    expect(codeOf(() => parseStepOutput("probe" as StepScriptName, out("probe", ok), ""))).toBe("invalid-script");
    expect(isStepScriptName("restore-licensing")).toBe(true);
  });
});
