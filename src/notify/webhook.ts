/**
 * Posts run notifications to a webhook (Teams workflow or connector, Logic Apps, Power Automate). A failing
 * receiver never fails the run: notify() reports what happened and never throws.
 */
import { ConfigError } from "../errors";
import type { NotifyResult, RunNotification, RunNotifier } from "../domain/notification";
import { buildWebhookPayload } from "./webhook-payload";

export interface WebhookNotifierOptions {
  /** https; http only to a loopback address (local receivers in tests and demos). */
  url: string;
  /** Bound on the whole exchange (connect, send, answer). */
  timeoutMs?: number;
  fetchImpl?: typeof fetch;
}

const SETTING = "NOTIFY_WEBHOOK_URL";

export function createWebhookNotifier(options: WebhookNotifierOptions): RunNotifier {
  const url = checkWebhookUrl(options.url);
  const timeoutMs = options.timeoutMs ?? 5000;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > 120_000) {
    throw new ConfigError("NOTIFY_WEBHOOK_TIMEOUT_MS", "NOTIFY_WEBHOOK_TIMEOUT_MS must be an integer from 1 to 120000");
  }
  const fetchImpl = options.fetchImpl ?? fetch;

  return {
    async notify(notification: RunNotification): Promise<NotifyResult> {
      try {
        const response = await fetchImpl(url, {
          method: "POST",
          headers: { "content-type": "application/json; charset=utf-8" },
          body: JSON.stringify(buildWebhookPayload(notification)),
          // A redirect is reported, not followed: it could carry the run's details to another host.
          redirect: "manual",
          signal: AbortSignal.timeout(timeoutMs),
        });
        await response.body?.cancel().catch(() => undefined);
        const status = response.status;
        if (status >= 200 && status < 300) return { delivered: true, status };
        if (status >= 300 && status < 400) {
          return { delivered: false, status, error: `receiver redirected (${status}) to ${redirectHost(response, url)}; not followed` };
        }
        return { delivered: false, status, error: `receiver answered ${status}` };
      } catch (error) {
        return { delivered: false, error: redact(describe(error, timeoutMs), url) };
      }
    },
  };
}

/** Checks the URL once, at start. Messages name the host only: webhook URLs carry their secret in path or query. */
export function checkWebhookUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(SETTING, `${SETTING} is not a URL`);
  }
  if (url.username || url.password) throw new ConfigError(SETTING, `${SETTING} must not carry user credentials`);
  if (url.protocol === "https:") return url;
  if (url.protocol === "http:" && isLoopback(url.hostname)) return url;
  throw new ConfigError(SETTING, `${SETTING} must use https (http is allowed only to a loopback address), not ${url.protocol}//${url.hostname}`);
}

function isLoopback(hostname: string): boolean {
  return hostname === "localhost" || hostname === "[::1]" || /^127(\.\d{1,3}){3}$/.test(hostname);
}

function redirectHost(response: Response, base: URL): string {
  const location = response.headers.get("location");
  if (!location) return "nowhere";
  try {
    return new URL(location, base).host;
  } catch {
    return "an invalid location";
  }
}

/** Keeps the URL's secret parts (path, query) out of messages that end up in logs and reports. */
function redact(message: string, url: URL): string {
  return [url.href, `${url.pathname}${url.search}`]
    .filter((secret) => secret.length > 1)
    .reduce((text, secret) => text.split(secret).join(secret === url.href ? `${url.origin}/…` : "/…"), message);
}

function describe(error: unknown, timeoutMs: number): string {
  if (error instanceof Error) {
    if (error.name === "TimeoutError" || error.name === "AbortError") return `no answer within ${timeoutMs} ms`;
    const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
    const code = typeof cause?.code === "string" ? cause.code : undefined;
    return code ? `${error.message} (${code})` : error.message;
  }
  return String(error);
}
