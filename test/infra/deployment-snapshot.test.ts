import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig, SETTINGS } from "../../src/config";
import { parseScope } from "../../src/domain/scope";
import {
  allStrings,
  bicepOrSkip,
  DEPLOYMENT,
  InfraCopy,
  ofType,
  type PredictedResource,
  single,
  type Snapshot,
  snapshot,
} from "./bicep-cli";
import { BUILT_IN_ROLES, FORBIDDEN_ROLES, ONBOARDING_POLICIES, OS_DISK_RESTORE_ACTIONS, REMEDIATE_ACTIONS } from "./expected-infra";

const bicep = bicepOrSkip();

const SUB_A = "11111111-1111-1111-1111-111111111111";
const SUB_B = "22222222-2222-2222-2222-222222222222";
const VM_1 = `/subscriptions/${SUB_B}/resourceGroups/rg-rdsh/providers/Microsoft.Compute/virtualMachines/rdsh-01`;
const VM_2 = `/subscriptions/${SUB_A}/resourceGroups/rg-hosts/providers/Microsoft.Compute/virtualMachines/rdsh-02`;
const FLEET_WORKSPACE = `/subscriptions/${SUB_B}/resourceGroups/rg-logs/providers/Microsoft.OperationalInsights/workspaces/law-fleet`;
/** A webhook whose query carries a signature, as Logic Apps' do: a secure parameter, never in the snapshot. */
const NOTIFY_URL = "https://prod-00.westeurope.logic.azure.com/workflows/abc/triggers/manual/paths/invoke?sig=s3cr3tSignature";

/** A fleet: a whole subscription and a resource group elsewhere, two monitored VMs, another workspace to sweep. */
const FLEET = {
  targetScopes: [`/subscriptions/${SUB_A}`, `/subscriptions/${SUB_B}/resourceGroups/rg-rdsh`],
  licenseServers: ["rdls01.contoso.com", "10.0.0.4"],
  monitoredVms: [VM_1, VM_2],
  sweepWorkspaces: [FLEET_WORKSPACE],
};

/** A gallery image the session hosts are built from. */
const FLEET_IMAGE_IDS = [`/subscriptions/${SUB_A}/resourceGroups/rg-images/providers/Microsoft.Compute/galleries/gal/images/rdsh/versions/1.0.0`];

const quoted = (values: readonly string[]) => `[${values.map((v) => `'${v}'`).join(", ")}]`;

/** The API app registration (docs/deploy.md): its client ID and object ID. */
const ENTRA_CLIENT_ID = "77777777-7777-7777-7777-777777777777";
const ENTRA_APP_OBJECT_ID = "88888888-8888-8888-8888-888888888888";
const ENTRA_PARAMS = `param entraClientId = '${ENTRA_CLIENT_ID}'
param entraApplicationObjectId = '${ENTRA_APP_OBJECT_ID}'
`;

const FLEET_PARAMS = `using 'main.bicep'
param environmentName = 'fleet'
param location = '${DEPLOYMENT.location}'
${ENTRA_PARAMS}param targetScopes = ${quoted(FLEET.targetScopes)}
param licenseServers = ${quoted(FLEET.licenseServers)}
param licensingMode = '2'
param killSwitch = true
param monitoredVmResourceIds = ${quoted(FLEET.monitoredVms)}
param sweepWorkspaceResourceIds = ${quoted(FLEET.sweepWorkspaces)}
param policyImageIds = ${quoted(FLEET_IMAGE_IDS)}
param sweepPolicy = 'remediate'
param sweepTagInclude = ['role=rdsh', 'env=prod']
param cooldownMinutes = 0
param maxConcurrentRemediations = 2
param notifyWebhookUrl = '${NOTIFY_URL}'
param rdpProbeHostSuffix = 'corp.contoso.com'
`;

const RESTORE_TARGET = `/subscriptions/${SUB_B}/resourceGroups/rg-rdsh`;
const RESTORE_PARAMS = `using 'main.bicep'
param environmentName = 'restore'
param location = '${DEPLOYMENT.location}'
${ENTRA_PARAMS}param alertAuth = 'function-key'
param onboardByPolicy = false
param durableBackend = 'durable-task-scheduler'
param targetScopes = ['${RESTORE_TARGET}']
param licenseServers = ['rdls01.contoso.com']
param enableOsDiskRestore = true
`;

/** What Azure fills in at deployment time for the settings that are not known before it. */
const RUNTIME_SETTING_VALUES: Record<string, { expression: RegExp; value: string }> = {
  ARM_ENDPOINT: { expression: /^\[environment\(\)\.resourceManager\]$/, value: "https://management.azure.com/" },
  ENTRA_ISSUER: { expression: /^\[format\('https:\/\/sts\.windows\.net\/\{0\}\/', tenant\(\)\.tenantId\)\]$/, value: `https://sts.windows.net/${DEPLOYMENT.tenantId}/` },
  MANAGED_IDENTITY_CLIENT_ID: {
    expression: /^\[reference\('[^']+\/Microsoft\.ManagedIdentity\/userAssignedIdentities\/[^']+', '[^']+'\)\.clientId\]$/,
    value: "55555555-5555-5555-5555-555555555555",
  },
  LEDGER_TABLE_ENDPOINT: {
    expression: /^\[reference\('[^']+\/Microsoft\.Storage\/storageAccounts\/[^']+', '[^']+'\)\.primaryEndpoints\.table\]$/,
    value: "https://strdpmedic.table.core.windows.net/",
  },
  SWEEP_WORKSPACE_IDS: {
    expression: /^\[join\(createArray\(reference\('[^']+', '[^']+'\)\.customerId(, reference\('[^']+', '[^']+'\)\.customerId)*\), ','\)\]$/,
    value: "66666666-6666-6666-6666-666666666666",
  },
  // A secure parameter stays a parameter reference: its value is not evaluated into the snapshot.
  NOTIFY_WEBHOOK_URL: { expression: /^\[parameters\('notifyWebhookUrl'\)\]$/, value: NOTIFY_URL },
};

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The resource IDs a setting's deployment-time expression reads with reference(), in order. */
const referencedIds = (expression: string) => [...expression.matchAll(/reference\('([^']+)'/g)].map((m) => m[1]!);

const roleGuidOf = (roleDefinitionId: string) => roleDefinitionId.split("/").pop()!.toLowerCase();

function appSettings(s: Snapshot): Map<string, string> {
  const site = single(s.predictedResources, "Microsoft.Web/sites");
  return new Map((site.properties.siteConfig.appSettings as { name: string; value: string }[]).map((a) => [a.name, a.value]));
}

/** The app settings as the app will see them, with the deployment-time values filled in. */
function deployedEnv(s: Snapshot): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of appSettings(s)) {
    if (!SETTINGS.some((spec) => spec.name === name)) continue;
    const runtime = RUNTIME_SETTING_VALUES[name];
    if (value.startsWith("[")) {
      expect(runtime, `${name} is only known at deployment time: ${value}`).toBeDefined();
      expect(value).toMatch(runtime!.expression);
      env[name] = runtime!.value;
    } else {
      env[name] = value;
    }
  }
  return env;
}

function customRoleAssignments(resources: PredictedResource[], roleGuid: string): PredictedResource[] {
  return ofType(resources, "Microsoft.Authorization/roleAssignments").filter(
    (a) => roleGuidOf(a.properties.roleDefinitionId) === roleGuid,
  );
}

describe.skipIf(!bicep)("infra: what a deployment creates (bicep snapshot, Bicep's own evaluation)", () => {
  let copy: InfraCopy;
  let fleet: Snapshot;
  let restore: Snapshot;

  beforeAll(() => {
    copy = new InfraCopy();
    fleet = snapshot(bicep!, copy, "fleet", FLEET_PARAMS);
    restore = snapshot(bicep!, copy, "restore", RESTORE_PARAMS);
  });
  afterAll(() => copy?.remove());

  it("evaluates without diagnostics", () => {
    expect(fleet.diagnostics).toEqual([]);
    expect(restore.diagnostics).toEqual([]);
  });

  describe("remediator role", () => {
    it("without OS-disk restore: exactly the remediate actions, assignable at the targets, no wildcard", () => {
      const role = single(fleet.predictedResources, "Microsoft.Authorization/roleDefinitions");
      const permission = role.properties.permissions[0];
      expect([...permission.actions].sort()).toEqual([...REMEDIATE_ACTIONS].sort());
      expect(permission.notActions).toEqual([]);
      expect(permission.dataActions).toEqual([]);
      expect(allStrings(role.properties.permissions).filter((a) => a.includes("*"))).toEqual([]);
      expect(role.properties.type).toBe("CustomRole");
      expect(role.properties.assignableScopes).toEqual(FLEET.targetScopes);
      expect(role.id.toLowerCase()).toMatch(new RegExp(`^/subscriptions/${SUB_A}/providers/microsoft.authorization/roledefinitions/`));
    });

    it("with OS-disk restore: the remediate actions plus exactly the restore actions", () => {
      const role = single(restore.predictedResources, "Microsoft.Authorization/roleDefinitions");
      const actions = [...role.properties.permissions[0].actions].sort();
      expect(actions).toEqual([...REMEDIATE_ACTIONS, ...OS_DISK_RESTORE_ACTIONS].sort());
      expect(role.properties.assignableScopes).toEqual([RESTORE_TARGET]);
      const withoutRestore = single(fleet.predictedResources, "Microsoft.Authorization/roleDefinitions").properties.permissions[0].actions;
      for (const action of OS_DISK_RESTORE_ACTIONS) expect(withoutRestore).not.toContain(action);
    });

    it("is assigned to the app's identity once at each target scope, and nowhere else", () => {
      const role = single(fleet.predictedResources, "Microsoft.Authorization/roleDefinitions");
      const assignments = customRoleAssignments(fleet.predictedResources, role.name.toLowerCase());
      expect(assignments).toHaveLength(FLEET.targetScopes.length);
      const identity = single(fleet.predictedResources, "Microsoft.ManagedIdentity/userAssignedIdentities");
      for (const scope of FLEET.targetScopes) {
        const here = assignments.filter((a) =>
          a.id.toLowerCase().startsWith(`${scope.toLowerCase()}/providers/microsoft.authorization/roleassignments/`),
        );
        expect(here, scope).toHaveLength(1);
        const subscriptionId = parseScope(scope).subscriptionId;
        expect(here[0]!.properties.roleDefinitionId.toLowerCase()).toBe(
          `/subscriptions/${subscriptionId}/providers/microsoft.authorization/roledefinitions/${role.name.toLowerCase()}`,
        );
        expect(here[0]!.properties.principalId).toContain(identity.id);
        expect(here[0]!.properties.principalType).toBe("ServicePrincipal");
      }
    });

    it("every role the app's identity gets is the custom role or a narrow data-plane or reader role; policy identities get only their definitions' roles", () => {
      for (const s of [fleet, restore]) {
        const role = single(s.predictedResources, "Microsoft.Authorization/roleDefinitions");
        const identity = single(s.predictedResources, "Microsoft.ManagedIdentity/userAssignedIdentities");
        const appRoles = new Set<string>([
          role.name.toLowerCase(),
          BUILT_IN_ROLES.storageBlobDataOwner,
          BUILT_IN_ROLES.storageQueueDataContributor,
          BUILT_IN_ROLES.storageTableDataContributor,
          BUILT_IN_ROLES.monitoringMetricsPublisher,
          BUILT_IN_ROLES.logAnalyticsReader,
          BUILT_IN_ROLES.durableTaskDataContributor,
        ]);
        const policyRoles = new Set<string>(Object.values(ONBOARDING_POLICIES).flatMap((p) => [...p.roles]));
        for (const assignment of ofType(s.predictedResources, "Microsoft.Authorization/roleAssignments")) {
          const guid = roleGuidOf(assignment.properties.roleDefinitionId);
          expect(FORBIDDEN_ROLES).not.toContain(guid);
          const principal = String(assignment.properties.principalId);
          if (principal.includes(identity.id)) expect(appRoles, assignment.id).toContain(guid);
          else {
            expect(principal, assignment.id).toMatch(/\/providers\/Microsoft\.Authorization\/policyAssignments\/rdpmedic-/);
            expect(policyRoles, assignment.id).toContain(guid);
          }
        }
      }
    });
  });

  describe("fleet onboarding (onboardByPolicy, the default)", () => {
    const keyOf = (id: string) => id.split("/policyAssignments/")[1]!.split("-").slice(1, -1).join("-");
    const EXPECTED = { ama: ONBOARDING_POLICIES.ama, dcr: ONBOARDING_POLICIES.dcr, "vm-identity": ONBOARDING_POLICIES.vmIdentity, "vm-identity-ua": ONBOARDING_POLICIES.vmIdentityUserAssigned };

    it("assigns the four built-in policies on every target scope, each with its own system-assigned identity", () => {
      const assignments = ofType(fleet.predictedResources, "Microsoft.Authorization/policyAssignments");
      expect(assignments).toHaveLength(FLEET.targetScopes.length * 4);
      for (const scope of FLEET.targetScopes) {
        const here = assignments.filter((a) => a.id.toLowerCase().startsWith(`${scope.toLowerCase()}/providers/microsoft.authorization/policyassignments/`));
        expect(here.map((a) => keyOf(a.id)).sort(), scope).toEqual(Object.keys(EXPECTED).sort());
        for (const a of here) {
          const expected = EXPECTED[keyOf(a.id) as keyof typeof EXPECTED];
          expect(a.properties.policyDefinitionId).toBe(`/providers/Microsoft.Authorization/policyDefinitions/${expected.guid}`);
          expect(Object.keys(a.properties.parameters).sort()).toEqual([...expected.parameters].sort());
          expect(a.identity?.type).toBe("SystemAssigned");
          expect(a.location).toBe(DEPLOYMENT.location);
          expect(a.properties.enforcementMode).toBe("Default");
        }
      }
    });

    it("covers custom and gallery images, and points the association policy at the RD licensing rule", () => {
      const dcr = single(fleet.predictedResources, "Microsoft.Insights/dataCollectionRules");
      for (const a of ofType(fleet.predictedResources, "Microsoft.Authorization/policyAssignments")) {
        const parameters = a.properties.parameters;
        if (keyOf(a.id) === "ama" || keyOf(a.id) === "dcr") {
          expect(parameters.scopeToSupportedImages).toEqual({ value: false });
          expect(parameters.listOfWindowsImageIdToInclude).toEqual({ value: FLEET_IMAGE_IDS });
        }
        if (keyOf(a.id) === "dcr") {
          expect(parameters.dcrResourceId).toEqual({ value: dcr.id });
          expect(parameters.resourceType).toEqual({ value: "Microsoft.Insights/dataCollectionRules" });
        }
      }
    });

    it("each policy identity gets its definition's roles on its scope, and the association policy's also on the rule's resource group", () => {
      const grants = ofType(fleet.predictedResources, "Microsoft.Authorization/roleAssignments").filter((g) =>
        String(g.properties.principalId).includes("/policyAssignments/"),
      );
      const group = single(fleet.predictedResources, "Microsoft.Resources/resourceGroups");
      // Per scope: each assignment's roles there, plus the association policy's roles again on the rule's group.
      const perScope = Object.values(EXPECTED).reduce((n, p) => n + p.roles.length, 0) + ONBOARDING_POLICIES.dcr.roles.length;
      const expectedCount = FLEET.targetScopes.length * perScope;
      expect(grants).toHaveLength(expectedCount);
      for (const a of ofType(fleet.predictedResources, "Microsoft.Authorization/policyAssignments")) {
        const scope = a.id.split("/providers/Microsoft.Authorization/")[0]!;
        const mine = grants.filter((g) => String(g.properties.principalId).includes(`'${a.id}'`));
        const at = (where: string) =>
          mine
            .filter((g) => g.id.toLowerCase().startsWith(`${where.toLowerCase()}/providers/microsoft.authorization/roleassignments/`))
            .map((g) => roleGuidOf(g.properties.roleDefinitionId))
            .sort();
        const expected = EXPECTED[keyOf(a.id) as keyof typeof EXPECTED];
        expect(at(scope), a.id).toEqual([...expected.roles].sort());
        expect(at(group.id), a.id).toEqual(keyOf(a.id) === "dcr" ? [...expected.roles].sort() : []);
        for (const g of mine) expect(g.properties.principalType).toBe("ServicePrincipal");
      }
    });

    it("starts a remediation task per assignment for the VMs that already exist, after the roles are in place", () => {
      const remediations = ofType(fleet.predictedResources, "Microsoft.PolicyInsights/remediations");
      const assignments = ofType(fleet.predictedResources, "Microsoft.Authorization/policyAssignments");
      expect(remediations).toHaveLength(assignments.length);
      expect(remediations.map((r) => r.properties.policyAssignmentId).sort()).toEqual(assignments.map((a) => a.id).sort());
      for (const r of remediations) expect(r.properties.resourceDiscoveryMode).toBe("ReEvaluateCompliance");
    });

    it("onboardByPolicy false: no policy, role or remediation for onboarding; only the listed VMs", () => {
      expect(ofType(restore.predictedResources, "Microsoft.Authorization/policyAssignments")).toEqual([]);
      expect(ofType(restore.predictedResources, "Microsoft.PolicyInsights/remediations")).toEqual([]);
    });
  });

  describe("data-plane and reader roles", () => {
    it("the identity gets blob, queue and table data roles on the app's storage account", () => {
      const account = single(fleet.predictedResources, "Microsoft.Storage/storageAccounts");
      const onAccount = ofType(fleet.predictedResources, "Microsoft.Authorization/roleAssignments").filter((a) =>
        a.id.startsWith(`${account.id}/providers/`),
      );
      expect(onAccount.map((a) => roleGuidOf(a.properties.roleDefinitionId)).sort()).toEqual(
        [BUILT_IN_ROLES.storageBlobDataOwner, BUILT_IN_ROLES.storageQueueDataContributor, BUILT_IN_ROLES.storageTableDataContributor].sort(),
      );
    });

    it("Log Analytics Reader on the app's workspace and on every workspace the sweep queries", () => {
      const own = single(fleet.predictedResources, "Microsoft.OperationalInsights/workspaces");
      const readers = ofType(fleet.predictedResources, "Microsoft.Authorization/roleAssignments").filter(
        (a) => roleGuidOf(a.properties.roleDefinitionId) === BUILT_IN_ROLES.logAnalyticsReader,
      );
      const scopes = readers.map((a) => a.id.split("/providers/Microsoft.Authorization/")[0]!.toLowerCase()).sort();
      expect(scopes).toEqual([own.id, FLEET_WORKSPACE].map((id) => id.toLowerCase()).sort());
    });

    it("Monitoring Metrics Publisher on Application Insights, whose local (key) auth is off", () => {
      const component = single(fleet.predictedResources, "Microsoft.Insights/components");
      expect(component.properties.DisableLocalAuth).toBe(true);
      const publisher = ofType(fleet.predictedResources, "Microsoft.Authorization/roleAssignments").filter((a) =>
        a.id.startsWith(`${component.id}/providers/`),
      );
      expect(publisher.map((a) => roleGuidOf(a.properties.roleDefinitionId))).toEqual([BUILT_IN_ROLES.monitoringMetricsPublisher]);
    });
  });

  describe("function app", () => {
    it("its storage settings name the shared-key-free account, and its package container is on that account", () => {
      const account = single(fleet.predictedResources, "Microsoft.Storage/storageAccounts");
      expect(account.properties.allowSharedKeyAccess).toBe(false);
      expect(account.properties.minimumTlsVersion).toBe("TLS1_2");
      expect(account.name).toMatch(/^[a-z0-9]{3,24}$/);
      const settings = appSettings(fleet);
      for (const service of ["blob", "queue", "table"]) {
        expect(settings.get(`AzureWebJobsStorage__${service}ServiceUri`)).toMatch(
          new RegExp(`^\\[reference\\('${escapeRegExp(account.id)}', '[^']+'\\)\\.primaryEndpoints\\.${service}\\]$`),
        );
      }
      expect(settings.has("AzureWebJobsStorage__accountName")).toBe(false);
      expect(settings.get("AzureWebJobsStorage__credential")).toBe("managedidentity");
      const site = single(fleet.predictedResources, "Microsoft.Web/sites");
      const container = single(fleet.predictedResources, "Microsoft.Storage/storageAccounts/blobServices/containers");
      const packageStorage = site.properties.functionAppConfig.deployment.storage;
      expect(packageStorage.value).toContain(account.id);
      expect(packageStorage.value).toContain(container.name.split("/").pop());
      const identity = single(fleet.predictedResources, "Microsoft.ManagedIdentity/userAssignedIdentities");
      expect(packageStorage.authentication.userAssignedIdentityResourceId).toBe(identity.id);
      expect(Object.keys(site.identity!.userAssignedIdentities!)).toEqual([identity.id]);
      for (const name of ["AzureWebJobsStorage__clientId", "AZURE_CLIENT_ID", "MANAGED_IDENTITY_CLIENT_ID"]) {
        expect(settings.get(name), name).toBe(`[reference('${identity.id}', '2024-11-30').clientId]`);
      }
    });

    it("its settings pass the app's own validation and carry the parameters' values", () => {
      const config = loadConfig(deployedEnv(fleet));
      expect(config.allowedScopes).toEqual(FLEET.targetScopes.map(parseScope));
      expect(config.policy.licenseServers).toEqual(FLEET.licenseServers);
      expect(config.policy.licensingMode).toBe(2);
      expect(config.killSwitch).toBe(true);
      expect(config.managedIdentityClientId).toBe(RUNTIME_SETTING_VALUES.MANAGED_IDENTITY_CLIENT_ID!.value);
      expect(config.sweep.policy).toBe("remediate");
      expect(config.sweep.tags.include).toEqual([
        { name: "role", value: "rdsh" },
        { name: "env", value: "prod" },
      ]);
      expect(config.guards.cooldownMinutes).toBe(0);
      expect(config.guards.maxConcurrentRemediations).toBe(2);
      expect(config.rdpProbeHostSuffix).toBe("corp.contoso.com");
      expect(config.ledger?.tableName).toBe("RdpMedicRuns");
      const defaults = loadConfig(deployedEnv(restore));
      expect(defaults.policy.licensingMode).toBe(4);
      expect(defaults.killSwitch).toBe(false);
      expect(defaults.taskHubName).toBe("RdpMedic");
      expect(defaults.sweep.policy).toBe("report");
      expect(defaults.guards).toEqual({
        cooldownMinutes: 60,
        recurrenceLimit: 3,
        recurrenceWindowDays: 7,
        breakerThreshold: 5,
        breakerWindowMinutes: 60,
        maxConcurrentRemediations: 5,
      });
      expect(appSettings(restore).get("RDP_PROBE_HOST_SUFFIX")).toBe("");
    });

    it("RESTORE_OS_DISK_ON_FAILURE is true exactly when the remediator role has the restore actions", () => {
      for (const s of [fleet, restore]) {
        const actions = single(s.predictedResources, "Microsoft.Authorization/roleDefinitions").properties.permissions[0].actions as string[];
        const roleCanRestore = OS_DISK_RESTORE_ACTIONS.every((a) => actions.includes(a));
        expect(appSettings(s).get("RESTORE_OS_DISK_ON_FAILURE")).toBe(String(roleCanRestore));
        expect(loadConfig(deployedEnv(s)).restoreOsDiskOnFailure).toBe(roleCanRestore);
      }
      expect(appSettings(restore).get("RESTORE_OS_DISK_ON_FAILURE")).toBe("true");
    });

    it("the ledger is the Table service of the app's storage account, where the identity is Storage Table Data Contributor", () => {
      const account = single(fleet.predictedResources, "Microsoft.Storage/storageAccounts");
      expect(appSettings(fleet).get("LEDGER_TABLE_ENDPOINT")).toMatch(
        new RegExp(`^\\[reference\\('${escapeRegExp(account.id)}', '[^']+'\\)\\.primaryEndpoints\\.table\\]$`),
      );
      const tableRole = ofType(fleet.predictedResources, "Microsoft.Authorization/roleAssignments").filter(
        (a) => a.id.startsWith(`${account.id}/providers/`) && roleGuidOf(a.properties.roleDefinitionId) === BUILT_IN_ROLES.storageTableDataContributor,
      );
      expect(tableRole).toHaveLength(1);
      const identity = single(fleet.predictedResources, "Microsoft.ManagedIdentity/userAssignedIdentities");
      expect(tableRole[0]!.properties.principalId).toContain(identity.id);
    });

    it("SWEEP_WORKSPACE_IDS is the customerId of the app's workspace, then of each swept workspace the identity can read", () => {
      const own = single(fleet.predictedResources, "Microsoft.OperationalInsights/workspaces");
      expect(referencedIds(appSettings(fleet).get("SWEEP_WORKSPACE_IDS")!)).toEqual([own.id, FLEET_WORKSPACE]);
      const ownRestore = single(restore.predictedResources, "Microsoft.OperationalInsights/workspaces");
      expect(referencedIds(appSettings(restore).get("SWEEP_WORKSPACE_IDS")!)).toEqual([ownRestore.id]);
      const readable = ofType(fleet.predictedResources, "Microsoft.Authorization/roleAssignments")
        .filter((a) => roleGuidOf(a.properties.roleDefinitionId) === BUILT_IN_ROLES.logAnalyticsReader)
        .map((a) => a.id.split("/providers/Microsoft.Authorization/")[0]!.toLowerCase());
      for (const id of [own.id, FLEET_WORKSPACE]) expect(readable).toContain(id.toLowerCase());
    });

    it("NOTIFY_WEBHOOK_URL comes from a secure parameter: its value is in no predicted resource and no output", () => {
      expect(appSettings(fleet).get("NOTIFY_WEBHOOK_URL")).toBe("[parameters('notifyWebhookUrl')]");
      expect(JSON.stringify(fleet)).not.toContain("s3cr3tSignature");
    });

    it("is what azd deploys the api service to", () => {
      const site = single(fleet.predictedResources, "Microsoft.Web/sites");
      expect(site.tags?.["azd-service-name"]).toBe("api");
      const group = single(fleet.predictedResources, "Microsoft.Resources/resourceGroups");
      expect(group.tags?.["azd-env-name"]).toBe("fleet");
      expect(group.location).toBe(DEPLOYMENT.location);
      expect(fleet.outputs.AZURE_RESOURCE_GROUP).toBe(group.name);
      expect(fleet.outputs.AZURE_FUNCTION_APP_NAME).toBe(site.name);
    });
  });

  describe("signals", () => {
    it("the data collection rule sends the events to the app's workspace, and each listed VM is associated with it", () => {
      const workspace = single(fleet.predictedResources, "Microsoft.OperationalInsights/workspaces");
      const dcr = single(fleet.predictedResources, "Microsoft.Insights/dataCollectionRules");
      expect(dcr.kind).toBe("Windows");
      expect(dcr.properties.destinations.logAnalytics.map((d: { workspaceResourceId: string }) => d.workspaceResourceId)).toEqual([
        workspace.id,
      ]);
      expect(dcr.properties.dataFlows).toEqual([{ streams: ["Microsoft-Event"], destinations: [dcr.properties.destinations.logAnalytics[0].name] }]);
      const associations = ofType(fleet.predictedResources, "Microsoft.Insights/dataCollectionRuleAssociations");
      expect(associations.map((a) => a.id.split("/providers/Microsoft.Insights/")[0]).sort()).toEqual([...FLEET.monitoredVms].sort());
      for (const a of associations) expect(a.properties.dataCollectionRuleId).toBe(dcr.id);
      expect(ofType(restore.predictedResources, "Microsoft.Insights/dataCollectionRuleAssociations")).toEqual([]);
    });

    it("the alert rule queries that workspace per VM and notifies the action group, whose secure webhook names the API", () => {
      const workspace = single(fleet.predictedResources, "Microsoft.OperationalInsights/workspaces");
      const rule = single(fleet.predictedResources, "Microsoft.Insights/scheduledQueryRules");
      const group = single(fleet.predictedResources, "Microsoft.Insights/actionGroups");
      const site = single(fleet.predictedResources, "Microsoft.Web/sites");
      expect(rule.properties.scopes).toEqual([workspace.id]);
      expect(rule.properties.actions.actionGroups).toEqual([group.id]);
      expect(rule.properties.criteria.allOf[0].resourceIdColumn).toBe("_ResourceId");
      expect(rule.properties).toMatchObject({ evaluationFrequency: "PT15M", windowSize: "PT30M", autoMitigate: false });
      expect(group.properties.azureFunctionReceivers).toEqual([]);
      expect(group.properties.webhookReceivers).toEqual([
        {
          name: "rdp-medic-alerts",
          serviceUri: `https://[reference('${site.id}', '2025-03-01').defaultHostName]/api/alerts`.replace(/^https:\/\/\[(.*)\]\/api\/alerts$/, "[format('https://{0}/api/alerts', $1)]"),
          useCommonAlertSchema: true,
          useAadAuth: true,
          objectId: ENTRA_APP_OBJECT_ID,
          identifierUri: `api://${ENTRA_CLIENT_ID}`,
          tenantId: DEPLOYMENT.tenantId,
        },
      ]);
      // The app checks the same audience, and knows its client ID.
      expect(appSettings(fleet).get("ENTRA_AUDIENCE")).toBe(`api://${ENTRA_CLIENT_ID}`);
      expect(appSettings(fleet).get("ENTRA_CLIENT_ID")).toBe(ENTRA_CLIENT_ID);
      expect(appSettings(fleet).get("ALERT_AUTH")).toBe("entra");
    });

    it("with alertAuth function-key the template gives the action group no receiver and no key: the hook adds it after deploy", () => {
      const group = single(restore.predictedResources, "Microsoft.Insights/actionGroups");
      expect(group.properties.webhookReceivers).toEqual([]);
      expect(group.properties.azureFunctionReceivers).toEqual([]);
      expect(appSettings(restore).get("ALERT_AUTH")).toBe("function-key");
      expect(restore.outputs.RDPMEDIC_ALERT_AUTH).toBe("function-key");
      expect(restore.outputs.RDPMEDIC_ACTION_GROUP_ID).toBe(group.id);
      expect(restore.outputs.RDPMEDIC_ALERT_FUNCTION_NAME).toBe("Alerts");
    });

    it("nothing anywhere reads or holds a key: no list*() call, no host key path, no ?code=", () => {
      for (const s of [fleet, restore]) {
        const text = JSON.stringify(s);
        expect(text).not.toMatch(/list\w*\(/i);
        expect(text).not.toMatch(/\/host\/(default|_master)|\?code=/i);
      }
    });
  });

  describe("durable backend", () => {
    it("azure-storage (the default): no scheduler, host.json's Azure Storage provider untouched", () => {
      expect(ofType(fleet.predictedResources, "Microsoft.DurableTask/schedulers")).toEqual([]);
      for (const name of appSettings(fleet).keys()) expect(name).not.toMatch(/DURABLE_TASK_SCHEDULER|AzureFunctionsJobHost__/);
    });

    it("durable-task-scheduler: a scheduler and a task hub named TASK_HUB_NAME, the identity a Durable Task Data Contributor, the app pointed at it", () => {
      const scheduler = single(restore.predictedResources, "Microsoft.DurableTask/schedulers");
      const hub = single(restore.predictedResources, "Microsoft.DurableTask/schedulers/taskHubs");
      expect(hub.name).toBe(`${scheduler.name}/RdpMedic`);
      expect(scheduler.properties.ipAllowlist).toEqual(["0.0.0.0/0"]);
      const identity = single(restore.predictedResources, "Microsoft.ManagedIdentity/userAssignedIdentities");
      const contributor = ofType(restore.predictedResources, "Microsoft.Authorization/roleAssignments").filter((a) =>
        a.id.startsWith(`${scheduler.id}/providers/`),
      );
      expect(contributor.map((a) => roleGuidOf(a.properties.roleDefinitionId))).toEqual([BUILT_IN_ROLES.durableTaskDataContributor]);
      expect(contributor[0]!.properties.principalId).toContain(identity.id);
      const settings = appSettings(restore);
      expect(settings.get("AzureFunctionsJobHost__extensions__durableTask__storageProvider__type")).toBe("azureManaged");
      expect(settings.get("AzureFunctionsJobHost__extensions__durableTask__storageProvider__connectionStringName")).toBe(
        "DURABLE_TASK_SCHEDULER_CONNECTION_STRING",
      );
      expect(settings.get("DURABLE_TASK_SCHEDULER_CONNECTION_STRING")).toBe(
        `[format('Endpoint={0};Authentication=ManagedIdentity;ClientID={1}', reference('${scheduler.id}', '2025-11-01').endpoint, reference('${identity.id}', '2024-11-30').clientId)]`,
      );
      expect(settings.get("TASK_HUB_NAME")).toBe("RdpMedic");
      // The host itself still uses the storage account (timers, leases, keys).
      expect(settings.get("AzureWebJobsStorage__credential")).toBe("managedidentity");
    });
  });
});
