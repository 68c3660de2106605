import { describe, expect, it } from "vitest";
import { parseVmId } from "../../../src/domain/resource-id";
import { parseScope } from "../../../src/domain/scope";
import { decideSnapshotExpiry, parseExpiry, parseSnapshotId, type KeepReason } from "../../../src/domain/snapshot-expiry";
import { snapshotId, snapshotRequest } from "../../../src/domain/snapshot-plan";

const SUB = "6e0f3c54-1b6e-4a3b-9d2f-2f1c8b7a9e10";
const OTHER_SUB = "0a9b8c7d-6e5f-4a3b-8c1d-2e3f4a5b6c7d";
const NOW = new Date("2026-03-10T12:00:00.000Z");
const scopes = [parseScope(`/subscriptions/${SUB}/resourceGroups/rg-rdsh`), parseScope(`/subscriptions/${OTHER_SUB}`)];

const id = (name: string, rg = "rg-rdsh", sub = SUB) => `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Compute/snapshots/${name}`;
const ours = (expires: string) => ({ "rdp-medic-created-by": "rdp-medic", "rdp-medic-expires": expires });
const NAME = "rdpmedic-vm1-20260301t120000z";
const EXPIRED = "2026-03-08T12:00:00.000Z";

type Row = [label: string, snapshot: { id: string; name: string; tags: Record<string, string> | undefined }, expected: "delete" | KeepReason];

const rows: Row[] = [
  ["ours, expired", { id: id(NAME), name: NAME, tags: ours(EXPIRED) }, "delete"],
  ["ours, expiring exactly now", { id: id(NAME), name: NAME, tags: ours(NOW.toISOString()) }, "delete"],
  ["ours, expired, in a subscription scope", { id: id(NAME, "any-group", OTHER_SUB), name: NAME, tags: ours(EXPIRED) }, "delete"],
  ["ours, expired, upper-case tag names (Azure compares tag names case-insensitively)",
    { id: id(NAME), name: NAME, tags: { "RDP-Medic-Created-By": "rdp-medic", "RDP-MEDIC-EXPIRES": EXPIRED } }, "delete"],
  ["ours, expired, ID in other letter case", { id: id(NAME).toUpperCase().replace(NAME.toUpperCase(), NAME), name: NAME, tags: ours(EXPIRED) }, "delete"],
  ["ours, expiry with an offset, passed", { id: id(NAME), name: NAME, tags: ours("2026-03-10T13:00:00+02:00") }, "delete"],
  ["ours, not yet expired", { id: id(NAME), name: NAME, tags: ours("2026-03-10T12:00:00.001Z") }, "not-expired"],
  ["ours, expiry with an offset, not passed", { id: id(NAME), name: NAME, tags: ours("2026-03-10T13:00:00+00:30") }, "not-expired"],
  ["no tags at all", { id: id(NAME), name: NAME, tags: undefined }, "not-created-by-us"],
  ["someone else's tags", { id: id("backup-1"), name: "backup-1", tags: { owner: "ops" } }, "not-created-by-us"],
  ["created-by another value", { id: id(NAME), name: NAME, tags: { "rdp-medic-created-by": "someone", "rdp-medic-expires": EXPIRED } }, "not-created-by-us"],
  ["created-by value in other case (values compare exactly)", { id: id(NAME), name: NAME, tags: { "rdp-medic-created-by": "RDP-Medic", "rdp-medic-expires": EXPIRED } }, "not-created-by-us"],
  ["only an expiry tag", { id: id(NAME), name: NAME, tags: { "rdp-medic-expires": EXPIRED } }, "not-created-by-us"],
  ["forged created-by, no expiry", { id: id(NAME), name: NAME, tags: { "rdp-medic-created-by": "rdp-medic" } }, "no-expiry"],
  ["created-by twice in different case with different values",
    { id: id(NAME), name: NAME, tags: { "rdp-medic-created-by": "rdp-medic", "RDP-MEDIC-CREATED-BY": "ops", "rdp-medic-expires": EXPIRED } }, "ambiguous-tags"],
  ["expiry twice in different case with different values",
    { id: id(NAME), name: NAME, tags: { ...ours(EXPIRED), "RDP-MEDIC-EXPIRES": "2099-01-01T00:00:00Z" } }, "ambiguous-tags"],
  ["lookalike name (no dash)", { id: id("rdpmedicvm1-x"), name: "rdpmedicvm1-x", tags: ours(EXPIRED) }, "name-not-ours"],
  ["lookalike name (prefix not at the start)", { id: id("x-rdpmedic-vm1"), name: "x-rdpmedic-vm1", tags: ours(EXPIRED) }, "name-not-ours"],
  ["lookalike name (rdp-medic-)", { id: id("rdp-medic-vm1"), name: "rdp-medic-vm1", tags: ours(EXPIRED) }, "name-not-ours"],
  ["body name differs from the ID's name", { id: id("backup-1"), name: NAME, tags: ours(EXPIRED) }, "name-not-ours"],
  ["expiry not a date", { id: id(NAME), name: NAME, tags: ours("never") }, "bad-expiry"],
  ["expiry a bare date (no time, no zone)", { id: id(NAME), name: NAME, tags: ours("2026-03-01") }, "bad-expiry"],
  ["expiry without a zone", { id: id(NAME), name: NAME, tags: ours("2026-03-01T00:00:00") }, "bad-expiry"],
  ["expiry Feb 30", { id: id(NAME), name: NAME, tags: ours("2026-02-30T00:00:00Z") }, "bad-expiry"],
  ["expiry as epoch milliseconds", { id: id(NAME), name: NAME, tags: ours("1700000000000") }, "bad-expiry"],
  ["empty expiry", { id: id(NAME), name: NAME, tags: ours("") }, "bad-expiry"],
  ["ours, expired, in a group outside the scopes", { id: id(NAME, "rg-other"), name: NAME, tags: ours(EXPIRED) }, "out-of-scope"],
  ["ours, expired, in a subscription outside the scopes",
    { id: id(NAME, "rg-rdsh", "11111111-2222-3333-4444-555555555555"), name: NAME, tags: ours(EXPIRED) }, "out-of-scope"],
  ["a disk, not a snapshot", { id: id(NAME).replace("/snapshots/", "/disks/"), name: NAME, tags: ours(EXPIRED) }, "unrecognised-id"],
  ["a nested resource under a snapshot", { id: `${id(NAME)}/child/x`, name: "x", tags: ours(EXPIRED) }, "unrecognised-id"],
];

describe("snapshot expiry: delete only ours (tagged, named, in scope) once expired", () => {
  it.each(rows)("%s", (_label, snapshot, expected) => {
    const decision = decideSnapshotExpiry(snapshot, NOW, scopes);
    if (expected === "delete") expect(decision).toMatchObject({ action: "delete" });
    else expect(decision).toMatchObject({ action: "keep", reason: expected });
  });

  it("nothing is deleted when no scope is allowed", () => {
    expect(decideSnapshotExpiry({ id: id(NAME), name: NAME, tags: ours(EXPIRED) }, NOW, [])).toMatchObject({ reason: "out-of-scope" });
  });

  it("a snapshot this app requests is kept until its retention ends, then deleted", () => {
    const taken = new Date("2026-03-01T08:00:00.123Z");
    const vm = parseVmId(`/subscriptions/${SUB}/resourceGroups/rg-rdsh/providers/Microsoft.Compute/virtualMachines/VM1`);
    const request = snapshotRequest({ vm, runId: "run-1", location: "westeurope", osDiskId: "/disk", now: taken, retentionDays: 7 });
    const snapshot = { id: snapshotId(request), name: request.name, tags: request.tags };
    const due = new Date(taken.getTime() + 7 * 86_400_000);
    expect(decideSnapshotExpiry(snapshot, new Date(due.getTime() - 1), scopes)).toMatchObject({ action: "keep", reason: "not-expired" });
    expect(decideSnapshotExpiry(snapshot, due, scopes)).toEqual({ action: "delete", expiresAt: due });
  });
});

describe("expiry tag parsing", () => {
  it.each([
    ["2026-03-01T08:00:00.123Z", "2026-03-01T08:00:00.123Z"],
    ["2026-03-01T08:00:00Z", "2026-03-01T08:00:00.000Z"],
    ["2026-03-01T08:00:00.1234567Z", "2026-03-01T08:00:00.123Z"],
    ["2026-03-01T10:00:00+02:00", "2026-03-01T08:00:00.000Z"],
    ["2026-02-28T23:30:00-08:30", "2026-03-01T08:00:00.000Z"],
    ["2028-02-29T00:00:00Z", "2028-02-29T00:00:00.000Z"],
  ])("%s is %s", (text, iso) => {
    expect(parseExpiry(text)?.toISOString()).toBe(iso);
  });

  it.each(["2027-02-29T00:00:00Z", "2026-13-01T00:00:00Z", "2026-01-01T24:00:00Z", "2026-01-01T23:60:00Z", "2026-01-01T00:00:00+15:00", "0050-01-01T00:00:00Z", "2026-01-01 00:00:00Z", "tomorrow"])(
    "%s is refused",
    (text) => expect(parseExpiry(text)).toBeUndefined(),
  );
});

describe("snapshot IDs", () => {
  it("lower-cases subscription and group, keeps the name", () => {
    expect(parseSnapshotId(id("RdpMedic-X", "RG-RDSH", SUB.toUpperCase()))).toEqual({ subscriptionId: SUB, resourceGroup: "rg-rdsh", name: "RdpMedic-X" });
  });
});
