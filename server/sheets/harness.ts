import type { SandboxSheets, SandboxSheetsOptions } from '../sandbox/sheets/index.ts';
import { type ServedSheets, serveSheets } from '../sandbox/sheets/test-harness.ts';
import { createSheetsApi } from './client.ts';
import type { WriterClock } from './retry.ts';
import { createSheetsWriter, type SheetsWriter, type SheetsWriterOptions } from './writer.ts';

/**
 * The sandbox Sheets served on 127.0.0.1:0 and a writer wired to it the way production wires one (the
 * googleapis client from `createSheetsApi`, here with a fixed access token), for the writer's tests.
 */
export interface WriterHarness {
  readonly sandbox: SandboxSheets;
  readonly served: ServedSheets;
  readonly writer: SheetsWriter;
  readonly token: string;
  close(): Promise<void>;
}

export const HARNESS_TOKEN = 'ya29.harness-secret-token-0123456789';

export async function writerHarness(input: {
  readonly clock: WriterClock;
  readonly sandbox?: SandboxSheetsOptions;
  readonly writer?: Partial<Omit<SheetsWriterOptions, 'sheets' | 'clock'>>;
}): Promise<WriterHarness> {
  const served = await serveSheets({ clock: input.clock.now, quota: false, ...input.sandbox });
  const sheets = createSheetsApi({
    credentials: { kind: 'access-token', accessToken: HARNESS_TOKEN },
    rootUrl: served.rootUrl,
  });
  const writer = createSheetsWriter({ sheets, clock: input.clock, limiter: false, ...input.writer });
  return { sandbox: served.sandbox, served, writer, token: HARNESS_TOKEN, close: () => served.close() };
}
