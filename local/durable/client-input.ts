/**
 * The durableClient input binding value the extension hands to client functions (BindingHelper
 * DurableOrchestrationClientToString), and the management payload (HttpApiHandler.GetClientResponseLinks).
 */

export const WEBHOOK_PATH = "/runtime/webhooks/durabletask";
export const RPC_PATH = "/durabletask/";
export const INSTANCE_ID_PLACEHOLDER = "INSTANCEID";
export const DEFAULT_CONNECTION_NAME = "Storage";

export interface HttpManagementPayload {
  id: string;
  statusQueryGetUri: string;
  sendEventPostUri: string;
  terminatePostUri: string;
  rewindPostUri: string;
  purgeHistoryDeleteUri: string;
  restartPostUri: string;
  suspendPostUri: string;
  resumePostUri: string;
}

export interface DurableClientInput {
  taskHubName: string;
  creationUrls: { createNewInstancePostUri: string; createAndWaitOnNewInstancePostUri: string };
  managementUrls: HttpManagementPayload;
  baseUrl: string;
  requiredQueryStringParameters: string;
  rpcBaseUrl: string;
}

export interface WebhookSettings {
  /** e.g. http://127.0.0.1:PORT */
  origin: string;
  taskHubName: string;
  /** The extension's system key (`code`), as the local Functions host adds it. */
  systemKey: string;
}

export function managementPayload(settings: WebhookSettings, instanceId: string, origin = settings.origin): HttpManagementPayload {
  const prefix = `${origin}${WEBHOOK_PATH}/instances/${encodeURIComponent(instanceId)}`;
  const query = `taskHub=${encodeURIComponent(settings.taskHubName)}&connection=${DEFAULT_CONNECTION_NAME}&code=${settings.systemKey}`;
  return {
    id: instanceId,
    statusQueryGetUri: `${prefix}?${query}`,
    sendEventPostUri: `${prefix}/raiseEvent/{eventName}?${query}`,
    terminatePostUri: `${prefix}/terminate?reason={text}&${query}`,
    rewindPostUri: `${prefix}/rewind?reason={text}&${query}`,
    purgeHistoryDeleteUri: `${prefix}?${query}`,
    restartPostUri: `${prefix}/restart?${query}`,
    suspendPostUri: `${prefix}/suspend?reason={text}&${query}`,
    resumePostUri: `${prefix}/resume?reason={text}&${query}`,
  };
}

export function durableClientInput(settings: WebhookSettings): DurableClientInput {
  const baseUrl = `${settings.origin}${WEBHOOK_PATH}`;
  const required = `code=${settings.systemKey}`;
  const creation = `${baseUrl}/orchestrators/{functionName}[/{instanceId}]`;
  return {
    taskHubName: settings.taskHubName,
    creationUrls: {
      createNewInstancePostUri: `${creation}?${required}`,
      createAndWaitOnNewInstancePostUri: `${creation}?timeout={timeoutInSeconds}&pollingInterval={intervalInSeconds}&${required}`,
    },
    // The placeholder goes in unencoded so DurableClient can replace it.
    managementUrls: { ...managementPayload(settings, INSTANCE_ID_PLACEHOLDER), id: INSTANCE_ID_PLACEHOLDER },
    baseUrl,
    requiredQueryStringParameters: required,
    rpcBaseUrl: `${settings.origin}${RPC_PATH}`,
  };
}
