/**
 * Small TCP servers on 127.0.0.1 that misbehave in the ways a probe meets on a real network: hang, close, reset,
 * speak another protocol, or answer RDP with chosen bytes. Each records what it received and when the client
 * closed, so tests can prove the probe sent the right bytes and always closed its socket.
 */
import { createServer, type Server, type Socket } from "node:net";

export interface PeerConnection {
  /** Everything the client sent. */
  received: Buffer;
  /** Resolves when the connection is closed (by either side). */
  closed: Promise<void>;
}

export interface TestPeer {
  port: number;
  connections: PeerConnection[];
  /** Resolves with the first connection once it has closed. */
  firstConnectionClosed(): Promise<PeerConnection>;
  close(): Promise<void>;
}

type Behaviour = (socket: Socket, connection: PeerConnection) => void;

export async function startPeer(behaviour: Behaviour): Promise<TestPeer> {
  const sockets = new Set<Socket>();
  const connections: PeerConnection[] = [];
  let notifyFirst: ((connection: PeerConnection) => void) | undefined;
  const first = new Promise<PeerConnection>((resolve) => (notifyFirst = resolve));

  const server: Server = createServer((socket) => {
    sockets.add(socket);
    let markClosed: () => void = () => undefined;
    const connection: PeerConnection = {
      received: Buffer.alloc(0),
      closed: new Promise<void>((resolve) => (markClosed = resolve)),
    };
    connections.push(connection);
    socket.on("data", (chunk) => {
      connection.received = Buffer.concat([connection.received, chunk]);
    });
    socket.on("error", () => undefined);
    socket.on("close", () => {
      sockets.delete(socket);
      markClosed();
    });
    if (connections.length === 1) void connection.closed.then(() => notifyFirst?.(connection));
    behaviour(socket, connection);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (typeof address !== "object" || address === null) throw new Error("test peer has no port");

  return {
    port: address.port,
    connections,
    firstConnectionClosed: () => first,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Accepts and never answers. */
export const hang: Behaviour = () => undefined;

/** Accepts and closes at once (FIN). */
export const closeAtOnce: Behaviour = (socket) => socket.end();

/** Accepts, waits for the request, then resets the connection (RST). */
export const resetAfterRequest: Behaviour = (socket) => socket.once("data", () => socket.resetAndDestroy());

/** Another service on the port: an SSH server greets first, whatever the client sends. */
export const sshBanner: Behaviour = (socket) => socket.write("SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n");

/** Answers each complete TPKT request with `reply`, written `chunkSize` bytes at a time. */
export function answerWith(reply: Buffer, chunkSize = reply.length): Behaviour {
  return (socket, connection) => {
    let answered = false;
    socket.on("data", () => {
      if (answered || !holdsWholeTpkt(connection.received)) return;
      answered = true;
      writeInChunks(socket, reply, chunkSize);
    });
  };
}

function holdsWholeTpkt(bytes: Buffer): boolean {
  return bytes.length >= 4 && bytes.length >= bytes.readUInt16BE(2);
}

function writeInChunks(socket: Socket, bytes: Buffer, chunkSize: number): void {
  let offset = 0;
  const next = () => {
    if (offset >= bytes.length || socket.destroyed) return;
    socket.write(bytes.subarray(offset, offset + chunkSize));
    offset += chunkSize;
    // A pause between chunks makes them arrive as separate reads.
    setTimeout(next, 5);
  };
  next();
}

/** A Connection Confirm (MS-RDPBCGR 2.2.1.2) with negotiation data of `type` (2 response, 3 failure). */
export function connectionConfirm(type: number, flags: number, value: number): Buffer {
  const pdu = Buffer.from("030000130ed000001234000000080000000000", "hex");
  pdu[11] = type;
  pdu[12] = flags;
  pdu.writeUInt32LE(value, 15);
  return pdu;
}
