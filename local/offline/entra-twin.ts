/**
 * A stand-in for a Microsoft Entra tenant, offline: RSA signing keys published as a key set on a loopback HTTP
 * server (shaped like login.microsoftonline.com/<tenant>/discovery/v2.0/keys) and access tokens signed with them,
 * with the claims Entra puts in v1 tokens for an API. Signs with node:crypto, not with the library the app
 * validates with, so a test proves the app against an independent signer.
 */
import { createHmac, generateKeyPairSync, randomUUID, sign, type JsonWebKey, type KeyObject } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";

export const TWIN_TENANT = "6e0f3c54-1b6e-4a3b-9d2f-2f1c8b7a9e10";
export const TWIN_ISSUER = `https://sts.windows.net/${TWIN_TENANT}/`;
export const TWIN_AUDIENCE = "api://rdp-medic";
/** The API app registration's client ID (aud of v2 tokens). */
export const TWIN_CLIENT_ID = "5d3c2b1a-0f9e-4d8c-9b7a-6e5d4c3b2a10";

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

export type KeyServerMode = "ok" | "error-500" | "hang" | "redirect" | "not-json" | "huge";

export interface KeyServer {
  url: string;
  requests: number;
  keys: JsonWebKey[];
  mode: KeyServerMode;
  close(): Promise<void>;
}

/** Serves { keys } on 127.0.0.1 and counts requests; mode makes it fail the ways a real endpoint can. */
export async function startKeyServer(keys: JsonWebKey[], tenant = TWIN_TENANT): Promise<KeyServer> {
  const sockets = new Set<Socket>();
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
  state.url = `http://127.0.0.1:${port}/${tenant}/discovery/v2.0/keys`;
  state.close = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
  return state;
}

/** Someone (or something) holding a token: a person, an automation's service principal, or the action group. */
export interface TwinIdentity {
  /** Object ID in the tenant. */
  oid: string;
  /** A person's UPN; absent for an application. */
  upn?: string;
  /** An application's client ID; absent for a person. */
  appid?: string;
  roles: string[];
}

export function person(upn: string, roles: string[]): TwinIdentity {
  return { oid: randomUUID(), upn, roles };
}

export function application(roles: string[]): TwinIdentity {
  return { oid: randomUUID(), appid: randomUUID(), roles };
}

/** The Azure Monitor action group's service principal, holding the alert-sender role. */
export function actionGroup(): TwinIdentity {
  return application(["ActionGroupsSecureWebhook"]);
}

export interface EntraTwin {
  issuer: string;
  audience: string;
  clientId: string;
  keysUrl: string;
  server: KeyServer;
  key: TestKey;
  /** The app settings that make the app trust this tenant (ENTRA_JWKS_URI points at the loopback key server). */
  settings: Record<string, string>;
  /** A v1 access token for the API, as Entra issues it to `who`, valid for an hour from `now`. */
  token(who: TwinIdentity, overrides?: Record<string, unknown>, now?: Date): string;
  close(): Promise<void>;
}

export async function startEntraTwin(): Promise<EntraTwin> {
  const key = makeKey(`twin-${randomUUID().slice(0, 8)}`);
  const server = await startKeyServer([key.publicJwk]);
  return {
    issuer: TWIN_ISSUER,
    audience: TWIN_AUDIENCE,
    clientId: TWIN_CLIENT_ID,
    keysUrl: server.url,
    server,
    key,
    settings: { ENTRA_AUDIENCE: TWIN_AUDIENCE, ENTRA_CLIENT_ID: TWIN_CLIENT_ID, ENTRA_ISSUER: TWIN_ISSUER, ENTRA_JWKS_URI: server.url },
    token(who, overrides = {}, now = new Date()) {
      const seconds = Math.floor(now.getTime() / 1000);
      const names = who.upn ? { upn: who.upn, unique_name: who.upn, scp: "user_impersonation" } : { appid: who.appid };
      return signRs256(key, {
        aud: TWIN_AUDIENCE,
        iss: TWIN_ISSUER,
        iat: seconds - 60,
        nbf: seconds - 60,
        exp: seconds + 3600,
        tid: TWIN_TENANT,
        oid: who.oid,
        sub: who.oid,
        ver: "1.0",
        ...names,
        roles: who.roles,
        ...overrides,
      });
    },
    close: () => server.close(),
  };
}
