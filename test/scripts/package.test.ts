import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildPackage, type PackageResult } from "../../scripts/package";
import { SCRIPT_NAMES } from "../../src/scripts";

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
