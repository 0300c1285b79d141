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
 * Type-checks a copy of a project (`shared`, or the add-on's `appsscript`) with one extra file, the way
 * `npm test` checks the real one. The copy keeps the real tsconfig files, so this proves the
 * configuration itself enforces the rule.
 */
async function checkProjectWith(
  project: 'shared' | 'appsscript',
  file: string,
  source: string,
): Promise<{ ok: boolean; output: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'rowbridge-arch-'));
  for (const folder of ['shared', 'server', 'appsscript/src']) {
    await cp(join(ROOT, folder), join(dir, folder), { recursive: true });
  }
  await writeFile(
    join(dir, 'appsscript', 'tsconfig.json'),
    await readFile(join(ROOT, 'appsscript', 'tsconfig.json')),
  );
  await writeFile(join(dir, 'tsconfig.json'), await readFile(join(ROOT, 'tsconfig.json')));
  await symlink(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  await writeFile(join(dir, project, file), source);
  try {
    await run('node', [TSC, '-b', join(dir, project)], { cwd: dir });
    return { ok: true, output: '' };
  } catch (error) {
    return { ok: false, output: (error as { stdout: string }).stdout };
  }
}

const checkSharedWith = (source: string) => checkProjectWith('shared', 'violation.ts', source);
const checkAddonWith = (source: string) => checkProjectWith('appsscript', 'src/violation.ts', source);

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

describe('the add-on imports only shared/ and sees only Apps Script globals (tsconfig project references)', () => {
  it('accepts shared code and Apps Script services', async () => {
    const result = await checkAddonWith(
      "import { isRowIdHeader } from '../../shared/mapping/index.ts';\n" +
        'export const id = isRowIdHeader(String(SpreadsheetApp.getActive().getName()));\n',
    );
    expect(result.output).toBe('');
    expect(result.ok).toBe(true);
  });

  it.each([
    [
      'importing from server/',
      "import { createApp } from '../../server/app.ts';\nexport const app = createApp;\n",
      'TS6059',
    ],
    ['Node modules', "import { readFile } from 'node:fs';\nexport const read = readFile;\n", 'node:fs'],
    ['DOM globals', 'export const title = document.title;\n', "Cannot find name 'document'"],
  ])('rejects %s', async (_what, source, expected) => {
    const result = await checkAddonWith(source);
    expect(result.ok).toBe(false);
    expect(result.output).toContain(expected);
  });
});
