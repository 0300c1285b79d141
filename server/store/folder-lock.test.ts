import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { RowbridgeError } from '../../shared/errors.ts';
import { lockFolder } from './folder-lock.ts';

const dir = await mkdtemp(join(tmpdir(), 'rowbridge-lock-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

it('lets one owner hold the lock at a time', async () => {
  const path = join(dir, 'held.lock');
  const release = await lockFolder(path);
  expect(await readFile(path, 'utf8')).toBe(String(process.pid));
  await expect(lockFolder(path)).rejects.toThrow(RowbridgeError);
  await release();
  const again = await lockFolder(path);
  await again();
});

it('takes over a lock left by a process that no longer runs', async () => {
  const path = join(dir, 'stale.lock');
  // Above the default pid_max on Linux (4,194,304): no process can have this pid.
  await writeFile(path, '4194400');
  const release = await lockFolder(path);
  expect(await readFile(path, 'utf8')).toBe(String(process.pid));
  await release();
});
