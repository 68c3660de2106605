import type { ActivityDeps } from "../activities/deps";
import { ComputeClients } from "../azure/compute-client";
import { createCredential } from "../azure/credential";
import { loadConfig, type Config } from "../config";
import { loadScript } from "../scripts";

export interface AppContext extends ActivityDeps {
  config: Config;
}

let cached: AppContext | undefined;

/** Settings and clients, built once per process on first use (settings are validated at start in index.ts). */
export function appContext(): AppContext {
  if (!cached) {
    const config = loadConfig();
    const credential = createCredential(config.managedIdentityClientId);
    cached = {
      config,
      compute: new ComputeClients(credential, { armEndpoint: config.armEndpoint, caCertPem: config.armCaCertPem }),
      loadScript,
      now: () => new Date(),
    };
  }
  return cached;
}

export function runTiming(config: Config) {
  return {
    pollIntervalSeconds: config.pollIntervalSeconds,
    operationTimeoutMinutes: config.operationTimeoutMinutes,
    approvalTimeoutHours: config.approvalTimeoutHours,
  };
}
