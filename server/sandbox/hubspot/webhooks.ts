import { createHash, createHmac } from 'node:crypto';
import { type ChangeEvent, OBJECT_INFO } from './model.ts';

/**
 * The v3 request signature: base64 of HMAC-SHA256, keyed with the app's client secret, over
 * `method + uri + body + timestamp` (timestamp in milliseconds, as sent in `X-HubSpot-Request-Timestamp`).
 * https://developers.hubspot.com/docs/apps/legacy-apps/authentication/validating-requests#validate-the-v3-request-signature
 */
export function signV3(input: {
  readonly clientSecret: string;
  readonly method: string;
  readonly uri: string;
  readonly body: string;
  readonly timestamp: string | number;
}): string {
  return createHmac('sha256', input.clientSecret)
    .update(`${input.method}${input.uri}${input.body}${input.timestamp}`, 'utf8')
    .digest('base64');
}

/** A subscription: `contact.creation`, `deal.deletion`, `company.propertyChange` (all properties or one). */
export interface WebhookSubscription {
  readonly subscriptionType: string;
  readonly propertyName?: string;
}

export interface WebhookOptions {
  /** Where events are POSTed; without one, changes send nothing. */
  readonly targetUrl?: string;
  /** The app whose subscriptions these are (defaults to the sandbox's OAuth app). */
  readonly appId?: number;
  /** Defaults to creation, deletion and every property change of contacts, companies and deals. */
  readonly subscriptions?: readonly WebhookSubscription[];
  /** Attempts per event, the first included (HubSpot: 10). */
  readonly maxAttempts?: number;
  /** Wait before the first retry, doubling each time (HubSpot spreads retries over a day; keep short in tests). */
  readonly retryDelayMs?: number;
  /** How long changes gather before one POST carries them (at most 100 events per POST). */
  readonly batchDelayMs?: number;
  /** A delivery that takes longer fails and is retried. */
  readonly timeoutMs?: number;
  /** Deliver on a background timer (default); with false only `flushWebhooks()` delivers. */
  readonly autoDeliver?: boolean;
}

/** One POST to the target, for tests and the CLI. */
export interface WebhookAttempt {
  readonly at: number;
  readonly outcome: number | 'network-error';
  /** The JSON body sent, so a test can replay a delivery. */
  readonly body: string;
  readonly eventIds: readonly number[];
  readonly attemptNumbers: readonly number[];
}

interface Queued {
  readonly event: Omit<WebhookEvent, 'attemptNumber'>;
  readonly attempt: number;
  readonly dueAt: number;
}

/** A webhook event as HubSpot's legacy CRM webhooks send it (https://developers.hubspot.com/docs/api/webhooks; payload fields as in HubSpot's examples). */
export interface WebhookEvent {
  readonly eventId: number;
  readonly subscriptionId: number;
  readonly portalId: number;
  readonly appId: number;
  readonly occurredAt: number;
  readonly subscriptionType: string;
  readonly attemptNumber: number;
  readonly objectId: number;
  readonly propertyName?: string;
  readonly propertyValue?: string;
  readonly changeFlag?: string;
  readonly changeSource: string;
  readonly sourceId?: string;
}

const MAX_EVENTS_PER_REQUEST = 100;
/** HubSpot does not retry these answers: the receiver does not want the events. */
const NO_RETRY = new Set([400, 401, 403, 404, 405]);
const USER_AGENT = 'HubSpot Connect 2.0 (http://dev.hubspot.com/) (namespace: rowbridge-sandbox)';

function defaultSubscriptions(): WebhookSubscription[] {
  return ['contact', 'company', 'deal'].flatMap((object) =>
    ['creation', 'deletion', 'propertyChange'].map((kind) => ({ subscriptionType: `${object}.${kind}` })),
  );
}

/**
 * Turns saved changes into subscription events and delivers them like HubSpot: batched (at most 100 per
 * POST), signed (v3 and v1 headers), retried with backoff after a network error, a timeout or an answer
 * other than 2xx and 400/401/403/404/405 (a 429's `Retry-After` is honoured), `attemptNumber` counting up.
 * Timers run on real time and are unref'd; `occurredAt` comes from the sandbox clock.
 */
export class WebhookDispatcher {
  readonly #portalId: number;
  readonly #appId: number;
  readonly #clientSecret: string;
  readonly #subscriptions: readonly (WebhookSubscription & { readonly id: number })[];
  readonly #maxAttempts: number;
  readonly #retryDelayMs: number;
  readonly #batchDelayMs: number;
  readonly #timeoutMs: number;
  readonly #autoDeliver: boolean;
  #targetUrl: string | undefined;
  #queue: Queued[] = [];
  // Event ids are unique per portal at HubSpot, and receivers de-duplicate on them; several processes
  // (the companion, the CLI, a test) may send for one sandbox, so each starts at a random point.
  #nextEventId = Math.floor(Math.random() * 2 ** 40) * 1000 + 1;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  readonly #inFlight = new Set<Promise<void>>();
  readonly #attempts: WebhookAttempt[] = [];

  constructor(init: {
    portalId: number;
    appId: number;
    clientSecret: string;
    options?: WebhookOptions | undefined;
  }) {
    const options = init.options ?? {};
    this.#portalId = init.portalId;
    this.#appId = options.appId ?? init.appId;
    this.#clientSecret = init.clientSecret;
    this.#targetUrl = options.targetUrl;
    this.#subscriptions = (options.subscriptions ?? defaultSubscriptions()).map((s, i) => ({
      ...s,
      id: 100_001 + i,
    }));
    this.#maxAttempts = options.maxAttempts ?? 10;
    this.#retryDelayMs = options.retryDelayMs ?? 1000;
    this.#batchDelayMs = options.batchDelayMs ?? 200;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#autoDeliver = options.autoDeliver ?? true;
  }

  setTarget(url: string | undefined): void {
    this.#targetUrl = url;
  }

  attempts(): readonly WebhookAttempt[] {
    return this.#attempts;
  }

  /** Queues the subscription events of saved changes. */
  enqueue(changes: readonly ChangeEvent[]): void {
    if (!this.#targetUrl || this.#closed) return;
    const dueAt = Date.now() + this.#batchDelayMs;
    for (const change of changes) {
      const prefix = OBJECT_INFO[change.objectType].webhookPrefix;
      if (!prefix) continue;
      const subscriptionType = `${prefix}.${change.kind}`;
      for (const subscription of this.#subscriptions) {
        if (subscription.subscriptionType !== subscriptionType) continue;
        if (subscription.propertyName && subscription.propertyName !== change.propertyName) continue;
        const event: Omit<WebhookEvent, 'attemptNumber'> = {
          eventId: this.#nextEventId++,
          subscriptionId: subscription.id,
          portalId: this.#portalId,
          appId: this.#appId,
          occurredAt: change.occurredAt,
          subscriptionType,
          objectId: Number(change.objectId),
          ...(change.propertyName !== undefined
            ? { propertyName: change.propertyName, propertyValue: change.propertyValue ?? '' }
            : {}),
          ...(change.kind === 'creation' ? { changeFlag: 'CREATED' } : {}),
          ...(change.kind === 'deletion' ? { changeFlag: 'DELETED' } : {}),
          changeSource: change.changeSource,
          ...(change.sourceId !== undefined ? { sourceId: change.sourceId } : {}),
        };
        this.#queue.push({ event, attempt: 0, dueAt });
      }
    }
    this.#schedule();
  }

  /** Delivers everything queued now, retries included (without waiting for backoff), and resolves when done. */
  async flush(): Promise<void> {
    for (;;) {
      if (this.#queue.length) this.#dispatch(this.#queue.splice(0));
      if (!this.#inFlight.size) return;
      await Promise.all([...this.#inFlight]);
    }
  }

  /** Stops the timer and waits for deliveries in flight; queued events are dropped. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#queue = [];
    await Promise.all([...this.#inFlight]);
  }

  #schedule(): void {
    if (!this.#autoDeliver || this.#closed || !this.#queue.length) return;
    clearTimeout(this.#timer);
    const due = Math.min(...this.#queue.map((q) => q.dueAt));
    this.#timer = setTimeout(() => this.#tick(), Math.max(0, due - Date.now()));
    this.#timer.unref();
  }

  #tick(): void {
    const now = Date.now();
    const due = this.#queue.filter((q) => q.dueAt <= now);
    this.#queue = this.#queue.filter((q) => q.dueAt > now);
    this.#dispatch(due);
    this.#schedule();
  }

  #dispatch(items: readonly Queued[]): void {
    for (let start = 0; start < items.length; start += MAX_EVENTS_PER_REQUEST) {
      const delivery = this.#deliver(items.slice(start, start + MAX_EVENTS_PER_REQUEST));
      this.#inFlight.add(delivery);
      void delivery.finally(() => this.#inFlight.delete(delivery));
    }
  }

  async #deliver(items: readonly Queued[]): Promise<void> {
    const target = this.#targetUrl;
    if (!target || !items.length) return;
    const body = JSON.stringify(items.map((item) => withAttempt(item.event, item.attempt)));
    const timestamp = String(Date.now());
    let outcome: number | 'network-error';
    let retryAfterMs: number | undefined;
    try {
      const response = await fetch(target, {
        method: 'POST',
        body,
        signal: AbortSignal.timeout(this.#timeoutMs),
        headers: {
          'content-type': 'application/json',
          'user-agent': USER_AGENT,
          'x-hubspot-signature': createHash('sha256')
            .update(this.#clientSecret + body)
            .digest('hex'),
          'x-hubspot-signature-version': 'v1',
          'x-hubspot-signature-v3': signV3({
            clientSecret: this.#clientSecret,
            method: 'POST',
            uri: target,
            body,
            timestamp,
          }),
          'x-hubspot-request-timestamp': timestamp,
          'x-hubspot-timeout-millis': String(this.#timeoutMs),
        },
      });
      await response.arrayBuffer().catch(() => undefined);
      outcome = response.status;
      const retryAfter = Number(response.headers.get('retry-after'));
      if (response.status === 429 && retryAfter > 0) retryAfterMs = retryAfter * 1000;
    } catch {
      outcome = 'network-error';
    }
    if (this.#attempts.length >= 10_000) this.#attempts.shift();
    this.#attempts.push({
      at: Date.now(),
      outcome,
      body,
      eventIds: items.map((item) => item.event.eventId),
      attemptNumbers: items.map((item) => item.attempt),
    });
    if (typeof outcome === 'number' && ((outcome >= 200 && outcome < 300) || NO_RETRY.has(outcome))) return;
    if (this.#closed) return;
    const retries = items
      .filter((item) => item.attempt + 1 < this.#maxAttempts)
      .map((item) => ({
        event: item.event,
        attempt: item.attempt + 1,
        dueAt: Date.now() + (retryAfterMs ?? this.#retryDelayMs * 2 ** item.attempt),
      }));
    this.#queue.push(...retries);
    this.#schedule();
  }
}

/** Puts `attemptNumber` where HubSpot has it: after `subscriptionType`. */
function withAttempt(event: Omit<WebhookEvent, 'attemptNumber'>, attemptNumber: number): WebhookEvent {
  const { eventId, subscriptionId, portalId, appId, occurredAt, subscriptionType, ...rest } = event;
  return { eventId, subscriptionId, portalId, appId, occurredAt, subscriptionType, attemptNumber, ...rest };
}
