/**
 * Reads a request body within a size limit that holds before the body is read: a declared Content-Length over the
 * limit is refused unread, and a body without one is read only up to the limit. JSON only, sent as JSON.
 */
import { isJsonContentType } from "../domain/json-body";
import { InputError } from "../errors";

export interface BodySource {
  headers: { get(name: string): string | null };
  body: ReadableStream<Uint8Array> | null;
}

const tooLarge = (limit: number) => new InputError("body-too-large", `the body is over ${limit} bytes`, 413);

/**
 * The body as text: "" when there is none. A non-empty body needs a JSON content type (415 otherwise); one over
 * `limit` bytes is refused (413) after reading at most `limit` + one chunk of it.
 */
export async function readJsonBody(request: BodySource, limit: number): Promise<string> {
  const contentType = request.headers.get("content-type");
  const declared = request.headers.get("content-length");
  if (declared !== null && /^\d+$/.test(declared.trim()) && Number(declared) > limit) throw tooLarge(limit);
  // A declared type that is not JSON is refused before a byte of the body is read.
  if (contentType !== null && contentType.trim() !== "" && !isJsonContentType(contentType)) throw unsupported(contentType);
  const bytes = await readCapped(request.body, limit);
  if (bytes.length === 0) return "";
  if (!isJsonContentType(contentType)) throw unsupported(contentType);
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new InputError("body-not-json", "the body is not UTF-8 text");
  }
}

function unsupported(contentType: string | null): InputError {
  const shown = contentType === null || contentType.trim() === "" ? "none" : JSON.stringify(contentType.slice(0, 60));
  return new InputError("content-type-unsupported", `the body must be sent as application/json (charset utf-8), not ${shown}`, 415);
}

async function readCapped(body: ReadableStream<Uint8Array> | null, limit: number): Promise<Buffer> {
  if (!body) return Buffer.alloc(0);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) throw tooLarge(limit);
      chunks.push(value);
    }
  } catch (error) {
    await reader.cancel().catch(() => undefined);
    throw error;
  }
  return Buffer.concat(chunks);
}
