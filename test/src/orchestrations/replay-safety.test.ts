// Orchestrator code is replayed from its history many times, on any worker, after any deployment: whatever it
// computes must come from its input, its history and the context (context.df.currentUtcDateTime, context.df.version),
// never from the machine. This check keeps Node built-ins, clocks, randomness, timers, I/O and async code out of
// src/orchestrations/ and out of everything those files import (a lint rule over the real syntax tree).
import { builtinModules } from "node:module";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = resolve(__dirname, "../../..");
const ORCHESTRATIONS = join(ROOT, "src", "orchestrations");
const ALLOWED_PACKAGES = new Set(["durable-functions"]);
const BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

/**
 * Pure functions of Node built-ins the domain code that orchestrators load may use: same input, same answer, on any
 * worker. Orchestrator files themselves import no built-in at all.
 */
const PURE_BUILTINS: Record<string, readonly string[]> = {
  "node:crypto": ["createHash"],
  "node:net": ["isIP", "isIPv4", "isIPv6"],
};

/** Globals that reach outside the replay: clocks, timers, randomness, I/O, the process. */
const FORBIDDEN_GLOBALS: Record<string, string> = {
  setTimeout: "a timer outside the replay (use context.df.createTimer)",
  setInterval: "a timer outside the replay (use context.df.createTimer)",
  setImmediate: "a timer outside the replay (use context.df.createTimer)",
  queueMicrotask: "work outside the replay",
  fetch: "I/O (call an activity)",
  require: "a module load at run time",
  process: "the machine's environment (pass settings in the input)",
  performance: "a clock (use context.df.currentUtcDateTime)",
  crypto: "randomness (use context.df.newGuid or pass it in the input)",
  globalThis: "the machine's globals",
  eval: "code outside the replay",
  Function: "code outside the replay",
};

/** Globals allowed, but not every member of them. */
const FORBIDDEN_MEMBERS: Record<string, Record<string, string>> = {
  Date: { now: "the clock (use context.df.currentUtcDateTime)" },
  Math: { random: "randomness (use context.df.newGuid or pass it in the input)" },
};

/** Only in src/orchestrations/ itself: the shapes of orchestrator code. */
const ORCHESTRATION_ONLY: Record<string, string> = {
  console: "a log line repeated on every replay (return it in the report or the custom status)",
};

export interface Finding {
  file: string;
  line: number;
  what: string;
}

function lineOf(source: ts.SourceFile, node: ts.Node): number {
  return source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
}

function isTypeOnlyImport(node: ts.ImportDeclaration | ts.ExportDeclaration): boolean {
  if (ts.isExportDeclaration(node)) return node.isTypeOnly;
  const clause = node.importClause;
  if (!clause) return false; // a side-effect import runs code
  if (clause.isTypeOnly) return true;
  if (clause.name) return false;
  const bindings = clause.namedBindings;
  if (!bindings || ts.isNamespaceImport(bindings)) return false;
  return bindings.elements.length > 0 && bindings.elements.every((e) => e.isTypeOnly);
}

/** The names a declaration imports, or undefined when it takes the whole module (namespace, default, side effect). */
function importedNames(node: ts.ImportDeclaration | ts.ExportDeclaration): string[] | undefined {
  if (ts.isExportDeclaration(node)) return node.exportClause && ts.isNamedExports(node.exportClause) ? node.exportClause.elements.map((e) => (e.propertyName ?? e.name).text) : undefined;
  const bindings = node.importClause?.namedBindings;
  if (!node.importClause || node.importClause.name || !bindings || ts.isNamespaceImport(bindings)) return undefined;
  return bindings.elements.filter((e) => !e.isTypeOnly).map((e) => (e.propertyName ?? e.name).text);
}

/** Whether an identifier is a reference to a binding (not a property name, a declaration or a type). */
function isReference(node: ts.Identifier): boolean {
  const parent = node.parent;
  if (ts.isPropertyAccessExpression(parent) && parent.name === node) return false;
  if ((ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent) || ts.isMethodDeclaration(parent)) && parent.name === node) return false;
  if (ts.isPropertySignature(parent) || ts.isMethodSignature(parent)) return false;
  if (ts.isTypeReferenceNode(parent) || ts.isQualifiedName(parent)) return false;
  if (ts.isImportSpecifier(parent) || ts.isExportSpecifier(parent) || ts.isImportClause(parent) || ts.isNamespaceImport(parent)) return false;
  if ((ts.isVariableDeclaration(parent) || ts.isParameter(parent) || ts.isFunctionDeclaration(parent)) && parent.name === node) return false;
  if (ts.isBindingElement(parent) && parent.propertyName === node) return false;
  return true;
}

/** What one file does that a replay cannot repeat, and the relative modules it loads at run time. */
export function inspect(file: string, text: string, inOrchestrations: boolean): { findings: Finding[]; imports: string[] } {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const findings: Finding[] = [];
  const imports: string[] = [];
  const at = (node: ts.Node, what: string) => findings.push({ file: relative(ROOT, file), line: lineOf(source, node), what });

  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const spec = node.moduleSpecifier.text;
      if (!isTypeOnlyImport(node)) {
        if (spec.startsWith(".")) imports.push(spec);
        else if (BUILTINS.has(spec) || spec.startsWith("node:")) {
          const names = importedNames(node);
          const pure = PURE_BUILTINS[spec.startsWith("node:") ? spec : `node:${spec}`];
          if (inOrchestrations || !pure || names === undefined || !names.every((n) => pure.includes(n))) {
            at(node, `imports the Node built-in "${spec}"${names && !inOrchestrations ? ` (${names.join(", ")})` : ""}`);
          }
        }
        else if (!ALLOWED_PACKAGES.has(spec)) at(node, `imports the package "${spec}" (only durable-functions belongs in orchestrator code; call an activity)`);
      }
      return;
    }
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) at(node, "imports a module at run time");
    if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === "Date" && (node.arguments?.length ?? 0) === 0) {
      at(node, "reads the clock with new Date() (use context.df.currentUtcDateTime)");
    }
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === "Date") at(node, "reads the clock with Date() (use context.df.currentUtcDateTime)");
    if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression)) {
      const why = FORBIDDEN_MEMBERS[node.expression.text]?.[node.name.text];
      if (why) at(node, `uses ${node.expression.text}.${node.name.text}: ${why}`);
    }
    if (ts.isIdentifier(node) && isReference(node)) {
      const why = FORBIDDEN_GLOBALS[node.text] ?? (inOrchestrations ? ORCHESTRATION_ONLY[node.text] : undefined);
      if (why) at(node, `uses ${node.text}: ${why}`);
    }
    if (inOrchestrations && ts.isAwaitExpression(node)) at(node, "awaits (orchestrators are generators that yield durable tasks)");
    if (inOrchestrations && ts.isFunctionLike(node) && ts.canHaveModifiers(node) && ts.getModifiers(node)?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword)) {
      at(node, "declares an async function (orchestrators are generators that yield durable tasks)");
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { findings, imports };
}

function resolveModule(from: string, spec: string): string {
  const base = resolve(dirname(from), spec.replace(/\.js$/, ""));
  for (const candidate of [`${base}.ts`, join(base, "index.ts")]) if (existsSync(candidate)) return candidate;
  throw new Error(`${relative(ROOT, from)} imports ${spec}, which does not resolve to a .ts file`);
}

/** Every file orchestrator code loads at run time, from src/orchestrations/ outwards, with what each does wrong. */
export function checkOrchestrations(): { files: string[]; findings: Finding[] } {
  const queue = readdirSync(ORCHESTRATIONS)
    .filter((f) => f.endsWith(".ts"))
    .map((f) => join(ORCHESTRATIONS, f));
  const seen = new Set<string>();
  const findings: Finding[] = [];
  while (queue.length > 0) {
    const file = queue.shift() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    const result = inspect(file, readFileSync(file, "utf8"), dirname(file) === ORCHESTRATIONS);
    findings.push(...result.findings);
    for (const spec of result.imports) queue.push(resolveModule(file, spec));
  }
  return { files: [...seen].map((f) => relative(ROOT, f)).sort(), findings };
}

describe("orchestrator code stays replay-safe (src/orchestrations/ and everything it loads)", () => {
  it("uses no Node built-in, no package but durable-functions, no clock, randomness, timer, I/O or async code", () => {
    const { files, findings } = checkOrchestrations();
    expect(files).toContain("src/orchestrations/remediate-vm.ts");
    expect(files.some((f) => f.startsWith("src/domain/"))).toBe(true);
    expect(findings.map((f) => `${f.file}:${f.line} ${f.what}`)).toEqual([]);
  });

  it("the rule catches each thing it forbids", () => {
    const bad = `
      import { readFileSync } from "fs";
      import { randomUUID } from "node:crypto";
      import { DefaultAzureCredential } from "@azure/identity";
      import type { TokenCredential } from "@azure/core-auth";
      import { type Thing } from "./types";
      import * as df from "durable-functions";
      export async function* orchestrator(context: unknown) {
        const started = Date.now();
        const today = new Date();
        const also = Date();
        const fixed = new Date("2026-01-01T00:00:00Z");
        const pick = Math.random() > 0.5 ? Math.max(1, 2) : 0;
        setTimeout(() => undefined, 10);
        const key = process.env.KEY;
        const id = crypto.randomUUID();
        const body = await fetch("https://example.com");
        console.log(started, today, also, fixed, pick, key, id, body);
        const later = await import("./later");
        const { setTimeout: local } = { setTimeout: 1 };
        return local;
      }`;
    const { findings, imports } = inspect(join(ORCHESTRATIONS, "bad.ts"), bad, true);
    const what = findings.map((f) => f.what);
    expect(what).toEqual(
      expect.arrayContaining([
        'imports the Node built-in "fs"',
        'imports the Node built-in "node:crypto"',
        'imports the package "@azure/identity" (only durable-functions belongs in orchestrator code; call an activity)',
        "uses Date.now: the clock (use context.df.currentUtcDateTime)",
        "reads the clock with new Date() (use context.df.currentUtcDateTime)",
        "reads the clock with Date() (use context.df.currentUtcDateTime)",
        "uses Math.random: randomness (use context.df.newGuid or pass it in the input)",
        "uses setTimeout: a timer outside the replay (use context.df.createTimer)",
        "uses process: the machine's environment (pass settings in the input)",
        "uses crypto: randomness (use context.df.newGuid or pass it in the input)",
        "uses fetch: I/O (call an activity)",
        "uses console: a log line repeated on every replay (return it in the report or the custom status)",
        "awaits (orchestrators are generators that yield durable tasks)",
        "declares an async function (orchestrators are generators that yield durable tasks)",
        "imports a module at run time",
      ]),
    );
    // Type-only imports, durable-functions, new Date(value), Math.max and property names are fine.
    expect(what.filter((w) => w.includes("core-auth") || w.includes('"durable-functions"') || w.includes("Math.max"))).toEqual([]);
    expect(findings.filter((f) => f.what.startsWith("reads the clock with new Date()"))).toHaveLength(1);
    expect(findings.filter((f) => f.what.startsWith("uses setTimeout"))).toHaveLength(1);
    expect(imports).toEqual([]);
  });

  it("outside src/orchestrations/ (the domain code it loads) console and async code are the module's own business", () => {
    const { findings } = inspect(join(ROOT, "src", "domain", "x.ts"), "export async function f() { console.log(await Promise.resolve(Date.now())); }", false);
    expect(findings.map((f) => f.what)).toEqual(["uses Date.now: the clock (use context.df.currentUtcDateTime)"]);
  });

  it("domain code may use the pure functions of a built-in (a hash, an IP check), nothing else of it; orchestrators none", () => {
    const domain = (text: string) => inspect(join(ROOT, "src", "domain", "x.ts"), text, false).findings.map((f) => f.what);
    expect(domain('import { createHash } from "node:crypto";\nimport { isIP } from "net";')).toEqual([]);
    expect(domain('import { createHash, randomUUID } from "node:crypto";')).toEqual(['imports the Node built-in "node:crypto" (createHash, randomUUID)']);
    expect(domain('import * as crypto from "node:crypto";')).toEqual(['imports the Node built-in "node:crypto"']);
    expect(domain('import { readFileSync } from "node:fs";')).toEqual(['imports the Node built-in "node:fs" (readFileSync)']);
    const orchestration = inspect(join(ORCHESTRATIONS, "x.ts"), 'import { createHash } from "node:crypto";', true).findings.map((f) => f.what);
    expect(orchestration).toEqual(['imports the Node built-in "node:crypto"']);
  });
});
