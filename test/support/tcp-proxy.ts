import { connect, createServer, type Server, type Socket } from 'node:net';

/** A loopback TCP proxy in front of a server (PostgreSQL in tests), which a test can cut and restore. */
export interface TcpProxy {
  /** The proxy's port on 127.0.0.1. */
  readonly port: number;
  /**
   * Drops every open connection and refuses new ones (each is closed as soon as it arrives), as a
   * database restart or a network partition looks to a client.
   */
  cut(): void;
  /** Lets new connections through again. */
  restore(): void;
  close(): Promise<void>;
}

/**
 * Starts a proxy on a free port forwarding to `target`. The port stays the same across `cut()` and
 * `restore()`, so the client's connection string does not change, as with a restarted database.
 */
export async function startTcpProxy(target: {
  readonly host: string;
  readonly port: number;
}): Promise<TcpProxy> {
  const open = new Set<Socket>();
  let up = true;
  const drop = () => {
    for (const socket of open) socket.destroy();
    open.clear();
  };
  const server: Server = createServer((client) => {
    if (!up) {
      client.destroy();
      return;
    }
    const upstream = connect(target.port, target.host);
    for (const socket of [client, upstream]) {
      open.add(socket);
      socket.on('close', () => open.delete(socket));
    }
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the proxy has no port');
  return {
    port: address.port,
    cut() {
      up = false;
      drop();
    },
    restore() {
      up = true;
    },
    async close() {
      up = false;
      drop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
