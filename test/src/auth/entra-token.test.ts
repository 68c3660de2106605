import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createEntraTokenValidator, type EntraTokenValidatorOptions } from "../../../src/auth/entra-token";
import { MAX_TOKEN_BYTES } from "../../../src/auth/bearer";
import { ConfigError } from "../../../src/errors";
import {
  AUDIENCE,
  CLIENT_ID,
  ISSUER,
  NOW,
  NOW_S,
  TENANT,
  bearer,
  claims,
  makeKey,
  signHs256WithPublicKey,
  signRs256,
  startKeyServer,
  unsigned,
  type KeyServer,
  type TestKey,
} from "./token-kit";

let key: TestKey;
let otherKey: TestKey;
const servers: KeyServer[] = [];

beforeAll(() => {
  key = makeKey("key-1");
  otherKey = makeKey("key-2");
});

afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/**
 * A validator over a loopback key server. The key set's cache runs on Date.now() (jose's); the test moves that
 * clock with vi.setSystemTime, and the token clock with it.
 */
async function setup(options: Partial<EntraTokenValidatorOptions> = {}) {
  vi.useFakeTimers({ toFake: ["Date"], now: NOW });
  const server = await startKeyServer([key.publicJwk]);
  servers.push(server);
  const clock = {
    get ms() {
      return Date.now();
    },
    set ms(value: number) {
      vi.setSystemTime(value);
    },
  };
  const validator = createEntraTokenValidator({
    audiences: [AUDIENCE, CLIENT_ID],
    issuer: ISSUER,
    jwksUri: server.url,
    ...options,
  });
  return { server, clock, validator };
}

function expectFailure(result: Awaited<ReturnType<ReturnType<typeof createEntraTokenValidator>["validate"]>>, code: string) {
  expect(result.ok, JSON.stringify(result)).toBe(false);
  if (!result.ok) {
    expect(result.code).toBe(code);
    expect(result.message.length).toBeGreaterThan(0);
  }
}

describe("Entra token validator: accepted tokens", () => {
  it("accepts a token signed by the tenant's key for the audience and issuer, and returns its claims", async () => {
    const { server, validator } = await setup();
    const result = await validator.validate(bearer(signRs256(key, claims())));
    expect(result).toEqual({ ok: true, claims: claims() });
    // The client ID is the audience of v2 tokens.
    expect((await validator.validate(bearer(signRs256(key, claims({ aud: CLIENT_ID })))))).toMatchObject({ ok: true });
    expect(server.requests).toBe(1);
  });

  it("accepts the v2 issuer when that is the configured one, and aud given as a list", async () => {
    const v2 = `https://login.microsoftonline.com/${TENANT}/v2.0`;
    const { validator } = await setup({ issuer: v2 });
    expect((await validator.validate(bearer(signRs256(key, claims({ iss: v2 }))))).ok).toBe(true);
    expect((await validator.validate(bearer(signRs256(key, claims({ iss: v2, aud: ["other", AUDIENCE] }))))).ok).toBe(true);
    expectFailure(await validator.validate(bearer(signRs256(key, claims()))), "token-issuer");
  });

  it("takes the scheme case-insensitively and ignores surrounding spaces", async () => {
    const { validator } = await setup();
    expect((await validator.validate(`  bearer   ${signRs256(key, claims())}  `)).ok).toBe(true);
  });

  it("works from fixed keys without fetching anything", async () => {
    const validator = createEntraTokenValidator({
      audiences: [AUDIENCE],
      issuer: ISSUER,
      keys: [key.publicJwk as never],
      now: () => NOW,
      fetchImpl: () => Promise.reject(new Error("no fetch expected")),
    });
    expect((await validator.validate(bearer(signRs256(key, claims())))).ok).toBe(true);
    expectFailure(await validator.validate(bearer(signRs256(otherKey, claims()))), "token-signature");
  });
});

describe("Entra token validator: refused tokens", () => {
  it.each([
    ["wrong audience", { aud: "api://someone-else" }, "token-audience"],
    ["no audience", { aud: undefined }, "token-audience"],
    ["wrong issuer (other tenant)", { iss: "https://sts.windows.net/00000000-0000-0000-0000-000000000000/" }, "token-issuer"],
    ["issuer without its trailing slash", { iss: ISSUER.slice(0, -1) }, "token-issuer"],
    ["expired beyond the 5-minute tolerance", { exp: NOW_S - 301 }, "token-expired"],
    ["not valid until beyond the tolerance", { nbf: NOW_S + 301 }, "token-not-yet-valid"],
    ["no exp", { exp: undefined }, "token-malformed"],
    ["exp as text", { exp: String(NOW_S + 3600) }, "token-malformed"],
  ])("%s", async (_name, overrides, code) => {
    const { validator } = await setup();
    expectFailure(await validator.validate(bearer(signRs256(key, claims(overrides)))), code);
  });

  it("the clock tolerance lets a token just past exp or just before nbf through, and is configurable", async () => {
    const { validator } = await setup();
    expect((await validator.validate(bearer(signRs256(key, claims({ exp: NOW_S - 200 }))))).ok).toBe(true);
    expect((await validator.validate(bearer(signRs256(key, claims({ nbf: NOW_S + 200 }))))).ok).toBe(true);
    const strict = createEntraTokenValidator({ audiences: [AUDIENCE], issuer: ISSUER, keys: [key.publicJwk as never], now: () => NOW, clockToleranceSeconds: 0 });
    expectFailure(await strict.validate(bearer(signRs256(key, claims({ exp: NOW_S })))), "token-expired");
    expectFailure(await strict.validate(bearer(signRs256(key, claims({ nbf: NOW_S + 1 })))), "token-not-yet-valid");
  });

  it("refuses a bad signature: another key under the tenant key's kid, or a changed payload", async () => {
    const { validator } = await setup();
    const forged = signRs256({ ...otherKey, kid: key.kid }, claims());
    expectFailure(await validator.validate(bearer(forged)), "token-signature");
    const [h, , s] = signRs256(key, claims()).split(".");
    const changed = `${h}.${Buffer.from(JSON.stringify(claims({ roles: ["Admin"] }))).toString("base64url")}.${s}`;
    expectFailure(await validator.validate(bearer(changed)), "token-signature");
  });

  it("refuses alg none, even with otherwise perfect claims", async () => {
    const { server, validator } = await setup();
    const result = await validator.validate(bearer(unsigned(key, claims())));
    expectFailure(result, "token-signature");
    expect(!result.ok && result.message).toContain("only RS256");
    expect(server.requests).toBe(0);
  });

  it("refuses HS256 keyed with the public key (key confusion), and never fetches keys for it", async () => {
    const { server, validator } = await setup();
    const token = signHs256WithPublicKey(key, claims());
    expectFailure(await validator.validate(bearer(token)), "token-signature");
    expect(server.requests).toBe(0);
  });

  it.each(["RS384", "PS256", "ES256", "HS512", ""])("refuses alg %j", async (alg) => {
    const { server, validator } = await setup();
    expectFailure(await validator.validate(bearer(signRs256(key, claims(), { alg }))), "token-signature");
    expect(server.requests).toBe(0);
  });

  it("refuses a token without a kid (never fetching keys for it), and one with a crit header", async () => {
    const { server, validator } = await setup();
    expectFailure(await validator.validate(bearer(signRs256(key, claims(), { kid: undefined }))), "token-signature");
    expect(server.requests).toBe(0);
    expectFailure(await validator.validate(bearer(signRs256(key, claims(), { crit: ["exp"] }))), "token-malformed");
  });

  it.each([
    [null, "token-missing"],
    ["", "token-missing"],
    ["   ", "token-missing"],
    ["Bearer", "token-missing"],
    ["Bearer    ", "token-missing"],
    ["Basic dXNlcjpwYXNz", "token-missing"],
    ["Bearer abc", "token-malformed"],
    ["Bearer a.b", "token-malformed"],
    ["Bearer a.b.c.d", "token-malformed"],
    ["Bearer ..", "token-malformed"],
    ["Bearer e30.e30.a+b/", "token-malformed"],
    ["Bearer e30.e30.abcde", "token-malformed"],
    [`Bearer ${Buffer.from("not json").toString("base64url")}.e30.AAAA`, "token-malformed"],
    [`Bearer e30.${Buffer.from("[1,2]").toString("base64url")}.AAAA`, "token-malformed"],
    [`Bearer ${Buffer.from("null").toString("base64url")}.e30.AAAA`, "token-malformed"],
  ])("refuses the header %j as %s", async (header, code) => {
    const { server, validator } = await setup();
    expectFailure(await validator.validate(header), code);
    expect(server.requests).toBe(0);
  });

  it("refuses a token over 16 KB before decoding it, even when correctly signed", async () => {
    const { server, validator } = await setup();
    const token = signRs256(key, claims({ padding: "x".repeat(MAX_TOKEN_BYTES) }));
    expect(token.length).toBeGreaterThan(MAX_TOKEN_BYTES);
    const result = await validator.validate(bearer(token));
    expectFailure(result, "token-malformed");
    expect(!result.ok && result.message).toContain("16384");
    expect(server.requests).toBe(0);
    // Just under the limit is still decoded and accepted.
    const fits = signRs256(key, claims({ padding: "x".repeat(Math.floor(MAX_TOKEN_BYTES * 0.7)) }));
    expect(fits.length).toBeLessThanOrEqual(MAX_TOKEN_BYTES);
    expect((await validator.validate(bearer(fits))).ok).toBe(true);
  });
});

describe("Entra token validator: the tenant's key set", () => {
  it("fetches the key set once and serves later tokens from the cache until it ages out (1 h)", async () => {
    const { server, clock, validator } = await setup();
    for (let i = 0; i < 5; i++) expect((await validator.validate(bearer(signRs256(key, claims())))).ok).toBe(true);
    expect(server.requests).toBe(1);
    clock.ms += 59 * 60_000;
    const token = signRs256(key, claims({ exp: Math.floor(clock.ms / 1000) + 3600 }));
    expect((await validator.validate(bearer(token))).ok).toBe(true);
    expect(server.requests).toBe(1);
    clock.ms += 2 * 60_000;
    const later = signRs256(key, claims({ exp: Math.floor(clock.ms / 1000) + 3600 }));
    expect((await validator.validate(bearer(later))).ok).toBe(true);
    expect(server.requests).toBe(2);
  });

  it("concurrent first requests share one fetch", async () => {
    const { server, validator } = await setup();
    const results = await Promise.all(Array.from({ length: 10 }, () => validator.validate(bearer(signRs256(key, claims())))));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(server.requests).toBe(1);
  });

  it("an unknown kid refetches once, then is refused; repeats within the interval do not refetch", async () => {
    const { server, clock, validator } = await setup();
    expect((await validator.validate(bearer(signRs256(key, claims())))).ok).toBe(true);
    expect(server.requests).toBe(1);
    clock.ms += 6 * 60_000;
    const stranger = makeKey("unknown-kid");
    expectFailure(await validator.validate(bearer(signRs256(stranger, claims()))), "token-signature");
    expect(server.requests).toBe(2);
    expectFailure(await validator.validate(bearer(signRs256(stranger, claims()))), "token-signature");
    expectFailure(await validator.validate(bearer(signRs256(key, claims(), { kid: "yet-another" }))), "token-signature");
    expect(server.requests).toBe(2);
  });

  it("a rotated-in key is picked up by the refetch an unknown kid causes", async () => {
    const { server, clock, validator } = await setup();
    expect((await validator.validate(bearer(signRs256(key, claims())))).ok).toBe(true);
    server.keys = [key.publicJwk, otherKey.publicJwk];
    clock.ms += 6 * 60_000;
    expect((await validator.validate(bearer(signRs256(otherKey, claims())))).ok).toBe(true);
    expect(server.requests).toBe(2);
  });

  it("ignores keys too weak, for encryption, or for another alg", async () => {
    const weak = makeKey("weak", 1024);
    const encryption = makeKey("enc");
    const ps = makeKey("ps");
    const { server, validator } = await setup();
    server.keys = [key.publicJwk, weak.publicJwk, { ...encryption.publicJwk, use: "enc" }, { ...ps.publicJwk, alg: "PS256" }];
    expect((await validator.validate(bearer(signRs256(key, claims())))).ok).toBe(true);
    for (const k of [weak, encryption, ps]) expectFailure(await validator.validate(bearer(signRs256(k, claims()))), "token-signature");
  });

  it("key endpoint down: jwks-unavailable, and no throw", async () => {
    const { server, validator } = await setup();
    await server.close();
    servers.length = 0;
    const result = await validator.validate(bearer(signRs256(key, claims())));
    expectFailure(result, "jwks-unavailable");
    expect(!result.ok && result.message).toContain("ECONNREFUSED");
  });

  it.each([
    ["error-500", "did not answer 200"],
    ["redirect", "redirects are not followed"],
    ["not-json", "did not answer JSON"],
    ["huge", "over 262144 bytes"],
  ] as const)("key endpoint %s: jwks-unavailable (%s)", async (mode, words) => {
    const { server, validator } = await setup();
    server.mode = mode;
    const result = await validator.validate(bearer(signRs256(key, claims())));
    expectFailure(result, "jwks-unavailable");
    expect(!result.ok && result.message).toContain(words);
  });

  it("a key endpoint that never answers is bounded by the timeout", async () => {
    const { server, validator } = await setup({ jwksTimeoutMs: 200 });
    server.mode = "hang";
    const result = await validator.validate(bearer(signRs256(key, claims())));
    expectFailure(result, "jwks-unavailable");
    expect(!result.ok && result.message).toContain("within 200 ms");
  });

  it("a key set without any usable key verifies nothing", async () => {
    const { server, validator } = await setup();
    const weak = makeKey("weak", 1024);
    server.keys = [weak.publicJwk];
    expectFailure(await validator.validate(bearer(signRs256(key, claims()))), "token-signature");
    expectFailure(await validator.validate(bearer(signRs256(weak, claims()))), "token-signature");
  });

  it("after a failure it waits before trying again, then recovers", async () => {
    const { server, clock, validator } = await setup();
    server.mode = "error-500";
    const token = bearer(signRs256(key, claims()));
    expectFailure(await validator.validate(token), "jwks-unavailable");
    expectFailure(await validator.validate(token), "jwks-unavailable");
    expect(server.requests).toBe(1);
    server.mode = "ok";
    clock.ms += 31_000;
    expect((await validator.validate(token)).ok).toBe(true);
    expect(server.requests).toBe(2);
  });

  it("keeps using the keys it has when a refresh fails", async () => {
    const { server, clock, validator } = await setup();
    expect((await validator.validate(bearer(signRs256(key, claims())))).ok).toBe(true);
    server.mode = "error-500";
    clock.ms += 2 * 3600_000;
    const token = signRs256(key, claims({ exp: Math.floor(clock.ms / 1000) + 3600 }));
    expect((await validator.validate(bearer(token))).ok).toBe(true);
    expect(server.requests).toBe(2);
  });

  it("derives the key set URL from the issuer's tenant (v1 and v2 issuers)", async () => {
    const server = await startKeyServer([key.publicJwk]);
    servers.push(server);
    for (const [issuer, expected] of [
      [ISSUER, `https://login.microsoftonline.com/${TENANT}/discovery/v2.0/keys`],
      [`https://login.microsoftonline.com/${TENANT}/v2.0`, `https://login.microsoftonline.com/${TENANT}/discovery/v2.0/keys`],
    ]) {
      const asked: string[] = [];
      // Stands in for Entra's endpoint: records the URL asked for and answers from the loopback key server.
      const fetchImpl: typeof fetch = (input, init) => {
        asked.push(String(input));
        return fetch(server.url, init);
      };
      const validator = createEntraTokenValidator({ audiences: [AUDIENCE], issuer: issuer!, now: () => NOW, fetchImpl });
      expect((await validator.validate(bearer(signRs256(key, claims({ iss: issuer }))))).ok).toBe(true);
      expect(asked).toEqual([expected]);
    }
  });

  it("refuses a plain-http key URL off loopback and options that could never validate", () => {
    const make = (o: Partial<EntraTokenValidatorOptions>) => () => createEntraTokenValidator({ audiences: [AUDIENCE], issuer: ISSUER, ...o });
    expect(make({ jwksUri: "http://login.microsoftonline.com/t/discovery/v2.0/keys" })).toThrow(ConfigError);
    expect(make({ jwksUri: "https://user:pw@login.microsoftonline.com/keys" })).toThrow(ConfigError);
    expect(make({ issuer: "https://sts.windows.net/" })).toThrow(ConfigError);
    expect(make({ audiences: [" "] })).toThrow(ConfigError);
    expect(make({ clockToleranceSeconds: -1 })).toThrow(ConfigError);
    expect(make({ jwksUri: "https://login.microsoftonline.com/t/discovery/v2.0/keys" })).not.toThrow();
    expect(make({ jwksUri: "http://localhost:1/keys" })).not.toThrow();
  });
});

describe("Entra token validator: a redirecting key endpoint", () => {
  it("does not follow the redirect to a key set elsewhere", async () => {
    const attacker = await startKeyServer([otherKey.publicJwk]);
    servers.push(attacker);
    const redirector = createServer((_req, res) => res.writeHead(302, { location: attacker.url }).end());
    await new Promise<void>((resolve) => redirector.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = redirector.address() as AddressInfo;
      const validator = createEntraTokenValidator({ audiences: [AUDIENCE], issuer: ISSUER, jwksUri: `http://127.0.0.1:${port}/keys`, now: () => NOW });
      expectFailure(await validator.validate(bearer(signRs256(otherKey, claims()))), "jwks-unavailable");
      expect(attacker.requests).toBe(0);
    } finally {
      await new Promise((resolve) => redirector.close(resolve));
    }
  });
});
