#!/usr/bin/env node
// The offline CLI (local/cli), run through tsx so it uses the TypeScript sources directly.
"use strict";
const { spawnSync } = require("node:child_process");
const { join } = require("node:path");
const root = join(__dirname, "..");
const result = spawnSync(process.execPath, [require.resolve("tsx/cli", { paths: [root] }), join(root, "local", "cli", "main.ts"), ...process.argv.slice(2)], {
  stdio: "inherit",
});
process.exit(result.status ?? 1);
