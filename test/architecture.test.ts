import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..');
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

/**
 * Type-checks a copy of the `shared` project with one extra file, the way `npm test` checks the real one.
 * The copy keeps the real tsconfig files, so this proves the configuration itself enforces the rule.
 */
async function checkSharedWith(source: string): Promise<{ ok: boolean; output: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'rowbridge-arch-'));
  await cp(join(ROOT, 'shared'), join(dir, 'shared'), { recursive: true });
  await cp(join(ROOT, 'server'), join(dir, 'server'), { recursive: true });
  await writeFile(join(dir, 'tsconfig.json'), await readFile(join(ROOT, 'tsconfig.json')));
  await symlink(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  await writeFile(join(dir, 'shared', 'violation.ts'), source);
  try {
    await run('node', [TSC, '-b', join(dir, 'shared')], { cwd: dir });
    return { ok: true, output: '' };
  } catch (error) {
    return { ok: false, output: (error as { stdout: string }).stdout };
  }
}

describe('shared/ stays platform-neutral (enforced by tsconfig project references)', () => {
  it('accepts plain platform-neutral code', async () => {
    const result = await checkSharedWith(
      "import { cleanText } from './normalize/index.ts';\nexport const x = cleanText(' a ');\n",
    );
    expect(result.output).toBe('');
    expect(result.ok).toBe(true);
  });

  it.each([
    [
      'importing from server/',
      "import { createApp } from '../server/app.ts';\nexport const app = createApp;\n",
      'TS6059',
    ],
    ['Node globals', 'export const env = process.env;\n', "Cannot find name 'process'"],
    ['Node modules', "import { readFile } from 'node:fs';\nexport const read = readFile;\n", 'node:fs'],
    ['DOM globals', 'export const title = document.title;\n', "Cannot find name 'document'"],
    [
      'Apps Script globals',
      'export const ui = SpreadsheetApp.getUi();\n',
      "Cannot find name 'SpreadsheetApp'",
    ],
  ])('rejects %s', async (_what, source, expected) => {
    const result = await checkSharedWith(source);
    expect(result.ok).toBe(false);
    expect(result.output).toContain(expected);
  });
});
