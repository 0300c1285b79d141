import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Client } from '@hubspot/api-client';
import { createSandboxHubSpot, type SandboxHubSpot, type SandboxHubSpotOptions } from './index.ts';

/** A sandbox served on a loopback port, as tests drive it with the official SDK or `fetch`. */
export interface ServedSandbox {
  readonly sandbox: SandboxHubSpot;
  readonly url: string;
  /** The official SDK pointed at the sandbox. */
  client(accessToken: string): Client;
  close(): Promise<void>;
}

export const TEST_CLIENT = { clientId: 'sandbox-client', clientSecret: 'sandbox-secret' } as const;

/** Starts a sandbox (in memory unless `stateFile` is given) on 127.0.0.1 and a free port. */
export async function serveSandbox(options: Partial<SandboxHubSpotOptions> = {}): Promise<ServedSandbox> {
  const sandbox = createSandboxHubSpot({ ...TEST_CLIENT, ...options });
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const created = serve({ fetch: sandbox.app.fetch, port: 0, hostname: '127.0.0.1' }, () =>
      resolve(created),
    );
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    sandbox,
    url,
    client: (accessToken) => new Client({ accessToken, basePath: url }),
    async close() {
      await sandbox.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ('closeAllConnections' in server) server.closeAllConnections();
      });
    },
  };
}
