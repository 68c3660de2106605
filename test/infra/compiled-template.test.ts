import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { SETTINGS } from "../../src/config";
import { LICENSING_EVENT_IDS } from "../../src/domain/playbook";
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
  RETIRED_SETTINGS,
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

/**
 * The function app's settings as the compiled template writes them: name -> the ARM expression of the value (a
 * quoted literal, or e.g. parameters('x')). appSettings is concat(<scheduler settings>, createArray(...)), so the
 * names are read from its createObject('name', '<name>', 'value', <value>) calls and from the variables it names.
 */
function settingExpressions(site: FoundResource): Map<string, string> {
  const expression = [String(site.resource.properties.siteConfig.appSettings), ...Object.values(site.template.variables ?? {}).map(String)].join(" ");
  const settings = new Map<string, string>();
  for (const match of expression.matchAll(/createObject\('name', '([^']+)', 'value', /g)) {
    let depth = 0;
    let end = match.index! + match[0].length;
    for (; end < expression.length; end++) {
      const c = expression[end];
      if (c === "(") depth++;
      else if (c === ")") {
        if (depth === 0) break;
        depth--;
      } else if (c === "," && depth === 0) break;
    }
    expect(settings.has(match[1]!), `${match[1]} set twice`).toBe(false);
    settings.set(match[1]!, expression.slice(match.index! + match[0].length, end).trim());
  }
  return settings;
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

    it("reaches storage with its identity, one endpoint per service, never a connection string", () => {
      const settings = settingExpressions(one(template, "Microsoft.Web/sites"));
      expect(settings.get("AzureWebJobsStorage__credential")).toBe("'managedidentity'");
      // One endpoint per service, each the account's own (Functions' identity-based connection settings).
      for (const service of ["blob", "queue", "table"]) {
        expect(settings.get(`AzureWebJobsStorage__${service}ServiceUri`)).toBe(`reference('storage').primaryEndpoints.${service}`);
      }
      expect(settings.has("AzureWebJobsStorage__accountName")).toBe(false);
      expect(settings.get("AzureWebJobsStorage__clientId")).toBe("parameters('identityClientId')");
      expect(settings.has("AzureWebJobsStorage")).toBe(false);
      expect(text).not.toMatch(/AccountKey=|listKeys\([^)]*storageAccounts/i);
    });

    it("sets exactly the settings src/config.ts reads, plus the named host and platform ones (checked both ways)", () => {
      const names = [...settingExpressions(one(template, "Microsoft.Web/sites")).keys()];
      const retired: readonly string[] = RETIRED_SETTINGS;
      const appSettings = SETTINGS.filter((s) => !s.localOnly && !retired.includes(s.name)).map((s) => s.name);
      const localOnly = SETTINGS.filter((s) => s.localOnly).map((s) => s.name);
      for (const name of appSettings) expect(names, `${name} is read by src/config.ts but not deployed`).toContain(name);
      for (const name of names) {
        expect([...appSettings, ...HOST_AND_PLATFORM_SETTINGS], `${name} is deployed but nothing reads it`).toContain(name);
      }
      for (const name of [...localOnly, ...retired]) expect(names, `${name} must not be deployed`).not.toContain(name);
      for (const notOnFlex of ["FUNCTIONS_WORKER_RUNTIME", "FUNCTIONS_EXTENSION_VERSION", "WEBSITE_RUN_FROM_PACKAGE"]) {
        expect(names).not.toContain(notOnFlex);
      }
    });

    it("with the Durable Task Scheduler backend, host.json's storage provider becomes azureManaged through the host's override", () => {
      const site = one(template, "Microsoft.Web/sites");
      const settings = settingExpressions(site);
      expect(settings.get("AzureFunctionsJobHost__extensions__durableTask__storageProvider__type")).toBe("'azureManaged'");
      expect(settings.get("AzureFunctionsJobHost__extensions__durableTask__storageProvider__connectionStringName")).toBe(
        "'DURABLE_TASK_SCHEDULER_CONNECTION_STRING'",
      );
      expect(settings.get("DURABLE_TASK_SCHEDULER_CONNECTION_STRING")).toContain("Authentication=ManagedIdentity;ClientID=");
      // host.json keeps one hub name for both backends: the scheduler's task hub is TASK_HUB_NAME.
      const hostJson = JSON.parse(readFileSync(join(INFRA_DIR, "..", "host.json"), "utf8")) as { extensions: { durableTask: { hubName: string } } };
      expect(hostJson.extensions.durableTask.hubName).toBe("%TASK_HUB_NAME%");
      const hub = one(template, "Microsoft.DurableTask/schedulers/taskHubs");
      expect(JSON.stringify(hub.resource.name)).toContain("taskHubName");
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

    it("the alert rule counts those events per VM, with the VM as its target, and keys on channel and event ID, not Source", () => {
      const rule = one(template, "Microsoft.Insights/scheduledQueryRules");
      const criterion = rule.resource.properties.criteria.allOf[0];
      const query = resolve(criterion.query, rule.template) as string;
      // The query is the file the tests and the KQL binding read: exactly what is deployed.
      expect(query).toBe(readFileSync(join(INFRA_DIR, "queries", "rd-licensing-alert.kql"), "utf8"));
      const code = query.replace(/\/\/.*$/gm, "");
      expect(code).toContain(`EventLog == "System" and EventID in (${LICENSING_EVENTS.system.join(", ")})`);
      expect(code).toContain(`EventLog == "${LICENSING_EVENTS.provider}/Admin" and EventID in (${LICENSING_EVENTS.rcmAdmin.join(", ")})`);
      expect(code).not.toMatch(/\bSource\b/);
      expect(code).toContain("_ResourceId");
      expect(criterion.resourceIdColumn).toBe("_ResourceId");
      const dimensions = criterion.dimensions as { name: string; operator: string; values: string[] }[];
      expect(dimensions).toEqual([{ name: "Computer", operator: "Include", values: ["*"] }]);
      expect(criterion).toMatchObject({ timeAggregation: "Count", operator: "GreaterThan", threshold: 0 });
      expect(rule.resource.properties.actions.actionGroups).toHaveLength(1);
    });

    it("collects and alerts on exactly the licensing events the app itself reads (probe and sweep: LICENSING_EVENT_IDS)", () => {
      const dcr = one(template, "Microsoft.Insights/dataCollectionRules");
      const sources = dcr.resource.properties.dataSources.windowsEventLogs as { xPathQueries: unknown }[];
      const collected = sources
        .flatMap((s) => resolve(s.xPathQueries, dcr.template) as string[])
        .flatMap((q) => [...q.matchAll(/EventID=(\d+)/g)].map((m) => Number(m[1])));
      const rule = one(template, "Microsoft.Insights/scheduledQueryRules");
      const query = (resolve(rule.resource.properties.criteria.allOf[0].query, rule.template) as string).replace(/\/\/.*$/gm, "");
      const alerted = [...query.matchAll(/EventID in \(([\d, ]+)\)/g)].flatMap((m) => m[1]!.split(",").map((n) => Number(n.trim())));
      const appReads = [...LICENSING_EVENT_IDS].sort();
      expect([...new Set(collected)].sort()).toEqual(appReads);
      expect([...new Set(alerted)].sort()).toEqual(appReads);
    });

    it("the alert repeats while a VM stays broken, over a window longer than its frequency", () => {
      const rule = one(template, "Microsoft.Insights/scheduledQueryRules");
      expect(rule.resource.properties.autoMitigate).toBe(false);
      expect(rule.resource.properties.windowSize).toBe("[parameters('alertWindowSize')]");
      expect(rule.resource.properties.evaluationFrequency).toBe("[parameters('alertEvaluationFrequency')]");
      expect(template.parameters?.alertWindowSize?.defaultValue).toBe("PT30M");
      expect(template.parameters?.alertEvaluationFrequency?.defaultValue).toBe("PT15M");
    });

    it("the action group's receiver: a secure webhook to /api/alerts for the API's audience, or none (the hook adds the function key)", () => {
      const group = one(template, "Microsoft.Insights/actionGroups");
      expect(group.resource.location).toBe("Global");
      const webhooks = String(group.resource.properties.webhookReceivers);
      expect(webhooks).toMatch(/^\[if\(equals\(parameters\('alertAuth'\), 'entra'\), createArray\(createObject\(/);
      for (const part of [
        "'useAadAuth', true()",
        "'useCommonAlertSchema', true()",
        "'objectId', parameters('entraApplicationObjectId')",
        "'identifierUri', parameters('entraAudience')",
        "'tenantId', tenant().tenantId",
        "/api/alerts'",
      ]) {
        expect(webhooks).toContain(part);
      }
      expect(webhooks).toMatch(/createArray\(\)\)\]$/);
      expect(group.resource.properties.azureFunctionReceivers).toEqual([]);
    });
  });

  it("no deployed resource holds or reads a function key, and no output carries a key or a secret", () => {
    for (const t of allTemplates(template)) {
      for (const [name, output] of Object.entries(t.outputs ?? {})) {
        expect(JSON.stringify(output), name).not.toMatch(/list\w*\(|ConnectionString|secure/i);
      }
    }
    // Neither the host's default or master key, nor any other key, is read while deploying (listKeys on a site, its
    // host or a function), nor written into a resource (?code=).
    expect(text).not.toMatch(/list\w*\(/i);
    expect(text).not.toMatch(/\/host\/(default|_master)|masterKey|functionKeys|\?code=/i);
  });

  it("the notification webhook URL is a secure parameter down to the function app's module", () => {
    expect(template.parameters?.notifyWebhookUrl?.type?.toLowerCase()).toBe("securestring");
    const site = one(template, "Microsoft.Web/sites");
    expect(site.template.parameters?.notifyWebhookUrl?.type?.toLowerCase()).toBe("securestring");
    expect(settingExpressions(site).get("NOTIFY_WEBHOOK_URL")).toBe("parameters('notifyWebhookUrl')");
  });

  it("docs/deploy.md documents every parameter", () => {
    const docs = readFileSync(join(INFRA_DIR, "..", "docs", "deploy.md"), "utf8");
    for (const name of Object.keys(template.parameters ?? {})) expect(docs, name).toContain(`| \`${name}\` |`);
  });
});
