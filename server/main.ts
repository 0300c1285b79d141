import type { Hono } from 'hono';
import { createApp } from './app.ts';
import { createIdentityVerifier, type IdentityVerifier } from './auth/identity.ts';
import { loadConfig, type ServerConfig } from './config.ts';
import { type CrmApps, crmsFor } from './crm-apps.ts';
import { listen, type RunningServer } from './listen.ts';
import { HUBSPOT_API_BASE } from './oauth/hubspot.ts';
import type { OAuthDeps } from './oauth/routes.ts';
import { createLogger, type Logger } from './observability/logger.ts';
import { createMetrics } from './observability/metrics.ts';
import { createMetricsHistory } from './observability/metrics-history.ts';
import { mountPreview, type Preview } from './preview/index.ts';
import { createQueue, type JobQueue } from './queue/index.ts';
import { loadSandboxIdentity, SANDBOX_AUDIENCE, sandboxIdentityRoutes } from './sandbox/google/identity.ts';
import type { SandboxSheets } from './sandbox/sheets/index.ts';
import { loadKeyring } from './security/keyring.ts';
import { registerSecret } from './security/redact.ts';
import { type Database, openDatabase } from './store/database.ts';
import type { Connection } from './store/repos/index.ts';
import { crmEventWaker, defineSyncJobs } from './sync/jobs.ts';
import { armPolls } from './sync/poll.ts';
import type { SyncRuntime } from './sync/runtime.ts';
import { sheetsFor } from './sync/sheets-runtime.ts';
import { hubspotWebhookRoutes } from './webhooks/hubspot.ts';
import { salesforceWebhookRoutes } from './webhooks/salesforce.ts';
import { salesforceOutboundUrl } from './webhooks/salesforce-endpoint.ts';

/** How long in-flight requests get to finish after SIGTERM/SIGINT before the process exits anyway. */
export const SHUTDOWN_GRACE_MS = 10_000;
/** Jobs get less, so a job still running is failed (and retried later) before the process is killed. */
const JOB_DRAIN_MS = 8_000;

/** A running companion: its URL and the parts tests and the CLI reach into. */
export interface Companion {
  readonly url: string;
  readonly db: Database;
  readonly queue: JobQueue;
  /** The sandbox Sheets in sandbox mode: tests reach its fault switches, the preview page its grid. */
  readonly sandboxSheets?: SandboxSheets;
  /** The preview page in sandbox mode (`/preview/`). */
  readonly preview?: Preview;
  /** The sandbox CRMs in sandbox mode: tests reach their fault switches. */
  readonly sandboxCrms?: CrmApps['sandboxCrms'];
  /** Stops taking requests and jobs, lets in-flight ones finish, then closes the database. */
  close(): Promise<void>;
}

export interface CompanionOptions {
  /** Registers job kinds before the queue starts (the sync engine's jobs; tests' own). */
  readonly defineJobs?: (queue: JobQueue, db: Database) => void;
  /** The clock polls are scheduled by (tests pin it); the queue itself keeps the database's time. */
  readonly now?: () => number;
  /** How often the dashboard samples the metrics; 10 s unless a test wants points sooner. */
  readonly metricsIntervalMs?: number;
  /** How often connections with pending webhook events are woken; a minute unless a test wants it sooner. */
  readonly inboxSweepMs?: number;
}

/** Identity tokens: Google's in production; in sandbox, the companion's own local issuer. */
async function identityFor(config: ServerConfig): Promise<{ verify: IdentityVerifier; sandbox?: Hono }> {
  if (config.identity.audience) {
    return {
      verify: createIdentityVerifier({
        audience: config.identity.audience,
        ...(config.identity.jwksUrl ? { jwksUrl: config.identity.jwksUrl } : {}),
      }),
    };
  }
  const sandbox = await loadSandboxIdentity(config.dataDir);
  return {
    verify: createIdentityVerifier({ audience: SANDBOX_AUDIENCE, keys: sandbox.keys }),
    sandbox: sandboxIdentityRoutes(sandbox),
  };
}

/**
 * Starts the companion: config → store → queue → app → listen. Everything started is stopped again if
 * a later step fails, so a failed start leaves no open database or port behind.
 */
export async function startCompanion(
  config: ServerConfig,
  logger: Logger,
  options: CompanionOptions = {},
): Promise<Companion> {
  if (config.databaseUrl) {
    const password = new URL(config.databaseUrl).password;
    if (password) registerSecret(decodeURIComponent(password));
  }
  const keys = loadKeyring({
    env: { ROWBRIDGE_ENCRYPTION_KEY: config.encryptionKey },
    dataDir: config.dataDir,
    mode: config.mode,
  });
  if (keys.source === 'file' && keys.created) {
    logger.warn({ path: keys.path }, 'Generated a sandbox encryption key; keep it with the data folder');
  }

  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  logger.info({ db: db.kind, migrationsApplied: db.migrationsApplied }, 'Storage ready');
  let queue: JobQueue | undefined;
  let server: RunningServer | undefined;
  try {
    queue = await createQueue(db.client, {
      onError: (error) => logger.error({ err: error }, 'Job queue error'),
      onWarning: (warning) => logger.warn({ warning }, 'Job queue warning'),
    });
    const jobs = queue;
    const metrics = createMetrics({
      queueStats: async () =>
        Object.entries(await jobs.stats()).map(([name, stat]) => ({
          queue: name,
          depth: stat.queued + stat.active,
          oldestAgeSeconds: stat.oldestQueuedAgeSeconds,
        })),
      onQueueStatsError: (error) => logger.warn({ err: error }, 'Queue statistics unavailable'),
    });
    const history = createMetricsHistory(metrics, {
      ...(options.metricsIntervalMs ? { intervalMs: options.metricsIntervalMs } : {}),
      onError: (error) => logger.warn({ err: error }, 'Dashboard metrics sample failed'),
    });
    const identity = await identityFor(config);
    let publicUrl = config.publicUrl;
    const { crms, sandboxes, sandboxCrms, hubspotApp, salesforceApp, aimWebhooks } = crmsFor(
      config,
      () => publicUrl,
    );
    // Salesforce connections show the Outbound Message URL an administrator configures in the org.
    const webhookUrlOf = (connection: Connection) =>
      salesforceOutboundUrl(publicUrl, keys.keyring, connection);
    const sheets = sheetsFor(config, () => publicUrl);
    const runtime: SyncRuntime = {
      db,
      keyring: keys.keyring,
      logger,
      metrics,
      hubspotApiBase:
        config.mode === 'sandbox' ? () => `${publicUrl}/sandbox/hubspot` : () => HUBSPOT_API_BASE,
      ...(hubspotApp ? { hubspot: hubspotApp } : {}),
      ...(salesforceApp ? { salesforce: salesforceApp } : {}),
      ...(sheets.port ? { sheets: sheets.port } : {}),
    };
    const now = options.now ?? Date.now;
    const syncJobs = defineSyncJobs(jobs, runtime, { now });
    options.defineJobs?.(jobs, db);
    const oauth: OAuthDeps = {
      db,
      keyring: keys.keyring,
      crms,
      logger,
      get publicUrl() {
        return publicUrl;
      },
    };
    const app = createApp({
      ...config,
      logger,
      metrics,
      db,
      verify: identity.verify,
      oauth,
      sync: { runtime, jobs: syncJobs },
      webhookUrlOf,
      metricsHistory: history,
    });
    if (identity.sandbox) app.route('/sandbox/google', identity.sandbox);
    // The events are stored before the answer: if no worker is woken now, the next wake or sweep runs them
    // (see startInboxSweep).
    const wake = crmEventWaker(syncJobs, (error) =>
      logger.error({ err: error }, 'Could not wake the CRM event worker'),
    );
    app.route(
      '/',
      hubspotWebhookRoutes({
        db,
        logger,
        ...(hubspotApp
          ? {
              app: {
                clientSecret: hubspotApp.clientSecret,
                ...(hubspotApp.appId ? { appId: hubspotApp.appId } : {}),
              },
            }
          : {}),
        publicUrl: () => publicUrl,
        wake,
      }),
    );
    app.route('/', salesforceWebhookRoutes({ db, keyring: keys.keyring, logger, wake }));
    if (sheets.sandbox) {
      const sandboxSheets = sheets.sandbox;
      app.all('/v4/*', (c) => sandboxSheets.app.fetch(c.req.raw));
    }
    // Mounted by path prefix: each sandbox is its own app and sees the path without the prefix.
    for (const [crm, sandbox] of Object.entries(sandboxes)) {
      const prefix = `/sandbox/${crm}`;
      app.all(`${prefix}/*`, (c) => {
        const url = new URL(c.req.url);
        url.pathname = url.pathname.slice(prefix.length) || '/';
        return sandbox.app.fetch(new Request(url, c.req.raw));
      });
    }
    const preview = mountPreview(app, {
      ...config,
      sheets: sheets.sandbox,
      crms: sandboxCrms,
      companionUrl: () => publicUrl,
      logger,
    });
    server = await listen(app, config);
    if (!config.publicUrlConfigured) publicUrl = server.url;
    aimWebhooks();
    // Workers start after listen: a job left by a crash runs at once, and in sandbox mode it calls the
    // sandbox CRMs through this server's own URL, which is only known now.
    await jobs.start();
    // Polls live in the queue; this re-arms any whose chain ended (see sync/poll.ts).
    await armPolls(runtime, syncJobs.poll, now()).catch((error: unknown) =>
      logger.error({ err: error }, 'Could not arm the CRM polls; they start when their tables change'),
    );
    history.start();
    const sweep = startInboxSweep(db, wake, logger, options.inboxSweepMs ?? INBOX_SWEEP_MS);
    const listening = server;
    let closing: Promise<void> | undefined;
    return {
      url: server.url,
      db,
      queue: jobs,
      ...(sheets.sandbox ? { sandboxSheets: sheets.sandbox } : {}),
      ...(preview ? { preview } : {}),
      ...(sandboxCrms ? { sandboxCrms } : {}),
      close() {
        closing ??= (async () => {
          history.stop();
          clearInterval(sweep);
          if (sheets.sandbox) {
            // The sandbox Sheets API is this very server: jobs and the writer finish while it still
            // answers (closed first, their writes retried against a closed port until shutdown gave up).
            await preview?.close();
            await jobs.stop({ graceful: true, timeoutMs: JOB_DRAIN_MS });
            await sheets.flush().catch((error: unknown) => logger.error({ err: error }, 'Sheet writes lost'));
            await listening.close();
          } else {
            // Requests and jobs drain side by side; a request still running may enqueue work meanwhile.
            await Promise.all([listening.close(), jobs.stop({ graceful: true, timeoutMs: JOB_DRAIN_MS })]);
            await sheets
              .flush()
              .catch((error: unknown) => logger.error({ err: error }, 'Sheet writes lost at shutdown'));
          }
          await Promise.all(Object.values(sandboxes).map((sandbox) => sandbox.close()));
          await db.close();
        })();
        return closing;
      },
    };
  } catch (error) {
    await server?.close().catch(() => {});
    await queue?.stop({ graceful: false, timeoutMs: 0 }).catch(() => {});
    await db.close().catch(() => {});
    throw error;
  }
}

/**
 * `rowbridge serve`: starts the companion from environment variables, prints one line, and runs until
 * SIGTERM/SIGINT. Resolves with the exit code once in-flight requests and jobs are done.
 */
export async function runServer(
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<number> {
  const config = loadConfig(env);
  const logger = createLogger({ level: config.logLevel });
  const companion = await startCompanion(config, logger);
  // The one line a person reads among the JSON logs: where to go next.
  console.log(
    companion.preview
      ? `Rowbridge is listening on ${companion.url} (${config.mode} mode, ${companion.db.kind}): open ${companion.url}/preview/`
      : `Rowbridge companion listening on ${companion.url} (${config.mode} mode, ${companion.db.kind})`,
  );
  await shutdownSignal();
  // unref: a clean close must not wait for this timer.
  const force = setTimeout(() => {
    logger.error(`Requests or jobs still running after ${SHUTDOWN_GRACE_MS / 1000} s; exiting.`);
    process.exit(1);
  }, SHUTDOWN_GRACE_MS).unref();
  await companion.close();
  clearTimeout(force);
  return 0;
}

/** How often connections with webhook events left pending are woken. */
const INBOX_SWEEP_MS = 60_000;

/**
 * Wakes every connection with webhook events a worker may take, now and every minute: events handed back
 * by a run that gave up (its retries spent on an outage), left by a companion that stopped mid-round, or
 * whose wake-up was lost, would otherwise wait for the next webhook of that connection, which may never
 * come.
 */
function startInboxSweep(
  db: Database,
  wake: (connections: readonly { readonly id: string; readonly tenantId: string }[]) => void,
  logger: Logger,
  intervalMs: number,
): NodeJS.Timeout {
  const sweep = () =>
    db.repos.inbox
      .pendingConnections()
      .then(wake)
      .catch((error: unknown) => logger.warn({ err: error }, 'Could not look for pending CRM events'));
  void sweep();
  return setInterval(sweep, intervalMs).unref();
}

/** Resolves on the first SIGTERM (orchestrators) or SIGINT (Ctrl+C); a second one gets Node's default. */
function shutdownSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      resolve(signal);
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}
