import { ComputeManagementClient } from "@azure/arm-compute";
import type { TokenCredential } from "@azure/identity";

export interface ArmClientSettings {
  armEndpoint: string;
  /** Extra CA to trust (local simulator only). */
  caCertPem?: string | undefined;
}

/** One ComputeManagementClient per subscription, all sharing the credential and pipeline settings. */
export class ComputeClients {
  private readonly clients = new Map<string, ComputeManagementClient>();

  constructor(
    private readonly credential: TokenCredential,
    private readonly settings: ArmClientSettings,
  ) {}

  forSubscription(subscriptionId: string): ComputeManagementClient {
    let client = this.clients.get(subscriptionId);
    if (!client) {
      client = new ComputeManagementClient(this.credential, subscriptionId, {
        endpoint: this.settings.armEndpoint,
        credentials: { scopes: [`${armAudience(this.settings.armEndpoint)}/.default`] },
        ...(this.settings.caCertPem ? { tlsOptions: { ca: this.settings.caCertPem } } : {}),
        retryOptions: { maxRetries: 4, retryDelayInMs: 1000, maxRetryDelayInMs: 30_000 },
        userAgentOptions: { userAgentPrefix: "rdp-medic" },
      });
      this.clients.set(subscriptionId, client);
    }
    return client;
  }
}

/** The token audience for an ARM endpoint: public cloud and sovereign clouds use their management host. */
function armAudience(endpoint: string): string {
  const host = new URL(endpoint).hostname;
  return host === "127.0.0.1" || host === "localhost" ? "https://management.azure.com" : `https://${host}`;
}
