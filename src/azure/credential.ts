import { DefaultAzureCredential, ManagedIdentityCredential, type TokenCredential } from "@azure/identity";

/** In Azure: the app's user-assigned managed identity. Locally: the developer's DefaultAzureCredential chain. */
export function createCredential(managedIdentityClientId: string | undefined): TokenCredential {
  return managedIdentityClientId
    ? new ManagedIdentityCredential({ clientId: managedIdentityClientId })
    : new DefaultAzureCredential();
}
