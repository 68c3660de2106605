import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startAzureSimulator, validateScenario, type AzureSimulator } from "../../../local/simulator";
import { createExpireSnapshots } from "../../../src/activities/expire-snapshots";
import { ComputeClients } from "../../../src/azure/compute-client";
import { computeSnapshotStore, deleteFailure, type SnapshotStore } from "../../../src/azure/snapshot-cleanup";
import { parseScope } from "../../../src/domain/scope";
import { echoRuntime, guest } from "../../local/simulator/fixtures";
import { osDiskId, ourTags, seedSnapshots } from "../../fixtures/simulated-snapshots";

const SUB = "6e0f3c54-1b6e-4a3b-9d2f-2f1c8b7a9e10";
const SUB_B = "0a9b8c7d-6e5f-4a3b-8c1d-2e3f4a5b6c7d";
const DAY = 86_400_000;
const NOW = new Date();

const vm = (sub: string, rg: string, name: string) => ({
  subscriptionId: sub,
  resourceGroup: rg,
  name,
  location: "westeurope",
  powerState: "running" as const,
  agentReady: true,
  osDisk: { name: `${name}-os`, managed: true },
  guest: guest(name.toUpperCase()),
});

let sim: AzureSimulator;
let store: SnapshotStore;

beforeAll(async () => {
  sim = await startAzureSimulator({
    scenario: validateScenario({ vms: [vm(SUB, "rg-rdsh", "a1"), vm(SUB, "rg-other", "a2"), vm(SUB_B, "rg-b", "b1")] }),
    guestRuntime: echoRuntime(),
  });
  store = computeSnapshotStore(new ComputeClients(sim.tokenCredential, { armEndpoint: sim.armEndpoint, caCertPem: sim.caCertPem }));
});
afterAll(async () => sim?.stop());

const inA = (name: string, tags?: Record<string, string>, rg = "rg-rdsh") => ({
  subscriptionId: SUB,
  resourceGroup: rg,
  name,
  location: "westeurope",
  sourceDiskId: osDiskId(SUB, rg, rg === "rg-rdsh" ? "a1-os" : "a2-os"),
  ...(tags ? { tags } : {}),
});
const inB = (name: string, tags?: Record<string, string>) => ({
  subscriptionId: SUB_B,
  resourceGroup: "rg-b",
  name,
  location: "westeurope",
  sourceDiskId: osDiskId(SUB_B, "rg-b", "b1-os"),
  ...(tags ? { tags } : {}),
});

const ago = (days: number) => new Date(NOW.getTime() - days * DAY);
const names = () => sim.listSnapshots().map((s) => s.name).sort();
const deletes = () => sim.requestLog.entries().filter((e) => e.method === "DELETE");

async function clearSnapshots(): Promise<void> {
  for (const s of sim.listSnapshots()) {
    const ref = /\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\//i.exec(s.id)!;
    await store.delete({ subscriptionId: ref[1]!, resourceGroup: ref[2]!, name: s.name });
  }
  sim.requestLog.clear();
  sim.clearFaults();
}

describe("expire snapshots (real SDK against the simulator)", () => {
  beforeEach(clearSnapshots);

  it("deletes exactly the expired snapshots of ours in the allowed scopes; keeps everything else with its reason", async () => {
    await seedSnapshots(sim, [
      inA("rdpmedic-a1-expired", ourTags(ago(1))),
      inA("rdpmedic-a1-fresh", ourTags(ago(-6))),
      inA("nightly-backup", { owner: "ops" }),
      inA("rdpmedic-a1-forged", { "rdp-medic-created-by": "rdp-medic" }),
      inA("rdpmedic-a2-expired", ourTags(ago(1)), "rg-other"),
      inB("rdpmedic-b1-expired", ourTags(ago(3))),
      inB("rdpmedic_b1_lookalike", ourTags(ago(3))),
    ]);
    sim.requestLog.clear();
    const scopes = [
      `/subscriptions/${SUB}/resourceGroups/rg-rdsh`,
      `/subscriptions/${SUB_B}`,
      `/subscriptions/${SUB_B}/resourceGroups/rg-b`,
      `/subscriptions/${SUB}/resourceGroups/rg-gone`,
    ].map(parseScope);

    const result = await createExpireSnapshots({ config: { allowedScopes: scopes }, snapshots: store, now: () => NOW })();

    expect(result.deleted.map((id) => id.split("/").pop()).sort()).toEqual(["rdpmedic-a1-expired", "rdpmedic-b1-expired"]);
    expect(result.examined).toBe(6); // rg-other is not listed at all; rg-b is listed once, with its subscription
    expect(Object.fromEntries(result.kept.map((k) => [k.id.split("/").pop(), k.reason]))).toEqual({
      "rdpmedic-a1-fresh": "not-expired",
      "nightly-backup": "not-created-by-us",
      "rdpmedic-a1-forged": "no-expiry",
      rdpmedic_b1_lookalike: "name-not-ours",
    });
    expect(result.failed).toEqual([{ id: `/subscriptions/${SUB}/resourceGroups/rg-gone`, code: "ResourceGroupNotFound" }]);

    expect(names()).toEqual(["nightly-backup", "rdpmedic-a1-forged", "rdpmedic-a1-fresh", "rdpmedic-a2-expired", "rdpmedic_b1_lookalike"]);
    expect(deletes().map((e) => e.path.split("/").pop()).sort()).toEqual(["rdpmedic-a1-expired", "rdpmedic-b1-expired"]);
    const lists = sim.requestLog.entries().filter((e) => e.operation.startsWith("snapshot.list"));
    expect(lists.map((e) => `${e.operation} ${e.status}`).sort()).toEqual(["snapshot.list 200", "snapshot.list 404", "snapshot.listAll 200"]);
    expect(sim.requestLog.entries().filter((e) => e.stateChanging && e.method !== "DELETE")).toEqual([]);
  });

  it("sends at most maxDeletions per run, longest expired first; the next run takes the rest", async () => {
    await seedSnapshots(sim, [
      inA("rdpmedic-a1-one-day", ourTags(ago(1))),
      inA("rdpmedic-a1-three-days", ourTags(ago(3))),
      inA("rdpmedic-a1-two-days", ourTags(ago(2))),
    ]);
    const expire = createExpireSnapshots({ config: { allowedScopes: [parseScope(`/subscriptions/${SUB}`)] }, snapshots: store, now: () => NOW, maxDeletions: 2 });

    const first = await expire();
    expect(first.deleted.map((id) => id.split("/").pop()).sort()).toEqual(["rdpmedic-a1-three-days", "rdpmedic-a1-two-days"]);
    expect(first.kept).toEqual([{ id: expect.stringMatching(/rdpmedic-a1-one-day$/), reason: "deferred" }]);
    expect(names()).toEqual(["rdpmedic-a1-one-day"]);

    const second = await expire();
    expect(second.deleted.map((id) => id.split("/").pop())).toEqual(["rdpmedic-a1-one-day"]);
    expect(names()).toEqual([]);
  });

  it("a DELETE that keeps failing is reported with its ARM code; the snapshot stays for the next run", async () => {
    await seedSnapshots(sim, [inA("rdpmedic-a1-stuck", ourTags(ago(2)))]);
    sim.addFault({ match: { operation: "snapshot.delete" }, effect: { status: 503, retryAfterSeconds: 0 } });
    const expire = createExpireSnapshots({ config: { allowedScopes: [parseScope(`/subscriptions/${SUB}`)] }, snapshots: store, now: () => NOW });

    const failing = await expire();
    expect(failing.failed).toEqual([{ id: expect.stringMatching(/rdpmedic-a1-stuck$/), code: "ServiceUnavailable" }]);
    expect(failing.deleted).toEqual([]);
    expect(names()).toEqual(["rdpmedic-a1-stuck"]);
    expect(deletes().length).toBeGreaterThan(1); // the SDK retried before giving up

    sim.clearFaults();
    const next = await expire();
    expect(next.deleted).toEqual([expect.stringMatching(/rdpmedic-a1-stuck$/)]);
    expect(names()).toEqual([]);
  });

  it("a snapshot ARM refuses to delete with 409 (in use) is kept for the next run, and the run goes on", async () => {
    await seedSnapshots(sim, [inA("rdpmedic-a1-source", ourTags(ago(2))), inA("rdpmedic-a1-idle", ourTags(ago(2)))]);
    // The simulator does not model a disk copy holding its source snapshot; Azure answers such a DELETE with 409.
    const inUse: SnapshotStore = {
      list: (scope) => store.list(scope),
      delete: async (ref) =>
        ref.name === "rdpmedic-a1-source"
          ? deleteFailure(Object.assign(new Error("Snapshot rdpmedic-a1-source is currently in use by a disk copy."), { statusCode: 409, code: "OperationNotAllowed" }))
          : store.delete(ref),
    };

    const result = await createExpireSnapshots({ config: { allowedScopes: [parseScope(`/subscriptions/${SUB}`)] }, snapshots: inUse, now: () => NOW })();

    expect(result.kept).toEqual([{ id: expect.stringMatching(/rdpmedic-a1-source$/), reason: "in-use", detail: "OperationNotAllowed" }]);
    expect(result.deleted).toEqual([expect.stringMatching(/rdpmedic-a1-idle$/)]);
    expect(result.failed).toEqual([]);
  });

  it("nothing is listed or deleted without allowed scopes", async () => {
    await seedSnapshots(sim, [inA("rdpmedic-a1-expired", ourTags(ago(1)))]);
    sim.requestLog.clear();
    const result = await createExpireSnapshots({ config: { allowedScopes: [] }, snapshots: store, now: () => NOW })();
    expect(result).toEqual({ examined: 0, deleted: [], kept: [], failed: [] });
    expect(sim.requestLog.entries()).toEqual([]);
  });
});

describe("DELETE answers", () => {
  const restError = (statusCode: number, code: string) => Object.assign(new Error("m"), { statusCode, code });
  it.each([
    [restError(409, "OperationNotAllowed"), "conflict"],
    [restError(409, "Conflict"), "conflict"],
    [restError(404, "ResourceGroupNotFound"), "not-found"],
    [restError(403, "AuthorizationFailed"), "failed"],
    [restError(503, "ServiceUnavailable"), "failed"],
  ])("%s -> %s", (error, outcome) => {
    expect(deleteFailure(error).outcome).toBe(outcome);
  });
});
