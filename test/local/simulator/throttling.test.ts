import { describe, expect, it } from "vitest";
import { TokenBucket } from "../../../local/simulator/throttling";
import { SUB } from "./fixtures";
import { armToken, computeClient, rawRequest, harnessPerTest } from "./harness";

const VM = (name: string) => `/subscriptions/${SUB}/resourceGroups/rg-app/providers/Microsoft.Compute/virtualMachines/${name}`;

describe("token bucket", () => {
  it("starts full, refills at its rate up to its size, and says how long until the next token", () => {
    const bucket = new TokenBucket(3, 1 / 1000, 0);
    for (let i = 0; i < 3; i++) {
      expect(bucket.waitMs(0)).toBe(0);
      bucket.take();
    }
    expect(bucket.waitMs(0)).toBe(1000);
    expect(bucket.waitMs(400)).toBe(600);
    expect(bucket.available(10_000)).toBe(3);
  });
});

describe("simulator: throttling", () => {
  const start = harnessPerTest();

  it("is off by default: many restarts in a row are all accepted", async () => {
    const h = await start();
    const sim = h.sim;
    const token = await armToken(sim);
    for (let i = 0; i < 20; i++) {
      const res = await rawRequest(sim, "POST", `${VM("vm1")}/restart?api-version=2026-03-01`, { token });
      expect(res.status).toBe(202);
    }
  });

  it("Compute per-VM Update budget: 12 at once, then 429 with Retry-After until a token refills (4 per minute)", async () => {
    let now = Date.parse("2025-01-01T00:00:00Z");
    const h = await start({ clock: () => new Date(now), throttling: { enabled: true } });
    const sim = h.sim;
    const token = await armToken(sim);
    const restart = (vm: string) => rawRequest(sim!, "POST", `${VM(vm)}/restart?api-version=2026-03-01`, { token });
    const remaining: string[] = [];
    for (let i = 0; i < 12; i++) {
      const res = await restart("vm1");
      expect(res.status).toBe(202);
      remaining.push(res.headers["x-ms-ratelimit-remaining-resource"] ?? "");
    }
    expect(remaining[0]).toBe("Microsoft.Compute/UpdateVM;11");
    expect(remaining[11]).toBe("Microsoft.Compute/UpdateVM;0");
    const throttled = await restart("vm1");
    expect(throttled.status).toBe(429);
    expect(throttled.headers["retry-after"]).toBe("15");
    expect(throttled.headers["x-ms-ratelimit-remaining-resource"]).toBe("Microsoft.Compute/UpdateVM;0");
    expect(throttled.body).toMatchObject({
      error: { code: "OperationNotAllowed", details: [{ code: "TooManyRequests", target: "UpdateVM" }] },
    });
    expect((await rawRequest(sim, "POST", `${VM("vm2")}/start?api-version=2026-03-01`, { token })).status).toBe(202);
    now += 15_000;
    expect((await restart("vm1")).status).toBe(202);
    expect((await restart("vm1")).status).toBe(429);
    expect(sim.requestLog.entries().filter((e) => e.throttled).map((e) => e.status)).toEqual([429, 429]);
  });

  it("ARM subscription read bucket: SubscriptionRequestsThrottled, retried by the SDK per x-ms-retry-after-ms, then refilled", async () => {
    let now = Date.parse("2025-01-01T00:00:00Z");
    const h = await start({ clock: () => new Date(now), throttling: { enabled: true, capacityScale: 0.02, retryAfterMsHeader: true } });
    const sim = h.sim;
    const compute = computeClient(sim);
    const names = async () => {
      const out = [];
      for await (const vm of compute.virtualMachines.listAll()) out.push(vm.name);
      return out;
    };
    for (let i = 0; i < 5; i++) await names();
    const reads = sim.requestLog.entries().map((e) => e.status);
    expect(reads).toEqual([200, 200, 200, 200, 200]);
    await expect(names()).rejects.toMatchObject({ statusCode: 429, code: "SubscriptionRequestsThrottled" });
    const refused = sim.requestLog.entries().slice(5);
    expect(refused).toHaveLength(4);
    expect(refused.every((e) => e.status === 429 && e.throttled === true)).toBe(true);
    now += 1000;
    expect(await names()).toHaveLength(3);
  });

  it("rateScale makes budgets refill faster for benchmarks", async () => {
    let now = Date.parse("2025-01-01T00:00:00Z");
    const h = await start({ clock: () => new Date(now), throttling: { enabled: true, rateScale: 60 } });
    const sim = h.sim;
    const token = await armToken(sim);
    for (let i = 0; i < 12; i++) await rawRequest(sim, "POST", `${VM("vm1")}/restart?api-version=2026-03-01`, { token });
    const throttled = await rawRequest(sim, "POST", `${VM("vm1")}/restart?api-version=2026-03-01`, { token });
    expect(throttled.status).toBe(429);
    expect(throttled.headers["retry-after"]).toBe("1");
    now += 250;
    expect((await rawRequest(sim, "POST", `${VM("vm1")}/restart?api-version=2026-03-01`, { token })).status).toBe(202);
  });
});
