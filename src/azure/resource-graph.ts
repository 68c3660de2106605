import { ResourceGraphClient } from "@azure/arm-resourcegraph";
import type { TokenCredential } from "@azure/identity";
import type { Scope } from "../domain/scope";
import { targetQuery } from "../domain/sweep-queries";
import { powerStateFromCode, type ListedVm } from "../domain/sweep-targets";
import { AzureOperationError, TransientAzureError } from "../errors";
import type { ArmClientSettings } from "./compute-client";
import { toAzureError } from "./long-operations";

/** How long the listing waits at most for Resource Graph's quota to come back, per wait. */
const MAX_QUOTA_WAIT_MS = 60_000;
/** 429s in a row on one page before the listing gives up (the activity's retry policy takes over). */
const MAX_THROTTLED_TRIES = 4;

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

/**
 * Lists Windows VMs through Azure Resource Graph: one query per scope, 1,000 rows per page, paged by $skipToken.
 * Resource Graph keeps its own quota per caller (x-ms-user-quota-remaining, reset after
 * x-ms-user-quota-resets-after): the listing waits for it before the next page when it is spent, and after a 429
 * RateLimiting (which carries no Retry-After, so the client does not retry it). A result Resource Graph truncated
 * without a $skipToken to go on would leave VMs out: the listing fails rather than sweep part of the fleet.
 */
export class ResourceGraphTargets {
  private readonly client: ResourceGraphClient;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(credential: TokenCredential, settings: ArmClientSettings, options: { sleep?: (ms: number) => Promise<void> } = {}) {
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
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
        const { page, quota, tries } = await this.page(scope.subscriptionId, query, skipToken);
        requests += tries;
        for (const row of (Array.isArray(page.data) ? page.data : []) as Row[]) {
          const vm = toListedVm(row);
          if (vm) vms.push(vm);
        }
        skipToken = page.skipToken || undefined;
        if (String(page.resultTruncated).toLowerCase() === "true" && !skipToken) {
          throw new AzureOperationError(
            "resource-graph-truncated",
            `Resource Graph truncated the listing of ${scopeText(scope)} after ${vms.length} VMs and gave no $skipToken to go on (totalRecords ${page.totalRecords}): the sweep would leave VMs out`,
          );
        }
        if (skipToken && quota.remaining === 0) await this.sleep(Math.min(MAX_QUOTA_WAIT_MS, quota.resetsAfterMs));
      } while (skipToken);
    }
    return { vms, requests };
  }

  /** One page; a 429 RateLimiting waits for the quota to reset (x-ms-user-quota-resets-after) and tries again. */
  private async page(subscriptionId: string, query: string, skipToken: string | undefined) {
    for (let tries = 1; ; tries++) {
      let headers: { get(name: string): string | undefined } | undefined;
      try {
        const page = await this.client.resources(
          {
            subscriptions: [subscriptionId],
            query,
            options: { top: RESOURCE_GRAPH_PAGE_SIZE, resultFormat: "objectArray", ...(skipToken ? { skipToken } : {}) },
          },
          { onResponse: (response) => (headers = response.headers) },
        );
        return { page, quota: quotaOf(headers), tries };
      } catch (error) {
        const status = (error as { statusCode?: number }).statusCode;
        if (status !== 429) throw toAzureError(error);
        const quota = quotaOf((error as { response?: { headers?: { get(name: string): string | undefined } } }).response?.headers ?? headers);
        if (tries >= MAX_THROTTLED_TRIES) throw new TransientAzureError(`RateLimiting: Resource Graph kept throttling the listing (${tries} tries)`);
        await this.sleep(Math.min(MAX_QUOTA_WAIT_MS, Math.max(quota.resetsAfterMs, 1000)));
      }
    }
  }
}

/** Resource Graph's quota headers: queries left, and when the window resets ("hh:mm:ss"). */
export function quotaOf(headers: { get(name: string): string | undefined } | undefined): { remaining: number | undefined; resetsAfterMs: number } {
  const remaining = Number(headers?.get("x-ms-user-quota-remaining"));
  const resets = /^(\d+):(\d{2}):(\d{2})(?:\.(\d+))?$/.exec(headers?.get("x-ms-user-quota-resets-after") ?? "");
  const resetsAfterMs = resets ? ((Number(resets[1]) * 60 + Number(resets[2])) * 60 + Number(resets[3])) * 1000 + Number(`0.${resets[4] ?? 0}`) * 1000 : 1000;
  return { remaining: Number.isFinite(remaining) ? remaining : undefined, resetsAfterMs };
}

function scopeText(scope: Scope): string {
  return scope.resourceGroup === undefined ? `/subscriptions/${scope.subscriptionId}` : `/subscriptions/${scope.subscriptionId}/resourceGroups/${scope.resourceGroup}`;
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
