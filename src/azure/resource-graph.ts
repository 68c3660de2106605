import { ResourceGraphClient } from "@azure/arm-resourcegraph";
import type { TokenCredential } from "@azure/identity";
import type { Scope } from "../domain/scope";
import { targetQuery } from "../domain/sweep-queries";
import { powerStateFromCode, type ListedVm } from "../domain/sweep-targets";
import type { ArmClientSettings } from "./compute-client";
import { toAzureError } from "./long-operations";

/** Rows per Resource Graph page (the service's maximum). */
export const RESOURCE_GRAPH_PAGE_SIZE = 1000;

export interface TargetListing {
  vms: ListedVm[];
  /** Resource Graph requests made (one per page per scope). */
  requests: number;
}

interface Row {
  id?: unknown;
  osType?: unknown;
  powerState?: unknown;
  tags?: unknown;
}

/** Lists Windows VMs through Azure Resource Graph: one query per scope, 1,000 rows per page, paged by $skipToken. */
export class ResourceGraphTargets {
  private readonly client: ResourceGraphClient;

  constructor(credential: TokenCredential, settings: ArmClientSettings) {
    this.client = new ResourceGraphClient(credential, {
      endpoint: settings.armEndpoint,
      credentials: { scopes: [`${armAudience(settings.armEndpoint)}/.default`] },
      ...(settings.caCertPem ? { tlsOptions: { ca: settings.caCertPem } } : {}),
      retryOptions: { maxRetries: 4, retryDelayInMs: 1000, maxRetryDelayInMs: 30_000 },
      userAgentOptions: { userAgentPrefix: "rdp-medic" },
    });
  }

  async listWindowsVms(scopes: readonly Scope[]): Promise<TargetListing> {
    const vms: ListedVm[] = [];
    let requests = 0;
    for (const scope of scopes) {
      const query = targetQuery(scope);
      let skipToken: string | undefined;
      do {
        let page;
        try {
          page = await this.client.resources({
            subscriptions: [scope.subscriptionId],
            query,
            options: { top: RESOURCE_GRAPH_PAGE_SIZE, resultFormat: "objectArray", ...(skipToken ? { skipToken } : {}) },
          });
        } catch (error) {
          throw toAzureError(error);
        }
        requests += 1;
        for (const row of (Array.isArray(page.data) ? page.data : []) as Row[]) {
          const vm = toListedVm(row);
          if (vm) vms.push(vm);
        }
        skipToken = page.skipToken || undefined;
      } while (skipToken);
    }
    return { vms, requests };
  }
}

function toListedVm(row: Row): ListedVm | undefined {
  if (typeof row.id !== "string") return undefined;
  const tags: Record<string, string> = {};
  if (row.tags !== null && typeof row.tags === "object") {
    for (const [k, v] of Object.entries(row.tags as Record<string, unknown>)) tags[k] = typeof v === "string" ? v : String(v ?? "");
  }
  return {
    vmId: row.id.toLowerCase(),
    osType: typeof row.osType === "string" && row.osType !== "" ? row.osType : undefined,
    powerState: powerStateFromCode(typeof row.powerState === "string" ? row.powerState : undefined),
    tags,
  };
}

/** The token audience for an ARM endpoint (the same rule as the Compute clients). */
function armAudience(endpoint: string): string {
  const host = new URL(endpoint).hostname;
  return host === "127.0.0.1" || host === "localhost" ? "https://management.azure.com" : `https://${host}`;
}
