import { request } from "node:https";
import { afterEach } from "vitest";
import { ComputeManagementClient } from "@azure/arm-compute";
import { type AzureSimulator, type SimulatorOptions, startAzureSimulator } from "../../../local/simulator";
import { echoRuntime, scenario, SUB } from "./fixtures";

export interface Harness {
  sim: AzureSimulator;
  compute: ComputeManagementClient;
  runtime: ReturnType<typeof echoRuntime>;
}

/** Starts a simulator with the test scenario and a real ComputeManagementClient pointed at it. */
export async function startHarness(overrides: Partial<SimulatorOptions> = {}): Promise<Harness> {
  const runtime = echoRuntime();
  const sim = await startAzureSimulator({ scenario: scenario(), guestRuntime: runtime, ...overrides });
  return { sim, compute: computeClient(sim), runtime };
}

/** For a describe block: a startHarness whose simulator is stopped after each test. */
export function harnessPerTest(): (overrides?: Partial<SimulatorOptions>) => Promise<Harness> {
  let running: AzureSimulator | undefined;
  afterEach(async () => {
    await running?.stop();
    running = undefined;
  });
  return async (overrides) => {
    const harness = await startHarness(overrides);
    running = harness.sim;
    return harness;
  };
}

export function computeClient(sim: AzureSimulator, subscriptionId = SUB): ComputeManagementClient {
  return new ComputeManagementClient(sim.tokenCredential, subscriptionId, {
    endpoint: sim.armEndpoint,
    tlsOptions: { ca: sim.caCertPem },
    retryOptions: { maxRetries: 3, retryDelayInMs: 5, maxRetryDelayInMs: 20 },
  });
}

/** Fast LRO polling: the simulator sends Retry-After 0, so the client's own interval applies. */
export const FAST = { updateIntervalInMs: 1 } as const;

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/** A plain HTTPS request to the simulator (trusting its CA), for what the SDK does not expose. */
export function rawRequest(
  sim: AzureSimulator,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<RawResponse> {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  if (payload !== undefined) headers["content-type"] = "application/json";
  return new Promise((resolve, reject) => {
    const req = request(`${sim.armEndpoint}${path}`, { method, ca: sim.caCertPem, headers }, (res) => {
      let text = "";
      res.on("data", (c: Buffer) => (text += c.toString()));
      res.on("end", () => {
        const flat: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers)) if (typeof v === "string") flat[k] = v;
        resolve({ status: res.statusCode ?? 0, headers: flat, body: text ? JSON.parse(text) : undefined });
      });
    });
    req.on("error", reject);
    req.end(payload);
  });
}

export async function armToken(sim: AzureSimulator): Promise<string> {
  return (await sim.tokenCredential.getToken("https://management.azure.com/.default")).token;
}
