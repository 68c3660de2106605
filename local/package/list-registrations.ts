/**
 * Loads an app entry (the bundled package or src/index.ts) under the local host's functions-core hook and prints
 * what it registered, as JSON: [{ name, trigger }]. Run in a fresh process: registrations are per process.
 * Usage: tsx local/package/list-registrations.ts <entry>
 */
import { resolve } from "node:path";
import { functionRegistry } from "../durable/functions-core";

const entry = process.argv[2];
if (!entry) {
  console.error("usage: list-registrations <entry module>");
  process.exit(2);
}
void functionRegistry;
require(resolve(entry));
const list = functionRegistry
  .all()
  .map((r) => ({ name: r.name, trigger: r.triggerType }))
  .sort((a, b) => a.name.localeCompare(b.name));
process.stdout.write(JSON.stringify(list));
