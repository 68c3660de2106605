import { describe, expect, it } from "vitest";
import { forLog } from "../../../src/domain/printable";

describe("log lines (forLog)", () => {
  it("one value can never become two lines, reorder its neighbours or hide characters", () => {
    const forged = "rule\r\n2026-01-01 [Error] run approved by ciso\u202Eexe.txt\u2066x\u2069\u200B\u0000\u001b[31m\u0085\u2028\u2029\ufeff\u061c\u200e\u200f";
    const line = forLog(forged);
    expect(line).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/);
    expect(line).toBe(
      "rule\\u000D\\u000A2026-01-01 [Error] run approved by ciso\\u202Eexe.txt\\u2066x\\u2069\\u200B\\u0000\\u001B[31m\\u0085\\u2028\\u2029\\uFEFF\\u061C\\u200E\\u200F",
    );
  });

  it("keeps ordinary text, accents and CJK readable", () => {
    expect(forLog("run on vm-東京-01 by renée@contoso.com (ok)")).toBe("run on vm-東京-01 by renée@contoso.com (ok)");
  });

  it("bounds the line and says how long the value was", () => {
    const line = forLog("x".repeat(5000), 100);
    expect(line).toBe(`${"x".repeat(100)}... (5000 characters)`);
    expect(forLog("x".repeat(100), 100)).toBe("x".repeat(100));
  });
});
