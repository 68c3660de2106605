import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { readAzureYaml, ROOT } from "./azure-yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config";
import { azdSnapshot, bicepOrSkip, DEPLOYMENT, INFRA_DIR, InfraCopy, runBicep, single, type Snapshot } from "./bicep-cli";
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

/** What azd puts in the environment of a fresh `azd env new` + the `azd env set` lines of docs/deploy.md. */
const AZD_ENV = {
  AZURE_ENV_NAME: "prod",
  AZURE_LOCATION: "swedencentral",
  RDPMEDIC_TARGET_SCOPES: "/subscriptions/22222222-2222-2222-2222-222222222222/resourceGroups/rg-rdsh",
  RDPMEDIC_LICENSE_SERVERS: "rdls01.corp.example,rdls02.corp.example",
  RDPMEDIC_ENTRA_CLIENT_ID: "77777777-7777-7777-7777-777777777777",
  RDPMEDIC_ENTRA_APP_OBJECT_ID: "88888888-8888-8888-8888-888888888888",
};
const REQUIRED_VARIABLES = ["AZURE_ENV_NAME", "AZURE_LOCATION", "RDPMEDIC_TARGET_SCOPES", "RDPMEDIC_LICENSE_SERVERS", "RDPMEDIC_ENTRA_CLIENT_ID"];

const tryAzdSnapshot = (copy: InfraCopy, env: Record<string, string>) => azdSnapshot(bicep!, copy, env);

describe.skipIf(!bicep)("infra/main.bicepparam: azd's environment is the configuration, and nothing wrong gets deployed", () => {
  let copy: InfraCopy;
  beforeAll(() => {
    copy = new InfraCopy();
  });
  afterAll(() => copy?.remove());

  it("the default parameter set (only the required variables): what the first azd up creates", () => {
    const { run, snapshot: s } = tryAzdSnapshot(copy, AZD_ENV);
    expect(run.status, run.stderr).toBe(0);
    expect(s!.diagnostics).toEqual([]);
    const counts: Record<string, number> = {};
    for (const r of s!.predictedResources) counts[r.type] = (counts[r.type] ?? 0) + 1;
    expect(counts).toEqual({
      "Microsoft.Resources/resourceGroups": 1,
      "Microsoft.ManagedIdentity/userAssignedIdentities": 1,
      "Microsoft.Storage/storageAccounts": 1,
      "Microsoft.Storage/storageAccounts/blobServices": 1,
      "Microsoft.Storage/storageAccounts/blobServices/containers": 1,
      "Microsoft.OperationalInsights/workspaces": 1,
      "Microsoft.Insights/components": 1,
      "Microsoft.Web/serverfarms": 1,
      "Microsoft.Web/sites": 1,
      "Microsoft.Web/sites/basicPublishingCredentialsPolicies": 2,
      "Microsoft.Authorization/roleDefinitions": 1,
      "Microsoft.Insights/dataCollectionRules": 1,
      "Microsoft.Insights/actionGroups": 1,
      "Microsoft.Insights/scheduledQueryRules": 1,
      // Fleet onboarding on the one target scope: four policies, one remediation each.
      "Microsoft.Authorization/policyAssignments": 4,
      "Microsoft.PolicyInsights/remediations": 4,
      // App identity: 3 storage data roles, metrics publisher, workspace reader, remediator on the target (6);
      // policy identities: 5 on the target, 2 on the rule's resource group (7).
      "Microsoft.Authorization/roleAssignments": 13,
    });
    const group = single(s!.predictedResources, "Microsoft.Resources/resourceGroups");
    expect(group.name).toBe("rg-rdpmedic-prod");
    expect(group.location).toBe("swedencentral");
    const role = single(s!.predictedResources, "Microsoft.Authorization/roleDefinitions");
    expect([...role.properties.permissions[0].actions].sort()).toEqual([...REMEDIATE_ACTIONS].sort());
    expect(role.properties.assignableScopes).toEqual([AZD_ENV.RDPMEDIC_TARGET_SCOPES.toLowerCase().replace("resourcegroups", "resourceGroups")]);
    const config = loadConfig(literalSettings(s!));
    expect(config.policy.licenseServers).toEqual(["rdls01.corp.example", "rdls02.corp.example"]);
    expect(config.killSwitch).toBe(false);
    expect(literalSettings(s!).ALERT_AUTH).toBe("entra");
    expect(s!.outputs.AZURE_LOCATION).toBe("swedencentral");
  });

  it("every optional RDPMEDIC_* variable steers its parameter", () => {
    const scopes = [
      "/subscriptions/11111111-1111-1111-1111-111111111111",
      "/subscriptions/22222222-2222-2222-2222-222222222222/resourceGroups/rg-rdsh",
    ];
    const vm = "/subscriptions/22222222-2222-2222-2222-222222222222/resourceGroups/rg-rdsh/providers/Microsoft.Compute/virtualMachines/rdsh-01";
    const { run, snapshot: s } = tryAzdSnapshot(copy, {
      ...AZD_ENV,
      RDPMEDIC_TARGET_SCOPES: scopes.join(","),
      RDPMEDIC_ENABLE_OS_DISK_RESTORE: "true",
      RDPMEDIC_KILL_SWITCH: "true",
      RDPMEDIC_RESTART_WITH_USERS: "wait",
      RDPMEDIC_MAINTENANCE_WINDOW: "Sat,Sun 02:00-05:00",
      RDPMEDIC_MONITORED_VMS: vm,
      RDPMEDIC_ALERT_AUTH: "function-key",
      RDPMEDIC_DURABLE_BACKEND: "durable-task-scheduler",
      RDPMEDIC_ONBOARD_BY_POLICY: "false",
    });
    expect(run.status, run.stderr).toBe(0);
    const role = single(s!.predictedResources, "Microsoft.Authorization/roleDefinitions");
    expect([...role.properties.permissions[0].actions].sort()).toEqual([...REMEDIATE_ACTIONS, ...OS_DISK_RESTORE_ACTIONS].sort());
    expect(role.properties.assignableScopes).toEqual(scopes);
    const association = single(s!.predictedResources, "Microsoft.Insights/dataCollectionRuleAssociations");
    expect(association.id.startsWith(`${vm}/providers/`)).toBe(true);
    expect(loadConfig(literalSettings(s!)).killSwitch).toBe(true);
    expect(loadConfig(literalSettings(s!)).policy).toMatchObject({ restartWithUsers: "wait", maintenanceWindow: { text: "Sat,Sun 02:00-05:00" } });
    expect(literalSettings(s!).ALERT_AUTH).toBe("function-key");
    expect(single(s!.predictedResources, "Microsoft.DurableTask/schedulers").type).toBe("Microsoft.DurableTask/schedulers");
    expect(s!.predictedResources.filter((r) => r.type === "Microsoft.Authorization/policyAssignments")).toEqual([]);
  });

  it.each(REQUIRED_VARIABLES)("without %s nothing is evaluated, and Bicep's message names the variable", (name) => {
    const env: Record<string, string> = { ...AZD_ENV };
    delete env[name];
    const { run, snapshot: s } = tryAzdSnapshot(copy, env);
    expect(run.status).not.toBe(0);
    expect(s).toBeUndefined();
    expect(run.stderr + run.stdout).toContain(`Environment variable "${name}" does not exist`);
  });

  const refused: [string, Record<string, string>, string][] = [
    ["a scope the app would refuse", { RDPMEDIC_TARGET_SCOPES: "/subscriptions/22222222-2222-2222-2222-222222222222/resourceGroups/rg-rdsh,rg-hosts" }, 'targetScopes (RDPMEDIC_TARGET_SCOPES): not /subscriptions/<guid> or /subscriptions/<guid>/resourceGroups/<name>: "rg-hosts"'],
    ["an empty scope list", { RDPMEDIC_TARGET_SCOPES: "" }, "targetScopes (RDPMEDIC_TARGET_SCOPES)"],
    ["a license server with a space", { RDPMEDIC_LICENSE_SERVERS: "rdls01.corp.example,rdls 02" }, 'licenseServers (RDPMEDIC_LICENSE_SERVERS): each must be one FQDN, host name or IP address without spaces, commas or semicolons: "rdls 02"'],
    ["an empty license server list", { RDPMEDIC_LICENSE_SERVERS: "" }, "licenseServers (RDPMEDIC_LICENSE_SERVERS)"],
    ["a client ID that is not a GUID", { RDPMEDIC_ENTRA_CLIENT_ID: "rdp-medic" }, "entraClientId (RDPMEDIC_ENTRA_CLIENT_ID): must be the API app registration's client ID, a GUID"],
    ["a secure webhook without the app's object ID", { RDPMEDIC_ENTRA_APP_OBJECT_ID: "" }, "entraApplicationObjectId (RDPMEDIC_ENTRA_APP_OBJECT_ID): alertAuth is entra"],
    ["a misspelt alert authentication", { RDPMEDIC_ALERT_AUTH: "function_key" }, `but the provided value is of type "'function_key'"`],
    ["a misspelt durable backend", { RDPMEDIC_DURABLE_BACKEND: "dts" }, `but the provided value is of type "'dts'"`],
    ["a region without Flex Consumption", { AZURE_LOCATION: "germanynorth" }, `but the provided value is of type "'germanynorth'"`],
    ["waiting for a maintenance window that is not set", { RDPMEDIC_RESTART_WITH_USERS: "wait" }, "maintenanceWindow (RDPMEDIC_MAINTENANCE_WINDOW): restartWithUsers is wait"],
    ["a misspelt restart policy", { RDPMEDIC_RESTART_WITH_USERS: "ask" }, `but the provided value is of type "'ask'"`],
    ["a monitored VM that is not a VM ID", { RDPMEDIC_MONITORED_VMS: "/subscriptions/22222222-2222-2222-2222-222222222222/resourceGroups/rg-rdsh" }, "monitoredVmResourceIds (RDPMEDIC_MONITORED_VMS)"],
  ];
  it.each(refused)("refuses %s before any resource is evaluated, naming the parameter", (_what, change, message) => {
    const { run, snapshot: s } = tryAzdSnapshot(copy, { ...AZD_ENV, ...change });
    expect(run.status).not.toBe(0);
    expect(s).toBeUndefined();
    expect(run.stderr + run.stdout).toContain(message);
  });

  it("an alert window no longer than the frequency is refused", () => {
    copy.write("window.bicepparam", `using 'main.bicep'
param environmentName = 'w'
param location = 'westeurope'
param targetScopes = ['/subscriptions/22222222-2222-2222-2222-222222222222']
param licenseServers = ['rdls01.corp.example']
param entraClientId = '${AZD_ENV.RDPMEDIC_ENTRA_CLIENT_ID}'
param entraApplicationObjectId = '${AZD_ENV.RDPMEDIC_ENTRA_APP_OBJECT_ID}'
param alertEvaluationFrequency = 'PT30M'
param alertWindowSize = 'PT30M'
`);
    const run = runBicep(bicep!, ["snapshot", join(copy.dir, "window.bicepparam"), "--mode", "overwrite", "--subscription-id", DEPLOYMENT.subscriptionId, "--location", "westeurope"], {}, copy.dir);
    expect(run.status).not.toBe(0);
    expect(run.stderr + run.stdout).toContain("alertWindowSize (PT30M) must be longer than alertEvaluationFrequency (PT30M)");
  });
});
