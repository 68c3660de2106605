import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildPackage, type PackageResult } from "../../scripts/package";
import { SCRIPT_NAMES } from "../../src/scripts";
import { readAzureYaml } from "../infra/azure-yaml";
import { azdPackage, isIgnored, keptFiles, parseIgnoreFile } from "./azd-package";

const root = join(__dirname, "../..");
const env = { ...process.env, ALLOWED_SCOPES: "/subscriptions/00000000-0000-0000-0000-000000000000", LICENSE_SERVERS: "rdls01.contoso.com" };
let pkg: PackageResult;

function registrations(entry: string): Array<{ name: string; trigger: string }> {
  const result = spawnSync(process.execPath, [require.resolve("tsx/cli", { paths: [root] }), join(root, "local/package/list-registrations.ts"), entry], {
    cwd: root,
    env,
    encoding: "utf8",
    timeout: 120_000,
  });
  expect(result.status, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as Array<{ name: string; trigger: string }>;
}

beforeAll(async () => {
  pkg = await buildPackage(mkdtempSync(join(tmpdir(), "rdp-medic-package-")));
});
afterAll(() => rmSync(pkg.outDir, { recursive: true, force: true }));

describe("npm run package", () => {
  it("holds one bundled entry, host.json and the scripts, and nothing of local/, tests or dev dependencies", () => {
    expect(pkg.files.sort()).toEqual(
      [
        "dist/index.js",
        "host.json",
        "package.json",
        ...SCRIPT_NAMES.map((name) => `dist/scripts/${name}.ps1`),
        "dist/scripts/shared/helpers.ps1",
      ].sort(),
    );
    const bundle = readFileSync(pkg.entry, "utf8");
    expect(bundle).not.toMatch(/local\/(simulator|durable|offline)\//);
    expect(bundle).not.toContain("vitest");
    const manifest = JSON.parse(readFileSync(join(pkg.outDir, "package.json"), "utf8")) as Record<string, unknown>;
    expect(manifest.main).toBe("dist/index.js");
    expect(manifest.dependencies).toBeUndefined();
    expect(manifest.devDependencies).toBeUndefined();
  });

  it("the bundled app registers exactly the functions the source registers, under the local host", () => {
    const fromSource = registrations(join(root, "src/index.ts"));
    const fromBundle = registrations(pkg.entry);
    expect(fromBundle).toEqual(fromSource);
    expect(fromBundle.map((r) => r.name)).toEqual(expect.arrayContaining(["Alerts", "RemediateVm", "Preflight", "RemediationSlots"]));
    expect(new Set(fromBundle.map((r) => r.trigger))).toEqual(
      new Set(["httpTrigger", "orchestrationTrigger", "activityTrigger", "entityTrigger", "timerTrigger"]),
    );
  });
});

describe("azd package (azure.yaml's api service): exactly what npm run package builds", () => {
  const yaml = readAzureYaml();
  const api = yaml.services.api!;

  it("azd zips .artifacts/package, npm run package's output, and the platform builds nothing", () => {
    expect(api.dist).toBe(".artifacts/package");
    expect(api.remoteBuild).toBe("false");
    expect(resolve(root, api.project, api.dist!)).toBe(resolve(root, ".artifacts", "package"));
    const packageJson = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { scripts: Record<string, string> };
    // azd runs `npm run package` itself before it copies `dist`; the script must be the one that builds the bundle.
    expect(packageJson.scripts.package).toBe("tsx scripts/package.ts");
  });

  it("the archive holds the bundle, host.json, the scripts and the minimal package.json, and is small", () => {
    const azd = azdPackage(join(root, api.project), pkg.outDir);
    expect(azd.files).toEqual([...pkg.files].sort());
    expect(azd.files).toContain("dist/scripts/shared/helpers.ps1");
    // The bundle is about 1.9 MiB; the whole repository zipped was 119 MB. Growth past these bounds is a regression
    // (something unbundled or copied in), not a normal change.
    expect(azd.bytes).toBeLessThan(4 * 1024 * 1024);
    expect(azd.zip.length).toBeLessThan(1.5 * 1024 * 1024);
    expect(azd.zip.readUInt32LE(azd.zip.length - 22)).toBe(0x06054b50);
    expect(azd.zip.readUInt16LE(azd.zip.length - 12)).toBe(azd.files.length);
  });

  it("a file the app does not run is left out even when it lands in the package folder", () => {
    const stray = ["node_modules/left-over/index.js", ".azure/env/.env"];
    for (const file of stray) {
      mkdirSync(dirname(join(pkg.outDir, file)), { recursive: true });
      writeFileSync(join(pkg.outDir, file), "x");
    }
    try {
      const azd = azdPackage(join(root, api.project), pkg.outDir);
      for (const file of stray) expect(azd.files).not.toContain(file);
    } finally {
      rmSync(join(pkg.outDir, "node_modules"), { recursive: true, force: true });
      rmSync(join(pkg.outDir, ".azure"), { recursive: true, force: true });
    }
  });

  it(".funcignore keeps the repository's dev tree out of any zip of the project folder", () => {
    const rules = parseIgnoreFile(readFileSync(join(root, ".funcignore"), "utf8"));
    const kept = keptFiles(root, rules, ["node_modules", "dist"]);
    for (const dir of [".git", ".tools", ".artifacts", "test", "local", "bench", "src", "infra", "docs", "scripts", "bin"]) {
      expect(kept.filter((f) => f === dir || f.startsWith(`${dir}/`)), dir).toEqual([]);
    }
    expect(kept).toEqual(expect.arrayContaining(["host.json", "package.json", "package-lock.json"]));
    expect(kept.filter((f) => f.endsWith(".ts"))).toEqual([]);
  });

  it("gitignore semantics as azd applies them: anchored, directory-only and negated rules", () => {
    const rules = parseIgnoreFile("/scripts\nlogs/\n*.map\n!keep.map\n# comment\n");
    expect(isIgnored("scripts", true, rules)).toBe(true);
    expect(isIgnored("dist/scripts", true, rules)).toBe(false);
    expect(isIgnored("a/logs", true, rules)).toBe(true);
    expect(isIgnored("a/logs", false, rules)).toBe(false);
    expect(isIgnored("dist/index.js.map", false, rules)).toBe(true);
    expect(isIgnored("keep.map", false, rules)).toBe(false);
  });

  it("azd's prepackage hook gates the package on the locked install, the strict build and these tests", () => {
    const hook = api.hooks!.prepackage!;
    expect(hook.shell).toBe("pwsh");
    const script = readFileSync(join(root, hook.run), "utf8");
    expect(script).toContain("'npm', 'ci'");
    expect(script).toContain("'npm', 'run', 'build'");
    for (const test of ["test/scripts/package.test.ts", "test/e2e/packaged-app.test.ts"]) {
      expect(script).toContain(`'${test}'`);
      expect(existsSync(join(root, test))).toBe(true);
    }
    expect(script).toContain("$LASTEXITCODE -ne 0");
  });
});
