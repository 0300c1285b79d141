import { open, readFile, unlink } from 'node:fs/promises';
import { RowbridgeError } from '../../shared/errors.ts';

/**
 * Claims the embedded database folder for this process. PGlite takes no lock of its own: a second
 * process (or a second open in this one) on the same files succeeds and then corrupts them. The lock file
 * holds the owner's pid; one left by a process that died is taken over. Resolves to a release function.
 */
export async function lockFolder(lockPath: string): Promise<() => Promise<void>> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(lockPath, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => unlink(lockPath).catch(() => {});
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = Number.parseInt(await readFile(lockPath, 'utf8').catch(() => ''), 10);
    if (Number.isInteger(owner) && owner > 0 && isAlive(owner)) {
      throw new RowbridgeError(
        'storage_unavailable',
        `The embedded database is in use by another Rowbridge process (pid ${owner}). Stop that process, ` +
          `or give this one its own data folder. If no such process runs, delete ${lockPath}.`,
      );
    }
    await unlink(lockPath).catch(() => {});
  }
  throw new RowbridgeError(
    'storage_unavailable',
    `Could not lock the embedded database (${lockPath}): another process keeps taking it. Try again.`,
  );
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
