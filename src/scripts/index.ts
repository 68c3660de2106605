import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { SCRIPT_NAMES, type ScriptName } from "../domain/playbook";

/** The in-guest PowerShell scripts of the RD licensing playbook (src/scripts/<name>.ps1). */
export { SCRIPT_NAMES, type ScriptName };

/** Each script's param() names; every value is a string, as Run Command passes them. */
export const SCRIPT_PARAMETERS: { readonly [K in ScriptName]: readonly string[] } = {
  probe: ["LicenseServers"],
  "set-licensing-mode": ["Mode"],
  "set-license-servers": ["Servers"],
  "remove-rdsh-role": [],
  "remove-licensing-role": [],
  "restore-licensing": ["LicensingMode", "LicenseServers"],
  verify: ["ExpectedMode", "ExpectedServers", "RdshExpected", "LicensingEvents"],
};

/** The marker every script starts with: `# rdp-medic-script: <name>`. */
const MARKER = /^# rdp-medic-script: ([a-z0-9-]+)\r?$/m;

export function isScriptName(value: string): value is ScriptName {
  return (SCRIPT_NAMES as readonly string[]).includes(value);
}

/** The script a text is, from its first line; undefined when the line is missing or names no known script. */
export function scriptNameOf(scriptText: string): ScriptName | undefined {
  const firstLine = scriptText.split("\n", 1)[0] ?? "";
  const match = MARKER.exec(firstLine);
  return match?.[1] !== undefined && isScriptName(match[1]) ? match[1] : undefined;
}

/** Where the .ps1 files may sit: beside this module (tsx, tests), in scripts/ beside a bundled entry, or back in
 * src/scripts when running tsc output from dist/src/scripts. */
function candidateDirs(): string[] {
  return [__dirname, join(__dirname, "scripts"), resolve(__dirname, "..", "..", "..", "src", "scripts")];
}

const cache = new Map<ScriptName, string>();

/**
 * Run Command sends one self-contained text, so the helpers every script shares live once in shared/helpers.ps1
 * and take the place of each script's `# rdp-medic-include: shared/helpers.ps1` line.
 */
const INCLUDE = /^# rdp-medic-include: (\S+)\r?$/m;
const INCLUDABLE = new Set(["shared/helpers.ps1"]);

/** The text of a script, ready to send as a Run Command `script`. */
export function loadScript(name: ScriptName): string {
  if (!isScriptName(name)) throw new Error(`unknown script: ${String(name)}`);
  const cached = cache.get(name);
  if (cached !== undefined) return cached;
  for (const dir of candidateDirs()) {
    const path = join(dir, `${name}.ps1`);
    if (existsSync(path)) {
      const text = composeScript(dir, readFileSync(path, "utf8"));
      if (scriptNameOf(text) !== name) throw new Error(`${path} does not start with '# rdp-medic-script: ${name}'`);
      cache.set(name, text);
      return text;
    }
  }
  throw new Error(`script ${name}.ps1 not found in ${candidateDirs().join(", ")}`);
}

function composeScript(dir: string, text: string): string {
  const match = INCLUDE.exec(text);
  if (!match) return text;
  const included = match[1]!;
  if (!INCLUDABLE.has(included)) throw new Error(`script includes unknown file ${included}`);
  const helpers = readFileSync(join(dir, included), "utf8").replace(/\r?\n$/, "");
  const composed = text.replace(INCLUDE, () => helpers);
  if (INCLUDE.test(composed)) throw new Error("a script may include the shared helpers once");
  return composed;
}
