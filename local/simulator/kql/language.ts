import { createRequire } from "node:module";
import { schemaText, type TableSchema } from "./tables";

/**
 * Microsoft's Kusto language service (@kusto/language-service-next, the parser and binder behind the Azure Data
 * Explorer and Log Analytics editors) parses and binds a query against declared tables. It is a Bridge.NET build:
 * its runtime (bridge.js) must be loaded first, and both define globals (Bridge, System, Kusto). Loaded once, on
 * first use (about half a second).
 */

/* eslint-disable @typescript-eslint/no-explicit-any -- the Bridge.NET objects have no useful TypeScript shape here */
type Kusto = any;

let kusto: Kusto | undefined;

function load(): Kusto {
  if (kusto === undefined) {
    const require = createRequire(__filename);
    require("@kusto/language-service-next/bridge.min.js");
    require("@kusto/language-service-next/Kusto.Language.Bridge.min.js");
    kusto = (globalThis as { Kusto?: Kusto }).Kusto;
    if (!kusto?.Language?.KustoCode) throw new Error("the Kusto language service did not load (bridge.js first, then Kusto.Language.Bridge.js)");
  }
  return kusto;
}

export interface KqlDiagnostic {
  /** The language service's code, e.g. KS142. */
  code: string;
  severity: string;
  message: string;
  /** Offset and length in the query text. */
  start: number;
  length: number;
  /** 1-based line and column of `start`. */
  line: number;
  column: number;
  /** A syntax error (the parser's) rather than a binding error. */
  syntax: boolean;
}

export interface KqlColumn {
  name: string;
  type: string;
}

export interface AnalyzedQuery {
  text: string;
  diagnostics: KqlDiagnostic[];
  /** The bound syntax tree (Kusto.Language.Syntax). */
  syntax: any;
  /** The result schema of the query's last statement, when it is a table. */
  columns: KqlColumn[] | undefined;
}

const globalsCache = new Map<string, any>();

/** Parses and binds `query` with the given tables as the database's tables. */
export function analyzeQuery(query: string, tables: readonly TableSchema[]): AnalyzedQuery {
  const K = load().Language;
  const key = tables.map((t) => `${t.name}${schemaText(t)}`).join("|");
  let globals = globalsCache.get(key);
  if (globals === undefined) {
    const S = K.Symbols;
    const symbols = tables.map((t) => new S.TableSymbol.$ctor7(t.name, schemaText(t), t.description));
    const database = new S.DatabaseSymbol.$ctor2("simulated", null, symbols);
    globals = K.GlobalState.Default.WithCluster(new S.ClusterSymbol.ctor("simulated", [database])).WithDatabase(database);
    globalsCache.set(key, globals);
  }
  const code = K.KustoCode.ParseAndAnalyze(query, globals);
  const list = code.GetDiagnostics();
  const diagnostics: KqlDiagnostic[] = [];
  for (let i = 0; i < list.Count; i++) {
    const d = list.getItem(i);
    if (String(d.Severity) !== "Error") continue;
    const { line, column } = lineAndColumn(query, d.Start);
    diagnostics.push({
      code: String(d.Code),
      severity: String(d.Severity),
      message: String(d.Message),
      start: d.Start,
      length: d.Length,
      line,
      column,
      syntax: isSyntaxCode(String(d.Code)),
    });
  }
  return { text: query, diagnostics, syntax: code.Syntax, columns: resultColumns(code.Syntax) };
}

/** The columns of a table-valued syntax node's result (an operator, or the whole pipe). */
export function columnsOf(node: any): KqlColumn[] | undefined {
  const type = node?.ResultType;
  if (!type?.Columns) return undefined;
  const out: KqlColumn[] = [];
  for (let i = 0; i < type.Columns.Count; i++) {
    const c = type.Columns.getItem(i);
    out.push({ name: String(c.Name), type: String(c.Type?.Name ?? "dynamic") });
  }
  return out;
}

/** The Bridge.NET type name of a syntax node, without its namespace ("PipeExpression", "FilterOperator"). */
export function nodeKind(node: any): string {
  const bridge = (globalThis as { Bridge?: { getTypeName(o: unknown): string } }).Bridge;
  return (bridge?.getTypeName(node) ?? "").replace(/^Kusto\.Language\.Syntax\./, "");
}

/** The elements of a SyntaxList of SeparatedElements. */
export function elements(list: any): any[] {
  const out: any[] = [];
  if (!list) return out;
  for (let i = 0; i < list.Count; i++) {
    const item = list.getItem(i);
    out.push(item?.Element ?? item);
  }
  return out;
}

function resultColumns(syntax: any): KqlColumn[] | undefined {
  const statements = syntax?.Statements;
  if (!statements || statements.Count === 0) return undefined;
  const last = statements.getItem(statements.Count - 1)?.Element;
  return columnsOf(last?.Expression);
}

/** The parser's diagnostics are KS001-KS099 (missing or unexpected tokens); binding ones start at KS100. */
function isSyntaxCode(code: string): boolean {
  const n = Number(code.replace(/^KS/, ""));
  return Number.isFinite(n) && n < 100;
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, offset));
  const lines = before.split("\n");
  return { line: lines.length, column: (lines[lines.length - 1]?.length ?? 0) + 1 };
}
