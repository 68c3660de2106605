import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findTool, missingToolMessage } from "../tools";
import type { GuestRuntime, GuestState } from "./guest-state";
import { rebootGuest } from "./reboot";

export const SHIM_PATH = join(__dirname, "shim.ps1");

/**
 * Dot-sources the shim, refuses to go on unless TcpClient is the shim's (no real socket may leave this machine),
 * then runs the script with its parameters splatted from a JSON file: values never become script text.
 */
const COMMAND = [
  "$ErrorActionPreference = 'Stop'",
  ". $env:RDPMEDIC_GUEST_SHIM",
  "if ((Get-Command New-Object).CommandType -ne 'Function') { throw 'shim: New-Object is not shimmed' }",
  "$ErrorActionPreference = 'Continue'",
  "$rdpMedicParameters = Get-Content -Raw -LiteralPath $env:RDPMEDIC_GUEST_PARAMS | ConvertFrom-Json -AsHashtable",
  "& $env:RDPMEDIC_GUEST_SCRIPT @rdpMedicParameters",
  "exit $LASTEXITCODE",
].join("; ");

export interface PwshRunResult {
  state: GuestState;
  stdout: string;
  stderr: string;
  exitCode: number | null;
}

export interface PwshRuntimeOptions {
  /** Defaults to the pwsh installed by `npm run tools`. */
  pwshPath?: string;
  /** Kill pwsh after this long (default 60 s). */
  timeoutMs?: number;
}

export interface PwshRuntime extends GuestRuntime {
  readonly name: "pwsh";
  /** runScript plus the process exit code (Run Command hides it; tests may look). */
  run(state: GuestState, scriptText: string, parameters: Record<string, string>, now: Date): Promise<PwshRunResult>;
}

/** Runs the in-guest scripts under real PowerShell against a GuestState, through local/guest/shim.ps1. */
export function createPwshRuntime(options: PwshRuntimeOptions = {}): PwshRuntime {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const run = async (
    state: GuestState,
    scriptText: string,
    parameters: Record<string, string>,
    now: Date,
  ): Promise<PwshRunResult> => {
    const pwsh = options.pwshPath ?? findTool("pwsh");
    if (pwsh === undefined) throw new Error(missingToolMessage("pwsh"));
    const dir = await mkdtemp(join(tmpdir(), "rdp-medic-guest-"));
    try {
      const statePath = join(dir, "state.json");
      const paramsPath = join(dir, "parameters.json");
      const scriptPath = join(dir, "script.ps1");
      await writeFile(statePath, JSON.stringify(state));
      await writeFile(paramsPath, JSON.stringify(parameters));
      await writeFile(scriptPath, scriptText);
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        RDPMEDIC_GUEST_SHIM: SHIM_PATH,
        RDPMEDIC_GUEST_STATE: statePath,
        RDPMEDIC_GUEST_NOW: now.toISOString(),
        RDPMEDIC_GUEST_PARAMS: paramsPath,
        RDPMEDIC_GUEST_SCRIPT: scriptPath,
        COMPUTERNAME: state.computerName,
        POWERSHELL_TELEMETRY_OPTOUT: "1",
        POWERSHELL_UPDATECHECK: "Off",
        DOTNET_CLI_TELEMETRY_OPTOUT: "1",
        NO_COLOR: "1",
      };
      const { stdout, stderr, exitCode } = await spawnPwsh(pwsh, COMMAND, env, timeoutMs);
      const after = JSON.parse(await readFile(statePath, "utf8")) as GuestState;
      return { state: after, stdout, stderr, exitCode };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };
  return pwshRuntimeOf(run);
}

/** A GuestRuntime around a function that runs one script under pwsh (a process per run, or a session). */
export function pwshRuntimeOf(run: PwshRuntime["run"]): PwshRuntime {
  return {
    name: "pwsh",
    run,
    async runScript(state, scriptText, parameters, now) {
      const { state: after, stdout, stderr } = await run(state, scriptText, parameters, now);
      return { state: after, stdout, stderr };
    },
    reboot: rebootGuest,
  };
}

function spawnPwsh(
  pwsh: string,
  command: string,
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<{ stdout: string; stderr: string; exitCode: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(pwsh, ["-NoLogo", "-NoProfile", "-NonInteractive", "-Command", command], {
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => err.push(chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (signal !== null) {
        reject(new Error(`pwsh was stopped by ${signal} (timeout ${timeoutMs} ms)`));
        return;
      }
      resolve({ stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8"), exitCode: code });
    });
  });
}
