/**
 * OData filter pieces for Table queries. Every value goes through `literal`, so a value from outside (a VM ID, a
 * server name) stays one string literal whatever it contains.
 */

/** A string literal: single quotes doubled, as the OData ABNF requires. */
export function literal(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

export type Comparison = "eq" | "ne" | "ge" | "gt" | "le" | "lt";

export function compare(property: string, op: Comparison, value: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(property)) throw new Error(`not a property name: ${property}`);
  return `${property} ${op} ${literal(value)}`;
}

export function and(...clauses: Array<string | undefined>): string {
  return clauses
    .filter((c): c is string => c !== undefined && c.length > 0)
    .map((c) => `(${c})`)
    .join(" and ");
}

export function anyOf(property: string, values: readonly string[]): string | undefined {
  if (values.length === 0) return undefined;
  return values.map((v) => compare(property, "eq", v)).join(" or ");
}
