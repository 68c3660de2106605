import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { resolve } from "node:path";

/** The shipped infrastructure (infra/main.bicep and its modules). */
export const INFRA_DIR = resolve(__dirname, "..", "infra");

export interface BicepRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the real Bicep CLI with a clean environment: nothing from the caller's AZURE_* or RDPMEDIC_* variables
 * reaches readEnvironmentVariable() in a .bicepparam unless passed in `env`; no tracing.
 */
export function runBicep(bicep: string, args: string[], env: Record<string, string> = {}, cwd = INFRA_DIR): BicepRun {
  const result = spawnSync(bicep, args, {
    cwd,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: process.env.HOME ?? tmpdir(),
      TMPDIR: process.env.TMPDIR ?? tmpdir(),
      DOTNET_CLI_TELEMETRY_OPTOUT: "1",
      BICEP_TRACING_ENABLED: "false",
      ...env,
    },
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
