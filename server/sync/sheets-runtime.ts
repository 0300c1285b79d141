import { join } from 'node:path';
import type { ServerConfig } from '../config.ts';
import { createSandboxSheets, type SandboxSheets } from '../sandbox/sheets/index.ts';
import { createSheetsApi } from '../sheets/client.ts';
import { createSheetsWriter, type SheetsWriter } from '../sheets/writer.ts';
import type { SheetPort } from './sheet-port.ts';
import { sheetsPort } from './sheets-port.ts';

/** The companion's way to Google Sheets, and the sandbox Sheets it serves in sandbox mode. */
export interface SheetsRuntime {
  readonly port?: SheetPort;
  /** Served at the companion's root in sandbox mode: googleapis drops any path prefix of `rootUrl`. */
  readonly sandbox?: SandboxSheets;
  /** Writes what is still collected (at shutdown). */
  flush(): Promise<void>;
}

/**
 * In sandbox mode: the sandbox Sheets (state in the data folder) reached over HTTP through the real
 * googleapis client, like production. In production: the service account of GOOGLE_SERVICE_ACCOUNT_KEY,
 * or no sheet access at all (the add-on then writes CRM changes into the sheet itself). The writer is
 * made on first use, because the companion's own URL is known only once it listens.
 */
export function sheetsFor(config: ServerConfig, publicUrl: () => string): SheetsRuntime {
  const sandbox =
    config.mode === 'sandbox'
      ? createSandboxSheets({ stateFile: join(config.dataDir, 'sandbox', 'sheets.json') })
      : undefined;
  const credentials = sandbox ? ({ kind: 'access-token', accessToken: 'sandbox' } as const) : config.sheets;
  if (!credentials) return { flush: async () => {} };
  let writer: SheetsWriter | undefined;
  const writerOf = () => {
    writer ??= createSheetsWriter({
      sheets: createSheetsApi({ credentials, ...(sandbox ? { rootUrl: `${publicUrl()}/` } : {}) }),
    });
    return writer;
  };
  const port: SheetPort = {
    readRows: (ref, rowIds) => sheetsPort(writerOf()).readRows(ref, rowIds),
    writeRows: (ref, changes) => sheetsPort(writerOf()).writeRows(ref, changes),
    appendRows: (ref, rows) => sheetsPort(writerOf()).appendRows(ref, rows),
  };
  return { port, ...(sandbox ? { sandbox } : {}), flush: async () => writer?.flush() };
}
