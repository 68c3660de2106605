import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { request } from "node:https";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { findTool, missingToolMessage, toolsRequired } from "../../local/tools";
import { type AzureSimulator, startAzureSimulator } from "../../local/simulator/server";
import { echoRuntime } from "../local/simulator/fixtures";
import { readAzureYaml, ROOT } from "./azure-yaml";
import { bicepOrSkip, buildTemplate, InfraCopy, lint, resourcesOfType } from "./bicep-cli";

/**
 * The azd hooks that give the action group its credential, run by the real PowerShell against the simulator's HTTPS
 * ARM endpoint (the routes the hooks call: local/simulator/handlers/web-and-action-groups.ts), the way azd runs them
 * after provision and after deploy.
 */

function pwshOrSkip(): string | undefined {
  const path = findTool("pwsh");
  if (path) return path;
  if (toolsRequired()) throw new Error(missingToolMessage("pwsh"));
  console.warn(missingToolMessage("pwsh"));
  return undefined;
}
const pwsh = pwshOrSkip();

const SUB = "11111111-2222-3333-4444-555555555555";
const RG = "rg-rdpmedic-hooks";
const SITE_ID = `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Web/sites/func-rdpmedic-abc`;
const GROUP_ID = `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Insights/actionGroups/rdpmedic-abc-remediate`;

let sim: AzureSimulator;
let token: string;

interface HookRun {
  code: number | null;
  output: string;
}

function runHook(stage: "postprovision" | "postdeploy", alertAuth: "entra" | "function-key", extraEnv: Record<string, string> = {}): Promise<HookRun> {
  const script = join(ROOT, "infra", "hooks", `${stage}.ps1`);
  return new Promise((resolve, reject) => {
    const child = spawn(pwsh!, ["-NoLogo", "-NoProfile", "-NonInteractive", "-File", script], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? "/usr/bin:/bin",
        HOME: process.env.HOME ?? "/tmp",
        POWERSHELL_TELEMETRY_OPTOUT: "1",
        DOTNET_CLI_TELEMETRY_OPTOUT: "1",
        // .NET on Linux trusts the certificates in SSL_CERT_FILE: the simulator's own CA, nothing else.
        SSL_CERT_FILE: sim.caCertFile,
        // What azd's environment holds after provision (the template's outputs), and a token for ARM.
        RDPMEDIC_ALERT_AUTH: alertAuth,
        AZURE_FUNCTION_APP_ID: SITE_ID,
        RDPMEDIC_ALERT_FUNCTION_NAME: "Alerts",
        RDPMEDIC_ACTION_GROUP_ID: GROUP_ID,
        RDPMEDIC_ARM_ENDPOINT: `${sim.armEndpoint}/`,
        RDPMEDIC_ARM_ACCESS_TOKEN: token,
        RDPMEDIC_HOOK_RETRY_SECONDS: "0",
        RDPMEDIC_HOOK_ATTEMPTS: "3",
        ...extraEnv,
      },
    });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
}

/** One ARM call to the simulator from the test itself (as the template's deployment or the Functions host would). */
function arm(method: string, path: string, apiVersion: string, body?: unknown): Promise<{ status: number; json: any }> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      `${sim.armEndpoint}${path}?api-version=${apiVersion}`,
      {
        method,
        ca: sim.caCertPem,
        headers: {
          Authorization: `Bearer ${token}`,
          ...(payload === undefined ? {} : { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(payload) }),
        },
      },
      (res) => {
        let text = "";
        res.on("data", (d: Buffer) => (text += d.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : undefined }));
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}

/** What provisioning leaves: the function app, and the action group with the receivers the template gives it. */
async function provision(webhookReceivers: unknown[] = []): Promise<void> {
  expect((await arm("PUT", SITE_ID, "2025-03-01", { location: "westeurope", kind: "functionapp,linux", properties: {} })).status).toBeLessThan(300);
  const group = { location: "Global", tags: { "azd-env-name": "hooks" }, properties: { groupShortName: "rdpmedic", enabled: true, webhookReceivers, azureFunctionReceivers: [] } };
  expect((await arm("PUT", GROUP_ID, "2023-01-01", group)).status).toBeLessThan(300);
}

/** What deploying the code does for this purpose: the host knows the Alerts function. */
async function deployCode(): Promise<void> {
  expect((await arm("PUT", `${SITE_ID}/functions/Alerts`, "2025-03-01", { properties: {} })).status).toBeLessThan(300);
}

async function functionKeys(): Promise<Record<string, string>> {
  const keys = await arm("POST", `${SITE_ID}/functions/Alerts/listkeys`, "2025-03-01");
  return keys.json as Record<string, string>;
}

async function receivers(): Promise<{ azureFunctionReceivers: any[]; webhookReceivers: any[] }> {
  return (await arm("GET", GROUP_ID, "2023-01-01")).json.properties;
}

describe.skipIf(!pwsh)("azd hooks: the action group's credential works only for the Alerts function (real pwsh, simulated ARM)", () => {
  beforeAll(async () => {
    sim = await startAzureSimulator({
      scenario: { vms: [], workspaces: [{ workspaceId: "66666666-6666-6666-6666-666666666666", subscriptionId: SUB, resourceGroup: RG, name: "log-rdpmedic-abc" }] },
      guestRuntime: echoRuntime(),
    });
    token = (await sim.tokenCredential.getToken("https://management.azure.com/.default")).token;
  });
  afterAll(async () => {
    await sim?.stop();
  });
  afterEach(() => sim.clearFaults());

  it("azure.yaml runs them under pwsh after provision and after deploy, and stops on failure", () => {
    const yaml = readAzureYaml();
    expect(yaml.hooks?.postprovision).toMatchObject({ shell: "pwsh", run: "./infra/hooks/postprovision.ps1", continueOnError: "false" });
    expect(yaml.hooks?.postdeploy).toMatchObject({ shell: "pwsh", run: "./infra/hooks/postdeploy.ps1", continueOnError: "false" });
  });

  it("function-key, first azd up: after provision there is no function yet, so nothing is made; after deploy the key and the receiver are", async () => {
    await provision();
    const first = await runHook("postprovision", "function-key");
    expect(first.code, first.output).toBe(0);
    expect(first.output).toContain("not deployed yet");
    expect((await receivers()).azureFunctionReceivers).toEqual([]);

    await deployCode();
    const deployed = await runHook("postdeploy", "function-key");
    expect(deployed.code, deployed.output).toBe(0);
    const keys = await functionKeys();
    const key = keys["action-group"]!;
    expect(key).toMatch(/^[A-Za-z0-9_-]{50,}$/);
    // The receiver calls /api/alerts with the Alerts function's own key, never the host's.
    const { azureFunctionReceivers, webhookReceivers } = await receivers();
    expect(webhookReceivers).toEqual([]);
    expect(azureFunctionReceivers).toEqual([
      {
        name: "rdp-medic-alerts",
        functionAppResourceId: SITE_ID,
        functionName: "Alerts",
        httpTriggerUrl: `https://func-rdpmedic-abc.azurewebsites.net/api/alerts?code=${key}`,
        useCommonAlertSchema: true,
      },
    ]);
    expect(key).not.toBe(keys.default);
    // The key never reaches the output (azd prints hook output).
    expect(first.output + deployed.output).not.toContain(key);
    // Nothing called anything about the host's keys.
    expect(sim.requestLog.entries().some((e) => /\/host\//i.test(e.path))).toBe(false);
  });

  it("is idempotent: run again, the same key and no write at all", async () => {
    const before = (await functionKeys())["action-group"];
    const writesBefore = sim.requestLog.entries().filter((e) => e.method !== "GET" && e.method !== "POST").length;
    const again = await runHook("postdeploy", "function-key");
    expect(again.code, again.output).toBe(0);
    expect(again.output).toContain("nothing to change");
    expect((await functionKeys())["action-group"]).toBe(before);
    expect(sim.requestLog.entries().filter((e) => e.method !== "GET" && e.method !== "POST").length).toBe(writesBefore);
  });

  it("survives a redeploy: a provision rewrites the action group, and the postprovision run puts the same key back", async () => {
    const key = (await functionKeys())["action-group"];
    await provision();
    expect((await receivers()).azureFunctionReceivers).toEqual([]);
    const run = await runHook("postprovision", "function-key");
    expect(run.code, run.output).toBe(0);
    expect((await receivers()).azureFunctionReceivers[0].httpTriggerUrl).toBe(`https://func-rdpmedic-abc.azurewebsites.net/api/alerts?code=${key}`);
  });

  it("waits for a host that is still starting (503, then the function appears), within its bound", async () => {
    sim.addFault({ match: { operation: "functionKeys.list" }, effect: { status: 503 }, times: 2 });
    const run = await runHook("postdeploy", "function-key");
    expect(run.code, run.output).toBe(0);
    expect(run.output).toContain("answered 503; trying again");
  });

  it("fails after deploy when the Alerts function never appears, naming what is missing", async () => {
    sim.addFault({ match: { operation: "functionKeys.list" }, effect: { status: 503 }, times: 10 });
    const run = await runHook("postdeploy", "function-key");
    expect(run.code).not.toBe(0);
    expect(run.output).toContain("reading the Alerts function's keys failed: ServiceUnavailable");
  });

  it("refuses to run without the template's outputs, naming the variable", async () => {
    const run = await runHook("postdeploy", "function-key", { RDPMEDIC_ACTION_GROUP_ID: "" });
    expect(run.code).not.toBe(0);
    expect(run.output).toContain("RDPMEDIC_ACTION_GROUP_ID is not set");
  });

  it("entra: the secure webhook is the template's; a left-over action-group key is deleted", async () => {
    await provision([{ name: "rdp-medic-alerts", serviceUri: "https://func-rdpmedic-abc.azurewebsites.net/api/alerts", useAadAuth: true }]);
    expect(await functionKeys()).toHaveProperty("action-group");
    const run = await runHook("postdeploy", "entra");
    expect(run.code, run.output).toBe(0);
    expect(await functionKeys()).not.toHaveProperty("action-group");
    expect((await receivers()).webhookReceivers).toHaveLength(1);
    const again = await runHook("postdeploy", "entra");
    expect(again.code, again.output).toBe(0);
    expect(again.output).toContain("no function key to manage");
  });

  it("the key it makes is the value it sent (KeyInfo at the top level, as Azure's own resource type declares it)", async () => {
    // Azure's types (the Bicep CLI's, generated from the REST specs): sites/functions/keys has name and value, no
    // properties bag. A body in that shape is what the hook sends; a value the host generated would show as a
    // different key after a second PUT.
    const bicep = bicepOrSkip();
    if (bicep) {
      const copy = new InfraCopy();
      try {
        copy.write("key-shape.bicep", [
          "resource key 'Microsoft.Web/sites/functions/keys@2025-03-01' = {",
          "  name: 'func-rdpmedic-abc/Alerts/action-group'",
          "  value: 'x'",
          "}",
          "",
        ].join("\n"));
        const { results } = lint(bicep, "key-shape.bicep", copy.dir);
        expect(results.filter((r) => r.ruleId.startsWith("BCP"))).toEqual([]);
        copy.write("key-shape.bicep", copy.read("key-shape.bicep").replace("  value: 'x'", "  properties: { value: 'x' }"));
        // BCP187: "The property "properties" does not exist in the resource or type definition".
        const wrapped = lint(bicep, "key-shape.bicep", copy.dir).results;
        expect(wrapped.filter((r) => r.ruleId === "BCP037" || r.ruleId === "BCP187").map((r) => r.message.text).join()).toContain('"properties"');
      } finally {
        copy.remove();
      }
    }
    const script = readFileSync(join(ROOT, "infra", "hooks", "alert-receiver-key.ps1"), "utf8");
    expect(script).toContain("-Body @{ name = $KeyName; value = $value }");
  });

  it("uses the API versions the template uses for the same resource types", () => {
    const bicep = bicepOrSkip();
    if (!bicep) return;
    const script = readFileSync(join(ROOT, "infra", "hooks", "alert-receiver-key.ps1"), "utf8");
    const template = buildTemplate(bicep, "main.bicep").template;
    const versionOf = (type: string) => {
      const found = resourcesOfType(template, type, true).map((f) => String(f.resource.apiVersion));
      expect(new Set(found).size, type).toBe(1);
      return found[0];
    };
    expect(script).toContain(`$WebApiVersion = '${versionOf("Microsoft.Web/sites")}'`);
    expect(script).toContain(`$ActionGroupApiVersion = '${versionOf("Microsoft.Insights/actionGroups")}'`);
  });
});
