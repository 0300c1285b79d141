import { mkdtemp, readdir, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSandboxSalesforce } from './index.ts';
import { type ServedSandbox, serveSandbox, TEST_CLIENT } from './test-harness.ts';

const opened: ServedSandbox[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((served) => served.close()));
});

async function stateFile(): Promise<string> {
  return join(await mkdtemp(join(tmpdir(), 'rowbridge-salesforce-')), 'sandbox', 'salesforce.json');
}

describe('state persistence', () => {
  it('shares one state file between instances, written atomically and privately', async () => {
    const file = await stateFile();
    const server = await serveSandbox({ stateFile: file });
    opened.push(server);
    const cli = createSandboxSalesforce({ ...TEST_CLIENT, stateFile: file });

    // A token issued by one instance works in the other; records and custom fields travel both ways.
    const conn = server.connection(cli.state.createAccessToken());
    const created = await conn.sobject('Lead').create({ LastName: 'Shared', Company: 'Acme' });
    expect(cli.state.get('Lead', created.id ?? '')?.LastName).toBe('Shared');
    cli.state.editAsUser('Lead', created.id ?? '', { Title: 'From the CLI' });
    expect((await conn.sobject('Lead').retrieve(created.id ?? '')).Title).toBe('From the CLI');

    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readdir(join(file, '..'))).toEqual(['salesforce.json']);
    const restarted = createSandboxSalesforce({ ...TEST_CLIENT, stateFile: file });
    expect(restarted.state.list('Lead').map((l) => l.Title)).toEqual(['From the CLI']);
    expect(restarted.state.apiUsage().used).toBe(2);
    await Promise.all([cli.close(), restarted.close()]);
  });

  it('refuses a state file it cannot read instead of starting afresh over it', async () => {
    const file = await stateFile();
    createSandboxSalesforce({ ...TEST_CLIENT, stateFile: file });
    await writeFile(file, '{"version":1,');
    expect(() => createSandboxSalesforce({ ...TEST_CLIENT, stateFile: file })).toThrow(
      /sandbox Salesforce state file .* not valid JSON/,
    );
    await writeFile(file, '{"version":2}');
    expect(() => createSandboxSalesforce({ ...TEST_CLIENT, stateFile: file })).toThrow(/unknown layout/);
  });
});
