/**
 * Builds the deployment artifact in .artifacts/package/: one bundled, minified entry (esbuild), host.json,
 * the in-guest scripts and a minimal package.json. No local/, tests or dev dependencies.
 * Usage: npm run package [-- --out DIR]
 */
import { build } from "esbuild";
import { copyFileSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { lazyRequires, type LazyRequire } from "./lazy-requires";

const root = resolve(__dirname, "..");

export interface PackageResult {
  outDir: string;
  entry: string;
  bytes: number;
  files: string[];
}

/**
 * Dependencies the Functions worker's start never uses, deferred to their first use. durable-functions and MSAL load
 * them eagerly; together they are most of the bundle's import time (docs/performance.md, "Cold start").
 */
export const DEFERRED_DEPENDENCIES: readonly LazyRequire[] = [
  {
    file: "durable-functions/lib/src/durableClient/DurableClient.js",
    statement: 'const axios_1 = require("axios");',
    why: "HTTP calls to the Durable extension; only a client binding (HTTP, alert and timer triggers) makes them",
  },
  {
    file: "durable-functions/lib/src/durableClient/DurableClient.js",
    statement: 'const validator_1 = require("validator");',
    why: "isURL on management payloads; the whole validator library loads for it",
  },
  {
    file: "durable-functions/lib/src/durableClient/DurableClient.js",
    statement: 'const OpenTelemetryApi = require("@opentelemetry/api");',
    why: "trace headers on the client's HTTP calls",
  },
  {
    file: "durable-functions/lib/src/durableClient/getClient.js",
    statement: 'const validator_1 = require("validator");',
    why: "isURL when a client binding is read",
  },
  {
    file: "durable-functions/lib/src/durableClient/getClient.js",
    statement: 'const cloneDeep = require("lodash/cloneDeep");',
    why: "copies the client binding when it is read",
  },
  ...[
    "durable-functions/lib/src/orchestrations/DurableOrchestrationContext.js",
    "durable-functions/lib/src/task/LongTimerTask.js",
    "durable-functions/lib/src/task/CallHttpWithPollingTask.js",
  ].map((file) => ({
    file,
    statement: 'const moment = require("moment");',
    why: "timer arithmetic; needed once an orchestration runs, not to register it",
  })),
  {
    file: "@azure/msal-node/dist/client/ClientAssertion.mjs",
    statement: "import jwt from 'jsonwebtoken';",
    why: "signs client assertions for certificate credentials; the app's managed identity never does",
  },
];

export async function buildPackage(outDir = join(root, ".artifacts", "package")): Promise<PackageResult> {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(join(outDir, "dist", "scripts"), { recursive: true });
  const entry = join(outDir, "dist", "index.js");
  await build({
    entryPoints: [join(root, "src", "index.ts")],
    outfile: entry,
    bundle: true,
    minify: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    sourcemap: false,
    legalComments: "none",
    // Injected by the Functions Node.js worker at run time; never bundled.
    external: ["@azure/functions-core"],
    logLevel: "warning",
    plugins: [lazyRequires(DEFERRED_DEPENDENCIES)],
  });
  const scriptsDir = join(root, "src", "scripts");
  for (const file of readdirSync(scriptsDir).filter((f) => f.endsWith(".ps1"))) {
    copyFileSync(join(scriptsDir, file), join(outDir, "dist", "scripts", file));
  }
  // The helpers every script includes (src/scripts/index.ts puts them in place when it loads a script).
  mkdirSync(join(outDir, "dist", "scripts", "shared"), { recursive: true });
  copyFileSync(join(scriptsDir, "shared", "helpers.ps1"), join(outDir, "dist", "scripts", "shared", "helpers.ps1"));
  copyFileSync(join(root, "host.json"), join(outDir, "host.json"));
  const pkg = require(join(root, "package.json")) as { name: string; version: string; engines: unknown };
  writeFileSync(
    join(outDir, "package.json"),
    JSON.stringify({ name: pkg.name, version: pkg.version, main: "dist/index.js", engines: pkg.engines }, null, 2) + "\n",
  );
  return { outDir, entry, bytes: statSync(entry).size, files: listFiles(outDir, outDir) };
}

function listFiles(dir: string, base: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path, base) : [path.slice(base.length + 1)];
  });
}

if (require.main === module) {
  const outIndex = process.argv.indexOf("--out");
  buildPackage(outIndex > 0 ? resolve(process.argv[outIndex + 1]!) : undefined).then(
    (result) => {
      console.log(`package: ${result.outDir} (${result.files.length} files, entry ${(result.bytes / 1024).toFixed(0)} KiB)`);
      for (const file of result.files) console.log(`  ${file}`);
    },
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
