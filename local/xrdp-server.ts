/**
 * A private xrdp (Debian's package, found by local/tools.ts) for tests: its own config, certificate and log in a
 * temp folder, listening on a free port on 127.0.0.1 only, in the foreground (--nodaemon), so that stopping it
 * is ending one child process. xrdp answers the RDP Connection Initiation phase like any RDP server, which is all
 * the tests need from it: no sessions, no sesman.
 *
 * Two things xrdp 0.9 fixes at build time: it refuses to start while /run/xrdp/xrdp.pid exists (the package's own
 * service), and it reads /etc/xrdp/rsakeys.ini for standard RDP security after the negotiation.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { accessSync, constants, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RdpMedicError } from "../src/errors";
import { findTool, missingToolMessage } from "./tools";

export const XRDP_HOST = "127.0.0.1";
const PACKAGE_PID_FILE = "/run/xrdp/xrdp.pid";
const PACKAGE_CERTIFICATE = "/etc/xrdp/cert.pem";
const PACKAGE_KEY = "/etc/xrdp/key.pem";
const OUTPUT_TAIL_BYTES = 8192;
const START_ATTEMPTS = 3;

/** xrdp.ini security_layer: what the server accepts (xrdp.ini(5)). */
export type XrdpSecurityLayer = "negotiate" | "tls" | "rdp";

export interface XrdpServerOptions {
  /** The xrdp binary; default: the one `npm run tools` installed. */
  binary?: string;
  /** Default "negotiate": TLS when the client offers it, else standard RDP security. */
  securityLayer?: XrdpSecurityLayer;
  /** How long to wait for the listener, per attempt. Default 15000 ms. */
  startTimeoutMs?: number;
}

export interface XrdpServer {
  readonly host: typeof XRDP_HOST;
  readonly port: number;
  readonly pid: number;
  readonly securityLayer: XrdpSecurityLayer;
  /** The temp folder with xrdp.ini, the log and (when generated) the certificate; removed by stop(). */
  readonly dir: string;
  readonly configPath: string;
  readonly logPath: string;
  /** xrdp's log so far, for messages in failing tests. */
  readLog(): string;
  /** Ends xrdp (SIGTERM, then SIGKILL) and removes its folder. Safe to call more than once. */
  stop(): Promise<void>;
}

/** xrdp is not installed, refuses to start, or does not listen in time. */
export class XrdpServerError extends RdpMedicError {
  constructor(code: "xrdp-missing" | "xrdp-start-failed", message: string) {
    super(code, message);
  }
}

export async function startXrdpServer(options: XrdpServerOptions = {}): Promise<XrdpServer> {
  const binary = options.binary ?? findTool("xrdp");
  if (binary === undefined || !existsSync(binary)) throw new XrdpServerError("xrdp-missing", missingToolMessage("xrdp"));
  if (existsSync(PACKAGE_PID_FILE)) {
    throw new XrdpServerError(
      "xrdp-start-failed",
      `${PACKAGE_PID_FILE} exists: the xrdp package's service is running (or died without cleaning up), and xrdp ` +
        "will not start a second instance while it does. Stop that service; the tests run their own xrdp.",
    );
  }
  const securityLayer = options.securityLayer ?? "negotiate";
  const startTimeoutMs = options.startTimeoutMs ?? 15_000;

  const dir = mkdtempSync(join(tmpdir(), "rdpmedic-xrdp-"));
  try {
    const { certificate, key } = certificateFor(dir);
    const failures: string[] = [];
    for (let attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
      const port = await freeLoopbackPort();
      const started = await startOnce({ binary, dir, port, securityLayer, certificate, key, startTimeoutMs });
      if (started.kind === "listening") return started.server;
      failures.push(`attempt ${attempt} on port ${port}: ${started.reason}`);
    }
    throw new XrdpServerError("xrdp-start-failed", `xrdp did not start:\n${failures.join("\n")}`);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

interface StartSpec {
  binary: string;
  dir: string;
  port: number;
  securityLayer: XrdpSecurityLayer;
  certificate: string;
  key: string;
  startTimeoutMs: number;
}

type StartOutcome = { kind: "listening"; server: XrdpServer } | { kind: "failed"; reason: string };

async function startOnce(spec: StartSpec): Promise<StartOutcome> {
  const configPath = join(spec.dir, "xrdp.ini");
  const logPath = join(spec.dir, "xrdp.log");
  rmSync(logPath, { force: true });
  writeFileSync(configPath, xrdpIni({ ...spec, logPath }));

  const child = spawn(spec.binary, ["--nodaemon", "--config", configPath], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, LC_ALL: "C" },
  });
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString("utf8")).slice(-OUTPUT_TAIL_BYTES);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<string>((resolve) => {
    child.once("exit", (code, signal) => resolve(signal ? `signal ${signal}` : `exit code ${code}`));
    child.once("error", (error) => resolve(`could not run ${spec.binary}: ${error.message}`));
  });
  // A test worker that dies must not leave xrdp behind.
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);

  const readLog = () => (existsSync(logPath) ? readFileSync(logPath, "utf8") : "");
  const stop = stopper(child, exited, spec.dir, () => process.removeListener("exit", killOnExit));

  const deadline = Date.now() + spec.startTimeoutMs;
  let exitedWith: string | undefined;
  void exited.then((how) => (exitedWith = how));
  while (Date.now() < deadline) {
    if (exitedWith !== undefined) break;
    if (await accepts(spec.port)) {
      if (child.pid === undefined) break;
      const server: XrdpServer = {
        host: XRDP_HOST,
        port: spec.port,
        pid: child.pid,
        securityLayer: spec.securityLayer,
        dir: spec.dir,
        configPath,
        logPath,
        readLog,
        stop,
      };
      return { kind: "listening", server };
    }
    await delay(50);
  }
  const log = readLog();
  await stopProcess(child, exited);
  process.removeListener("exit", killOnExit);
  const why = exitedWith !== undefined ? `xrdp ended (${exitedWith})` : `no listener within ${spec.startTimeoutMs} ms`;
  return { kind: "failed", reason: `${why}\n${tail(output)}\n${tail(log)}`.trimEnd() };
}

function xrdpIni(spec: StartSpec & { logPath: string }): string {
  return [
    "[Globals]",
    "ini_version=1",
    // Threads, not forked children: the one process is the whole server.
    "fork=false",
    `port=tcp://${XRDP_HOST}:${spec.port}`,
    "use_vsock=false",
    "tcp_nodelay=true",
    "tcp_keepalive=false",
    `security_layer=${spec.securityLayer}`,
    "crypt_level=high",
    `certificate=${spec.certificate}`,
    `key_file=${spec.key}`,
    "ssl_protocols=TLSv1.2, TLSv1.3",
    "autorun=",
    "allow_channels=false",
    "",
    "[Logging]",
    `LogFile=${spec.logPath}`,
    "LogLevel=INFO",
    "EnableSyslog=false",
    "EnableConsole=false",
    "",
  ].join("\n");
}

/** The package's certificate when this user can read it, else a fresh self-signed one in `dir`. */
function certificateFor(dir: string): { certificate: string; key: string } {
  if (readable(PACKAGE_CERTIFICATE) && readable(PACKAGE_KEY)) return { certificate: PACKAGE_CERTIFICATE, key: PACKAGE_KEY };
  const certificate = join(dir, "cert.pem");
  const key = join(dir, "key.pem");
  const result = spawnSync(
    "openssl",
    ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", certificate, "-days", "2", "-subj", "/CN=localhost"],
    { encoding: "utf8", timeout: 60_000 },
  );
  if (result.status !== 0) {
    throw new XrdpServerError(
      "xrdp-start-failed",
      `openssl could not make a certificate for xrdp: ${result.error?.message ?? result.stderr.trim()}`,
    );
  }
  return { certificate, key };
}

function readable(path: string): boolean {
  try {
    accessSync(path, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

function stopper(child: ChildProcess, exited: Promise<string>, dir: string, cleanup: () => void): () => Promise<void> {
  let stopping: Promise<void> | undefined;
  return () => {
    stopping ??= stopProcess(child, exited).finally(() => {
      cleanup();
      rmSync(dir, { recursive: true, force: true });
    });
    return stopping;
  };
}

async function stopProcess(child: ChildProcess, exited: Promise<string>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  let timer: NodeJS.Timeout | undefined;
  const ended = await Promise.race([
    exited.then(() => true),
    new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), 5000))),
  ]);
  clearTimeout(timer);
  if (!ended) {
    child.kill("SIGKILL");
    await exited;
  }
}

/** A port that was free on 127.0.0.1 a moment ago (the caller retries if xrdp finds it taken). */
function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, XRDP_HOST, () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: XRDP_HOST, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

function tail(text: string): string {
  const lines = text.trimEnd().split("\n");
  return lines.slice(-20).join("\n");
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
