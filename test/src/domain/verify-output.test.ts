import { describe, expect, it } from "vitest";
import { parseVerifyOutput } from "../../../src/domain/verify-output";
import { codeOf } from "./probe-builder";

const check = (name: string, ok: boolean, detail = "") => ({ name, ok, detail });
const out = (fields: Record<string, unknown>) => `${JSON.stringify({ rdpMedic: "verify", v: 1, ...fields })}\n`;

describe("parseVerifyOutput", () => {
  it("reads a passing and a failing report", () => {
    const passing = [check("licensing-mode", true, "4"), check("license-server:rdls01.contoso.com", true), check("license-server:fd00::5", true), check("rdp-listener", true)];
    expect(parseVerifyOutput(out({ ok: true, checks: passing }), "")).toEqual({ rdpMedic: "verify", v: 1, ok: true, checks: passing });
    const failing = [check("licensing-mode", false, "expected 4, found 2"), check("rdp-listener", true)];
    expect(parseVerifyOutput(out({ ok: false, checks: failing }), "").ok).toBe(false);
  });

  const bad: Array<[string, Record<string, unknown>]> = [
    ["ok true with a failing check", { ok: true, checks: [check("licensing-mode", false)] }],
    ["ok false with all checks passing", { ok: false, checks: [check("licensing-mode", true)] }],
    ["no checks", { ok: true, checks: [] }],
    ["duplicate check names", { ok: true, checks: [check("a", true), check("a", true)] }],
    ["check name with spaces", { ok: true, checks: [check("Licensing Mode", true)] }],
    ["check name with a server part holding spaces", { ok: true, checks: [check("license-server:a b", true)] }],
    ["check name with an empty server part", { ok: true, checks: [check("license-server:", true)] }],
    ["detail too long", { ok: true, checks: [check("a", true, "d".repeat(1001))] }],
    ["too many checks", { ok: true, checks: Array.from({ length: 25 }, (_, i) => check(`c${i}`, true)) }],
    ["ok as a string", { ok: "true", checks: [check("a", true)] }],
    ["check not an object", { ok: true, checks: ["licensing-mode"] }],
    ["unknown field", { ok: true, checks: [check("a", true)], extra: 1 }],
  ];

  it.each(bad)("rejects %s with output-invalid", (_name, fields) => {
    expect(codeOf(() => parseVerifyOutput(out(fields), ""))).toBe("output-invalid");
  });
});
