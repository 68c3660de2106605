/**
 * Functions HTTP route templates (ASP.NET-style): literal segments, `{name}`, `{name?}`, `{name:constraint}`,
 * `{*catchAll}`. Literal segments match case-insensitively; route values are URL-decoded.
 */

interface Segment {
  literal?: string;
  param?: string;
  optional?: boolean;
  catchAll?: boolean;
  constraints: string[];
}

export interface RouteTemplate {
  text: string;
  segments: Segment[];
  literalCount: number;
}

export function parseRouteTemplate(text: string): RouteTemplate {
  const segments = text
    .replace(/^\/+|\/+$/g, "")
    .split("/")
    .filter((s) => s !== "")
    .map(parseSegment);
  return { text, segments, literalCount: segments.filter((s) => s.literal !== undefined).length };
}

function parseSegment(raw: string): Segment {
  const m = /^\{(\*?)([A-Za-z_][A-Za-z0-9_]*)((?::[^}?]+)*)(\??)\}$/.exec(raw);
  if (!m) return { literal: raw, constraints: [] };
  const constraints = (m[3] ?? "").split(":").filter((c) => c !== "");
  return { param: m[2] as string, optional: m[4] === "?", catchAll: m[1] === "*", constraints };
}

const GUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

function satisfies(value: string, constraint: string): boolean {
  const [name, arg] = constraint.includes("(") ? [constraint.slice(0, constraint.indexOf("(")), constraint.slice(constraint.indexOf("(") + 1, -1)] : [constraint, ""];
  switch (name.toLowerCase()) {
    case "int":
    case "long":
      return /^-?\d+$/.test(value);
    case "guid":
      return GUID.test(value);
    case "alpha":
      return /^[A-Za-z]+$/.test(value);
    case "bool":
      return /^(true|false)$/i.test(value);
    case "minlength":
      return value.length >= Number(arg);
    case "maxlength":
      return value.length <= Number(arg);
    case "regex":
      return new RegExp(arg).test(value);
    default:
      return true;
  }
}

/** A malformed escape (e.g. "%C0%AE") is passed on as it is, as the Functions host does, rather than failing. */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Route values when `path` (without the route prefix, no query) matches the template. */
export function matchRoute(template: RouteTemplate, path: string): Record<string, string> | undefined {
  const parts = path.replace(/^\/+|\/+$/g, "").split("/").filter((s) => s !== "");
  const params: Record<string, string> = {};
  let i = 0;
  for (const segment of template.segments) {
    if (segment.catchAll && segment.param) {
      params[segment.param] = parts.slice(i).map(decodeSegment).join("/");
      return params;
    }
    const part = parts[i];
    if (part === undefined) {
      if (segment.optional) continue;
      return undefined;
    }
    if (segment.literal !== undefined) {
      if (segment.literal.toLowerCase() !== part.toLowerCase()) return undefined;
    } else if (segment.param) {
      const value = decodeSegment(part);
      if (!segment.constraints.every((c) => satisfies(value, c))) return undefined;
      params[segment.param] = value;
    }
    i += 1;
  }
  return i === parts.length ? params : undefined;
}

/** Fills a template with values (for building a request URL from route params). */
export function fillRoute(template: RouteTemplate, params: Record<string, string>): string {
  return template.segments
    .map((s) => (s.literal !== undefined ? s.literal : s.param && params[s.param] !== undefined ? encodeURIComponent(params[s.param] as string) : undefined))
    .filter((s): s is string => s !== undefined)
    .join("/");
}
