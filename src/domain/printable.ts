/**
 * A value as an error message may quote it: in double quotes, cut to `max` characters, and with everything but
 * printable ASCII written as \uXXXX. A hostile value can then neither break a log line (CR, LF, NUL), nor reorder
 * the text around it (bidi overrides), nor hide (zero-width characters) or pass for a letter it is not (look-alikes).
 */
export function printable(value: string, max = 80): string {
  const cut = value.length > max ? `${value.slice(0, max)}...` : value;
  const escaped = cut.replace(/[^\x20-\x7e]|["\\]/g, (c) =>
    c === '"' || c === "\\" ? `\\${c}` : `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`,
  );
  return `"${escaped}"${value.length > max ? ` (${value.length} characters)` : ""}`;
}

/** One character for a message: `';' (U+003B)`, or `U+200D` when it is not printable ASCII. */
export function describeChar(char: string): string {
  const code = char.codePointAt(0) ?? 0;
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
  return code >= 0x21 && code <= 0x7e ? `'${char}' (${hex})` : hex;
}

/**
 * Characters that can forge or hide parts of a log line: C0 and C1 controls (CR, LF, ESC...), DEL, the bidi
 * controls (LRM, RLM, ALM, embeddings, overrides, isolates), zero-width characters, the line and paragraph
 * separators, and the byte-order mark.
 */
const LOG_UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

/**
 * A text as a log line may carry it: every unsafe character written as \uXXXX, cut to `max` characters. Other
 * characters (accents, CJK) stay readable; one value can never become two log lines or reorder its neighbours.
 */
export function forLog(text: string, max = 2000): string {
  const cut = text.length > max ? `${text.slice(0, max)}... (${text.length} characters)` : text;
  return cut.replace(LOG_UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`);
}
