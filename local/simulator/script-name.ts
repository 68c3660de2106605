/** The scripts announce themselves on their first line: `# rdp-medic-script: <name>`. */

const MARKER = /^\s*#\s*rdp-medic-script:\s*([A-Za-z0-9_.-]+)\s*$/;

/** Scripts that only read the guest. Every other script, named or not, counts as state-changing. */
const READ_ONLY_SCRIPTS = new Set(["probe", "verify"]);

export function scriptNameOf(scriptText: string): string | undefined {
  const firstLine = scriptText.replace(/^\uFEFF/, "").split(/\r?\n/, 1)[0] ?? "";
  return MARKER.exec(firstLine)?.[1];
}

export function isReadOnlyScript(name: string | undefined): boolean {
  return name !== undefined && READ_ONLY_SCRIPTS.has(name);
}
