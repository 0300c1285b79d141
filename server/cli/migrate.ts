import { parseArgs } from 'node:util';
import { loadConfig } from '../config.ts';
import { openDatabase } from '../store/database.ts';

/**
 * `rowbridge migrate`: applies pending database migrations and exits. The companion also migrates at
 * start; this is for deployments that migrate in a release step before starting new instances.
 */
export async function migrateCommand(args: string[]): Promise<number> {
  parseArgs({ args, options: {}, strict: true, allowPositionals: false });
  const config = loadConfig(process.env);
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    const where =
      database.kind === 'postgres'
        ? 'PostgreSQL (DATABASE_URL)'
        : `the embedded database in ${config.dataDir}`;
    const applied = database.migrationsApplied;
    console.log(
      applied === 0
        ? `Database is up to date: ${where}.`
        : `Applied ${applied} migration${applied === 1 ? '' : 's'} to ${where}.`,
    );
    return 0;
  } finally {
    await database.close();
  }
}
