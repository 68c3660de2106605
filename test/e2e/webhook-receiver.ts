import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** A local webhook receiver (127.0.0.1) that records what it gets and can be told to fail. */
export interface WebhookReceiver {
  url: string;
  received: Array<Record<string, unknown>>;
  /** Status to answer; 200 unless changed. */
  status: number;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const receiver = { received: [] as Array<Record<string, unknown>>, status: 200 } as WebhookReceiver;
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    req.on("end", () => {
      try {
        receiver.received.push(JSON.parse(body) as Record<string, unknown>);
      } catch {
        receiver.received.push({ unparseable: body });
      }
      res.writeHead(receiver.status, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  receiver.close = () => new Promise((resolve) => server.close(() => resolve()));
  return receiver;
}
