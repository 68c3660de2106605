import { spawn, execFile, type ChildProcess } from "node:child_process";
import { createHmac, randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import type { TokenCredential } from "../src/azure/ledger";

/**
 * Azurite's Table service as a stand-in for the app's storage account: HTTPS with a throw-away self-signed
 * certificate, OAuth "basic" (bearer tokens are checked for issuer, audience and lifetime, as Entra-issued tokens
 * would be), in memory, telemetry off, bound to 127.0.0.1 only.
 */
export interface AzuriteTable {
  /** Path-style account endpoint, e.g. https://127.0.0.1:PORT/devstoreaccount1. */
  tableEndpoint: string;
  /** The self-signed certificate the endpoint serves; pass it as the trusted CA. */
  caPem: string;
  /** Mints tokens the way Entra would for the requested scope; Azurite's basic OAuth accepts them. */
  credential: TokenCredential;
  stop(): Promise<void>;
}

export interface StartAzuriteOptions {
  /** Azurite's package directory; defaults to the one in node_modules. */
  azuriteDir?: string;
  /** Give up waiting for "successfully started" after this long. */
  startTimeoutMs?: number;
  /** Receives Azurite's output lines (debugging). */
  onOutput?: (line: string) => void;
}

const ACCOUNT = "devstoreaccount1";
const HOST = "127.0.0.1";
const execFileAsync = promisify(execFile);

export async function startAzurite(options: StartAzuriteOptions = {}): Promise<AzuriteTable> {
  const dir = await mkdtemp(join(tmpdir(), "rdpmedic-azurite-"));
  try {
    const { certPath, keyPath } = await createSelfSignedCert(dir);
    const main = join(options.azuriteDir ?? resolve(__dirname, "..", "node_modules", "azurite"), "dist/src/table/main.js");
    const server = await spawnOnFreePort(main, dir, certPath, keyPath, options);
    const caPem = await readFile(certPath, "utf8");
    return {
      tableEndpoint: `https://${HOST}:${server.port}/${ACCOUNT}`,
      caPem,
      credential: createEmulatorCredential(),
      stop: async () => {
        await stopProcess(server.child);
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

async function createSelfSignedCert(dir: string): Promise<{ certPath: string; keyPath: string }> {
  const certPath = join(dir, "cert.pem");
  const keyPath = join(dir, "key.pem");
  await execFileAsync("openssl", [
    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
    "-days", "2", "-subj", `/CN=${HOST}`, "-addext", `subjectAltName=IP:${HOST},DNS:localhost`,
    "-keyout", keyPath, "-out", certPath,
  ]);
  return { certPath, keyPath };
}

/** A port is free when we ask, but another process may take it before Azurite binds: retry on EADDRINUSE. */
async function spawnOnFreePort(
  main: string,
  dir: string,
  certPath: string,
  keyPath: string,
  options: StartAzuriteOptions,
): Promise<{ child: ChildProcess; port: number }> {
  // If the test process dies without stop(), the IPC channel closes and Azurite exits instead of lingering.
  const exitWithParent = join(dir, "exit-with-parent.js");
  await writeFile(
    exitWithParent,
    `process.on("disconnect", () => { require("node:fs").rmSync(${JSON.stringify(dir)}, { recursive: true, force: true }); process.exit(0); });\n`,
  );
  let lastError: unknown;
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await findFreePort();
    const args = [
      "--require",
      exitWithParent,
      main,
      "--tableHost", HOST,
      "--tablePort", String(port),
      "--inMemoryPersistence",
      "--disableTelemetry",
      "--skipApiVersionCheck",
      "--silent",
      "--oauth", "basic",
      "--cert", certPath,
      "--key", keyPath,
    ];
    // cwd is the temp dir: Azurite's default location, so nothing lands in the repository.
    const child = spawn(process.execPath, args, { cwd: dir, stdio: ["ignore", "pipe", "pipe", "ipc"] });
    try {
      await waitUntilStarted(child, options.startTimeoutMs ?? 30_000, options.onOutput);
      return { child, port };
    } catch (error) {
      lastError = error;
      await stopProcess(child);
      if (!String(error).includes("EADDRINUSE")) break;
    }
  }
  throw lastError;
}

function findFreePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, HOST, () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => resolvePort(port));
    });
  });
}

function waitUntilStarted(child: ChildProcess, timeoutMs: number, onOutput?: (line: string) => void): Promise<void> {
  return new Promise((resolveStart, reject) => {
    let output = "";
    const timer = setTimeout(() => finish(new Error(`Azurite did not start within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      const text = chunk.toString("utf8");
      output += text;
      for (const line of text.split("\n")) if (line.trim()) onOutput?.(line);
      if (output.includes("successfully started")) finish();
    };
    const onExit = (code: number | null) => finish(new Error(`Azurite exited with code ${code}:\n${output}`));
    function finish(error?: Error) {
      clearTimeout(timer);
      child.stdout?.off("data", onData);
      child.stderr?.off("data", onData);
      child.off("exit", onExit);
      if (error) reject(error);
      else resolveStart();
    }
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", onExit);
  });
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolveStop) => {
    child.once("exit", () => resolveStop());
    // In-memory persistence: nothing to flush, so no graceful shutdown is needed.
    child.kill("SIGTERM");
  });
}

/**
 * Tokens shaped like Entra ID access tokens for a managed identity: issuer sts.windows.net/<tenant>/, audience
 * taken from the requested scope (https://storage.azure.com/.default -> https://storage.azure.com), one hour of
 * lifetime. Azurite's basic OAuth checks exactly those (not the signature), so a wrong scope or an expired token
 * is refused as Azure would refuse it.
 */
export function createEmulatorCredential(
  options: { tenantId?: string; lifetimeSeconds?: number; now?: () => number } = {},
): TokenCredential & { tokensIssued(): number } {
  const tenantId = options.tenantId ?? "72f988bf-0000-4000-8000-00000000a2c1";
  const objectId = randomUUID();
  const key = randomBytes(32);
  const lifetime = options.lifetimeSeconds ?? 3600;
  const now = options.now ?? Date.now;
  let issued = 0;
  return {
    async getToken(scopes) {
      const scope = (Array.isArray(scopes) ? scopes[0] : scopes) ?? "";
      const issuedAt = Math.floor(now() / 1000);
      const claims = {
        aud: scope.replace(/\/\.default$/, ""),
        iss: `https://sts.windows.net/${tenantId}/`,
        iat: issuedAt,
        nbf: issuedAt - 60,
        exp: issuedAt + lifetime,
        tid: tenantId,
        oid: objectId,
        sub: objectId,
        idtyp: "app",
        ver: "1.0",
      };
      issued++;
      return { token: signJwt(claims, key), expiresOnTimestamp: (issuedAt + lifetime) * 1000 };
    },
    tokensIssued: () => issued,
  };
}

function signJwt(claims: object, key: Buffer): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const body = `${encode({ alg: "HS256", typ: "JWT" })}.${encode(claims)}`;
  return `${body}.${createHmac("sha256", key).update(body).digest("base64url")}`;
}
