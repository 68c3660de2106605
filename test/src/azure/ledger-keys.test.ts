import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  indexRowKey,
  isStorableRunId,
  normaliseServer,
  normaliseVmId,
  rowKeyRange,
  runRowKey,
  serverPartition,
  timePartition,
  timePartitionRange,
  toEpochMs,
  vmPartition,
} from "../../../src/azure/ledger-keys";
import { InputError } from "../../../src/errors";

const MAX_MS = 9_999_999_999_999;
const instant = fc.integer({ min: 0, max: MAX_MS });
const runId = fc.stringMatching(/^[a-z0-9-]{1,40}$/);

describe("ledger keys", () => {
  it("sorts newer runs first, as strings", () => {
    fc.assert(
      fc.property(instant, instant, runId, runId, (a, b, idA, idB) => {
        fc.pre(a !== b);
        const [older, newer] = a < b ? [[a, idA], [b, idB]] as const : [[b, idB], [a, idA]] as const;
        expect(runRowKey(newer[0], newer[1]) < runRowKey(older[0], older[1])).toBe(true);
        expect(
          indexRowKey("p", runRowKey(newer[0], newer[1])) < indexRowKey("p", runRowKey(older[0], older[1])),
        ).toBe(true);
      }),
    );
  });

  it("row-key range matches exactly since <= start < until", () => {
    fc.assert(
      fc.property(instant, fc.option(instant), fc.option(instant), runId, (start, since, until, id) => {
        const { from, to } = rowKeyRange(since ?? undefined, until ?? undefined);
        const key = runRowKey(start, id);
        const inRange = key >= from && key < to;
        const expected = (since === null || start >= since) && (until === null || start < until);
        expect(inRange).toBe(expected);
        const indexKey = indexRowKey("vm-x", key);
        expect(indexKey >= from && indexKey < to).toBe(expected);
      }),
    );
  });

  it("time partitions sort newest month first and bound the window", () => {
    fc.assert(
      fc.property(instant, fc.option(instant), fc.option(instant), (start, since, until) => {
        fc.pre((since === null || start >= since) && (until === null || start < until));
        const { from, to } = timePartitionRange(since ?? undefined, until ?? undefined);
        const pk = timePartition(start);
        expect(pk >= from && pk <= to).toBe(true);
      }),
    );
    expect(timePartition(Date.parse("2030-02-01T00:00:00Z")) < timePartition(Date.parse("2030-01-31T23:59:59.999Z"))).toBe(true);
  });

  it("normalises VM IDs and server names before hashing them into partitions", () => {
    expect(normaliseVmId(" /Subscriptions/A/VM/ ")).toBe("/subscriptions/a/vm");
    expect(vmPartition("/SUBSCRIPTIONS/A/VM")).toBe(vmPartition("/subscriptions/a/vm/"));
    expect(normaliseServer("RDLS01.Contoso.com.")).toBe("rdls01.contoso.com");
    expect(serverPartition("RDLS01.Contoso.com.")).toBe(serverPartition("rdls01.contoso.com"));
    expect(serverPartition("x' or PartitionKey ne '")).toMatch(/^ls-[0-9a-f]{32}$/);
  });

  it("accepts only run IDs a row key can hold", () => {
    expect(isStorableRunId("rdpmedic-vm01-0123456789abcdef")).toBe(true);
    for (const bad of ["", "a/b", "a\\b", "a#b", "a?b", "a\nb", "x".repeat(201)]) expect(isStorableRunId(bad)).toBe(false);
  });

  it("parses instants and refuses what is not one", () => {
    expect(toEpochMs("2030-01-01T00:00:00Z", "since")).toBe(Date.UTC(2030, 0, 1));
    expect(toEpochMs(new Date(5), "since")).toBe(5);
    for (const bad of ["soon", "", "1969-12-31T23:59:59Z"]) expect(() => toEpochMs(bad, "since")).toThrow(InputError);
    expect(() => toEpochMs(new Date(NaN), "since")).toThrow(InputError);
  });
});
