import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkContinuationToken, createSweepLedger } from "../../../src/azure/sweep-ledger";
import { InputError } from "../../../src/errors";

const token = (value: unknown) => Buffer.from(JSON.stringify(value), "latin1").toString("base64");

describe("continuation tokens from callers", () => {
  it("accepts what the Table client makes of a page's next keys", () => {
    expect(() => checkContinuationToken(token({ nextPartitionKey: "checks_sweep-a", nextRowKey: "00000001_abc" }))).not.toThrow();
    expect(() => checkContinuationToken(token({ nextPartitionKey: "1!20!Y2hlY2tz" }))).not.toThrow();
  });

  it.each([
    ["not base64", "ls01'.contoso.com"],
    ["base64 of text", Buffer.from("hello").toString("base64")],
    ["base64 of null", token(null)],
    ["base64 of a number", token(1)],
    ["base64 of a list", token(["a"])],
    ["no partition key", token({ nextRowKey: "x" })],
    ["empty partition key", token({ nextPartitionKey: "" })],
    ["partition key not a string", token({ nextPartitionKey: 5 })],
    ["row key not a string", token({ nextPartitionKey: "p", nextRowKey: {} })],
    ["too long", token({ nextPartitionKey: "p".repeat(5000) })],
  ])("refuses %s with continuation-token-invalid", (_name, value) => {
    let error: unknown;
    try {
      checkContinuationToken(value);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).code).toBe("continuation-token-invalid");
    expect((error as InputError).status).toBe(400);
  });

  it("listChecks refuses any malformed token before it reaches the Table client", async () => {
    // Unreachable endpoint: a refusal must come before any request.
    const ledger = createSweepLedger({
      tableEndpoint: "https://127.0.0.1:1",
      tableName: "sweeps",
      credential: { getToken: async () => ({ token: "t", expiresOnTimestamp: Date.now() + 3_600_000 }) },
    });
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 200 }), async (junk) => {
        let decoded: unknown;
        try {
          decoded = JSON.parse(Buffer.from(junk, "base64").toString("latin1"));
        } catch {
          decoded = undefined;
        }
        fc.pre(typeof (decoded as { nextPartitionKey?: unknown } | undefined)?.nextPartitionKey !== "string");
        await expect(ledger.listChecks("sweep-a", { limit: 10, continuationToken: junk })).rejects.toMatchObject({ code: "continuation-token-invalid" });
      }),
      { numRuns: 200 },
    );
  });
});
