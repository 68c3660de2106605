import { type AnalyzedQuery, columnsOf, elements, type KqlColumn, nodeKind } from "./language";

/**
 * Runs a bound query over in-memory rows: the KQL the app and its alert send (a table, then where, project,
 * project-away, extend, summarize with count/countif/min/max/sum/avg/dcount/make_set/take_any by expressions,
 * sort/order by, take/limit, count) with the scalar operators and functions they use. Column names and types come
 * from the binder (Microsoft's language service), so defaults such as `count_` or `Column1` are Kusto's own.
 * Anything else throws UnsupportedKql: the simulator then says it does not run it, rather than answer wrongly.
 */

/* eslint-disable @typescript-eslint/no-explicit-any -- syntax nodes are Bridge.NET objects */

export class UnsupportedKql extends Error {
  constructor(what: string) {
    super(`the simulator does not run ${what}`);
    this.name = "UnsupportedKql";
  }
}

/** A timespan value (kept in milliseconds). */
export class Timespan {
  constructor(readonly ms: number) {}
}

export type Value = string | number | boolean | null | Date | Timespan | Value[] | { [key: string]: Value };
export type Row = Record<string, Value>;

export interface QueryResult {
  columns: KqlColumn[];
  rows: unknown[][];
}

export function runQuery(query: AnalyzedQuery, tables: Record<string, Row[]>, now: Date): QueryResult {
  const statements = elements(query.syntax?.Statements);
  if (statements.length !== 1 || nodeKind(statements[0]) !== "ExpressionStatement") throw new UnsupportedKql("queries of more than one statement (let, set, ...)");
  const expression = statements[0].Expression;
  const rows = new Evaluator(tables, now).table(expression);
  const columns = query.columns ?? [];
  return { columns, rows: rows.map((row) => columns.map((c) => wire(row[c.name] ?? null))) };
}

class Evaluator {
  constructor(
    private readonly tables: Record<string, Row[]>,
    private readonly now: Date,
  ) {}

  table(node: any): Row[] {
    switch (nodeKind(node)) {
      case "NameReference": {
        const rows = this.tables[String(node.SimpleName)];
        if (rows === undefined) throw new UnsupportedKql(`the table ${node.SimpleName}`);
        return rows.map((r) => ({ ...r }));
      }
      case "ParenthesizedExpression":
        return this.table(node.Expression);
      case "PipeExpression":
        return this.operator(node.Operator, this.table(node.Expression));
      default:
        throw new UnsupportedKql(`a ${nodeKind(node)} as a table`);
    }
  }

  private operator(op: any, rows: Row[]): Row[] {
    const out = columnsOf(op) ?? [];
    switch (nodeKind(op)) {
      case "FilterOperator":
        return rows.filter((row) => this.scalar(op.Condition, row) === true);
      case "ProjectOperator": {
        const exprs = elements(op.Expressions);
        return rows.map((row) => Object.fromEntries(exprs.map((e, i) => [out[i]!.name, this.scalar(unnamed(e), row)])));
      }
      case "ProjectAwayOperator":
        return rows.map((row) => Object.fromEntries(out.map((c) => [c.name, row[c.name] ?? null])));
      case "ExtendOperator": {
        const exprs = elements(op.Expressions);
        const added = out.filter((c) => !(rows[0] ?? {}).hasOwnProperty(c.name)).map((c) => c.name);
        let next = 0;
        const names = exprs.map((e) => nameOf(e) ?? added[next++] ?? "Column1");
        return rows.map((row) => {
          const copy = { ...row };
          exprs.forEach((e, i) => (copy[names[i]!] = this.scalar(unnamed(e), row)));
          return copy;
        });
      }
      case "SummarizeOperator":
        return this.summarize(op, rows, out);
      case "TakeOperator": {
        const n = Number(this.scalar(op.Expression, {}));
        return rows.slice(0, Math.max(0, n));
      }
      case "SortOperator":
        return this.sort(elements(op.Expressions), rows);
      case "CountOperator":
        return [{ [out[0]?.name ?? "Count"]: rows.length }];
      default:
        throw new UnsupportedKql(`the '${nodeKind(op)}' operator`);
    }
  }

  private summarize(op: any, rows: Row[], out: KqlColumn[]): Row[] {
    const by = elements(op.ByClause?.Expressions);
    if (op.ByClause?.BinClause) throw new UnsupportedKql("summarize ... bin=");
    const aggregates = elements(op.Aggregates);
    const groups = new Map<string, { key: Value[]; rows: Row[] }>();
    for (const row of rows) {
      const key = by.map((e) => this.scalar(unnamed(e), row));
      const id = JSON.stringify(key.map(wire));
      const group = groups.get(id) ?? { key, rows: [] };
      group.rows.push(row);
      groups.set(id, group);
    }
    // No rows and no by-clause: one row of aggregates over nothing (count() = 0), as Kusto answers.
    if (groups.size === 0 && by.length === 0) groups.set("", { key: [], rows: [] });
    return [...groups.values()].map(({ key, rows: members }) => {
      const row: Row = {};
      by.forEach((_, i) => (row[out[i]!.name] = key[i] ?? null));
      aggregates.forEach((e, j) => (row[out[by.length + j]!.name] = this.aggregate(unnamed(e), members)));
      return row;
    });
  }

  private aggregate(call: any, rows: Row[]): Value {
    if (nodeKind(call) !== "FunctionCallExpression") throw new UnsupportedKql(`the aggregate ${nodeKind(call)}`);
    const name = String(call.Name.SimpleName).toLowerCase();
    const args = elements(call.ArgumentList?.Expressions);
    const values = () => rows.map((r) => this.scalar(args[0], r)).filter((v) => v !== null);
    switch (name) {
      case "count":
        return rows.length;
      case "countif":
        return rows.filter((r) => this.scalar(args[0], r) === true).length;
      case "min":
      case "max": {
        const vs = values();
        if (vs.length === 0) return null;
        return vs.reduce((a, b) => ((compare(a, b) <= 0) === (name === "min") ? a : b));
      }
      case "sum":
        return values().reduce<number>((a, b) => a + Number(b), 0);
      case "avg": {
        const vs = values();
        return vs.length === 0 ? null : vs.reduce<number>((a, b) => a + Number(b), 0) / vs.length;
      }
      case "dcount":
        return new Set(values().map((v) => JSON.stringify(wire(v)))).size;
      case "make_set": {
        const seen = new Map<string, Value>();
        for (const v of values()) seen.set(JSON.stringify(wire(v)), v);
        return [...seen.values()];
      }
      case "take_any":
      case "any":
        return values()[0] ?? null;
      default:
        throw new UnsupportedKql(`the aggregate ${name}()`);
    }
  }

  private sort(keys: any[], rows: Row[]): Row[] {
    const order = keys.map((k) => {
      const ordered = nodeKind(k) === "OrderedExpression";
      const direction = ordered ? String(k.Ordering?.AscOrDescKeyword?.Text ?? "desc").toLowerCase() : "desc";
      return { expr: ordered ? k.Expression : k, sign: direction === "asc" ? 1 : -1 };
    });
    return [...rows].sort((a, b) => {
      for (const { expr, sign } of order) {
        const c = compare(this.scalar(expr, a), this.scalar(expr, b));
        if (c !== 0) return c * sign;
      }
      return 0;
    });
  }

  scalar(node: any, row: Row): Value {
    switch (nodeKind(node)) {
      case "LiteralExpression":
        return literal(node);
      case "NameReference": {
        const name = String(node.SimpleName);
        if (!(name in row)) throw new UnsupportedKql(`the name ${name} here`);
        return row[name] ?? null;
      }
      case "ParenthesizedExpression":
        return this.scalar(node.Expression, row);
      case "PathExpression": {
        const target = this.scalar(node.Expression, row);
        const member = String(node.Selector?.SimpleName ?? node.Selector?.Name?.SimpleName ?? "");
        return isRecord(target) ? (target[member] ?? null) : null;
      }
      case "PrefixUnaryExpression": {
        const v = this.scalar(node.Expression, row);
        const op = String(node.Operator.Text);
        if (op === "-" && typeof v === "number") return -v;
        if (op === "-" && v instanceof Timespan) return new Timespan(-v.ms);
        if (op === "+") return v;
        throw new UnsupportedKql(`the unary operator ${op}`);
      }
      case "BinaryExpression":
        return this.binary(String(node.Operator.Text), node, row);
      case "InExpression":
        return this.isIn(node, row);
      case "FunctionCallExpression":
        return this.call(String(node.Name.SimpleName).toLowerCase(), elements(node.ArgumentList?.Expressions), row);
      default:
        throw new UnsupportedKql(`the expression ${nodeKind(node)}`);
    }
  }

  private binary(op: string, node: any, row: Row): Value {
    const lower = op.toLowerCase();
    if (lower === "and") return this.scalar(node.Left, row) === true && this.scalar(node.Right, row) === true;
    if (lower === "or") return this.scalar(node.Left, row) === true || this.scalar(node.Right, row) === true;
    const l = this.scalar(node.Left, row);
    const r = this.scalar(node.Right, row);
    switch (lower) {
      case "==":
        return l !== null && r !== null && compare(l, r) === 0;
      case "!=":
        return l !== null && r !== null && compare(l, r) !== 0;
      case "<":
        return l !== null && r !== null && compare(l, r) < 0;
      case "<=":
        return l !== null && r !== null && compare(l, r) <= 0;
      case ">":
        return l !== null && r !== null && compare(l, r) > 0;
      case ">=":
        return l !== null && r !== null && compare(l, r) >= 0;
      case "=~":
        return text(l).toLowerCase() === text(r).toLowerCase();
      case "!~":
        return text(l).toLowerCase() !== text(r).toLowerCase();
      case "has":
      case "contains":
        return text(l).toLowerCase().includes(text(r).toLowerCase());
      case "!has":
      case "!contains":
        return !text(l).toLowerCase().includes(text(r).toLowerCase());
      case "startswith":
        return text(l).toLowerCase().startsWith(text(r).toLowerCase());
      case "endswith":
        return text(l).toLowerCase().endsWith(text(r).toLowerCase());
      case "+":
        return arithmetic(l, r, 1);
      case "-":
        return arithmetic(l, r, -1);
      case "*":
        return typeof l === "number" && typeof r === "number" ? l * r : null;
      case "/":
        return typeof l === "number" && typeof r === "number" && r !== 0 ? l / r : null;
      default:
        throw new UnsupportedKql(`the operator ${op}`);
    }
  }

  private isIn(node: any, row: Row): boolean {
    const op = String(node.Operator.Text).toLowerCase();
    const left = this.scalar(node.Left, row);
    const list = elements(node.Right?.Expressions).map((e) => this.scalar(e, row));
    const caseless = op.includes("~");
    const found = list.some((v) => (caseless ? text(v).toLowerCase() === text(left).toLowerCase() : left !== null && v !== null && compare(left, v) === 0));
    return op.startsWith("!") ? !found : found;
  }

  private call(name: string, args: any[], row: Row): Value {
    const arg = (i: number) => this.scalar(args[i], row);
    switch (name) {
      case "ago": {
        const span = arg(0);
        if (!(span instanceof Timespan)) throw new UnsupportedKql("ago() of something other than a timespan");
        return new Date(this.now.getTime() - span.ms);
      }
      case "now":
        return new Date(this.now.getTime());
      case "tolower":
        return arg(0) === null ? null : text(arg(0)).toLowerCase();
      case "toupper":
        return arg(0) === null ? null : text(arg(0)).toUpperCase();
      case "tostring":
        return arg(0) === null ? "" : text(arg(0));
      case "toint":
      case "tolong":
      case "todouble":
      case "toreal": {
        const n = Number(arg(0));
        return Number.isFinite(n) ? (name === "todouble" || name === "toreal" ? n : Math.trunc(n)) : null;
      }
      case "strcat":
        return args.map((_, i) => (arg(i) === null ? "" : text(arg(i)))).join("");
      case "strlen":
        return text(arg(0)).length;
      case "isempty":
        return arg(0) === null || text(arg(0)) === "";
      case "isnotempty":
        return !(arg(0) === null || text(arg(0)) === "");
      case "isnull":
        return arg(0) === null;
      case "isnotnull":
        return arg(0) !== null;
      case "not":
        return arg(0) !== true;
      case "iff":
      case "iif":
        return arg(0) === true ? arg(1) : arg(2);
      default:
        throw new UnsupportedKql(`the function ${name}()`);
    }
  }
}

/** The expression inside `Name = expr` (or the expression itself). */
function unnamed(node: any): any {
  return nodeKind(node) === "SimpleNamedExpression" ? node.Expression : node;
}

/** The column an extend expression writes: its given name, or the column it names. */
function nameOf(node: any): string | undefined {
  if (nodeKind(node) === "SimpleNamedExpression") return String(node.Name.SimpleName ?? node.Name.Name?.SimpleName);
  if (nodeKind(node) === "NameReference") return String(node.SimpleName);
  return undefined;
}

function literal(node: any): Value {
  const type = String(node.ResultType?.Name ?? "");
  const raw = String(node.Token?.Text ?? "");
  switch (type) {
    case "string":
      return String(node.LiteralValueInfo?.Value ?? "");
    case "int":
    case "long":
    case "real":
    case "decimal":
      return Number(raw.replace(/^(int|long|real|double|decimal)\((.*)\)$/i, "$2"));
    case "bool":
      return /true/i.test(raw);
    case "datetime": {
      const inner = /^datetime\((.*)\)$/i.exec(raw)?.[1]?.trim() ?? raw;
      const date = new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(inner) || !/T|\s\d/.test(inner) ? inner : `${inner}Z`);
      if (Number.isNaN(date.getTime())) throw new UnsupportedKql(`the datetime literal ${raw}`);
      return date;
    }
    case "timespan":
      return new Timespan(timespanMs(raw));
    default:
      if (/^null$/i.test(raw)) return null;
      throw new UnsupportedKql(`a ${type || "typeless"} literal (${raw})`);
  }
}

const UNITS: Record<string, number> = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000, ms: 1, microsecond: 0.001, tick: 0.0001 };

function timespanMs(raw: string): number {
  const inner = /^(?:time|timespan)\((.*)\)$/i.exec(raw)?.[1]?.trim() ?? raw;
  const short = /^(\d+(?:\.\d+)?)(d|h|m|s|ms)$/i.exec(inner);
  if (short) return Number(short[1]) * (UNITS[short[2]!.toLowerCase()] as number);
  const clock = /^(?:(\d+)\.)?(\d{1,2}):(\d{2})(?::(\d{2}(?:\.\d+)?))?$/.exec(inner);
  if (clock) return Number(clock[1] ?? 0) * UNITS.d! + Number(clock[2]) * UNITS.h! + Number(clock[3]) * UNITS.m! + Number(clock[4] ?? 0) * 1000;
  throw new UnsupportedKql(`the timespan literal ${raw}`);
}

function compare(a: Value, b: Value): number {
  if (a instanceof Date && b instanceof Date) return a.getTime() - b.getTime();
  if (a instanceof Timespan && b instanceof Timespan) return a.ms - b.ms;
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "boolean" && typeof b === "boolean") return Number(a) - Number(b);
  const x = text(a);
  const y = text(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function arithmetic(l: Value, r: Value, sign: 1 | -1): Value {
  if (typeof l === "number" && typeof r === "number") return l + sign * r;
  if (l instanceof Date && r instanceof Timespan) return new Date(l.getTime() + sign * r.ms);
  if (l instanceof Timespan && r instanceof Timespan) return new Timespan(l.ms + sign * r.ms);
  if (sign === -1 && l instanceof Date && r instanceof Date) return new Timespan(l.getTime() - r.getTime());
  return null;
}

function text(v: Value): string {
  if (v === null) return "";
  if (v instanceof Date) return v.toISOString();
  if (typeof v === "object") return JSON.stringify(wire(v));
  return String(v);
}

function isRecord(v: Value): v is { [key: string]: Value } {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Date) && !(v instanceof Timespan);
}

/** A value as Log Analytics writes it in a table: datetimes ISO 8601, timespans [d.]hh:mm:ss. */
function wire(v: Value): unknown {
  if (v instanceof Date) return v.toISOString();
  if (v instanceof Timespan) {
    const total = Math.abs(v.ms);
    const days = Math.floor(total / UNITS.d!);
    const pad = (n: number) => String(n).padStart(2, "0");
    const rest = `${pad(Math.floor((total % UNITS.d!) / UNITS.h!))}:${pad(Math.floor((total % UNITS.h!) / UNITS.m!))}:${pad(Math.floor((total % UNITS.m!) / 1000))}`;
    return `${v.ms < 0 ? "-" : ""}${days > 0 ? `${days}.` : ""}${rest}`;
  }
  if (Array.isArray(v)) return v.map(wire);
  if (isRecord(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, wire(x)]));
  return v;
}
