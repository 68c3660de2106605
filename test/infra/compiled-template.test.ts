import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { SETTINGS } from "../../src/config";
import {
  allResources,
  allStrings,
  allTemplates,
  type ArmTemplate,
  bicepOrSkip,
  buildTemplate,
  INFRA_DIR,
  type FoundResource,
  resourcesOfType,
} from "./bicep-cli";
import {
  FORBIDDEN_ROLES,
  HOST_AND_PLATFORM_SETTINGS,
  LICENSING_EVENTS,
  OS_DISK_RESTORE_ACTIONS,
  REMEDIATE_ACTIONS,
} from "./expected-infra";

const bicep = bicepOrSkip();

/** Follows `[variables('name')]` to the variable's value in the declaring template; anything else is returned as is. */
function resolve(value: unknown, template: ArmTemplate): unknown {
  const match = typeof value === "string" ? /^\[variables\('([^']+)'\)\]$/.exec(value) : null;
  if (!match) return value;
  const name = match[1]!;
  expect(template.variables, `variable ${name}`).toHaveProperty(name);
  return resolve(template.variables![name], template);
}

function one(template: ArmTemplate, type: string): FoundResource {
  const found = resourcesOfType(template, type);
  expect(found, type).toHaveLength(1);
  return found[0]!;
}

describe.skipIf(!bicep)("infra: the compiled template (bicep build infra/main.bicep)", () => {
  let template: ArmTemplate;
  let text: string;

  beforeAll(() => {
    template = buildTemplate(bicep!, "main.bicep").template;
    text = JSON.stringify(template);
  });

  it("deploys at subscription scope and creates the resource group", () => {
    expect(String((template as { $schema?: string }).$schema)).toContain("subscriptionDeploymentTemplate");
    expect(resourcesOfType(template, "Microsoft.Resources/resourceGroups")).toHaveLength(1);
  });

  describe("remediator role", () => {
    it("is a custom role whose actions are exactly the remediate and OS-disk-restore sets, with no wildcard", () => {
      const role = one(template, "Microsoft.Authorization/roleDefinitions");
      expect(role.resource.properties.type).toBe("CustomRole");
      const permissions = role.resource.properties.permissions as Record<string, unknown>[];
      expect(permissions).toHaveLength(1);
      expect(permissions[0]!.notActions).toEqual([]);
      expect(permissions[0]!.dataActions).toEqual([]);
      // The action list is chosen at deployment time (enableOsDiskRestore); every action string the role's template
      // can produce is in its variables or in the permission itself.
      const candidates = new Set(
        [...allStrings(role.template.variables), ...allStrings(permissions[0]!.actions)].filter((s) => /^Microsoft\.\w+\//.test(s)),
      );
      expect([...candidates].sort()).toEqual([...REMEDIATE_ACTIONS, ...OS_DISK_RESTORE_ACTIONS].sort());
      for (const s of [...allStrings(role.template.variables), ...allStrings(role.resource)]) expect(s).not.toContain("*");
      expect(String(permissions[0]!.actions)).toContain("enableOsDiskRestore");
    });

    it("is assigned at subscription and resource-group targets from the parameter list", () => {
      const assignmentModules = allResources(template)
        .filter((f) => f.resource.type === "Microsoft.Authorization/roleAssignments")
        .map((f) => f.path[0]);
      expect(assignmentModules).toEqual(expect.arrayContaining(["subscriptionAssignments", "resourceGroupAssignments"]));
      expect(text).toContain("parameters('targetScopes')");
    });

    it("never hands out Owner, Contributor or a role-management role", () => {
      for (const guid of FORBIDDEN_ROLES) expect(text.toLowerCase()).not.toContain(guid);
      for (const { resource } of resourcesOfType(template, "Microsoft.Authorization/roleAssignments")) {
        expect(resource.properties.principalType).toBe("ServicePrincipal");
      }
    });
  });

  describe("storage", () => {
    it("disables shared keys, requires TLS 1.2 and HTTPS, and allows no public blobs", () => {
      const { resource } = one(template, "Microsoft.Storage/storageAccounts");
      expect(resource.properties.allowSharedKeyAccess).toBe(false);
      expect(resource.properties.minimumTlsVersion).toBe("TLS1_2");
      expect(resource.properties.supportsHttpsTrafficOnly).toBe(true);
      expect(resource.properties.allowBlobPublicAccess).toBe(false);
    });
  });

  describe("function app", () => {
    it("runs on a Flex Consumption plan", () => {
      const { resource } = one(template, "Microsoft.Web/serverfarms");
      expect(resource.sku).toEqual({ name: "FC1", tier: "FlexConsumption" });
    });

    it("runs Node.js 22 as a user-assigned identity, HTTPS only, TLS 1.2", () => {
      const { resource } = one(template, "Microsoft.Web/sites");
      expect(String(resource.kind)).toContain("functionapp");
      expect(resource.properties.functionAppConfig.runtime).toEqual({ name: "node", version: "22" });
      expect((resource.identity as { type: string }).type).toBe("UserAssigned");
      expect(resource.properties.httpsOnly).toBe(true);
      expect(resource.properties.siteConfig.minTlsVersion).toBe("1.2");
      expect(resource.properties.functionAppConfig.deployment.storage.authentication.type).toBe("UserAssignedIdentity");
    });

    it("reaches storage with its identity, never a connection string", () => {
      const { resource } = one(template, "Microsoft.Web/sites");
      const settings = new Map(
        (resource.properties.siteConfig.appSettings as { name: string; value: unknown }[]).map((s) => [s.name, s.value]),
      );
      expect(settings.get("AzureWebJobsStorage__credential")).toBe("managedidentity");
      expect(settings.has("AzureWebJobsStorage__accountName")).toBe(true);
      expect(settings.has("AzureWebJobsStorage__clientId")).toBe(true);
      expect(settings.has("AzureWebJobsStorage")).toBe(false);
      expect(text).not.toMatch(/AccountKey=|listKeys\([^)]*storageAccounts/i);
    });

    it("sets exactly the settings src/config.ts reads, plus the named host and platform ones (checked both ways)", () => {
      const { resource } = one(template, "Microsoft.Web/sites");
      const names = (resource.properties.siteConfig.appSettings as { name: string }[]).map((s) => s.name);
      expect(new Set(names).size, "no setting twice").toBe(names.length);
      const appSettings = SETTINGS.filter((s) => !s.localOnly).map((s) => s.name);
      const localOnly = SETTINGS.filter((s) => s.localOnly).map((s) => s.name);
      for (const name of appSettings) expect(names, `${name} is read by src/config.ts but not deployed`).toContain(name);
      for (const name of names) {
        expect([...appSettings, ...HOST_AND_PLATFORM_SETTINGS], `${name} is deployed but nothing reads it`).toContain(name);
      }
      for (const name of localOnly) expect(names, `${name} is local-only`).not.toContain(name);
      for (const notOnFlex of ["FUNCTIONS_WORKER_RUNTIME", "FUNCTIONS_EXTENSION_VERSION", "WEBSITE_RUN_FROM_PACKAGE"]) {
        expect(names).not.toContain(notOnFlex);
      }
    });
  });

  describe("signals", () => {
    it("the data collection rule's XPath queries name the four licensing events on their channels", () => {
      const dcr = one(template, "Microsoft.Insights/dataCollectionRules");
      const sources = dcr.resource.properties.dataSources.windowsEventLogs as { streams: string[]; xPathQueries: unknown }[];
      const queries = sources.flatMap((s) => resolve(s.xPathQueries, dcr.template) as string[]);
      const idsIn = (channel: string) =>
        queries
          .filter((q) => q.startsWith(`${channel}!`))
          .flatMap((q) => [...q.matchAll(/EventID=(\d+)/g)].map((m) => Number(m[1])))
          .sort();
      expect(idsIn("System")).toEqual([...LICENSING_EVENTS.system].sort());
      expect(idsIn(`${LICENSING_EVENTS.provider}/Admin`)).toEqual([...LICENSING_EVENTS.rcmAdmin].sort());
      expect(queries.find((q) => q.startsWith("System!"))).toContain(`Provider[@Name='${LICENSING_EVENTS.provider}']`);
      expect(sources.every((s) => s.streams.includes("Microsoft-Event"))).toBe(true);
    });

    it("the alert rule counts those events and splits by _ResourceId and Computer", () => {
      const rule = one(template, "Microsoft.Insights/scheduledQueryRules");
      const criterion = rule.resource.properties.criteria.allOf[0];
      const query = resolve(criterion.query, rule.template) as string;
      for (const id of [...LICENSING_EVENTS.system, ...LICENSING_EVENTS.rcmAdmin]) expect(query).toContain(String(id));
      expect(query).toContain(LICENSING_EVENTS.provider);
      expect(query).toContain("_ResourceId");
      const dimensions = criterion.dimensions as { name: string; operator: string; values: string[] }[];
      expect(dimensions.map((d) => d.name)).toEqual(["_ResourceId", "Computer"]);
      for (const d of dimensions) expect(d).toMatchObject({ operator: "Include", values: ["*"] });
      expect(criterion).toMatchObject({ timeAggregation: "Count", operator: "GreaterThan", threshold: 0 });
      expect(rule.resource.properties.actions.actionGroups).toHaveLength(1);
    });

    it("the action group calls /api/alerts on the function app with the common alert schema", () => {
      const group = one(template, "Microsoft.Insights/actionGroups");
      expect(group.resource.location).toBe("Global");
      const receivers = group.resource.properties.azureFunctionReceivers as Record<string, unknown>[];
      expect(receivers).toHaveLength(1);
      expect(receivers[0]!.useCommonAlertSchema).toBe(true);
      expect(String(receivers[0]!.httpTriggerUrl)).toContain("/api/alerts?code=");
      expect(String(receivers[0]!.functionAppResourceId)).toContain("Microsoft.Web/sites");
    });
  });

  it("no output anywhere carries a key or a secret", () => {
    for (const t of allTemplates(template)) {
      for (const [name, output] of Object.entries(t.outputs ?? {})) {
        expect(JSON.stringify(output.value), name).not.toMatch(/list\w*\(|ConnectionString|secure/i);
      }
    }
    // The one deployment-time key read is the function key in the action group's receiver URL.
    const readers = allResources(template).filter((f) => JSON.stringify(f.resource).includes("listKeys("));
    expect(readers.map((f) => f.resource.type)).toEqual(["Microsoft.Insights/actionGroups"]);
  });

  it("the notification webhook URL is a secure parameter down to the function app's module", () => {
    expect(template.parameters?.notifyWebhookUrl?.type?.toLowerCase()).toBe("securestring");
    const site = one(template, "Microsoft.Web/sites");
    expect(site.template.parameters?.notifyWebhookUrl?.type?.toLowerCase()).toBe("securestring");
    const settings = site.resource.properties.siteConfig.appSettings as { name: string; value: unknown }[];
    expect(settings.find((s) => s.name === "NOTIFY_WEBHOOK_URL")?.value).toBe("[parameters('notifyWebhookUrl')]");
  });

  it("docs/deploy.md documents every parameter", () => {
    const docs = readFileSync(join(INFRA_DIR, "..", "docs", "deploy.md"), "utf8");
    for (const name of Object.keys(template.parameters ?? {})) expect(docs, name).toContain(`| \`${name}\` |`);
  });
});
