import { describe, expect, it } from "vitest";
import { and, anyOf, compare, literal } from "../../../src/azure/ledger-odata";

describe("OData filter pieces", () => {
  it("doubles single quotes inside literals", () => {
    expect(literal("x' or PartitionKey ne '")).toBe("'x'' or PartitionKey ne '''");
    expect(compare("vmId", "eq", "o'brien")).toBe("vmId eq 'o''brien'");
  });

  it("refuses property names that are not identifiers", () => {
    expect(() => compare("a or b", "eq", "x")).toThrow();
  });

  it("groups clauses and skips empty ones", () => {
    expect(and("a eq 'b'", undefined, "c eq 'd'")).toBe("(a eq 'b') and (c eq 'd')");
    expect(anyOf("verdict", ["failed", "healthy"])).toBe("verdict eq 'failed' or verdict eq 'healthy'");
    expect(anyOf("verdict", [])).toBeUndefined();
  });
});
