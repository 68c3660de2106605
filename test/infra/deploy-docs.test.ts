import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config";
import { readAzureYaml, ROOT } from "./azure-yaml";
import { azdSnapshot, bicepOrSkip, INFRA_DIR, InfraCopy, single } from "./bicep-cli";
import { APP_ROLES } from "./expected-infra";

/** docs/deploy.md: the first-deployment walkthrough and the app registration are what the tests check. */

const bicep = bicepOrSkip();
const DOC = readFileSync(join(ROOT, "docs", "deploy.md"), "utf8");
const BICEPPARAM = readFileSync(join(INFRA_DIR, "main.bicepparam"), "utf8");

/** The shell commands of the walkthrough: the one code block between the first-deployment markers. */
function walkthroughCommands(): string[] {
  const section = DOC.split("<!-- first-deployment:start -->")[1]?.split("<!-- first-deployment:end -->")[0];
  expect(section, "docs/deploy.md has the first-deployment section").toBeDefined();
  const blocks = [...section!.matchAll(/```bash\n([\s\S]*?)```/g)].map((m) => m[1]!);
  expect(blocks).toHaveLength(1);
  return blocks[0]!
    .split("\n")
    .map((line) => line.replace(/\s+#.*$/, "").trim())
    .filter((line) => line !== "");
}

/** The variables main.bicepparam reads from the environment (azd's). */
const BICEPPARAM_VARIABLES = [...BICEPPARAM.matchAll(/readEnvironmentVariable\('([A-Z_]+)'/g)].map((m) => m[1]!);

/** What a person puts in place of each <placeholder> in the walkthrough (values the real Bicep then evaluates). */
const PLACEHOLDERS: Record<string, string> = {
  "<subscription-id>": "22222222-2222-2222-2222-222222222222",
  "<resource-group-of-the-session-hosts>": "rg-rdsh",
  "<license-server-fqdn>": "rdls01.corp.example",
  "<client-id-of-the-api-app-registration>": "77777777-7777-7777-7777-777777777777",
  "<object-id-of-the-api-app-registration>": "88888888-8888-8888-8888-888888888888",
};
const fill = (value: string) => value.replace(/<[^>]+>/g, (p) => PLACEHOLDERS[p] ?? p);
const unquote = (value: string) => value.replace(/^"(.*)"$/, "$1");

describe("docs/deploy.md: the first-deployment walkthrough uses only commands a test has checked", () => {
  const packageJson = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };
  const yaml = readAzureYaml();

  it("every line is an npm or azd command this test knows and checks", () => {
    const checks: [RegExp, (m: RegExpExecArray) => void][] = [
      [/^npm ci$/, () => expect(existsSync(join(ROOT, "package-lock.json"))).toBe(true)],
      [/^npm (test|run (\S+))$/, (m) => expect(packageJson.scripts).toHaveProperty(m[2] ?? "test")],
      [/^azd auth login$/, () => undefined],
      [/^azd env new ([a-z0-9-]{1,32})$/, () => undefined],
      [/^azd env set ([A-Z_]+) (\S+)$/, (m) => expect(BICEPPARAM_VARIABLES, `${m[1]} is read by infra/main.bicepparam`).toContain(m[1])],
      [/^azd provision --preview$/, () => expect(yaml.infra.provider).toBe("bicep")],
      [/^azd up$/, () => expect(yaml.services.api!.dist).toBe(".artifacts/package")],
    ];
    for (const line of walkthroughCommands()) {
      const check = checks.map(([pattern, run]) => [pattern.exec(line), run] as const).find(([m]) => m !== null);
      expect(check, `"${line}" is not a command the tests check`).toBeDefined();
      check![1](check![0]!);
    }
  });

  it("sets every variable main.bicepparam requires (those without a default)", () => {
    const set = walkthroughCommands().flatMap((line) => /^azd env set ([A-Z_]+) /.exec(line)?.[1] ?? []);
    const required = [...BICEPPARAM.matchAll(/readEnvironmentVariable\('([A-Z_]+)'\)/g)].map((m) => m[1]!);
    for (const name of required.filter((n) => n !== "AZURE_ENV_NAME")) expect(set, name).toContain(name);
    expect(walkthroughCommands().some((line) => line.startsWith("azd env new "))).toBe(true);
  });

  it("the table of environment variables lists exactly those main.bicepparam reads", () => {
    const documented = [...DOC.matchAll(/^\| `([A-Z_]+)`/gm)].map((m) => m[1]!);
    expect([...new Set(documented)].sort()).toEqual([...new Set(BICEPPARAM_VARIABLES)].sort());
  });

  it("says which hooks the first azd up runs, and they are the ones azure.yaml names", () => {
    expect(yaml.services.api!.hooks?.prepackage?.run).toBe("./infra/hooks/prepackage.ps1");
    for (const hook of [yaml.services.api!.hooks!.prepackage!, yaml.hooks!.postprovision!, yaml.hooks!.postdeploy!]) {
      expect(existsSync(join(ROOT, hook.run))).toBe(true);
      expect(DOC).toContain(hook.run.replace(/^\.\//, ""));
    }
  });
});

describe.skipIf(!bicep)("docs/deploy.md: the walkthrough's values evaluate (real Bicep) to the deployment it describes", () => {
  let copy: InfraCopy;
  beforeAll(() => {
    copy = new InfraCopy();
  });
  afterAll(() => copy?.remove());

  it("with the placeholders filled in, nothing is refused, and the app starts in diagnose-only mode", () => {
    const env: Record<string, string> = {};
    for (const line of walkthroughCommands()) {
      const newEnv = /^azd env new (\S+)$/.exec(line);
      if (newEnv) env.AZURE_ENV_NAME = newEnv[1]!;
      const set = /^azd env set ([A-Z_]+) (.+)$/.exec(line);
      if (set) env[set[1]!] = fill(unquote(set[2]!));
    }
    const { run, snapshot } = azdSnapshot(bicep!, copy, env);
    expect(run.status, run.stderr).toBe(0);
    const site = single(snapshot!.predictedResources, "Microsoft.Web/sites");
    const settings = Object.fromEntries(
      (site.properties.siteConfig.appSettings as { name: string; value: string }[]).filter((a) => !a.value.startsWith("[")).map((a) => [a.name, a.value]),
    );
    expect(loadConfig(settings).killSwitch).toBe(true);
    expect(single(snapshot!.predictedResources, "Microsoft.Resources/resourceGroups").name).toBe(`rg-rdpmedic-${env.AZURE_ENV_NAME}`);
  });
});

describe("the API app registration: its app roles are the contract's, and the documented commands use them", () => {
  const roles = JSON.parse(readFileSync(join(INFRA_DIR, "entra", "app-roles.json"), "utf8")) as {
    id: string;
    value: string;
    allowedMemberTypes: string[];
    isEnabled: boolean;
    displayName: string;
    description: string;
  }[];

  it("holds exactly Operator and Approver (people) and ActionGroupsSecureWebhook (an application), enabled, with distinct IDs", () => {
    expect(roles.map((r) => r.value).sort()).toEqual(Object.values(APP_ROLES).sort());
    const byValue = new Map(roles.map((r) => [r.value, r]));
    expect(byValue.get(APP_ROLES.operator)!.allowedMemberTypes).toEqual(["User"]);
    expect(byValue.get(APP_ROLES.approver)!.allowedMemberTypes).toEqual(["User"]);
    expect(byValue.get(APP_ROLES.actionGroup)!.allowedMemberTypes).toEqual(["Application"]);
    for (const role of roles) {
      expect(role.isEnabled).toBe(true);
      expect(role.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(role.description.length).toBeGreaterThan(0);
    }
    expect(new Set(roles.map((r) => r.id)).size).toBe(roles.length);
  });

  it("each documented role assignment names the right role's ID, and the action group's goes to Azure Monitor's service principal", () => {
    const section = DOC.split("### The API app registration")[1]!.split("### ")[0]!;
    expect(section).toContain("--app-roles @infra/entra/app-roles.json");
    expect(section).toContain('--identifier-uris "api://$appId"');
    const assignments = [...section.matchAll(/servicePrincipals\/\$(\w+)\/appRoleAssignedTo[\s\S]*?\\"appRoleId\\":\\"([0-9a-f-]{36})\\"/g)].map((m) => ({
      to: m[1]!,
      roleId: m[2]!,
    }));
    const idOf = (value: string) => roles.find((r) => r.value === value)!.id;
    expect(assignments).toContainEqual({ to: "aznsSp", roleId: idOf(APP_ROLES.actionGroup) });
    expect(assignments.filter((a) => a.to === "apiSp").map((a) => a.roleId).sort()).toEqual([idOf(APP_ROLES.operator), idOf(APP_ROLES.approver)].sort());
    // The action group's service principal (AzNS AAD Webhook) is Microsoft's first-party app for secure webhooks.
    expect(section).toContain("az ad sp show --id 461e8683-5575-4561-ac7f-899cc907d62a");
  });
});
