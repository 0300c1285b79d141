import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { OAuth2Client } from 'google-auth-library';
import { sheets, type sheets_v4 } from 'googleapis/build/src/apis/sheets/index.js';
import { createSandboxSheets, type SandboxSheets, type SandboxSheetsOptions } from './index.ts';

/** A sandbox served on a loopback port, as tests drive it with the official googleapis client. */
export interface ServedSheets {
  readonly sandbox: SandboxSheets;
  /** Where it listens, with a trailing slash: googleapis' `rootUrl`. */
  readonly rootUrl: string;
  /** The official client pointed at the sandbox, authenticated with a fixed access token, retries off. */
  client(accessToken?: string): sheets_v4.Sheets;
  close(): Promise<void>;
}

export const TEST_TOKEN = 'ya29.sandbox-test-token';

/** An OAuth2 client with a fixed access token: offline auth for the sandbox. */
export function fixedTokenAuth(accessToken: string): OAuth2Client {
  const auth = new OAuth2Client();
  auth.setCredentials({ access_token: accessToken });
  return auth;
}

/** Starts a sandbox (in memory unless `stateFile` is given) on 127.0.0.1 and a free port. */
export async function serveSheets(options: SandboxSheetsOptions = {}): Promise<ServedSheets> {
  const sandbox = createSandboxSheets(options);
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const created = serve({ fetch: sandbox.app.fetch, port: 0, hostname: '127.0.0.1' }, () =>
      resolve(created),
    );
  });
  const rootUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return {
    sandbox,
    rootUrl,
    client: (accessToken = TEST_TOKEN) =>
      sheets({ version: 'v4', auth: fixedTokenAuth(accessToken), rootUrl, retry: false }),
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ('closeAllConnections' in server) server.closeAllConnections();
      });
    },
  };
}
