import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';

/** Requests a sandbox answered, counted where the vendor would count them: at the server. */
export interface RequestCounter {
  /** Requests since the last `reset`, by `METHOD /path` with ids replaced by `{id}`. */
  byEndpoint(): Record<string, number>;
  /** All requests since the last `reset` that the vendor bills (`billable` decides). */
  total(): number;
  /** Of `total`, the requests answered 429 (or Salesforce's 403 limit answer): refused, yet counted. */
  refused(): number;
  reset(): void;
}

/** A sandbox app served on 127.0.0.1 behind a counting layer, so every client (ours, an SDK) is counted. */
export interface CountedServer {
  readonly url: string;
  readonly counter: RequestCounter;
  close(): Promise<void>;
}

// Record ids in paths (HubSpot numbers, Salesforce 15/18-character ids, Bulk job ids) would make every
// request its own endpoint.
const ID_SEGMENT = /^(?:\d+|(?=[a-zA-Z]*\d)(?:[a-zA-Z0-9]{15}|[a-zA-Z0-9]{18}))$/;

function endpointOf(method: string, path: string): string {
  const segments = path.split('/').map((segment) => (ID_SEGMENT.test(segment) ? '{id}' : segment));
  return `${method} ${segments.join('/')}`;
}

/**
 * Serves `fetch` on a free loopback port and counts each request it answers whose path `billable`
 * accepts (OAuth token endpoints are not API calls at either vendor).
 */
export async function serveCounted(
  fetch: (request: Request) => Response | Promise<Response>,
  billable: (path: string) => boolean,
): Promise<CountedServer> {
  let counts = new Map<string, number>();
  let refused = 0;
  const counted = async (request: Request) => {
    const response = await fetch(request);
    const { pathname } = new URL(request.url);
    if (billable(pathname)) {
      const key = endpointOf(request.method, pathname);
      counts.set(key, (counts.get(key) ?? 0) + 1);
      if (response.status === 429) refused += 1;
    }
    return response;
  };
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const created = serve({ fetch: counted, port: 0, hostname: '127.0.0.1' }, () => resolve(created));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    counter: {
      byEndpoint: () => Object.fromEntries(counts),
      total: () => [...counts.values()].reduce((sum, n) => sum + n, 0),
      refused: () => refused,
      reset: () => {
        counts = new Map();
        refused = 0;
      },
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ('closeAllConnections' in server) server.closeAllConnections();
      }),
  };
}

/** Runs `work` over `items` with at most `concurrency` in flight (the naive exporters' worker pool). */
export async function pool<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        await work(items[index] as T, index);
      }
    }),
  );
}
