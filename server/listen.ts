import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';
import { RowbridgeError } from '../shared/errors.ts';

/** A listening companion: its base URL (with the real port, also when started on port 0) and a stopper. */
export interface RunningServer {
  readonly url: string;
  /** Stops accepting connections, lets in-flight requests finish, then resolves. Safe to call twice. */
  close(): Promise<void>;
}

/** Where to listen. */
export interface ListenOptions {
  readonly port: number;
  readonly host: string;
}

/**
 * Serves `app` over HTTP. Resolves once the port is bound; a busy or forbidden port rejects with a
 * `RowbridgeError` instead of crashing the process from an 'error' event.
 */
export async function listen(app: Hono, config: ListenOptions): Promise<RunningServer> {
  const server = await new Promise<Server>((resolve, reject) => {
    const created = serve({ fetch: app.fetch, port: config.port, hostname: config.host, createServer }, () =>
      resolve(created as Server),
    );
    created.once('error', (error) => reject(listenError(error, config)));
  });
  const inFlight = trackResponses(server);
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    url: displayUrl(config.host, port),
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive sockets would hold the server open for up to its keep-alive timeout: close the idle
        // ones now, and each busy one as soon as its response is done.
        server.closeIdleConnections();
        for (const response of inFlight) {
          if (!response.headersSent) response.setHeader('connection', 'close');
          response.once('close', () => setImmediate(() => server.closeIdleConnections()));
        }
      });
      return closing;
    },
  };
}

function trackResponses(server: Server): Set<ServerResponse> {
  const responses = new Set<ServerResponse>();
  server.on('request', (_request, response: ServerResponse) => {
    responses.add(response);
    response.once('close', () => responses.delete(response));
  });
  return responses;
}

/** The URL to print: a wildcard bind address is not something a browser can open, localhost is. */
function displayUrl(host: string, port: number): string {
  if (host === '0.0.0.0' || host === '::') return `http://localhost:${port}`;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

function listenError(error: NodeJS.ErrnoException, config: ListenOptions): Error {
  if (error.code === 'EADDRINUSE') {
    return new RowbridgeError(
      'port_in_use',
      `Port ${config.port} is already in use. Stop the other program or set PORT to a free port.`,
    );
  }
  if (error.code === 'EACCES') {
    return new RowbridgeError(
      'config_invalid',
      `Not allowed to listen on port ${config.port}. Ports below 1024 need admin rights; use a higher PORT.`,
    );
  }
  if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND') {
    return new RowbridgeError(
      'config_invalid',
      `Cannot listen on HOST ${config.host}: no such address here.`,
    );
  }
  return error;
}
