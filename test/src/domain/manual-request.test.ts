import { describe, expect, it } from "vitest";
import { parseDecisionBody, parseManualRunRequest, parseRunListQuery } from "../../../src/domain/manual-request";

const vmId = "/subscriptions/6e0f3c54-1b6e-4a3b-9d2f-2f1c8b7a9e10/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1";

describe("manual run request", () => {
  it("accepts vmId and dryRun", () => {
    expect(parseManualRunRequest(JSON.stringify({ vmId, dryRun: true }))).toMatchObject({ dryRun: true, vm: { name: "vm1" } });
    expect(parseManualRunRequest(JSON.stringify({ vmId })).dryRun).toBe(false);
  });
  it.each([
    ["not json", "{", "body-not-json"],
    ["array", "[]", "body-invalid"],
    ["missing vmId", "{}", "vm-id-missing"],
    ["bad vmId", JSON.stringify({ vmId: "vm1" }), "vm-id-invalid"],
    ["dryRun as string", JSON.stringify({ vmId, dryRun: "yes" }), "dry-run-invalid"],
    ["unknown field", JSON.stringify({ vmId, force: true }), "unknown-field"],
    ["prototype key", `{"vmId":"${vmId}","__proto__":{"x":1}}`, "unknown-field"],
  ])("%s -> %s", (_name, body, code) => {
    expect(() => parseManualRunRequest(body)).toThrow(expect.objectContaining({ code }));
  });
});

describe("approval decision body", () => {
  it("empty body is allowed", () => {
    expect(parseDecisionBody("")).toEqual({});
    expect(parseDecisionBody("{}")).toEqual({});
    expect(parseDecisionBody(JSON.stringify({ comment: "  " }))).toEqual({});
  });
  it("keeps the comment, line breaks and all", () =>
    expect(parseDecisionBody(JSON.stringify({ comment: "ok\nchecked with the license team" }))).toEqual({ comment: "ok\nchecked with the license team" }));
  it("never takes who decides from the body: a by field is refused", () => {
    expect(() => parseDecisionBody(JSON.stringify({ by: "ciso@contoso.com" }))).toThrow(expect.objectContaining({ code: "unknown-field" }));
    expect(() => parseDecisionBody(JSON.stringify({ comment: "ok", by: "ciso@contoso.com" }))).toThrow(expect.objectContaining({ code: "unknown-field" }));
  });
  it("refuses control and bidi characters, long comments and unknown fields", () => {
    for (const comment of ["a\rb", "a\u0000b", "a\u202eb", "a\u200db", "x".repeat(1001), 42]) {
      expect(() => parseDecisionBody(JSON.stringify({ comment })), JSON.stringify(comment)).toThrow(expect.objectContaining({ code: "comment-invalid" }));
    }
    expect(parseDecisionBody(JSON.stringify({ comment: "x".repeat(1000) })).comment).toHaveLength(1000);
    expect(() => parseDecisionBody(JSON.stringify({ approve: true }))).toThrow(expect.objectContaining({ code: "unknown-field" }));
  });
  it("refuses a comment given twice (the last would win in JSON.parse)", () => {
    expect(() => parseDecisionBody('{"comment":"first","comment":"second"}')).toThrow(expect.objectContaining({ code: "duplicate-key" }));
  });
});

describe("run list query", () => {
  const query = (q: Record<string, string>) => ({ get: (name: string) => q[name] ?? null });
  it("accepts vm, since, until and limit", () => {
    const parsed = parseRunListQuery(query({ vm: vmId, since: "2026-11-01T00:00:00Z", until: "2026-11-25T00:00:00Z", limit: "5" }));
    expect(parsed).toMatchObject({ vm: { name: "vm1" }, limit: 5 });
    expect(parsed.since?.toISOString()).toBe("2026-11-01T00:00:00.000Z");
  });
  it.each([
    [{ since: "yesterday" }, "since-invalid"],
    [{ since: "1969-12-31T00:00:00Z" }, "since-invalid"],
    [{ until: "0001-01-01" }, "until-invalid"],
    [{ since: "2026-11-25T00:00:00Z", until: "2026-11-01T00:00:00Z" }, "range-invalid"],
    [{ limit: "0" }, "limit-invalid"],
    [{ limit: "1001" }, "limit-invalid"],
    [{ vm: "vm1" }, "vm-id-invalid"],
  ])("%j -> %s", (q, code) => {
    expect(() => parseRunListQuery(query(q as Record<string, string>))).toThrow(expect.objectContaining({ code }));
  });
});
