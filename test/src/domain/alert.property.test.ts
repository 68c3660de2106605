import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseAlertBody } from "../../../src/domain/alert";
import { InputError } from "../../../src/errors";

const STABLE_CODES = new Set(["body-too-large", "body-not-json", "schema-unsupported", "alert-malformed", "too-many-targets"]);
const dir = join(__dirname, "../../fixtures/alerts");
const samples = readdirSync(dir).map((f) => JSON.parse(readFileSync(join(dir, f), "utf8")) as unknown);

/** Parses, and says how: a result, or a typed 4xx rejection. Anything else fails the property. */
function outcome(body: string): "parsed" | string {
  try {
    const alert = parseAlertBody(body);
    for (const vm of alert.vms) expect(vm.id).toBe(vm.id.toLowerCase());
    return "parsed";
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    expect(STABLE_CODES).toContain(error.code);
    expect(error.status).toBeGreaterThanOrEqual(400);
    expect(error.status).toBeLessThan(500);
    return error.code;
  }
}

/** Replaces one value somewhere in a JSON document with another arbitrary JSON value. */
function mutate(doc: unknown, path: number[], replacement: unknown): unknown {
  if (path.length === 0 || doc === null || typeof doc !== "object") return replacement;
  const entries = Array.isArray(doc) ? doc.map((v, i) => [String(i), v] as const) : Object.entries(doc as object);
  if (entries.length === 0) return replacement;
  const [head, ...rest] = path;
  const index = head! % entries.length;
  const copy: any = Array.isArray(doc) ? [...doc] : { ...(doc as object) };
  const key = entries[index]![0];
  copy[Array.isArray(doc) ? Number(key) : key] = mutate(entries[index]![1], rest, replacement);
  return copy;
}

describe("alert parser under generated and mutated input", () => {
  it("arbitrary text never escapes as an untyped error", () => {
    fc.assert(fc.property(fc.string({ maxLength: 2000 }), (s) => void outcome(s)), { numRuns: 3000 });
  });

  it("arbitrary JSON values never escape as an untyped error", () => {
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 6 }), (v) => void outcome(JSON.stringify(v))), { numRuns: 3000 });
  });

  it("Microsoft-shaped samples with one value replaced anywhere: parsed or a stable 4xx", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...samples),
        fc.array(fc.nat(50), { minLength: 1, maxLength: 8 }),
        fc.jsonValue({ maxDepth: 3 }),
        (sample, path, replacement) => void outcome(JSON.stringify(mutate(sample, path, replacement))),
      ),
      { numRuns: 4000 },
    );
  });

  it("a mutated target ID is only ever a VM when it still parses as one", () => {
    fc.assert(
      fc.property(fc.constantFrom(...samples), fc.string({ maxLength: 300 }), (sample, junk) => {
        const doc = JSON.parse(JSON.stringify(sample));
        doc.data.essentials.alertTargetIDs = [junk];
        doc.data.essentials.configurationItems = [];
        if (doc.data.alertContext?.condition) doc.data.alertContext.condition.allOf = [];
        delete doc.data.alertContext?.SearchResults;
        const result = outcome(JSON.stringify(doc));
        if (result === "parsed") {
          const parsed = parseAlertBody(JSON.stringify(doc));
          for (const vm of parsed.vms) expect(junk.toLowerCase()).toContain(vm.name);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
