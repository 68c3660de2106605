import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatScope, parseScope } from "../../src/domain/scope";
import { bicepOrSkip, DEPLOYMENT, InfraCopy, runBicep } from "./bicep-cli";

const bicep = bicepOrSkip();

interface ScopeCase {
  input: string;
  scope: string | null;
  why: string;
}
const CASES = (JSON.parse(readFileSync(join(__dirname, "scope-cases.json"), "utf8")) as { cases: ScopeCase[] }).cases;

/** The app's side: what ALLOWED_SCOPES makes of the text (src/domain/scope.ts). */
function appScope(input: string): string | null {
  try {
    return formatScope(parseScope(input));
  } catch {
    return null;
  }
}

describe("a valid target scope: one table of cases, the app's parser", () => {
  it.each(CASES.map((c) => [c.why, c] as const))("%s", (_why, c) => {
    expect(appScope(c.input)).toBe(c.scope);
  });
});

describe.skipIf(!bicep)("a valid target scope: the same table, the template's validation (modules/scope.bicep, real Bicep)", () => {
  let copy: InfraCopy;
  let results: (string | null)[];
  beforeAll(() => {
    copy = new InfraCopy();
    copy.write("scope-cases.json", readFileSync(join(__dirname, "scope-cases.json"), "utf8"));
    copy.write(
      "scope-harness.bicep",
      [
        "import { isValidScope, normalizedScope } from 'modules/scope.bicep'",
        "var cases = loadJsonContent('scope-cases.json').cases",
        "output results string[] = map(cases, c => isValidScope(c.input) ? normalizedScope(c.input) : '')",
        "",
      ].join("\n"),
    );
    copy.write("scope-harness.bicepparam", "using 'scope-harness.bicep'\n");
    const run = runBicep(
      bicep!,
      ["snapshot", join(copy.dir, "scope-harness.bicepparam"), "--mode", "overwrite", "--subscription-id", DEPLOYMENT.subscriptionId, "--location", DEPLOYMENT.location],
      {},
      copy.dir,
    );
    if (run.status !== 0) throw new Error(`bicep snapshot failed:\n${run.stderr}${run.stdout}`);
    // '' stands for refused (no valid scope is empty).
    const raw = (JSON.parse(copy.read("scope-harness.snapshot.json")) as { outputs: { results: string[] } }).outputs.results;
    results = raw.map((r) => (r === "" ? null : r));
  });
  afterAll(() => copy?.remove());

  it("evaluates every case", () => {
    expect(results).toHaveLength(CASES.length);
  });

  it.each(CASES.map((c, i) => [c.why, c, i] as const))("%s", (_why, c, i) => {
    expect(results[i]).toBe(c.scope);
  });

  it("main.bicep validates targetScopes with exactly these functions, and uses only the normalised list", () => {
    const main = readFileSync(join(copy.dir, "main.bicep"), "utf8");
    expect(main).toContain("import { isGuid, isValidScope, normalizedScope } from 'modules/scope.bicep'");
    expect(main).toMatch(/var invalidTargetScopes = filter\(targetScopes, s => !isValidScope\(s\)\)/);
    // After validation, nothing reads the raw parameter again.
    const uses = [...main.matchAll(/\btargetScopes\b/g)].length;
    const declarationAndValidation = [...main.matchAll(/param targetScopes|filter\(targetScopes|map\(targetScopes|targetScopes \(RDPMEDIC_TARGET_SCOPES\)/g)].length;
    expect(uses).toBe(declarationAndValidation);
  });
});
