import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Connection } from 'jsforce';
import { createSandboxSalesforce, type SandboxSalesforce, type SandboxSalesforceOptions } from './index.ts';

/** A sandbox served on a loopback port, as tests drive it with jsforce or `fetch`. */
export interface ServedSandbox {
  readonly sandbox: SandboxSalesforce;
  readonly url: string;
  /** jsforce pointed at the sandbox with `version: '62.0'` and the given access token. */
  connection(accessToken: string): Connection;
  close(): Promise<void>;
}

export const TEST_CLIENT = {
  clientId: 'sandbox-consumer-key',
  clientSecret: 'sandbox-consumer-secret',
} as const;

/** Starts a sandbox (in memory unless `stateFile` is given) on 127.0.0.1 and a free port. */
export async function serveSandbox(options: Partial<SandboxSalesforceOptions> = {}): Promise<ServedSandbox> {
  const sandbox = createSandboxSalesforce({ ...TEST_CLIENT, ...options });
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const created = serve({ fetch: sandbox.app.fetch, port: 0, hostname: '127.0.0.1' }, () =>
      resolve(created),
    );
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    sandbox,
    url,
    connection: (accessToken) =>
      new Connection({ loginUrl: url, instanceUrl: url, accessToken, version: '62.0' }),
    async close() {
      await sandbox.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ('closeAllConnections' in server) server.closeAllConnections();
      });
    },
  };
}
