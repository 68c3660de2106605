import { existsSync } from "node:fs";
import { join, resolve } from "node:path";

/** Where `npm run tools` installs the real tools the tests use (git-ignored). */
export const TOOLS_DIR = process.env.RDPMEDIC_TOOLS_DIR ?? resolve(__dirname, "..", ".tools");

const TOOL_PATHS = {
  pwsh: join(TOOLS_DIR, "pwsh", "pwsh"),
  bicep: join(TOOLS_DIR, "bicep", "bicep"),
  xrdp: join(TOOLS_DIR, "xrdp", "xrdp"),
} as const;

export type ToolName = keyof typeof TOOL_PATHS;

/** The tool's path when installed, else undefined. */
export function findTool(name: ToolName): string | undefined {
  const path = TOOL_PATHS[name];
  return existsSync(path) ? path : undefined;
}

/** The line a test prints when it skips because a tool is missing. */
export function missingToolMessage(name: ToolName): string {
  return `${name} is not installed: run \`npm run tools\` (installs into ${TOOLS_DIR}); CI requires it.`;
}

/** CI sets RDPMEDIC_REQUIRE_TOOLS=1: a missing tool is then a failure, never a skip. */
export function toolsRequired(): boolean {
  return process.env.RDPMEDIC_REQUIRE_TOOLS === "1";
}
