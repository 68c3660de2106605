/**
 * The app as it runs offline: the real function app (src/index.ts) loaded into the local durable host,
 * its Azure SDK clients pointed at the simulator (endpoint, CA and managed-identity endpoint changed, nothing else).
 * One per process: the app reads its settings once, like a Functions host.
 */
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { functionRegistry } from "../durable/functions-core";
import { LocalDurableHost } from "../durable/host";
import type { HttpResult } from "../durable/trigger-invoker";
import type { GuestRuntime } from "../guest/guest-state";
import { createPwshSession, type PwshSession } from "../guest/pwsh-session";
import { startAzureSimulator, type AzureSimulator, type Scenario, type SimulatorOptions } from "../simulator";
import { findTool } from "../tools";
import { startAzurite, type AzuriteTable } from "../azurite";
import { createModelRuntime } from "../guest/model-runtime";
import { actionGroup, person, startEntraTwin, type EntraTwin, type TwinIdentity } from "./entra-twin";

export interface OfflineAppOptions {
  scenario: Scenario;
  /** App settings on top of the offline defaults (ALLOWED_SCOPES defaults to every subscription in the scenario). */
  settings?: Record<string, string>;
  /** "pwsh" runs the real scripts (needs `npm run tools`); "model" their TypeScript model; "auto" pwsh when installed. */
  guest?: "pwsh" | "model" | "auto";
  simulator?: Omit<SimulatorOptions, "scenario" | "guestRuntime">;
  /** Process work in the background as it arrives (the CLI); tests drive the host themselves. */
  autoRun?: boolean;
  log?: (line: string) => void;
  /** The app module to load: src/index.ts unless given (the packaged bundle, to test what is deployed). */
  entry?: string;
  /**
   * How callers prove who they are. entra (default): a local Entra stand-in issues real tokens the app validates
   * (ALERT_AUTH=entra). local-development: LOCAL_DEVELOPMENT_AUTH=true with ALERT_AUTH=function-key, as the demo and
   * the CLI run it (a request declares its local identity).
   */
  auth?: "entra" | "local-development";
}

/** Who a request comes from: someone with a token (or a declared local identity), or nobody at all. */
export type Caller = TwinIdentity | "anonymous";

/** The people and senders the offline app's requests come from by default. */
export interface OfflineCallers {
  /** Holds Operator: starts runs, dry runs, sweeps, cancels, reads. */
  operator: TwinIdentity;
  /** Holds Approver: approves and rejects. */
  approver: TwinIdentity;
  /** The action group's service principal (ActionGroupsSecureWebhook). */
  actionGroup: TwinIdentity;
}

export interface OfflineApp {
  sim: AzureSimulator;
  /** The app's storage account's Table service (the audit ledger). */
  tables: AzuriteTable;
  host: LocalDurableHost;
  guestRuntime: GuestRuntime;
  /** The function key the HTTP routes are called with (authLevel function). */
  functionKey: string;
  /** The tenant stand-in (auth "entra"), to mint tokens for other identities. */
  entra: EntraTwin | undefined;
  callers: OfflineCallers;
  /**
   * Calls a route as `as`; by default as the caller Azure would send: the action group for alerts, the approver for
   * approve and reject, the operator for everything else.
   */
  post(route: string, body: unknown, as?: Caller): Promise<HttpResult>;
  get(route: string, as?: Caller): Promise<HttpResult>;
  /** The request headers that carry `as`'s identity (a bearer token, or the local-development headers). */
  credentialsFor(as: Caller): Record<string, string>;
  stop(): Promise<void>;
}

/** The caller Azure would send on a route. */
export function defaultCaller(route: string, callers: OfflineCallers): TwinIdentity {
  const path = route.split("?")[0]!.replace(/^\/+|\/+$/g, "").toLowerCase();
  if (path === "alerts") return callers.actionGroup;
  if (/\/(approve|reject)$/.test(path)) return callers.approver;
  return callers.operator;
}

/** The app's managed identity in the simulator: its client ID is how alerts about our own actions are recognised. */
export const OFFLINE_CLIENT_ID = "0c0ffee0-0000-4000-8000-000000000001";

let started = false;

export async function startOfflineApp(options: OfflineAppOptions): Promise<OfflineApp> {
  if (started) throw new Error("one offline app per process: the app reads its settings once");
  started = true;
  const guestRuntime = chooseGuestRuntime(options.guest ?? "auto");
  const sim = await startAzureSimulator({ ...options.simulator, scenario: options.scenario, guestRuntime });
  const tables = await startAzurite();
  // One CA file for every local stand-in the app's Azure clients talk to (simulator and Azurite).
  const caFile = join(await mkdtemp(join(tmpdir(), "rdp-medic-ca-")), "local-ca.pem");
  await writeFile(caFile, `${sim.caCertPem.trim()}\n${tables.caPem.trim()}\n`);
  const subscriptions = [...new Set(options.scenario.vms.map((vm) => vm.subscriptionId.toLowerCase()))];
  const authMode = options.auth ?? "entra";
  const entra = authMode === "entra" ? await startEntraTwin() : undefined;
  const authSettings = entra ? { ...entra.settings, ALERT_AUTH: "entra" } : { LOCAL_DEVELOPMENT_AUTH: "true", ALERT_AUTH: "function-key" };
  Object.assign(process.env, sim.msiEnvironment, {
    ALLOWED_SCOPES: subscriptions.map((s) => `/subscriptions/${s}`).join(","),
    LICENSE_SERVERS: "ls01.contoso.com",
    ARM_ENDPOINT: sim.armEndpoint,
    LOGS_ENDPOINT: sim.logsEndpoint,
    LOCAL_CA_CERT_FILE: caFile,
    LEDGER_TABLE_ENDPOINT: tables.tableEndpoint,
    MANAGED_IDENTITY_CLIENT_ID: OFFLINE_CLIENT_ID,
    POLL_INTERVAL_SECONDS: "15",
    ...authSettings,
    ...options.settings,
  });
  // The real app, registered through the worker's functions-core API (hooked by local/durable).
  void functionRegistry;
  await import(options.entry ?? "../../src/index.js");
  const host = await LocalDurableHost.start({
    // Orchestration time starts at the real time, as in Azure, so the ledger's times and the guards' agree.
    clockStart: new Date(),
    autoRun: options.autoRun ?? false,
    // The app's own host.json (its orchestration version), wherever the command was started from.
    appDirectory: appDirectoryOf(options.entry),
    log: options.log ? (entry) => options.log!(typeof entry === "string" ? entry : JSON.stringify(entry)) : undefined,
  });
  const functionKey = randomUUID();
  const callers: OfflineCallers = {
    operator: person("olivia.operator@contoso.com", ["Operator"]),
    approver: person("avery.approver@contoso.com", ["Approver"]),
    actionGroup: actionGroup(),
  };
  const credentialsFor = (as: Caller): Record<string, string> => {
    if (as === "anonymous") return {};
    if (entra) return { authorization: `Bearer ${entra.token(as)}` };
    // Local development: the function key is the host's door (not checked offline); the identity is declared.
    const human = as.roles.filter((r) => r === "Operator" || r === "Approver");
    return human.length === 0 ? {} : { "x-local-user": as.upn ?? as.appid ?? as.oid, "x-local-roles": human.join(",") };
  };
  const call = (method: string, route: string, body: unknown, as: Caller | undefined) => {
    const url = new URL(`${host.origin}/api/${route}`);
    url.searchParams.set("code", functionKey);
    return host.invokeRoute(method, url.href, {
      headers: { "content-type": "application/json", ...credentialsFor(as ?? defaultCaller(route, callers)) },
      ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
    });
  };
  return {
    sim,
    tables,
    host,
    guestRuntime,
    functionKey,
    entra,
    callers,
    credentialsFor,
    post: (route, body, as) => call("POST", route, body, as),
    get: (route, as) => call("GET", route, undefined, as),
    async stop() {
      await host.close();
      await entra?.close();
      await sim.stop();
      await tables.stop();
      await guestRuntime.close?.();
      await rm(dirname(caFile), { recursive: true, force: true });
    },
  };
}

/** Real PowerShell (one pwsh process, a fresh runspace per script) when installed, else the scripts' model. */
function chooseGuestRuntime(choice: "pwsh" | "model" | "auto"): GuestRuntime & Partial<Pick<PwshSession, "close">> {
  if (choice === "model") return createModelRuntime();
  if (choice === "pwsh" || findTool("pwsh") !== undefined) return createPwshSession();
  return createModelRuntime();
}

/** The folder whose host.json the app runs with: the nearest one above its entry module (the repository by default). */
export function appDirectoryOf(entry: string | undefined): string {
  let dir = entry === undefined ? join(__dirname, "..", "..") : dirname(entry);
  for (let up = 0; up < 4 && !existsSync(join(dir, "host.json")); up++) dir = dirname(dir);
  return dir;
}
