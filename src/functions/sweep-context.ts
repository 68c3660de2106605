import type { SweepDeps } from "../activities/sweep-deps";
import { createCredential } from "../azure/credential";
import { SymptomLogs } from "../azure/logs";
import { ResourceGraphTargets } from "../azure/resource-graph";
import { createSweepLedger, sweepTableName } from "../azure/sweep-ledger";
import type { Config } from "../config";
import type { SweepSettings } from "../domain/sweep-record";
import { appContext } from "./app-context";

let cached: SweepDeps | undefined;

/** The sweep activities' clients and settings, built once per process on first use. */
export function sweepContext(): SweepDeps {
  if (!cached) {
    const app = appContext();
    const { config } = app;
    const credential = createCredential(config.managedIdentityClientId);
    cached = {
      config,
      compute: app.compute,
      targets: new ResourceGraphTargets(credential, { armEndpoint: config.armEndpoint, caCertPem: config.localCaCertPem }),
      symptoms: new SymptomLogs(credential, { logsEndpoint: config.logsEndpoint, caCertPem: config.localCaCertPem }),
      // Per-VM results go next to the run ledger (same Table service); without a ledger only the report keeps them.
      ledger: config.ledger
        ? createSweepLedger({
            tableEndpoint: config.ledger.tableEndpoint,
            tableName: sweepTableName(config.ledger.tableName),
            credential,
            tlsCaPem: config.localCaCertPem,
          })
        : undefined,
      loadScript: app.loadScript,
      now: app.now,
    };
  }
  return cached;
}

/** The settings a sweep runs with, fixed in its input at start. */
export function sweepSettings(config: Config, policy = config.sweep.policy): SweepSettings {
  return {
    policy,
    maxConcurrency: config.sweep.maxConcurrency,
    maxErrors: config.sweep.maxErrors,
    maxRemediations: config.sweep.maxRemediations,
    graceWarningDays: config.sweep.graceWarningDays,
    pollIntervalSeconds: config.pollIntervalSeconds,
    operationTimeoutMinutes: config.operationTimeoutMinutes,
  };
}
