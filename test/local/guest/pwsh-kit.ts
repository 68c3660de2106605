import { afterAll, describe, it } from "vitest";
import type { PwshRunResult } from "../../../local/guest/pwsh-runtime";
import { createPwshSession } from "../../../local/guest/pwsh-session";
import type { GuestState } from "../../../local/guest/guest-state";
import { PRESET_NOW, loadPreset, type PresetName } from "../../../local/guest/presets";
import { findTool, missingToolMessage, toolsRequired } from "../../../local/tools";
import { loadScript, type ScriptName } from "../../../src/scripts";

export const pwshPath = findTool("pwsh");

/**
 * describe() for suites that need the real pwsh: skipped with the tools message when it is missing, except under
 * RDPMEDIC_REQUIRE_TOOLS=1 (CI), where a missing pwsh is a failing test.
 */
export function describeWithPwsh(name: string, body: () => void): void {
  if (pwshPath !== undefined) {
    describe(name, () => {
      afterAll(() => pwsh.close());
      body();
    });
    return;
  }
  if (toolsRequired()) {
    describe(name, () => {
      it("needs pwsh", () => {
        throw new Error(missingToolMessage("pwsh"));
      });
    });
    return;
  }
  console.warn(missingToolMessage("pwsh"));
  describe.skip(name, body);
}

/** Real pwsh, one process for the whole test file (test/local/guest/pwsh-session.test.ts proves it equal to a
 * process per run); restarted on demand after each suite closes it. */
export const pwsh = createPwshSession();

export interface ScriptRun extends PwshRunResult {
  /** The one JSON line the script printed. */
  json: Record<string, unknown>;
}

/** Runs a script under pwsh and parses its single output line (fails the test when there is not exactly one). */
export async function runScript(
  guest: PresetName | GuestState,
  script: ScriptName,
  parameters: Record<string, string> = {},
  now: Date = PRESET_NOW,
): Promise<ScriptRun> {
  const state = typeof guest === "string" ? loadPreset(guest) : guest;
  const result = await pwsh.run(state, loadScript(script), parameters, now);
  const lines = result.stdout.split(/\r?\n/).filter((l) => l.length > 0);
  if (lines.length !== 1) {
    throw new Error(`${script} printed ${lines.length} lines:\n${result.stdout}\nstderr:\n${result.stderr}`);
  }
  return { ...result, json: JSON.parse(lines[0] as string) as Record<string, unknown> };
}
