/** Test keys, locally signed tokens and a loopback key server that behaves like a tenant's discovery/v2.0/keys. */
import { createHmac, generateKeyPairSync, sign, type JsonWebKey, type KeyObject } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export const TENANT = "6e0f3c54-1b6e-4a3b-9d2f-2f1c8b7a9e10";
export const ISSUER = `https://sts.windows.net/${TENANT}/`;
export const AUDIENCE = "api://rdp-medic";
/** The fixed "now" of the tests. */
export const NOW = new Date("2025-06-01T12:00:00Z");
export const NOW_S = Math.floor(NOW.getTime() / 1000);

export interface TestKey {
  kid: string;
  privateKey: KeyObject;
  publicJwk: JsonWebKey;
  publicPem: string;
}

export function makeKey(kid: string, modulusLength = 2048): TestKey {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength });
  const jwk = publicKey.export({ format: "jwk" });
  // Shaped like Entra's published keys.
  const publicJwk: JsonWebKey = { kty: "RSA", use: "sig", kid, x5t: kid, n: jwk.n, e: jwk.e };
  return { kid, privateKey, publicJwk, publicPem: publicKey.export({ format: "pem", type: "spki" }).toString() };
}

const b64 = (value: unknown) => Buffer.from(typeof value === "string" ? value : JSON.stringify(value)).toString("base64url");

/** Claims an action group's token carries (v1 token for an Application ID URI audience). */
export function claims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    aud: AUDIENCE,
    iss: ISSUER,
    iat: NOW_S - 60,
    nbf: NOW_S - 60,
    exp: NOW_S + 3600,
    appid: "00000000-0000-0000-0000-0000000000a9",
    tid: TENANT,
    roles: ["ActionGroupsSecureWebhook"],
    ...overrides,
  };
}

export function signRs256(key: TestKey, payload: Record<string, unknown>, header: Record<string, unknown> = {}): string {
  const input = `${b64({ typ: "JWT", alg: "RS256", kid: key.kid, ...header })}.${b64(payload)}`;
  return `${input}.${sign("RSA-SHA256", Buffer.from(input), key.privateKey).toString("base64url")}`;
}

/** The key-confusion attack: HS256 keyed with the published public key, which anyone has. */
export function signHs256WithPublicKey(key: TestKey, payload: Record<string, unknown>): string {
  const input = `${b64({ typ: "JWT", alg: "HS256", kid: key.kid })}.${b64(payload)}`;
  return `${input}.${createHmac("sha256", key.publicPem).update(input).digest("base64url")}`;
}

export function unsigned(key: TestKey, payload: Record<string, unknown>): string {
  return `${b64({ typ: "JWT", alg: "none", kid: key.kid })}.${b64(payload)}.`;
}

export const bearer = (token: string) => `Bearer ${token}`;

export type KeyServerMode = "ok" | "error-500" | "hang" | "redirect" | "not-json" | "huge";

export interface KeyServer {
  url: string;
  requests: number;
  keys: JsonWebKey[];
  mode: KeyServerMode;
  close(): Promise<void>;
}

/** Serves { keys } on 127.0.0.1 and counts requests; mode makes it fail the ways a real endpoint can. */
export async function startKeyServer(keys: JsonWebKey[]): Promise<KeyServer> {
  const sockets = new Set<import("node:net").Socket>();
  const state: KeyServer = { url: "", requests: 0, keys, mode: "ok", close: async () => undefined };
  const server: Server = createServer((_req, res) => {
    state.requests += 1;
    switch (state.mode) {
      case "ok":
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ keys: state.keys }));
        return;
      case "error-500":
        res.writeHead(500).end("busy");
        return;
      case "hang":
        return; // never answers
      case "redirect":
        res.writeHead(302, { location: "http://127.0.0.2/elsewhere" }).end();
        return;
      case "not-json":
        res.writeHead(200, { "content-type": "text/html" }).end("<html>sign in</html>");
        return;
      case "huge":
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ keys: state.keys, pad: "x".repeat(300 * 1024) }));
        return;
    }
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  state.url = `http://127.0.0.1:${port}/${TENANT}/discovery/v2.0/keys`;
  state.close = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
  return state;
}

