import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DeployError, planDeploy } from './deploy.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const home = mkdtempSync(join(tmpdir(), 'rowbridge-clasp-'));
const project = join(home, '.clasp.json');
writeFileSync(
  project,
  JSON.stringify({ scriptId: '1AbCdEfGhIjKlMnOpQrStUvWxYz', rootDir: join(ROOT, 'appsscript/dist') }),
);
const env = { HOME: home, ROWBRIDGE_COMPANION_URL: 'https://rowbridge.example.com' };

describe('npm run deploy:addon', () => {
  it('stops at once, saying to run clasp login, when there is no clasp login', () => {
    const started = Date.now();
    const result = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'appsscript/tools/deploy.ts', '--project', project],
      {
        cwd: ROOT,
        env: { PATH: process.env.PATH, ...env },
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: 30_000,
      },
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/deploy:addon: clasp is not logged in .* Run `npx clasp login` once/);
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it('refuses the committed placeholder script ids, a non-https companion, and a missing URL', () => {
    const login = join(home, '.clasprc.json');
    writeFileSync(login, JSON.stringify({ tokens: { default: { type: 'authorized_user' } } }));
    expect(planDeploy(['--project', project], env)).toMatchObject({
      companionUrl: 'https://rowbridge.example.com',
      authFile: login,
    });
    expect(() => planDeploy([], env)).toThrow(/has no script id yet.*clasp create/);
    expect(() => planDeploy(['--prod'], env)).toThrow(/\.clasp\.prod\.json has no script id yet/);
    expect(() => planDeploy(['--project', project], { HOME: home })).toThrow(/Set ROWBRIDGE_COMPANION_URL/);
    expect(() =>
      planDeploy(['--project', project], { ...env, ROWBRIDGE_COMPANION_URL: 'http://localhost:8787' }),
    ).toThrow(DeployError);
  });
});
