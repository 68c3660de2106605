import { InputError } from "../errors";

/**
 * A request body that must be one JSON object with only the named fields: `body-not-json`, `body-invalid` or
 * `unknown-field` otherwise. `example` shows the expected shape in the message.
 */
export function parseJsonObject(text: string, allowed: readonly string[], example: string): Record<string, unknown> {
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch {
    throw new InputError("body-not-json", "the body is not valid JSON");
  }
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) {
    throw new InputError("body-invalid", `the body must be a JSON object like ${example}`);
  }
  const record = payload as Record<string, unknown>;
  const unknown = Object.keys(record).filter((k) => !allowed.includes(k));
  if (unknown.length > 0) {
    throw new InputError(
      "unknown-field",
      `unknown field(s): ${unknown.slice(0, 5).map((k) => JSON.stringify(k.slice(0, 40))).join(", ")}; allowed: ${allowed.join(", ")}`,
    );
  }
  return record;
}
