import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

// Runs the real npm `bin` entry as a subprocess: what `npm start` and an installed `rowbridge` do.
const root = fileURLToPath(new URL('..', import.meta.url));
const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill();
});

function start(args: string[], env: Record<string, string> = {}) {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  if (!('HOST' in env)) delete childEnv.HOST;
  const child = spawn(process.execPath, ['bin/rowbridge.js', ...args], { cwd: root, env: childEnv });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
  return {
    child,
    exited,
    output: () => ({ stdout, stderr }),
    /** Resolves with the first stdout line matching `pattern`, or rejects if the process exits first. */
    waitForLine: (pattern: RegExp) =>
      new Promise<RegExpMatchArray>((resolve, reject) => {
        const check = () => {
          const match = stdout.match(pattern);
          if (match) resolve(match);
        };
        child.stdout.on('data', check);
        void exited.then(() => reject(new Error(`exited before printing ${pattern}: ${stderr}`)));
        check();
      }),
  };
}

async function run(args: string[], env: Record<string, string> = {}) {
  const process = start(args, env);
  const { code } = await process.exited;
  return { code, ...process.output() };
}

// A whole process starting an embedded database: seconds when idle, near 30 s on a loaded 2-core machine.
describe('rowbridge serve', { timeout: 90_000 }, () => {
  it('listens on the printed URL, serves /healthz, and exits 0 on SIGTERM', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'rowbridge-serve-'));
    const server = start(['serve'], { PORT: '0', ROWBRIDGE_DATA_DIR: dataDir });
    const [line, port] = await server.waitForLine(
      /^Rowbridge is listening on http:\/\/localhost:(\d+) \(sandbox mode, pglite\): open http:\/\/localhost:\1\/preview\/$/m,
    );
    expect(line).toBeDefined();
    expect(Number(port)).toBeGreaterThan(0);

    const response = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: 'ok',
      mode: 'sandbox',
      db: 'pglite',
      storage: 'ok',
      version,
    });

    const stopping = Date.now();
    server.child.kill('SIGTERM');
    expect(await server.exited).toEqual({ code: 0, signal: null });
    expect(Date.now() - stopping).toBeLessThan(5000);
    // One line for people; everything else on stdout is a structured JSON log line.
    const lines = server.output().stdout.trim().split('\n');
    expect(lines.filter((text) => !text.startsWith('{'))).toEqual([line]);
    for (const text of lines.filter((entry) => entry.startsWith('{')))
      expect(JSON.parse(text)).toHaveProperty('msg');
    expect(server.output().stderr).toBe('');
  });

  it('exits non-zero with one readable line naming PORT when PORT is invalid', async () => {
    const { code, stdout, stderr } = await run(['serve'], { PORT: 'abc' });
    expect(code).not.toBe(0);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/^rowbridge: .*PORT/);
    expect(stderr).not.toMatch(/\bat .*\.ts:\d+/);
  });
});

describe('rowbridge CLI', () => {
  it('exits 2 for an unknown command', async () => {
    const { code, stderr } = await run(['nope']);
    expect(code).toBe(2);
    expect(stderr.trim()).toBe('rowbridge: unknown command "nope". Run "rowbridge --help".');
  });

  it('prints the package.json version with --version', async () => {
    const { code, stdout } = await run(['--version']);
    expect(code).toBe(0);
    expect(stdout.trim()).toBe(version);
  });

  it('prints usage listing the commands with --help and with no arguments', async () => {
    for (const args of [['--help'], []]) {
      const { code, stdout } = await run(args);
      expect(code).toBe(0);
      expect(stdout).toMatch(/^Usage: rowbridge <command>/);
      expect(stdout).toMatch(/^ {2}serve {2}/m);
    }
  });

  it('exits 2 for an unknown option, pointing to the command help', async () => {
    const { code, stderr } = await run(['serve', '--bogus']);
    expect(code).toBe(2);
    expect(stderr).toContain('Run "rowbridge serve --help".');
  });
});
