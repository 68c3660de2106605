import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOfflineApp, type OfflineApp } from "../../local/offline/offline-app";
import { loadScenario } from "../../local/offline/scenario-file";
import type { ExpireSnapshotsResult } from "../../src/activities/expire-snapshots";
import { osDiskId, ourTags, seedSnapshots, type SeedSnapshot } from "../fixtures/simulated-snapshots";
import { e2eGuest, FOREIGN_SUB, SUB, e2eSimulator } from "./harness";

const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY);

const inScopeGroup = (name: string, tags?: Record<string, string>): SeedSnapshot => ({
  subscriptionId: SUB, resourceGroup: "rg-rdsh", name, location: "westeurope",
  sourceDiskId: osDiskId(SUB, "rg-rdsh", "rdsh-a-os"), ...(tags ? { tags } : {}),
});

/** Every kind of snapshot the timer meets: only the two marked "delete" may go. */
const SNAPSHOTS: Array<SeedSnapshot & { expect: "delete" | "keep" }> = [
  { ...inScopeGroup("rdpmedic-rdsh-a-20260101t000000z", ourTags(ago(1))), expect: "delete" },
  { ...inScopeGroup("rdpmedic-rdsh-a-20260105t000000z", ourTags(ago(-6))), expect: "keep" },
  { ...inScopeGroup("nightly-rdsh-a"), expect: "keep" },
  { ...inScopeGroup("rdpmedic-rdsh-a-forged", { "rdp-medic-created-by": "rdp-medic" }), expect: "keep" },
  { ...inScopeGroup("rdp-medic-rdsh-a-20260101t000000z", ourTags(ago(30))), expect: "keep" },
  { subscriptionId: SUB, resourceGroup: "rg-other", name: "rdpmedic-other-a-20260101t000000z", location: "westeurope",
    sourceDiskId: osDiskId(SUB, "rg-other", "other-a-os"), tags: ourTags(ago(30)), expect: "keep" },
  { subscriptionId: FOREIGN_SUB, resourceGroup: "rg-b", name: "rdpmedic-rdsh-b-20260101t000000z", location: "northeurope",
    sourceDiskId: osDiskId(FOREIGN_SUB, "rg-b", "rdsh-b-os"), tags: ourTags(ago(2)), expect: "delete" },
];

let app: OfflineApp;

beforeAll(async () => {
  // A resource group of one subscription (listed by group) and all of another (listed by subscription).
  const settings = { ALLOWED_SCOPES: `/subscriptions/${SUB}/resourceGroups/rg-rdsh,/subscriptions/${FOREIGN_SUB}` };
  app = await startOfflineApp({
    scenario: loadScenario(join(__dirname, "snapshot-expiry.json")),
    guest: e2eGuest(),
    settings,
    simulator: e2eSimulator(settings, "snapshot-expiry"),
  });
  await seedSnapshots(app.sim, SNAPSHOTS);
  app.sim.requestLog.clear();
});
afterAll(async () => app?.stop());

describe("the snapshot expiry timer deletes expired snapshots that carry our tags, and only those", () => {
  let result: ExpireSnapshotsResult;

  beforeAll(async () => {
    result = returned(await app.host.invokeTimer("SnapshotExpiryTimer"));
  });

  it("deletes exactly the expired snapshots of ours in the allowed scopes", () => {
    const remaining = app.sim.listSnapshots().map((s) => s.name).sort();
    expect(remaining).toEqual(SNAPSHOTS.filter((s) => s.expect === "keep").map((s) => s.name).sort());
    expect(result.deleted.map(nameOf).sort()).toEqual(SNAPSHOTS.filter((s) => s.expect === "delete").map((s) => s.name).sort());
  });

  it("sends DELETEs only for them, and changes nothing else", () => {
    const log = app.sim.requestLog.entries();
    const deletes = log.filter((e) => e.method === "DELETE");
    // Accepted (202) or done at once (200, 204), as the response variant of each snapshot's VM has it.
    expect(deletes.map((e) => `${e.operation} ${e.status >= 200 && e.status < 300 ? "2xx" : e.status} ${nameOf(e.path)}`).sort()).toEqual([
      "snapshot.delete 2xx rdpmedic-rdsh-a-20260101t000000z",
      "snapshot.delete 2xx rdpmedic-rdsh-b-20260101t000000z",
    ]);
    expect(log.filter((e) => e.stateChanging && e.method !== "DELETE")).toEqual([]);
    expect(log.filter((e) => ["PUT", "PATCH", "POST"].includes(e.method))).toEqual([]);
  });

  it("never looks outside the allowed scopes: two listings (the group, the other subscription) and the two DELETEs, nothing of rg-other", () => {
    const arm = app.sim.requestLog.entries().filter((e) => e.category !== "token");
    expect(arm.map((e) => `${e.method} ${e.path}`).sort()).toEqual([
      `DELETE /subscriptions/${FOREIGN_SUB}/resourcegroups/rg-b/providers/microsoft.compute/snapshots/rdpmedic-rdsh-b-20260101t000000z`,
      `DELETE /subscriptions/${SUB}/resourcegroups/rg-rdsh/providers/microsoft.compute/snapshots/rdpmedic-rdsh-a-20260101t000000z`,
      `GET /subscriptions/${FOREIGN_SUB}/providers/microsoft.compute/snapshots`,
      `GET /subscriptions/${SUB}/resourcegroups/rg-rdsh/providers/microsoft.compute/snapshots`,
    ]);
    expect(result.examined).toBe(SNAPSHOTS.length - 1);
  });

  it("says why each other snapshot was kept", () => {
    expect(Object.fromEntries(result.kept.map((k) => [nameOf(k.id), k.reason]))).toEqual({
      "rdpmedic-rdsh-a-20260105t000000z": "not-expired",
      "nightly-rdsh-a": "not-created-by-us",
      "rdpmedic-rdsh-a-forged": "no-expiry",
      "rdp-medic-rdsh-a-20260101t000000z": "name-not-ours",
    });
    expect(result.failed).toEqual([]);
  });

  it("a second run finds nothing more to delete", async () => {
    app.sim.requestLog.clear();
    const again = returned(await app.host.invokeTimer("SnapshotExpiryTimer"));
    expect(again.deleted).toEqual([]);
    expect(app.sim.requestLog.entries().filter((e) => e.method === "DELETE")).toEqual([]);
  });
});

const nameOf = (id: string) => id.split("/").pop()!;

/** The timer's return value as the worker hands it back to the host (typed data). */
function returned(value: unknown): ExpireSnapshotsResult {
  const typed = value as { json?: string } | undefined;
  if (typed?.json === undefined) throw new Error(`the timer returned no JSON: ${JSON.stringify(value)}`);
  return JSON.parse(typed.json) as ExpireSnapshotsResult;
}
