import fc from "fast-check";
import type { OrchestrationContext } from "durable-functions";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { childVersion, compareOrchestrationVersions, versionAtLeast } from "../../../src/orchestrations/orchestration-version";

// Expected orderings follow DurableTask.Core's VersioningSettings.CompareVersions (empty first, then .NET
// System.Version when both parse, else string.Compare OrdinalIgnoreCase) and System.Version.TryParse's rules.
const CASES: Array<[string | null | undefined, string | null | undefined, -1 | 0 | 1, string]> = [
  [null, null, 0, "no version equals no version"],
  ["", undefined, 0, "empty equals absent"],
  ["  \t", "", 0, "blank counts as empty (IsNullOrWhiteSpace)"],
  [null, "1.0", -1, "no version is older than any version"],
  ["1.0", "", 1, "any version is newer than none"],
  ["", "v0", -1, "even a version that is not a number"],
  ["\u0001", " ", 1, "even one whose text sorts before white space"],
  ["1.0", "2.0", -1, "numeric versions by number"],
  ["2.0", "1.0", 1, "numeric versions by number"],
  ["1.10", "1.9", 1, "component by component, not as text"],
  ["10.0", "9.0", 1, "component by component, not as text"],
  ["1.0", "1.0.0", -1, "a missing build component (-1) is older than build 0"],
  ["1.0.0", "1.0.0.0", -1, "a missing revision (-1) is older than revision 0"],
  ["1.0", "01.0", 0, "leading zeros parse to the same number"],
  [" 1 . 0 ", "1.0", 0, "Int32 parsing allows white space around each component"],
  ["+1.0", "1.0", 0, "and a leading sign"],
  ["-0.1", "0.1", 0, "negative zero parses as zero"],
  ["2.2147483647", "2.300000000", 1, "components up to Int32.MaxValue are numbers"],
  ["10", "9", -1, "one component is not a System.Version: compared as text, so 10 sorts before 9"],
  ["2147483648.0", "3.0", -1, "a component beyond Int32 makes it text ('2' < '3')"],
  ["-1.0", "1.0", -1, "a negative component makes it text ('-' < '1')"],
  ["1.2.3.4.5", "1.0", 1, "five components make it text ('2' > '0')"],
  ["1.a", "1.0", 1, "a non-numeric component makes it text ('a' > '0')"],
  ["v1-release", "v2-release", -1, "other formats compare as text"],
  ["V1-RELEASE", "v1-release", 0, "ignoring case"],
  ["1.0", "v1", -1, "mixed: as text ('1' < 'v')"],
  ["abc", "abcd", -1, "a prefix sorts first"],
];

describe("compareOrchestrationVersions orders versions as the Durable worker does", () => {
  it.each(CASES)("%j vs %j -> %i (%s)", (a, b, expected) => {
    expect(compareOrchestrationVersions(a, b)).toBe(expected);
  });

  it("answers as DurableTask.Core 3.11.3 itself does for 633 recorded pairs (fixtures/dtfx-compare-versions.json)", () => {
    const recorded = JSON.parse(readFileSync(join(__dirname, "fixtures", "dtfx-compare-versions.json"), "utf8")) as {
      cases: Array<[string | null, string | null, number]>;
    };
    const wrong = recorded.cases.filter(([a, b, expected]) => compareOrchestrationVersions(a, b) !== expected);
    expect(wrong).toEqual([]);
    expect(recorded.cases.length).toBeGreaterThan(600);
  });

  it("is antisymmetric and reflexive for any strings", () => {
    const version = fc.oneof(fc.string(), fc.tuple(fc.nat(30), fc.nat(30), fc.option(fc.nat(5))).map(([a, b, c]) => [a, b, c].filter((x) => x !== null).join(".")));
    fc.assert(
      fc.property(version, version, (a, b) => {
        expect(compareOrchestrationVersions(a, b)).toBe(-compareOrchestrationVersions(b, a) || 0);
        expect(compareOrchestrationVersions(a, a)).toBe(0);
      }),
    );
  });
});

const contextAt = (version: string | undefined) => ({ df: { version } }) as unknown as OrchestrationContext;

describe("versionAtLeast", () => {
  it("sends instances of the version and later to the new branch, older and unversioned ones to the old branch", () => {
    expect(versionAtLeast(contextAt("2.0"), "2.0")).toBe(true);
    expect(versionAtLeast(contextAt("2.1"), "2.0")).toBe(true);
    expect(versionAtLeast(contextAt("10.0"), "2.0")).toBe(true);
    expect(versionAtLeast(contextAt("1.0"), "2.0")).toBe(false);
    expect(versionAtLeast(contextAt(undefined), "2.0")).toBe(false);
    expect(versionAtLeast(contextAt(""), "1.0")).toBe(false);
  });
});

describe("childVersion", () => {
  it("passes the parent's version on, and leaves unversioned parents to the worker's defaultVersion", () => {
    expect(childVersion(contextAt("1.0"))).toBe("1.0");
    expect(childVersion(contextAt(""))).toBeUndefined();
    expect(childVersion(contextAt(" "))).toBeUndefined();
    expect(childVersion(contextAt(undefined))).toBeUndefined();
  });
});
