import { describe, expect, it } from "vitest";
import { readJsonBody } from "../../../src/functions/http-body";

/** A body stream that counts the bytes read from it; `endless` never ends (a body without Content-Length that keeps coming). */
function stream(chunks: Uint8Array[], endless = false) {
  const state = { pulled: 0, canceled: false };
  let i = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      const chunk = endless ? new Uint8Array(1024).fill(0x20) : chunks[i++];
      if (!chunk) return controller.close();
      state.pulled += chunk.byteLength;
      controller.enqueue(chunk);
    },
    cancel() {
      state.canceled = true;
    },
  }, { highWaterMark: 0 });
  return { body, state };
}

function request(headers: Record<string, string>, body: ReadableStream<Uint8Array> | null) {
  return { headers: { get: (name: string) => headers[name.toLowerCase()] ?? null }, body };
}

const codeOf = async (p: Promise<unknown>) => p.then(() => undefined, (e: { code?: string; status?: number }) => `${e.status} ${e.code}`);
const bytes = (text: string) => new TextEncoder().encode(text);

describe("the size limit holds before the body is read", () => {
  it("a body without Content-Length is read only up to the limit, then refused (413)", async () => {
    const { body, state } = stream([], true);
    expect(await codeOf(readJsonBody(request({ "content-type": "application/json" }, body), 4096))).toBe("413 body-too-large");
    expect(state.pulled).toBeLessThanOrEqual(4096 + 1024);
    expect(state.canceled).toBe(true);
  });

  it("a declared Content-Length over the limit is refused with nothing read", async () => {
    const { body, state } = stream([bytes("{}")]);
    expect(await codeOf(readJsonBody(request({ "content-type": "application/json", "content-length": "4097" }, body), 4096))).toBe("413 body-too-large");
    expect(state.pulled).toBe(0);
  });

  it("a Content-Length that lies low does not help: the bytes are counted", async () => {
    const { body } = stream([bytes(`{"pad":"${"x".repeat(5000)}"}`)]);
    expect(await codeOf(readJsonBody(request({ "content-type": "application/json", "content-length": "10" }, body), 4096))).toBe("413 body-too-large");
  });

  it("exactly the limit is accepted", async () => {
    const text = `{"pad":"${"x".repeat(4096 - 10)}"}`;
    expect(Buffer.byteLength(text)).toBe(4096);
    const { body } = stream([bytes(text.slice(0, 100)), bytes(text.slice(100))]);
    expect(await readJsonBody(request({ "content-type": "application/json" }, body), 4096)).toBe(text);
  });
});

describe("JSON bodies need a JSON content type", () => {
  it("text/plain is refused (415) before the body is read", async () => {
    const { body, state } = stream([bytes('{"vmId":"x"}')]);
    expect(await codeOf(readJsonBody(request({ "content-type": "text/plain" }, body), 4096))).toBe("415 content-type-unsupported");
    expect(state.pulled).toBe(0);
  });

  it("a body with no content type at all is refused (415); no body needs none", async () => {
    expect(await codeOf(readJsonBody(request({}, stream([bytes("{}")]).body), 4096))).toBe("415 content-type-unsupported");
    expect(await readJsonBody(request({}, null), 4096)).toBe("");
    // A declared non-JSON type is refused even before looking for a body.
    expect(await codeOf(readJsonBody(request({ "content-type": "text/plain" }, null), 4096))).toBe("415 content-type-unsupported");
  });

  it("bytes that are not UTF-8 are not JSON", async () => {
    const { body } = stream([new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])]);
    expect(await codeOf(readJsonBody(request({ "content-type": "application/json" }, body), 4096))).toBe("400 body-not-json");
  });
});
