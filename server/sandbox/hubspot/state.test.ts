import { execFile } from 'node:child_process';
import { mkdtemp, readdir, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { createSandboxHubSpot } from './index.ts';
import { type ServedSandbox, serveSandbox, TEST_CLIENT } from './test-harness.ts';

const run = promisify(execFile);
const opened: ServedSandbox[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((served) => served.close()));
});

async function stateFile(): Promise<string> {
  return join(await mkdtemp(join(tmpdir(), 'rowbridge-hubspot-')), 'sandbox', 'hubspot.json');
}

describe('state persistence', () => {
  it('shares one state file between instances: each sees the other’s writes on its next request', async () => {
    const file = await stateFile();
    const server = await serveSandbox({ stateFile: file });
    const cli = createSandboxHubSpot({ ...TEST_CLIENT, stateFile: file });
    opened.push(server);

    // A token issued by one instance works in the other.
    const token = cli.state.createPrivateAppToken();
    const hs = server.client(token);
    const created = await hs.crm.contacts.basicApi.create({ properties: { email: 'shared@acme.com' } });
    expect(cli.state.get('contacts', created.id)?.properties.email).toBe('shared@acme.com');

    cli.state.editAsUser('contacts', created.id, { firstname: 'From the CLI' });
    const seen = await hs.crm.contacts.basicApi.getById(created.id, ['firstname']);
    expect(seen.properties.firstname).toBe('From the CLI');

    const viaCliApp = await cli.app.request(`/crm/v3/objects/contacts/${created.id}?properties=firstname`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(((await viaCliApp.json()) as { properties: Record<string, string> }).properties.firstname).toBe(
      'From the CLI',
    );

    // Written atomically, private to the user, no temp files left behind.
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readdir(join(file, '..'))).toEqual(['hubspot.json']);

    // A restart loads everything back.
    const restarted = createSandboxHubSpot({ ...TEST_CLIENT, stateFile: file });
    expect(restarted.state.list('contacts').map((c) => c.properties.email)).toEqual(['shared@acme.com']);
    await cli.close();
    await restarted.close();
  });

  it('sees writes made by another process', async () => {
    const file = await stateFile();
    const server = await serveSandbox({ stateFile: file });
    opened.push(server);
    const hs = server.client(server.sandbox.state.createPrivateAppToken());
    await hs.crm.contacts.basicApi.create({ properties: { email: 'before@acme.com' } });

    const script = join(file, '..', 'other-process.ts');
    await writeFile(
      script,
      [
        `import { createSandboxHubSpot } from ${JSON.stringify(join(import.meta.dirname, 'index.ts'))};`,
        `const sandbox = createSandboxHubSpot({ clientId: 'c', clientSecret: 's', stateFile: process.argv[2] });`,
        `console.log(sandbox.state.seed('contacts', [{ email: 'from-cli@acme.com' }])[0]);`,
      ].join('\n'),
    );
    const { stdout } = await run(process.execPath, ['--import', 'tsx', script, file], {
      cwd: import.meta.dirname,
    });
    const id = stdout.trim();

    const found = await hs.crm.contacts.basicApi.getById(id, ['email']);
    expect(found.properties.email).toBe('from-cli@acme.com');
    // And the server's next write keeps the other process's record.
    await hs.crm.contacts.basicApi.create({ properties: { email: 'after@acme.com' } });
    const restarted = createSandboxHubSpot({ ...TEST_CLIENT, stateFile: file });
    expect(restarted.state.list('contacts').map((c) => c.properties.email)).toEqual([
      'before@acme.com',
      'from-cli@acme.com',
      'after@acme.com',
    ]);
  });

  it('refuses a state file it cannot read instead of starting afresh over it', async () => {
    const file = await stateFile();
    createSandboxHubSpot({ ...TEST_CLIENT, stateFile: file });
    await writeFile(file, '{"version":1,');
    expect(() => createSandboxHubSpot({ ...TEST_CLIENT, stateFile: file })).toThrow(
      /not valid JSON; delete it/,
    );
  });
});
