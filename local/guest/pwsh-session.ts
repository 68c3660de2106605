import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findTool, missingToolMessage } from "../tools";
import type { GuestState } from "./guest-state";
import { SHIM_PATH, pwshRuntimeOf, type PwshRunResult, type PwshRuntime } from "./pwsh-runtime";

const HOST_PATH = join(__dirname, "pwsh-session-host.ps1");

export interface PwshSessionOptions {
  pwshPath?: string;
  /** A job that takes longer kills the process (the next job starts a new one). Default 60 s. */
  timeoutMs?: number;
}

/** A PwshRuntime that keeps one pwsh process and runs each script in a new runspace. */
export interface PwshSession extends PwshRuntime {
  /** Stops the pwsh process; a later run starts a new one. */
  close(): Promise<void>;
}

interface Pending {
  id: number;
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * The same scripts, shim and parameter passing as createPwshRuntime, without a process start per run (the tests
 * run hundreds of scripts). Runs are queued: one at a time, as Run Command runs them on a VM.
 */
export function createPwshSession(options: PwshSessionOptions = {}): PwshSession {
  const timeoutMs = options.timeoutMs ?? 60_000;
  let child: ChildProcessWithoutNullStreams | undefined;
  let pending: Pending | undefined;
  let nextId = 1;
  let queue: Promise<unknown> = Promise.resolve();

  const start = (): ChildProcessWithoutNullStreams => {
    const pwsh = options.pwshPath ?? findTool("pwsh");
    if (pwsh === undefined) throw new Error(missingToolMessage("pwsh"));
    const proc = spawn(pwsh, ["-NoLogo", "-NoProfile", "-NonInteractive", "-File", HOST_PATH], {
      env: {
        ...process.env,
        RDPMEDIC_GUEST_SHIM: SHIM_PATH,
        POWERSHELL_TELEMETRY_OPTOUT: "1",
        POWERSHELL_UPDATECHECK: "Off",
        DOTNET_CLI_TELEMETRY_OPTOUT: "1",
        NO_COLOR: "1",
      },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let buffer = "";
    let stderr = "";
    proc.stdout.setEncoding("utf8");
    proc.stdout.on("data", (chunk: string) => {
      buffer += chunk;
      let newline: number;
      while ((newline = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, newline).trim();
        buffer = buffer.slice(newline + 1);
        if (pending !== undefined && line === `done ${pending.id}`) {
          const done = pending;
          pending = undefined;
          done.resolve();
        }
      }
    });
    proc.stderr.setEncoding("utf8");
    proc.stderr.on("data", (chunk: string) => {
      stderr = (stderr + chunk).slice(-2000);
    });
    proc.on("exit", (code, signal) => {
      if (child === proc) child = undefined;
      const failed = pending;
      pending = undefined;
      failed?.reject(new Error(`the pwsh session ended (${signal ?? `exit ${code}`}): ${stderr.trim()}`));
    });
    return proc;
  };

  const runOnce = async (state: GuestState, scriptText: string, parameters: Record<string, string>, now: Date): Promise<PwshRunResult> => {
    const dir = await mkdtemp(join(tmpdir(), "rdp-medic-guest-"));
    try {
      await writeFile(join(dir, "state.json"), JSON.stringify(state));
      await writeFile(join(dir, "parameters.json"), JSON.stringify(parameters));
      await writeFile(join(dir, "script.ps1"), scriptText);
      child ??= start();
      const proc = child;
      const id = nextId++;
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          proc.kill("SIGKILL");
          reject(new Error(`pwsh session job timed out after ${timeoutMs} ms`));
        }, timeoutMs);
        pending = {
          id,
          resolve: () => (clearTimeout(timer), resolve()),
          reject: (e) => (clearTimeout(timer), reject(e)),
        };
        proc.stdin.write(`${JSON.stringify({ id, dir, now: now.toISOString(), computerName: state.computerName })}\n`);
      });
      const result = JSON.parse(await readFile(join(dir, "result.json"), "utf8")) as { stdout: string; stderr: string; exitCode: number };
      const after = JSON.parse(await readFile(join(dir, "state.json"), "utf8")) as GuestState;
      return { state: after, stdout: result.stdout, stderr: result.stderr, exitCode: result.exitCode };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };

  const run = (state: GuestState, scriptText: string, parameters: Record<string, string>, now: Date) => {
    const next = queue.then(() => runOnce(state, scriptText, parameters, now));
    queue = next.catch(() => undefined);
    return next;
  };

  return {
    ...pwshRuntimeOf(run),
    async close() {
      const proc = child;
      child = undefined;
      if (proc === undefined) return;
      await new Promise<void>((resolve) => {
        proc.once("exit", () => resolve());
        proc.stdin.end();
        setTimeout(() => proc.kill("SIGKILL"), 5000).unref();
      });
    },
  };
}
