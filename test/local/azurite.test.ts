import { spawn } from "node:child_process";
import { connect } from "node:net";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { createEmulatorCredential, startAzurite } from "../../local/azurite";

function claimsOf(token: string): Record<string, unknown> {
  const [, payload] = token.split(".");
  return JSON.parse(Buffer.from(payload ?? "", "base64url").toString("utf8")) as Record<string, unknown>;
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      done(true);
    });
    socket.once("error", () => done(false));
  });
}

describe("emulator credential", () => {
  it("mints Entra-shaped tokens whose audience is the requested resource", async () => {
    const credential = createEmulatorCredential({ now: () => Date.UTC(2030, 0, 1), lifetimeSeconds: 600 });
    const token = await credential.getToken(["https://storage.azure.com/.default"]);
    expect(token).not.toBeNull();
    const claims = claimsOf(token!.token);
    expect(claims.aud).toBe("https://storage.azure.com");
    expect(String(claims.iss)).toMatch(/^https:\/\/sts\.windows\.net\/[0-9a-f-]+\/$/);
    expect(claims.exp).toBe(Date.UTC(2030, 0, 1) / 1000 + 600);
    expect(token!.expiresOnTimestamp).toBe(Date.UTC(2030, 0, 1) + 600_000);
    expect(credential.tokensIssued()).toBe(1);
  });
});

describe("startAzurite", () => {
  it("serves HTTPS on loopback and frees the port on stop", async () => {
    const azurite = await startAzurite();
    const url = new URL(azurite.tableEndpoint);
    expect(url.protocol).toBe("https:");
    expect(url.hostname).toBe("127.0.0.1");
    expect(url.pathname).toBe("/devstoreaccount1");
    expect(azurite.caPem).toContain("BEGIN CERTIFICATE");
    const port = Number(url.port);
    expect(await portOpen(port)).toBe(true);
    await azurite.stop();
    expect(await portOpen(port)).toBe(false);
  });

  it("Azurite exits when the process that started it dies without stopping it", async () => {
    const script = `
      const { startAzurite } = require(${JSON.stringify(resolve(__dirname, "../../local/azurite.ts"))});
      startAzurite().then((a) => { console.log(new URL(a.tableEndpoint).port); process.exit(0); });
    `;
    const parent = spawn(process.execPath, ["--import", "tsx", "-e", script], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    parent.stdout.on("data", (d: Buffer) => (out += d.toString()));
    await new Promise((done) => parent.once("exit", done));
    const port = Number(out.trim());
    expect(port).toBeGreaterThan(0);
    // The child notices the closed channel and exits; wait for the port to close (bounded by the test timeout).
    while (await portOpen(port)) await new Promise((r) => setTimeout(r, 50));
    expect(await portOpen(port)).toBe(false);
  });
});
