import { ScriptOutputError } from "../errors";
import type { ScriptName } from "./playbook";

/** Run Command returns only the last 4,096 bytes of stdout. */
export const MAX_OUTPUT_BYTES = 4096;

/** Nesting deeper than this is not in any contract shape (the deepest: probe.servers[i].cals.packs[j].type). */
const MAX_DEPTH = 6;

/** Keys that could reach an object's prototype if the value were ever merged or spread. */
const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/** C0/C1 controls and bidi overrides: nothing a script may print inside a value (they would forge report text). */
const UNSAFE_CHARS = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/;

const MARKER = /"rdpMedic"\s*:/;

/** A script reported its own failure with `{"rdpMedic":"<script>","v":1,"error":{"code","message"}}`. */
export class ScriptFailedError extends ScriptOutputError {
  constructor(
    readonly script: ScriptName,
    /** The script's own code, e.g. invalid-parameter, command-failed. */
    readonly scriptCode: string,
    message: string,
  ) {
    super("script-failed", message);
  }
}

const SCRIPT_ERROR_CODE = /^[a-z][a-z0-9-]{0,39}$/;

/** Text fit for an error message: unsafe characters replaced, cut to `max` characters. */
export function excerpt(text: string, max = 200): string {
  const clean = text.slice(0, max + 1).replace(new RegExp(UNSAFE_CHARS.source, "g"), "?");
  return clean.length > max ? `${clean.slice(0, max)}...` : clean;
}

/**
 * Finds the one JSON line a script prints (`{"rdpMedic":"<script>","v":1,...}`) among any other output lines,
 * checks it is whole, safe and from the expected script, and returns the parsed object. Every failure is a
 * ScriptOutputError with a stable code: script-failed (the script's own error line, a ScriptFailedError),
 * script-stderr, output-too-large, output-truncated, output-missing, output-not-json, output-invalid,
 * output-wrong-script.
 */
export function extractScriptJson(
  script: ScriptName,
  stdout: string | null | undefined,
  stderr: string | null | undefined,
): Record<string, unknown> {
  const err = typeof stderr === "string" ? stderr.trim() : "";
  const out = typeof stdout === "string" ? stdout : "";
  if (err.length > 0) {
    // The script's own error line says more than its stderr; anything else on stderr is a failure as it is.
    let line: Record<string, unknown> | undefined;
    try {
      line = readMarkerLine(script, out);
    } catch {
      line = undefined;
    }
    const failure = line !== undefined && isErrorLine(line) ? scriptFailure(script, line) : undefined;
    if (failure instanceof ScriptFailedError) throw failure;
    throw new ScriptOutputError("script-stderr", `The ${script} script wrote to stderr: ${excerpt(err, 300)}`);
  }
  const value = readMarkerLine(script, out);
  if (isErrorLine(value)) throw scriptFailure(script, value);
  return value;
}

function readMarkerLine(script: ScriptName, out: string): Record<string, unknown> {
  const bytes = Buffer.byteLength(out, "utf8");
  if (bytes > MAX_OUTPUT_BYTES) {
    throw new ScriptOutputError(
      "output-too-large",
      `The ${script} script's output is ${bytes} bytes; Run Command keeps only ${MAX_OUTPUT_BYTES}.`,
    );
  }
  // At the limit, Run Command may have cut the output at the front: the first line is then only a tail.
  const maybeCut = bytes === MAX_OUTPUT_BYTES;

  const lines = out.replace(/^\ufeff/, "").split(/\r?\n|\r/);
  let index = -1;
  for (let i = lines.length - 1; i >= 0; i--) {
    if (MARKER.test(lines[i]!)) {
      index = i;
      break;
    }
  }
  if (index < 0) {
    if (maybeCut) throw truncated(script);
    throw new ScriptOutputError("output-missing", `The ${script} script printed no rdpMedic line.`);
  }
  const line = lines[index]!.trim();
  const cutLine = maybeCut && index === 0;

  let value: unknown;
  try {
    if (!line.startsWith("{")) throw new SyntaxError("not an object");
    value = JSON.parse(line);
  } catch {
    if (cutLine) throw truncated(script);
    throw new ScriptOutputError("output-not-json", `The ${script} script's rdpMedic line is not JSON: ${excerpt(line, 120)}`);
  }
  if (!isPlainObject(value)) {
    throw new ScriptOutputError("output-invalid", `The ${script} script's rdpMedic line is not a JSON object.`);
  }
  checkSafe(value, script, "", 0);

  if (value.rdpMedic !== script) {
    const named = typeof value.rdpMedic === "string" ? `"${excerpt(value.rdpMedic, 40)}"` : "no script";
    throw new ScriptOutputError("output-wrong-script", `Expected output of the ${script} script, got ${named}.`);
  }
  if (value.v !== 1) {
    throw new ScriptOutputError(
      "output-wrong-script",
      `The ${script} script printed contract version ${excerpt(String(value.v), 20)}; this service reads version 1.`,
    );
  }
  return value;
}

function isErrorLine(line: Record<string, unknown>): boolean {
  return Object.prototype.hasOwnProperty.call(line, "error");
}

function scriptFailure(script: ScriptName, line: Record<string, unknown>): ScriptOutputError {
  const error = line.error;
  const code = isPlainObject(error) ? error.code : undefined;
  const message = isPlainObject(error) ? error.message : undefined;
  if (
    Object.keys(line).length !== 3 ||
    !isPlainObject(error) ||
    Object.keys(error).length !== 2 ||
    typeof code !== "string" ||
    !SCRIPT_ERROR_CODE.test(code) ||
    typeof message !== "string" ||
    message.length > 1000
  ) {
    return new ScriptOutputError("output-invalid", `The ${script} script's error must be {"code","message"} with a lower-case code.`);
  }
  return new ScriptFailedError(script, code, `The ${script} script failed on the VM (${code}): ${excerpt(message, 300)}`);
}

function truncated(script: ScriptName): ScriptOutputError {
  return new ScriptOutputError(
    "output-truncated",
    `The ${script} script's output reached ${MAX_OUTPUT_BYTES} bytes and Run Command cut its rdpMedic line.`,
  );
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Walks the whole parsed value once: no prototype keys, no deep nesting, no unsafe characters, finite numbers. */
function checkSafe(value: unknown, script: ScriptName, path: string, depth: number): void {
  const fail = (why: string): never => {
    throw new ScriptOutputError("output-invalid", `The ${script} script's output ${path || "line"} ${why}.`);
  };
  if (depth > MAX_DEPTH) fail(`is nested deeper than ${MAX_DEPTH} levels`);
  if (typeof value === "string") {
    if (UNSAFE_CHARS.test(value)) fail("contains control or direction characters");
  } else if (typeof value === "number") {
    if (!Number.isFinite(value)) fail("is not a finite number");
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => checkSafe(item, script, `${path}[${i}]`, depth + 1));
  } else if (isPlainObject(value)) {
    for (const key of Object.keys(value)) {
      const at = path ? `${path}.${excerpt(key, 40)}` : excerpt(key, 40);
      if (FORBIDDEN_KEYS.has(key)) {
        throw new ScriptOutputError("output-invalid", `The ${script} script's output has a forbidden key "${key}".`);
      }
      if (UNSAFE_CHARS.test(key) || key.length > 64) fail(`has an unacceptable key at ${at}`);
      checkSafe(value[key], script, at, depth + 1);
    }
  }
}
