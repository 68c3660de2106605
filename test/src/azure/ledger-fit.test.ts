import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cutText, dropStepValues, fitList, shrinkStepValues, shrinkValue } from "../../../src/azure/ledger-fit";
import type { StepResult } from "../../../src/domain/run-record";

describe("fitting parts into property limits", () => {
  it("keeps lists that fit untouched", () => {
    const items = [{ a: 1 }, { a: 2 }];
    expect(fitList(items, 100)).toEqual({ items, json: JSON.stringify(items), truncated: false });
  });

  it("always yields valid JSON within the limit", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: "binary", maxLength: 300 }), { maxLength: 60 }), fc.integer({ min: 2, max: 2000 }), (items, max) => {
        const fitted = fitList(items, max, [(s, share) => cutText(s, share - 10)]);
        expect(fitted.json.length).toBeLessThanOrEqual(max);
        expect(JSON.parse(fitted.json)).toEqual(fitted.items);
        expect(fitted.truncated).toBe(JSON.stringify(items).length > max);
      }),
    );
  });

  it("never cuts a surrogate pair in half", () => {
    const text = "a😀😀";
    expect(cutText(text, 2)).toBe("a");
    expect(cutText(text, 3)).toBe("a😀");
    expect(cutText(text, 10)).toBe(text);
  });

  it("replaces an oversized value by a marker with its start", () => {
    const value = { log: "z".repeat(1000) };
    expect(shrinkValue(value, 2000)).toBe(value);
    const small = shrinkValue(value, 200);
    expect(small).toMatchObject({ truncated: true, originalChars: JSON.stringify(value).length });
    expect(JSON.stringify(small).length).toBeLessThanOrEqual(200);
    expect(String(small.preview).startsWith('{"log":"zzz')).toBe(true);
  });

  it("shrinks step values first, then drops them, keeping step and status", () => {
    const step: StepResult = {
      step: { kind: "restart" },
      status: "failed",
      before: { a: "x".repeat(5000) },
      after: { b: 1 },
      error: "e".repeat(5000),
    };
    const shrunk = shrinkStepValues(step, 2000);
    expect(shrunk).toMatchObject({ step: step.step, status: "failed", after: { b: 1 }, truncated: true });
    expect(JSON.stringify(shrunk).length).toBeLessThan(2200);
    expect(shrinkStepValues({ ...step, before: {}, error: "short" }, 2000)).toEqual({ ...step, before: {}, error: "short" });
    expect(dropStepValues(step)).toMatchObject({ step: step.step, status: "failed", before: { truncated: true }, truncated: true });
  });
});
