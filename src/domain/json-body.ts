import { InputError } from "../errors";

/**
 * Request bodies are JSON only, sent as JSON: application/json or application/<something>+json, in UTF-8 (the
 * only charset JSON may use between systems, RFC 8259). Anything else is refused, never guessed.
 */
export function isJsonContentType(header: string | null): boolean {
  if (header === null) return false;
  const [mediaType = "", ...parameters] = header.split(";").map((p) => p.trim().toLowerCase());
  if (mediaType !== "application/json" && !/^application\/[a-z0-9.!#$&^_-]+\+json$/.test(mediaType)) return false;
  return parameters.every((p) => !p.startsWith("charset=") || /^charset="?utf-8"?$/.test(p));
}

/**
 * Parses JSON text, refusing what JSON.parse would quietly accept: an object with the same key twice (JSON.parse
 * keeps the last, so {"dryRun":true,"dryRun":false} would become a real run).
 */
export function parseJsonText(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new InputError("body-not-json", "the body is not valid JSON");
  }
  const duplicate = firstDuplicateKey(text);
  if (duplicate !== undefined) {
    throw new InputError("duplicate-key", `the body names ${JSON.stringify(duplicate.slice(0, 40))} twice in one object; each key may appear once`);
  }
  return value;
}

/**
 * The first key that appears twice in one object of valid JSON text, compared after unescaping ("a" and "\u0061"
 * are the same key). One pass over the text; nesting is tracked with a stack of key sets (null for arrays).
 */
export function firstDuplicateKey(json: string): string | undefined {
  const stack: Array<Set<string> | null> = [];
  for (let i = 0; i < json.length; i++) {
    const c = json[i];
    if (c === "{") stack.push(new Set());
    else if (c === "[") stack.push(null);
    else if (c === "}" || c === "]") stack.pop();
    else if (c === '"') {
      const start = i;
      for (i++; i < json.length && json[i] !== '"'; i++) if (json[i] === "\\") i++;
      const keys = stack[stack.length - 1];
      if (!keys || !isFollowedByColon(json, i + 1)) continue;
      const key = JSON.parse(json.slice(start, i + 1)) as string;
      if (keys.has(key)) return key;
      keys.add(key);
    }
  }
  return undefined;
}

function isFollowedByColon(json: string, from: number): boolean {
  let i = from;
  while (i < json.length && (json[i] === " " || json[i] === "\t" || json[i] === "\n" || json[i] === "\r")) i++;
  return json[i] === ":";
}

/**
 * A request body that must be one JSON object with only the named fields: `body-not-json`, `duplicate-key`,
 * `body-invalid` or `unknown-field` otherwise. `example` shows the expected shape in the message.
 */
export function parseJsonObject(text: string, allowed: readonly string[], example: string): Record<string, unknown> {
  const payload = parseJsonText(text);
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) {
    throw new InputError("body-invalid", `the body must be a JSON object like ${example}`);
  }
  const record = payload as Record<string, unknown>;
  const unknown = Object.keys(record).filter((k) => !allowed.includes(k));
  if (unknown.length > 0) {
    throw new InputError(
      "unknown-field",
      `unknown field(s): ${unknown.slice(0, 5).map((k) => JSON.stringify(k.slice(0, 40))).join(", ")}; allowed: ${allowed.join(", ") || "none"}`,
    );
  }
  return record;
}
