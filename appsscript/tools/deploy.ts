import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildAddon } from './build.ts';
import { allowlistEntry, companionUrlOf } from './manifest.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The add-on's tests: the bundle guard, the fake, the code against a real companion, the browser. */
const ADDON_TESTS = [
  'appsscript',
  'test/support/apps-script',
  'test/addon-companion.test.ts',
  'test/addon-browser',
];

/** How long `clasp push` may take before it is stopped (it should never wait for input). */
const PUSH_TIMEOUT_MS = 5 * 60_000;

export interface DeployPlan {
  readonly projectFile: string;
  readonly scriptId: string;
  readonly companionUrl: string;
  readonly authFile: string;
}

/** Why a deploy cannot start, as one message that says what to do. */
export class DeployError extends Error {}

function hasClaspLogin(authFile: string): boolean {
  if (!existsSync(authFile)) return false;
  try {
    const stored = JSON.parse(readFileSync(authFile, 'utf8')) as {
      tokens?: Record<string, unknown>;
      token?: unknown;
      access_token?: unknown;
    };
    // clasp 3 keeps `tokens.<user>`; older versions `token` (local) or `access_token` (global).
    return Boolean(stored.tokens?.default ?? stored.token ?? stored.access_token);
  } catch {
    return false;
  }
}

/**
 * Checks everything a push needs before building anything: a clasp project file with a real script id,
 * an https companion URL (Apps Script only fetches https, and the manifest's allowlist is built from it),
 * and a clasp login. Each failure names the command that fixes it, so a first deploy never hangs on a
 * login prompt or pushes a build pointed at localhost.
 */
export function planDeploy(args: readonly string[], env: NodeJS.ProcessEnv): DeployPlan {
  const at = args.findIndex((a) => a === '--project' || a === '-P');
  const projectFile = resolve(
    ROOT,
    at >= 0 ? (args[at + 1] ?? '') : args.includes('--prod') ? '.clasp.prod.json' : '.clasp.json',
  );
  if (!existsSync(projectFile)) throw new DeployError(`No clasp project file at ${projectFile}.`);
  const project = JSON.parse(readFileSync(projectFile, 'utf8')) as { scriptId?: string; rootDir?: string };
  const scriptId = project.scriptId ?? '';
  if (!/^[\w-]{10,}$/.test(scriptId) || scriptId.startsWith('REPLACE')) {
    throw new DeployError(
      `${projectFile} has no script id yet. Create the script once (see appsscript/README.md, "First-time setup"): ` +
        '`npx clasp create --type standalone --title Rowbridge` in an empty folder, or copy the id from the ' +
        'Apps Script editor (Project Settings → IDs) into "scriptId".',
    );
  }
  if (resolve(dirname(projectFile), project.rootDir ?? '') !== join(ROOT, 'appsscript/dist')) {
    throw new DeployError(`${projectFile} must have "rootDir": "appsscript/dist" (the built add-on).`);
  }
  const raw = env.ROWBRIDGE_COMPANION_URL;
  if (!raw) {
    throw new DeployError(
      'Set ROWBRIDGE_COMPANION_URL to the companion’s public https address, e.g. ' +
        'ROWBRIDGE_COMPANION_URL=https://rowbridge.example.com npm run deploy:addon',
    );
  }
  const companionUrl = companionUrlOf(raw);
  if (!companionUrl.startsWith('https://')) {
    throw new DeployError(
      `ROWBRIDGE_COMPANION_URL must be https for Apps Script to reach it, not ${companionUrl}.`,
    );
  }
  const authFile = resolve(env.clasp_config_auth ?? join(env.HOME ?? homedir(), '.clasprc.json'));
  if (!hasClaspLogin(authFile)) {
    throw new DeployError(
      `clasp is not logged in (no credentials in ${authFile}). Run \`npx clasp login\` once; it stores its ` +
        'tokens in your home folder, never in this repository.',
    );
  }
  return { projectFile, scriptId, companionUrl, authFile };
}

function run(command: string, args: readonly string[], timeout?: number): number {
  const result = spawnSync(command, args, {
    cwd: ROOT,
    // stdin is closed: a tool that would prompt gets end-of-input instead of waiting for a person.
    stdio: ['ignore', 'inherit', 'inherit'],
    ...(timeout ? { timeout } : {}),
  });
  if (result.error) throw new DeployError(`${command} ${args.join(' ')} failed: ${result.error.message}`);
  return result.status ?? 1;
}

/**
 * `npm run deploy:addon [-- --prod | --project <file>]`: checks, builds, runs the add-on's tests, checks
 * that the build in dist/ is for the right companion, and pushes it with `clasp push --force` (which
 * replaces the remote project with dist/, manifest included, without asking).
 */
export async function deploy(args: readonly string[], env: NodeJS.ProcessEnv): Promise<void> {
  const plan = planDeploy(args, env);
  console.log(`Deploying the add-on to script ${plan.scriptId} for ${plan.companionUrl}`);
  await buildAddon({ companionUrl: plan.companionUrl });
  if (run(process.execPath, [join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', ...ADDON_TESTS]) !== 0) {
    throw new DeployError('The add-on tests failed; nothing was pushed.');
  }
  // The tests build dist/ again from the same environment; make sure what is pushed is this companion's.
  const manifest = JSON.parse(readFileSync(join(ROOT, 'appsscript/dist/appsscript.json'), 'utf8')) as {
    urlFetchWhitelist?: string[];
  };
  if (manifest.urlFetchWhitelist?.[0] !== allowlistEntry(plan.companionUrl)) {
    throw new DeployError('appsscript/dist was built for another companion URL; nothing was pushed.');
  }
  const clasp = join(ROOT, 'node_modules/@google/clasp/build/src/index.js');
  const status = run(
    process.execPath,
    [clasp, 'push', '--force', '--project', plan.projectFile],
    PUSH_TIMEOUT_MS,
  );
  if (status !== 0) throw new DeployError(`clasp push failed (exit ${status}).`);
  console.log('Pushed. Test it from the Apps Script editor: Deploy → Test deployments → Editor add-on.');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    await deploy(process.argv.slice(2), process.env);
  } catch (error) {
    console.error(error instanceof DeployError ? `deploy:addon: ${error.message}` : error);
    process.exitCode = 1;
  }
}
