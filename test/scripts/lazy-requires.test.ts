import { build } from "esbuild";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lazyModule } from "../../scripts/lazy-module";
import { deferredStatement, lazyRequires, type LazyRequire } from "../../scripts/lazy-requires";

let dir: string;

function write(path: string, text: string): void {
  mkdirSync(join(dir, path, ".."), { recursive: true });
  writeFileSync(join(dir, path), text);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "rdp-medic-lazy-"));
  // "heavy" counts its evaluations; "uses-heavy" (CommonJS) and "esm-uses-heavy" (ESM) use it only in functions.
  write("node_modules/heavy/index.js", "globalThis.heavyLoads = (globalThis.heavyLoads || 0) + 1;\nmodule.exports = Object.assign((x) => x * 2, { answer: 42 });\n");
  write("node_modules/uses-heavy/index.js", 'const heavy = require("heavy");\nexports.answer = () => heavy.answer;\nexports.double = (x) => heavy(x);\n');
  write("node_modules/esm-uses-heavy/index.mjs", "import heavy from 'heavy';\nexport const answer = () => heavy.answer;\n");
  write("entry.js", 'exports.cjs = require("uses-heavy");\nexports.esm = require("esm-uses-heavy/index.mjs");\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CJS_RULE: LazyRequire = { file: "uses-heavy/index.js", statement: 'const heavy = require("heavy");', why: "test" };
const ESM_RULE: LazyRequire = { file: "esm-uses-heavy/index.mjs", statement: "import heavy from 'heavy';", why: "test" };

async function bundle(rules: LazyRequire[], name: string): Promise<string> {
  const outfile = join(dir, `${name}.js`);
  await build({
    entryPoints: [join(dir, "entry.js")],
    outfile,
    bundle: true,
    platform: "node",
    format: "cjs",
    logLevel: "silent",
    plugins: rules.length ? [lazyRequires(rules)] : [],
  });
  return outfile;
}

/** Loads the bundle in a fresh process: how often "heavy" was evaluated after loading and after each use. */
function loadsOf(file: string): { atLoad: number; afterUse: number; afterSecondUse: number; answers: unknown[] } {
  const probe = `const app=require(${JSON.stringify(file)});const count=()=>globalThis.heavyLoads||0;const atLoad=count();
const answers=[app.cjs.answer(),app.cjs.double(21),app.esm.answer()];const afterUse=count();app.cjs.answer();
process.stdout.write(JSON.stringify({atLoad,afterUse,afterSecondUse:count(),answers}));`;
  const result = spawnSync(process.execPath, ["-e", probe], { encoding: "utf8" });
  expect(result.status, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as ReturnType<typeof loadsOf>;
}

describe("lazyRequires (the package's deferred dependencies)", () => {
  it("without the plugin the dependency is evaluated when the bundle loads", async () => {
    expect(loadsOf(await bundle([], "eager"))).toMatchObject({ atLoad: 1, answers: [42, 42, 42] });
  });

  it("with it, CommonJS and ESM imports are evaluated on first use, once, and behave the same", async () => {
    expect(loadsOf(await bundle([CJS_RULE, ESM_RULE], "lazy"))).toEqual({ atLoad: 0, afterUse: 1, afterSecondUse: 1, answers: [42, 42, 42] });
  });

  it("fails the build when a listed statement is no longer in the file", async () => {
    const stale = { ...CJS_RULE, statement: 'const heavy = require("heavy-v2");' };
    await expect(bundle([stale], "stale")).rejects.toThrow(/uses-heavy\/index\.js no longer has "const heavy = require\(\\"heavy-v2\\"\);"/);
  });

  it("fails the build when a listed file is not bundled at all", async () => {
    const gone = { ...CJS_RULE, file: "not-imported/index.js" };
    await expect(bundle([CJS_RULE, gone], "gone")).rejects.toThrow(/not-imported\/index\.js was not bundled/);
  });

  it("accepts only the two statement forms it can rewrite faithfully", () => {
    expect(deferredStatement('const a_1 = require("a");')).toMatch(/^const a_1 = require\(".*lazy-module.*"\)\.lazyModule\(\(\) => require\("a"\)\);$/);
    expect(deferredStatement("import a from 'a';")).toMatch(/^const a = require\(.*\)\.lazyModule\(\(\) => require\("a"\)\);$/);
    for (const statement of ['import * as a from "a";', 'import { b } from "a";', 'const { b } = require("a");', 'require("a");']) {
      expect(() => deferredStatement(statement)).toThrow(/unsupported statement/);
    }
  });
});

describe("lazyModule", () => {
  it("loads on the first read, write, `in` or call, and only once", () => {
    let loads = 0;
    const real = Object.assign((x: number) => x + 1, { value: 1 as number });
    const stand = lazyModule(() => {
      loads++;
      return real;
    });
    expect(loads).toBe(0);
    expect(stand.value).toBe(1);
    stand.value = 5;
    expect(real.value).toBe(5);
    expect("value" in stand).toBe(true);
    expect("missing" in stand).toBe(false);
    expect(stand(1)).toBe(2);
    expect(loads).toBe(1);
  });

  it.each([
    ["a read", (m: { value: number }) => m.value],
    ["a call", (m: { value: number }) => (m as unknown as () => void)()],
    ["`in`", (m: { value: number }) => "value" in m],
  ])("%s alone loads the module", (_use, use) => {
    let loads = 0;
    const stand = lazyModule(() => {
      loads++;
      return Object.assign(() => 0, { value: 1 });
    });
    expect(loads).toBe(0);
    use(stand);
    expect(loads).toBe(1);
  });
});
