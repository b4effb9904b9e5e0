import { createServer, type Server, type Socket } from 'node:net';

/** A running stalled endpoint: its URL, what became of the connections it accepted, and how to stop it. */
export interface StalledServer {
  url: string;
  /** Connections the client has closed (a client that gives up closes its socket). */
  closedSockets(): number;
  openSockets(): number;
  close(): Promise<void>;
}

/**
 * A fault double for a stalled OSS endpoint (no real part can stall on purpose), on a free port: a TCP server
 * that accepts connections and then never answers (`silent`), or answers headers and drips the body a byte
 * every 50 ms (`drip`), so only a deadline, not an idle timeout, ends the request.
 */
export async function startStalledServer(behaviour: 'silent' | 'drip'): Promise<StalledServer> {
  const sockets = new Set<Socket>();
  let closed = 0;
  const timers: NodeJS.Timeout[] = [];
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.resume(); // reads what the client sends, so its closing reaches us
    socket.on('close', () => {
      sockets.delete(socket);
      closed += 1;
    });
    if (behaviour === 'drip') {
      socket.once('data', () => {
        socket.write(
          'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\nETag: "AB"\r\n\r\n',
        );
        const timer = setInterval(() => socket.writable && socket.write(' '), 50);
        timers.push(timer);
        socket.on('close', () => clearInterval(timer));
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    closedSockets: () => closed,
    openSockets: () => sockets.size,
    close: async () => {
      for (const timer of timers) clearInterval(timer);
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
