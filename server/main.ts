import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';
import { RowbridgeError } from '../shared/errors.ts';
import { createApp } from './app.ts';
import { loadConfig, type ServerConfig } from './config.ts';

/** How long in-flight requests get to finish after SIGTERM/SIGINT before the process exits anyway. */
export const SHUTDOWN_GRACE_MS = 10_000;

/** A listening companion: its base URL (with the real port, also when started on port 0) and a stopper. */
export interface RunningServer {
  readonly url: string;
  /** Stops accepting connections, lets in-flight requests finish, then resolves. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * Starts the companion: config → app → listen. Resolves once the port is bound; a busy or forbidden port
 * rejects with a `RowbridgeError` instead of crashing the process from an 'error' event.
 */
export async function startServer(
  config: ServerConfig,
  app: Hono = createApp(config),
): Promise<RunningServer> {
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

/**
 * `rowbridge serve`: starts the companion from environment variables, prints one line, and runs until
 * SIGTERM/SIGINT. Resolves with the exit code once in-flight requests are done.
 */
export async function runServer(
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<number> {
  const config = loadConfig(env);
  const server = await startServer(config);
  console.log(`Rowbridge companion listening on ${server.url} (${config.mode} mode)`);
  await shutdownSignal();
  // unref: a clean close must not wait for this timer.
  const force = setTimeout(() => {
    console.error(
      `Rowbridge companion: requests still running after ${SHUTDOWN_GRACE_MS / 1000} s; exiting.`,
    );
    process.exit(1);
  }, SHUTDOWN_GRACE_MS).unref();
  await server.close();
  clearTimeout(force);
  return 0;
}

/** Resolves on the first SIGTERM (orchestrators) or SIGINT (Ctrl+C); a second one gets Node's default. */
function shutdownSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      resolve(signal);
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}

/** The URL to print: a wildcard bind address is not something a browser can open, localhost is. */
function displayUrl(host: string, port: number): string {
  if (host === '0.0.0.0' || host === '::') return `http://localhost:${port}`;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

function listenError(error: NodeJS.ErrnoException, config: ServerConfig): Error {
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
