import { randomBytes } from 'node:crypto';
import { childElement, parseXml, soapBodyOf, textOf, xmlEscape } from '../../xml/index.ts';
import type { RecordChange, SandboxConfig } from './core.ts';
import type { FieldValue, SandboxData } from './model.ts';

export interface OutboundOptions {
  /** Where notifications are POSTed; without one, changes send nothing. */
  readonly targetUrl?: string;
  /** Objects with an outbound message (default Lead, Contact, Account, Opportunity). */
  readonly objects?: readonly string[];
  /** Fields each message carries per object (default every field with a value). */
  readonly fields?: Readonly<Record<string, readonly string[]>>;
  /**
   * Also notify changes made by the API (integration) user. Off by default: the usual workflow rule or
   * flow criterion `LastModifiedById != <integration user>` keeps a sync tool's own writes from echoing.
   */
  readonly includeApiChanges?: boolean;
  /** Attempts per notification, the first included (Salesforce retries for 24 hours). */
  readonly maxAttempts?: number;
  /** Wait before the first retry, doubling each time (Salesforce backs off up to two hours). */
  readonly retryDelayMs?: number;
  /** How long changes gather before one message carries them (at most 100 notifications each). */
  readonly batchDelayMs?: number;
  readonly timeoutMs?: number;
  /** Deliver on a background timer (default); with false only `flushOutbound()` delivers. */
  readonly autoDeliver?: boolean;
}

/** One POST to the target, for tests and the CLI. */
export interface OutboundAttempt {
  readonly at: number;
  readonly outcome: number | 'network-error';
  /** The listener answered `<Ack>true</Ack>`. */
  readonly acked: boolean;
  readonly notificationIds: readonly string[];
}

interface Queued {
  readonly notificationId: string;
  readonly object: string;
  readonly recordId: string;
  readonly attempt: number;
  readonly dueAt: number;
}

export const MAX_NOTIFICATIONS = 100;
const DEFAULT_OBJECTS = ['Lead', 'Contact', 'Account', 'Opportunity'];

/** Salesforce dates in SOAP: `2025-01-01T12:00:00.000Z`. */
function soapValue(value: FieldValue): string {
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T.*\+0000$/.test(value))
    return value.replace('+0000', 'Z');
  return String(value);
}

/**
 * The `notifications` SOAP message (https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_om_outboundmessaging_wsdl.htm):
 * `OrganizationId`, `ActionId`, `SessionId` (nil), `EnterpriseUrl`, `PartnerUrl`, then up to 100
 * `Notification`s, each an `Id` and the record as `sObject` (`xsi:type="sf:Lead"`, fields as `sf:Name`).
 */
export function notificationsXml(input: {
  readonly organizationId: string;
  readonly actionId: string;
  readonly instanceUrl: string;
  readonly version: string;
  readonly object: string;
  readonly notifications: readonly {
    readonly id: string;
    readonly fields: Readonly<Record<string, FieldValue>>;
  }[];
}): string {
  const org15 = input.organizationId.slice(0, 15);
  const notifications = input.notifications
    .map((n) => {
      const fields = Object.entries(n.fields)
        .filter(([, value]) => value !== null && value !== undefined)
        .map(([name, value]) => `<sf:${name}>${xmlEscape(soapValue(value))}</sf:${name}>`)
        .join('');
      return `<Notification><Id>${n.id}</Id><sObject xsi:type="sf:${input.object}" xmlns:sf="urn:sobject.enterprise.soap.sforce.com">${fields}</sObject></Notification>`;
    })
    .join('');
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">',
    '<soapenv:Body><notifications xmlns="http://soap.sforce.com/2005/09/outbound">',
    `<OrganizationId>${input.organizationId}</OrganizationId><ActionId>${input.actionId}</ActionId>`,
    '<SessionId xsi:nil="true"/>',
    `<EnterpriseUrl>${xmlEscape(`${input.instanceUrl}/services/Soap/c/${input.version}/${org15}`)}</EnterpriseUrl>`,
    `<PartnerUrl>${xmlEscape(`${input.instanceUrl}/services/Soap/u/${input.version}/${org15}`)}</PartnerUrl>`,
    notifications,
    '</notifications></soapenv:Body></soapenv:Envelope>',
  ].join('');
}

/** True when a listener's answer is `notificationsResponse` with `Ack` true. */
export function isAck(body: string): boolean {
  try {
    const response = soapBodyOf(parseXml(body));
    const ack = childElement(response, 'Ack');
    return ack !== undefined && textOf(ack).trim() === 'true';
  } catch {
    return false;
  }
}

/**
 * Outbound Messages: record changes by users (the API user too, when switched on) become notifications,
 * batched per object into messages of at most 100, and delivered until the listener acknowledges them.
 * A notification keeps its `Id` across retries and carries the record as it is when sent (Salesforce's
 * behaviour: "only the latest data is delivered"). Timers run on real time and are unref'd.
 */
export class OutboundDispatcher {
  readonly #config: SandboxConfig;
  readonly #read: () => SandboxData;
  readonly #instanceUrl: () => string;
  readonly #options: OutboundOptions;
  readonly #objects: ReadonlySet<string>;
  #targetUrl: string | undefined;
  #queue: Queued[] = [];
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  readonly #inFlight = new Set<Promise<void>>();
  readonly #attempts: OutboundAttempt[] = [];

  constructor(init: {
    config: SandboxConfig;
    read: () => SandboxData;
    /** Read per message: a sandbox mounted in a companion on port 0 learns its URL late. */
    instanceUrl: () => string;
    options?: OutboundOptions | undefined;
  }) {
    this.#config = init.config;
    this.#read = init.read;
    this.#instanceUrl = init.instanceUrl;
    this.#options = init.options ?? {};
    this.#objects = new Set(this.#options.objects ?? DEFAULT_OBJECTS);
    this.#targetUrl = this.#options.targetUrl;
  }

  setTarget(url: string | undefined): void {
    this.#targetUrl = url;
  }

  attempts(): readonly OutboundAttempt[] {
    return this.#attempts;
  }

  /** Queues notifications for saved changes that an outbound message covers. */
  enqueue(changes: readonly RecordChange[]): void {
    if (!this.#targetUrl || this.#closed) return;
    const dueAt = Date.now() + (this.#options.batchDelayMs ?? 200);
    for (const change of changes) {
      if (!this.#objects.has(change.object) || change.actor.kind === 'import') continue;
      if (change.actor.kind === 'api' && !this.#options.includeApiChanges) continue;
      const notificationId = `04l8d${randomBytes(5).toString('hex').toUpperCase()}AAA`;
      this.#queue.push({ notificationId, object: change.object, recordId: change.id, attempt: 0, dueAt });
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

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#queue = [];
    await Promise.all([...this.#inFlight]);
  }

  #schedule(): void {
    if (this.#options.autoDeliver === false || this.#closed || !this.#queue.length) return;
    clearTimeout(this.#timer);
    const due = Math.min(...this.#queue.map((q) => q.dueAt));
    this.#timer = setTimeout(
      () => {
        const now = Date.now();
        const ready = this.#queue.filter((q) => q.dueAt <= now);
        this.#queue = this.#queue.filter((q) => q.dueAt > now);
        this.#dispatch(ready);
        this.#schedule();
      },
      Math.max(0, due - Date.now()),
    );
    this.#timer.unref();
  }

  #dispatch(items: readonly Queued[]): void {
    const byObject = new Map<string, Queued[]>();
    for (const item of items) byObject.set(item.object, [...(byObject.get(item.object) ?? []), item]);
    for (const group of byObject.values()) {
      for (let start = 0; start < group.length; start += MAX_NOTIFICATIONS) {
        const delivery = this.#deliver(group.slice(start, start + MAX_NOTIFICATIONS));
        this.#inFlight.add(delivery);
        void delivery.finally(() => this.#inFlight.delete(delivery));
      }
    }
  }

  #fields(object: string, recordId: string): Record<string, FieldValue> {
    const record = this.#read().records[object]?.[recordId];
    if (!record) return { Id: recordId };
    const wanted = this.#options.fields?.[object];
    if (!wanted) return { ...record.fields };
    return Object.fromEntries(['Id', ...wanted].map((name) => [name, record.fields[name] ?? null]));
  }

  async #deliver(items: readonly Queued[]): Promise<void> {
    const target = this.#targetUrl;
    const first = items[0];
    if (!target || !first) return;
    const body = notificationsXml({
      organizationId: this.#config.organizationId,
      actionId: `04k8d00000${String([...this.#objects].indexOf(first.object)).padStart(3, '0')}AAA`,
      instanceUrl: this.#instanceUrl(),
      version: this.#config.versions.at(-1) ?? '62.0',
      object: first.object,
      notifications: items.map((item) => ({
        id: item.notificationId,
        fields: this.#fields(item.object, item.recordId),
      })),
    });
    let outcome: number | 'network-error';
    let acked = false;
    try {
      const response = await fetch(target, {
        method: 'POST',
        body,
        signal: AbortSignal.timeout(this.#options.timeoutMs ?? 10_000),
        headers: {
          'content-type': 'text/xml; charset=utf-8',
          soapaction: '""',
          'user-agent': 'Salesforce/8.0',
        },
      });
      outcome = response.status;
      const text = await response.text().catch(() => '');
      acked = response.ok && isAck(text);
    } catch {
      outcome = 'network-error';
    }
    if (this.#attempts.length >= 10_000) this.#attempts.shift();
    this.#attempts.push({
      at: Date.now(),
      outcome,
      acked,
      notificationIds: items.map((i) => i.notificationId),
    });
    if (acked || this.#closed) return;
    const retries = items
      .filter((item) => item.attempt + 1 < (this.#options.maxAttempts ?? 10))
      .map((item) => ({
        ...item,
        attempt: item.attempt + 1,
        dueAt: Date.now() + (this.#options.retryDelayMs ?? 1000) * 2 ** item.attempt,
      }));
    this.#queue.push(...retries);
    this.#schedule();
  }
}
