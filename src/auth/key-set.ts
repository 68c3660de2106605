/**
 * A tenant's signing keys, fetched and cached by jose's remote key set, with this app's stricter policy around it:
 * https only (http to loopback for a local key server), no redirects, a size cap on the answer, the keys it has kept
 * in use when a refresh fails, and no hammering of a failing endpoint.
 */
import type * as Jose from "jose" with { "resolution-mode": "import" };
import { checkJwksUri } from "./jwks";

export type JoseModule = typeof Jose;
export type GetKey = Jose.JWTVerifyGetKey;

export interface KeySetOptions {
  uri: string;
  fetchImpl?: typeof fetch;
  /** How long a fetched key set is used before it is fetched again (jose's cacheMaxAge). */
  cacheMs?: number;
  /** Least time between fetches caused by an unknown kid (jose's cooldownDuration). */
  cooldownMs?: number;
  /** After a failed fetch, no new attempt for this long: the keys kept serve, or the request is refused at once. */
  failureBackoffMs?: number;
  /** Bound on one fetch: connect, answer and body. */
  timeoutMs?: number;
  maxBytes?: number;
}

/** The keys cannot be had: the token may be fine, the caller should retry later. */
export class KeysUnavailable extends Error {
  override readonly name = "KeysUnavailable";
}

export const KEY_SET_DEFAULTS = {
  cacheMs: 60 * 60 * 1000,
  cooldownMs: 5 * 60 * 1000,
  failureBackoffMs: 30 * 1000,
  timeoutMs: 5000,
  maxBytes: 256 * 1024,
} as const;

export function createKeySet(jose: JoseModule, options: KeySetOptions): GetKey {
  const url = checkJwksUri(options.uri);
  const settings = { ...KEY_SET_DEFAULTS, ...definedOnly(options) };
  const fetchImpl = options.fetchImpl ?? fetch;
  const remote = jose.createRemoteJWKSet(url, {
    cacheMaxAge: settings.cacheMs,
    cooldownDuration: settings.cooldownMs,
    timeoutDuration: settings.timeoutMs,
    [jose.customFetch]: cappedFetch(fetchImpl, settings.maxBytes, url.host),
  });
  let kept: { set: Jose.JSONWebKeySet; lookup: GetKey } | undefined;
  let failure: { at: number; message: string } | undefined;

  const fromKept = (header: Parameters<GetKey>[0], token: Parameters<GetKey>[1], message: string) => {
    if (!kept) throw new KeysUnavailable(`signing keys unavailable: ${message}`);
    return kept.lookup(header, token);
  };

  return async (header, token) => {
    const at = Date.now();
    if (failure && at - failure.at < settings.failureBackoffMs) return fromKept(header, token, failure.message);
    let key: Awaited<ReturnType<GetKey>>;
    try {
      key = await remote(header, token);
    } catch (error) {
      if (isKeyMismatch(error)) throw error;
      failure = { at, message: describeFetchFailure(error, url.host, settings.timeoutMs) };
      // Keys fetched before stay in use: an endpoint outage must not lock out valid senders.
      return fromKept(header, token, failure.message);
    }
    failure = undefined;
    const set = remote.jwks();
    if (set && (!kept || JSON.stringify(kept.set) !== JSON.stringify(set))) kept = { set, lookup: jose.createLocalJWKSet(set) };
    return key;
  };
}

/** The token names a key the set does not have (or has twice): the token's fault, not the endpoint's. */
function isKeyMismatch(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return code === "ERR_JWKS_NO_MATCHING_KEY" || code === "ERR_JWKS_MULTIPLE_MATCHING_KEYS" || code === "ERR_JOSE_NOT_SUPPORTED";
}

function describeFetchFailure(error: unknown, host: string, timeoutMs: number): string {
  const code = (error as { code?: unknown })?.code;
  if (code === "ERR_JWKS_TIMEOUT") return `the key endpoint ${host} did not answer within ${timeoutMs} ms`;
  if (error instanceof Error) {
    const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
    const detail = typeof cause?.code === "string" ? ` (${cause.code})` : "";
    if (/Expected 200 OK/.test(error.message)) return `the key endpoint ${host} did not answer 200 (redirects are not followed)`;
    if (/parse the JSON Web Key Set/.test(error.message)) return `the key endpoint ${host} did not answer JSON`;
    if (code === "ERR_JWKS_INVALID") return `the key endpoint ${host} did not answer a key set`;
    return `${error.message.slice(0, 200)}${detail}`;
  }
  return String(error).slice(0, 200);
}

/** fetch for jose: never follows a redirect, refuses answers over maxBytes before they are parsed. */
function cappedFetch(fetchImpl: typeof fetch, maxBytes: number, host: string): typeof fetch {
  return async (input, init) => {
    const response = await fetchImpl(input, { ...init, redirect: "manual" });
    if (response.status !== 200) {
      await response.body?.cancel().catch(() => undefined);
      return new Response(null, { status: response.status });
    }
    const declared = Number(response.headers.get("content-length") ?? "0");
    if (Number.isFinite(declared) && declared > maxBytes) {
      await response.body?.cancel().catch(() => undefined);
      throw new Error(`the key set from ${host} is over ${maxBytes} bytes`);
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    const reader = response.body?.getReader();
    for (;;) {
      const next = await reader?.read();
      if (!next || next.done) break;
      size += next.value.byteLength;
      if (size > maxBytes) {
        await reader?.cancel().catch(() => undefined);
        throw new Error(`the key set from ${host} is over ${maxBytes} bytes`);
      }
      chunks.push(next.value);
    }
    return new Response(Buffer.concat(chunks), { status: 200, headers: { "content-type": response.headers.get("content-type") ?? "application/json" } });
  };
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
