/**
 * Fetches a tenant's signing keys and keeps them: one fetch serves every token until the cache ages out; an
 * unknown kid refetches at most once per interval (key rotation), and a failing endpoint is not hammered.
 */
import type { KeyObject } from "node:crypto";
import { checkJwksUri, signingKeysOf } from "./jwks";

export interface JwksCacheOptions {
  uri: string;
  fetchImpl?: typeof fetch;
  now?: () => Date;
  /** How long a fetched key set is used before it is fetched again. */
  cacheMs?: number;
  /** Least time between fetches caused by an unknown kid. */
  refetchIntervalMs?: number;
  /** Least time between attempts after a failed fetch. */
  failureBackoffMs?: number;
  /** Bound on one fetch: connect, answer and body. */
  timeoutMs?: number;
  maxBytes?: number;
}

export type KeyLookup =
  | { ok: true; key: KeyObject }
  | { ok: false; reason: "unknown-kid" | "unavailable"; message: string };

export interface JwksCache {
  keyFor(kid: string): Promise<KeyLookup>;
}

export const DEFAULT_JWKS_CACHE_MS = 24 * 60 * 60 * 1000;

export function createJwksCache(options: JwksCacheOptions): JwksCache {
  const url = checkJwksUri(options.uri);
  const fetchImpl = options.fetchImpl ?? fetch;
  const now = options.now ?? (() => new Date());
  const cacheMs = options.cacheMs ?? DEFAULT_JWKS_CACHE_MS;
  const refetchIntervalMs = options.refetchIntervalMs ?? 5 * 60 * 1000;
  const failureBackoffMs = options.failureBackoffMs ?? 30 * 1000;
  const timeoutMs = options.timeoutMs ?? 5000;
  const maxBytes = options.maxBytes ?? 256 * 1024;

  let keys: Map<string, KeyObject> | undefined;
  let fetchedAt = 0;
  let lastAttempt: number | undefined;
  let lastError: string | undefined;
  let inflight: Promise<void> | undefined;

  async function refresh(at: number, minGapMs: number): Promise<void> {
    if (inflight) return inflight;
    const gap = lastError !== undefined ? failureBackoffMs : minGapMs;
    if (lastAttempt !== undefined && at - lastAttempt < gap) return;
    lastAttempt = at;
    inflight = download().then(
      (fresh) => {
        keys = fresh;
        fetchedAt = at;
        lastError = undefined;
      },
      (error: unknown) => {
        // Keys fetched before stay in use: an endpoint outage must not lock out valid senders.
        lastError = describe(error, timeoutMs);
      },
    );
    try {
      await inflight;
    } finally {
      inflight = undefined;
    }
  }

  async function download(): Promise<Map<string, KeyObject>> {
    const response = await fetchImpl(url, {
      headers: { accept: "application/json" },
      redirect: "error",
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      throw new Error(`the key endpoint ${url.host} answered ${response.status}`);
    }
    const text = await readCapped(response, maxBytes);
    let document: unknown;
    try {
      document = JSON.parse(text);
    } catch {
      throw new Error(`the key endpoint ${url.host} did not answer JSON`);
    }
    const fresh = signingKeysOf(document);
    if (fresh.size === 0) throw new Error(`the key set from ${url.host} has no usable RS256 signing key`);
    return fresh;
  }

  return {
    async keyFor(kid) {
      const at = now().getTime();
      if (!keys || at - fetchedAt >= cacheMs) await refresh(at, 0);
      if (!keys) return { ok: false, reason: "unavailable", message: `signing keys unavailable: ${lastError ?? "not fetched yet"}` };
      let key = keys.get(kid);
      if (!key) {
        await refresh(at, refetchIntervalMs);
        key = keys.get(kid);
      }
      return key ? { ok: true, key } : { ok: false, reason: "unknown-kid", message: "the token's signing key (kid) is not in the tenant's key set" };
    },
  };
}

async function readCapped(response: Response, maxBytes: number): Promise<string> {
  const declared = Number(response.headers.get("content-length") ?? "0");
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw new Error(`the key set is over ${maxBytes} bytes`);
  }
  if (!response.body) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new Error(`the key set is over ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function describe(error: unknown, timeoutMs: number): string {
  if (error instanceof Error) {
    if (error.name === "TimeoutError" || error.name === "AbortError") return `the key endpoint did not answer within ${timeoutMs} ms`;
    const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
    if (cause && typeof cause.code === "string") return `the key endpoint could not be reached (${cause.code})`;
    if (cause && typeof cause.message === "string") return `the key endpoint could not be reached (${cause.message})`;
    return error.message;
  }
  return String(error);
}
