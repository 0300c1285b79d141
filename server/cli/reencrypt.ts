import { parseArgs } from 'node:util';
import { loadConfig } from '../config.ts';
import { reencryptAllCredentials } from '../connections/credentials.ts';
import { loadKeyring } from '../security/keyring.ts';
import { openDatabase } from '../store/database.ts';

/**
 * `rowbridge reencrypt`: step 2 of an encryption-key rotation (server/security/README.md). Re-seals all
 * stored CRM credentials with the current (first) key of ROWBRIDGE_ENCRYPTION_KEY. Exit code 1 when
 * some could not be opened, listing them, so a script does not drop the old key too early.
 */
export async function reencryptCommand(args: string[]): Promise<number> {
  parseArgs({ args, options: {}, strict: true, allowPositionals: false });
  const config = loadConfig(process.env);
  const { keyring } = loadKeyring({
    env: { ROWBRIDGE_ENCRYPTION_KEY: config.encryptionKey },
    dataDir: config.dataDir,
    mode: config.mode,
  });
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    const report = await reencryptAllCredentials(database, keyring);
    console.log(
      `Re-encrypted ${report.moved} connection${report.moved === 1 ? '' : 's'} with key "${keyring.currentId}"; ` +
        `${report.current} already used it.`,
    );
    if (report.unreadable.length === 0) return 0;
    console.error(
      `rowbridge: ${report.unreadable.length} connection(s) could not be opened with any configured key: ` +
        `${report.unreadable.join(', ')}. Keep the old key in ROWBRIDGE_ENCRYPTION_KEY, or reconnect those CRM accounts.`,
    );
    return 1;
  } finally {
    await database.close();
  }
}
