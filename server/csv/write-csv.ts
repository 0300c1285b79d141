import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { RowbridgeError } from '../../shared/errors.ts';

/**
 * Writes a CSV file atomically: to a temporary file beside it, then renamed over it, so an interrupted
 * write never leaves half a sheet behind. UTF-8 with a BOM (Excel then reads accents right; Google
 * Sheets ignores it), `\r\n` line ends as RFC 4180 says.
 */
export async function writeCsvFile(
  path: string,
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  delimiter = ',',
): Promise<void> {
  const text = stringify([headers, ...rows], { delimiter, record_delimiter: '\r\n' });
  const temporary = join(dirname(path), `.${randomBytes(6).toString('hex')}.rowbridge.tmp`);
  try {
    await writeFile(temporary, `\uFEFF${text}`, { mode: 0o644 });
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    const code = (error as NodeJS.ErrnoException | null)?.code;
    if (code === 'ENOENT' || code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
      throw new RowbridgeError(
        'file_not_found',
        `Could not write ${path} (${code}). Check that the folder exists and is writable.`,
      );
    }
    throw error;
  }
}
