import { describe, expect, it } from "vitest";
import { compactOperation, expandOperation, retryAfterSeconds } from "../../../src/azure/sweep-probes";
import { vmRef } from "../../../src/domain/resource-id";

const SUB = "11111111-2222-4333-8444-555555555555";
const vm = vmRef(SUB, "rg-app", "vm1");
const endpoint = "https://management.azure.com";
const op = `${endpoint}/subscriptions/${SUB}/providers/Microsoft.Compute/locations/westeurope/operations/56b79944-10b7-4ca8-bdf2-f51f93e630e8?p=6f62cce1-4576-4a69-9e13-f9164e345630`;
/** What @azure/arm-compute 24.1's poller serializes for a Run Command (recorded against the simulator). */
const state = JSON.stringify({
  state: {
    status: "running",
    config: {
      metadata: { mode: "OperationLocation" },
      operationLocation: `${op}&api-version=2026-03-01`,
      resourceLocation: `${op}&monitor=true&api-version=2026-03-01`,
      initialRequestUrl: `${endpoint}/subscriptions/${SUB}/resourceGroups/rg-app/providers/Microsoft.Compute/virtualMachines/vm1/runCommand?api-version=2026-03-01`,
      requestMethod: "POST",
    },
  },
});

describe("compact Run Command operations", () => {
  it("keep only location, operation, p and api-version, and expand back to the exact poller state", () => {
    const compact = compactOperation(state, endpoint, vm);
    expect(compact).toBe("c|westeurope|56b79944-10b7-4ca8-bdf2-f51f93e630e8|6f62cce1-4576-4a69-9e13-f9164e345630|2026-03-01");
    expect(compact.length).toBeLessThan(state.length / 6);
    expect(expandOperation(compact, endpoint, vm)).toBe(state);
  });

  it("keep a state of another shape whole (a future SDK, another endpoint)", () => {
    const other = state.replace('"OperationLocation"', '"Location"');
    expect(compactOperation(other, endpoint, vm)).toBe(`f|${other}`);
    expect(expandOperation(compactOperation(other, endpoint, vm), endpoint, vm)).toBe(other);
    expect(compactOperation(state, "https://management.usgovcloudapi.net", vm)).toBe(`f|${state}`);
    expect(compactOperation("not json", endpoint, vm)).toBe("f|not json");
  });

  it("refuse a malformed compact form", () => {
    expect(() => expandOperation("c|westeurope", endpoint, vm)).toThrow(/not a compact operation/);
  });
});

describe("retryAfterSeconds", () => {
  const withHeaders = (h: Record<string, string>) => ({ response: { headers: { get: (n: string) => h[n.toLowerCase()] } } });
  it.each([
    [{ "retry-after": "7" }, 7],
    [{ "x-ms-retry-after-ms": "1500", "retry-after": "2" }, 1.5],
    [{ "retry-after-ms": "250" }, 0.25],
    [{}, 0],
    [{ "retry-after": "soon" }, 0],
  ])("%j -> %d s", (headers, seconds) => {
    expect(retryAfterSeconds(withHeaders(headers))).toBe(seconds);
  });
  it("an HTTP date counts from now; no response at all is 0", () => {
    const inTen = new Date(Date.now() + 10_000).toUTCString();
    expect(retryAfterSeconds(withHeaders({ "retry-after": inTen }))).toBeGreaterThan(8);
    expect(retryAfterSeconds(new Error("x"))).toBe(0);
  });
});
