/**
 * An esbuild plugin that defers chosen dependencies of chosen files: the file's `const x = require("m");` or
 * `import x from "m";` becomes a lazyModule stand-in, so module "m" is evaluated when x is first used instead of when
 * the bundle is loaded. Only for bindings the file uses inside functions (never while the file itself loads).
 * Every rule must apply: a dependency upgrade that changes a listed statement or stops loading a listed file fails
 * the build instead of silently undoing the deferral.
 */
import type { Plugin } from "esbuild";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";

export interface LazyRequire {
  /** The importing file, relative to node_modules (forward slashes). */
  file: string;
  /** The import statement exactly as the file has it. */
  statement: string;
  /** Why deferring it is safe and worth it. */
  why: string;
}

// lazy-module.ts when run from source, lazy-module.js from the compiled build.
const LAZY_MODULE = [join(__dirname, "lazy-module.ts"), join(__dirname, "lazy-module.js")].find((f) => existsSync(f))!;
const STATEMENT = /^(?:const (\w+) = require\((["'])([^"']+)\2\);|import (\w+) from (["'])([^"']+)\5;)$/;

/** The replacement for one statement; throws when the statement is not one of the two supported forms. */
export function deferredStatement(statement: string): string {
  const match = STATEMENT.exec(statement);
  if (!match) throw new Error(`lazy require: unsupported statement ${JSON.stringify(statement)}`);
  const binding = match[1] ?? match[4]!;
  const specifier = match[3] ?? match[6]!;
  return `const ${binding} = require(${JSON.stringify(LAZY_MODULE)}).lazyModule(() => require(${JSON.stringify(specifier)}));`;
}

export function lazyRequires(rules: readonly LazyRequire[]): Plugin {
  for (const rule of rules) deferredStatement(rule.statement);
  const files = [...new Set(rules.map((r) => r.file))];
  const escape = (file: string) => file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/\//g, "[\\\\/]");
  const filter = new RegExp(`node_modules[\\\\/](?:${files.map(escape).join("|")})$`);
  return {
    name: "lazy-requires",
    setup(build) {
      const loaded = new Set<string>();
      build.onStart(() => loaded.clear());
      build.onLoad({ filter }, async (args) => {
        const path = args.path.replace(/\\/g, "/");
        const mine = rules.filter((r) => path.endsWith(`node_modules/${r.file}`));
        for (const rule of mine) loaded.add(rule.file);
        let text = await readFile(args.path, "utf8");
        for (const rule of mine) {
          if (!text.includes(rule.statement)) {
            return { errors: [{ text: `lazy require: ${rule.file} no longer has ${JSON.stringify(rule.statement)}` }] };
          }
          text = text.replace(rule.statement, deferredStatement(rule.statement));
        }
        return { contents: text, loader: "js" };
      });
      build.onEnd(() => ({
        errors: rules
          .filter((rule) => !loaded.has(rule.file))
          .map((rule) => ({ text: `lazy require: ${rule.file} was not bundled, so ${JSON.stringify(rule.statement)} was not deferred` })),
      }));
    },
  };
}
