import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bicepOrSkip, describeDiagnostics, INFRA_DIR, InfraCopy, lint, runBicep } from "./bicep-cli";

const bicep = bicepOrSkip();

function bicepFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? bicepFiles(join(dir, e.name)) : e.name.endsWith(".bicep") ? [join(dir, e.name)] : [],
  );
}

describe.skipIf(!bicep)("infra: the real Bicep CLI accepts it strictly and offline", () => {
  const cli = bicep!;

  it("the recent-API-versions rule is on, as an error", () => {
    const config = JSON.parse(readFileSync(join(INFRA_DIR, "bicepconfig.json"), "utf8")) as {
      analyzers: { core: { rules: Record<string, { level: string }> } };
    };
    expect(config.analyzers.core.rules["use-recent-api-versions"]).toEqual({ level: "error" });
  });

  it("an API version older than two years (when a newer one exists) fails the lint", () => {
    const copy = new InfraCopy();
    try {
      const path = "modules/identity.bicep";
      copy.write(path, copy.read(path).replace(/userAssignedIdentities@[\w-]+/, "userAssignedIdentities@2023-01-31"));
      const { results } = lint(cli, "main.bicep", copy.dir);
      expect(results.map((r) => [r.ruleId, r.level])).toContainEqual(["use-recent-api-versions", "error"]);
    } finally {
      copy.remove();
    }
  });

  it("runs the pinned Bicep CLI", () => {
    expect(runBicep(cli, ["--version"]).stdout).toContain("Bicep CLI version 0.49.2");
  });

  it("main.bicep and every module lint with zero errors and zero warnings", () => {
    const { results, run } = lint(cli, "main.bicep");
    expect(describeDiagnostics(results)).toBe("");
    expect(run.status).toBe(0);
  });

  it("main.bicepparam lints clean and builds into parameters for main.bicep (with azd's environment set)", () => {
    const env = {
      AZURE_ENV_NAME: "lint",
      AZURE_LOCATION: "westeurope",
      RDPMEDIC_TARGET_SCOPES: "/subscriptions/22222222-2222-2222-2222-222222222222",
      RDPMEDIC_LICENSE_SERVERS: "rdls01.corp.example",
      RDPMEDIC_ENTRA_CLIENT_ID: "77777777-7777-7777-7777-777777777777",
    };
    const { results } = lint(cli, "main.bicepparam", INFRA_DIR, env);
    expect(describeDiagnostics(results)).toBe("");
    const built = runBicep(cli, ["build-params", "main.bicepparam", "--stdout"], env);
    expect(built.status, built.stderr).toBe(0);
    expect(built.stderr).toBe("");
    const output = JSON.parse(built.stdout) as { parametersJson: string };
    const parameters = (JSON.parse(output.parametersJson) as { parameters: Record<string, unknown> }).parameters;
    for (const required of ["environmentName", "targetScopes", "licenseServers"]) expect(parameters).toHaveProperty(required);
  });

  it("builds without a single diagnostic", () => {
    const run = runBicep(cli, ["build", "main.bicep", "--stdout"]);
    expect(run.status).toBe(0);
    expect(run.stderr).toBe("");
  });

  it("uses no registry or template-spec modules: every module is a local file", () => {
    for (const file of bicepFiles(INFRA_DIR)) {
      const text = readFileSync(file, "utf8");
      for (const match of text.matchAll(/^\s*module\s+\w+\s+'([^']+)'/gm)) {
        expect(match[1], file).not.toMatch(/^(br|ts)[:/]/);
        expect(match[1], file).toMatch(/\.bicep$/);
      }
    }
    const config = JSON.parse(readFileSync(join(INFRA_DIR, "bicepconfig.json"), "utf8")) as Record<string, unknown>;
    expect(config).not.toHaveProperty("moduleAliases");
  });

  it("builds with no network at all (a fresh network namespace)", (ctx) => {
    const probe = spawnSync("unshare", ["-rn", "true"]);
    if (probe.error || probe.status !== 0) ctx.skip("unshare -rn is not available here");
    const run = spawnSync("unshare", ["-rn", cli, "build", "main.bicep", "--stdout"], { cwd: INFRA_DIR, encoding: "utf8" });
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toHaveProperty("resources");
  });

  describe("the strict bicepconfig.json is in force", () => {
    let copy: InfraCopy;
    beforeAll(() => {
      copy = new InfraCopy();
    });
    afterAll(() => copy.remove());

    it("turns a linter finding in a module into an error", () => {
      const path = "modules/identity.bicep";
      copy.write(path, `${copy.read(path)}\n@description('Not used.')\nparam leftover string = 'x'\n`);
      const { results, run } = lint(cli, "main.bicep", copy.dir);
      expect(results.map((r) => [r.ruleId, r.level])).toContainEqual(["no-unused-params", "error"]);
      expect(run.status).not.toBe(0);
    });

    it("reports a property the resource type does not have (type checking works offline)", () => {
      const path = "modules/storage.bicep";
      copy.write(path, copy.read(path).replace("minimumTlsVersion: 'TLS1_2'", "minimumTlsVersion: 'TLS1_2'\n    minimumTlsVersoin: 'TLS1_2'"));
      const { results } = lint(cli, "main.bicep", copy.dir);
      expect(results.map((r) => r.ruleId)).toContain("BCP037");
    });
  });
});
