import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { readAzureYaml, ROOT } from "./azure-yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config";
import { bicepOrSkip, INFRA_DIR, InfraCopy, single, type Snapshot, snapshot } from "./bicep-cli";
import { OS_DISK_RESTORE_ACTIONS, REMEDIATE_ACTIONS } from "./expected-infra";

const bicep = bicepOrSkip();

/** The app settings known before deployment (the rest, like the identity's client ID, Azure fills in). */
function literalSettings(s: Snapshot): Record<string, string> {
  const site = single(s.predictedResources, "Microsoft.Web/sites");
  return Object.fromEntries(
    (site.properties.siteConfig.appSettings as { name: string; value: string }[])
      .filter((a) => !a.value.startsWith("["))
      .map((a) => [a.name, a.value]),
  );
}

describe("azure.yaml: azd up provisions infra/ and deploys the app to the function app", () => {
  const yaml = readAzureYaml();

  it("uses the Bicep in infra/, whose parameters file azd reads", () => {
    expect(yaml.infra.provider).toBe("bicep");
    expect(existsSync(join(ROOT, yaml.infra.path, `${yaml.infra.module}.bicep`))).toBe(true);
    expect(existsSync(join(ROOT, yaml.infra.path, `${yaml.infra.module}.bicepparam`))).toBe(true);
  });

  it("has one service, api: this TypeScript project on Azure Functions, named as the app's azd-service-name tag", () => {
    expect(Object.keys(yaml.services)).toEqual(["api"]);
    expect(yaml.services.api).toMatchObject({ project: ".", language: "ts", host: "function" });
    const functionApp = readFileSync(join(INFRA_DIR, "modules", "function-app.bicep"), "utf8");
    expect(functionApp).toContain("'azd-service-name': 'api'");
  });
});

describe.skipIf(!bicep)("infra/main.bicepparam: the example parameters deploy, and azd's environment steers them", () => {
  let copy: InfraCopy;
  beforeAll(() => {
    copy = new InfraCopy();
  });
  afterAll(() => copy?.remove());

  it("as written: one example resource group target, no OS-disk restore, settings the app accepts", () => {
    const s = snapshot(bicep!, copy, "main");
    expect(s.diagnostics).toEqual([]);
    const role = single(s.predictedResources, "Microsoft.Authorization/roleDefinitions");
    expect([...role.properties.permissions[0].actions].sort()).toEqual([...REMEDIATE_ACTIONS].sort());
    expect(role.properties.assignableScopes).toEqual(["/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-rdsh"]);
    expect(single(s.predictedResources, "Microsoft.Resources/resourceGroups").name).toBe("rg-rdpmedic-rdpmedic");
    const config = loadConfig(literalSettings(s));
    expect(config.policy.licenseServers).toEqual(["rdls01.contoso.com"]);
    expect(config.killSwitch).toBe(false);
  });

  it("from azd's environment: AZURE_ENV_NAME and the RDPMEDIC_* variables", () => {
    const scopes = [
      "/subscriptions/11111111-1111-1111-1111-111111111111",
      "/subscriptions/22222222-2222-2222-2222-222222222222/resourceGroups/rg-rdsh",
    ];
    const vm = "/subscriptions/22222222-2222-2222-2222-222222222222/resourceGroups/rg-rdsh/providers/Microsoft.Compute/virtualMachines/rdsh-01";
    const s = snapshot(bicep!, copy, "main", undefined, {
      AZURE_ENV_NAME: "prod",
      RDPMEDIC_TARGET_SCOPES: scopes.join(","),
      RDPMEDIC_LICENSE_SERVERS: "rdls01.contoso.com,rdls02.contoso.com",
      RDPMEDIC_ENABLE_OS_DISK_RESTORE: "true",
      RDPMEDIC_MONITORED_VMS: vm,
    });
    expect(s.diagnostics).toEqual([]);
    expect(single(s.predictedResources, "Microsoft.Resources/resourceGroups").name).toBe("rg-rdpmedic-prod");
    const role = single(s.predictedResources, "Microsoft.Authorization/roleDefinitions");
    expect([...role.properties.permissions[0].actions].sort()).toEqual([...REMEDIATE_ACTIONS, ...OS_DISK_RESTORE_ACTIONS].sort());
    expect(role.properties.assignableScopes).toEqual(scopes);
    const association = single(s.predictedResources, "Microsoft.Insights/dataCollectionRuleAssociations");
    expect(association.id.startsWith(`${vm}/providers/`)).toBe(true);
    const config = loadConfig(literalSettings(s));
    expect(config.policy.licenseServers).toEqual(["rdls01.contoso.com", "rdls02.contoso.com"]);
    expect(config.allowedScopes).toHaveLength(2);
  });
});
