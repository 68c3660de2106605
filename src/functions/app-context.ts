import type { ActivityDeps } from "../activities/deps";
import { ComputeClients } from "../azure/compute-client";
import { createCredential } from "../azure/credential";
import { loadConfig, type Config } from "../config";
import { createRunLedger } from "../azure/ledger";
import type { RunLedger } from "../domain/run-record";
import { createWebhookNotifier } from "../notify/webhook";
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
      compute: new ComputeClients(credential, { armEndpoint: config.armEndpoint, caCertPem: config.localCaCertPem }),
      ledger: config.ledger
        ? tableOnFirstUse(
            createRunLedger({
              tableEndpoint: config.ledger.tableEndpoint,
              tableName: config.ledger.tableName,
              credential,
              tlsCaPem: config.localCaCertPem,
            }),
          )
        : undefined,
      notifier: config.notifyWebhookUrl ? createWebhookNotifier({ url: config.notifyWebhookUrl }) : undefined,
      loadScript,
      now: () => new Date(),
    };
  }
  return cached;
}

/** Creates the ledger table on the first call that needs it (once per process; retried after a failure). */
function tableOnFirstUse(ledger: RunLedger): RunLedger {
  let ready: Promise<void> | undefined;
  const ensure = () => {
    ready ??= ledger.ensureTable().catch((error: unknown) => {
      ready = undefined;
      throw error;
    });
    return ready;
  };
  return {
    ensureTable: ensure,
    recordRun: async (record) => (await ensure(), ledger.recordRun(record)),
    getRun: async (runId) => (await ensure(), ledger.getRun(runId)),
    listRuns: async (query) => (await ensure(), ledger.listRuns(query)),
    recentRunsForVm: async (vmId, since, limit) => (await ensure(), ledger.recentRunsForVm(vmId, since, limit)),
    recentRunsForLicenseServer: async (server, since, limit) => (await ensure(), ledger.recentRunsForLicenseServer(server, since, limit)),
  };
}

export { runSettings } from "../domain/run";
