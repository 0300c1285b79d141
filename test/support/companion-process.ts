import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A companion running as its own process, as `npm start` runs it. */
export interface CompanionProcess {
  readonly url: string;
  readonly dataDir: string;
  /** Everything the process printed on stderr so far (for failure messages). */
  stderr(): string;
  /** SIGTERM, wait for the graceful exit, delete the data folder (unless it was passed in). */
  stop(): Promise<void>;
  /** SIGKILL, as a crash or an OOM kill ends it: no drain, nothing flushed. The data folder stays. */
  kill(): Promise<void>;
}

export interface CompanionProcessOptions {
  /** Start on this data folder (a restart after `kill()`); the caller deletes it. Default: a fresh one. */
  readonly dataDir?: string;
  /** More environment variables (e.g. DATABASE_URL). */
  readonly env?: Readonly<Record<string, string>>;
}

/**
 * Starts `rowbridge serve` in sandbox mode on a free loopback port with a fresh data folder. The add-on's
 * UrlFetchApp fake blocks its thread while a request is in flight, so the companion cannot share that
 * thread the way `sandboxCompanion()` does; a separate process is also exactly how it runs for real.
 */
export async function startCompanionProcess(
  options: CompanionProcessOptions = {},
): Promise<CompanionProcess> {
  const ownsDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'rowbridge-addon-')));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TMPDIR: process.env.TMPDIR,
    PORT: '0',
    HOST: '127.0.0.1',
    ROWBRIDGE_DATA_DIR: dataDir,
    ROWBRIDGE_SAMPLE_DATA: '0',
    ROWBRIDGE_MODE: 'sandbox',
    LOG_LEVEL: 'error',
    ...options.env,
  };
  const child: ChildProcess = spawn(process.execPath, ['bin/rowbridge.js', 'serve'], { cwd: ROOT, env });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the companion did not start within 60 s: ${stderr}`)),
      60_000,
    );
    const check = () => {
      const match = /listening on (http:\/\/\S+)/.exec(stdout);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', check);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`the companion exited before listening: ${stderr}`));
    });
  });
  return {
    url,
    dataDir,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(killer);
      }
      if (ownsDataDir) await rm(dataDir, { recursive: true, force: true });
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
