import { Duplex, PassThrough } from 'node:stream';
import {
  Connection,
  type HttpRequest as JsforceRequest,
  type HttpResponse as JsforceResponse,
} from 'jsforce';
import { Transport } from 'jsforce/lib/transport.js';
import { StreamPromise } from 'jsforce/lib/util/promise.js';
import { xmlEscape } from '../../xml/index.ts';
import type { FetchLike, RequestRunner } from '../http.ts';

/*
 * How jsforce is routed through our request runner.
 *
 * Every jsforce call (REST, SOQL, Collections, Bulk 2.0, the Metadata API's SOAP and the OAuth token
 * endpoint) ends in `transport.httpRequest(request)`, where `transport` is the `Connection`'s `_transport`
 * (for `OAuth2`, its own `_transport`). jsforce's default `Transport` sends through node-fetch and retries
 * 420/429/5xx and network errors for GET/PUT/DELETE by itself, sleeping in real time. We replace that
 * object with `RunnerTransport`, which hands each request to the connection's runner: limits, retries
 * (only for idempotent requests), Retry-After, the one token refresh and counting are ours and per
 * connection; jsforce still builds URLs, bodies and SOAP envelopes and parses answers.
 *
 * jsforce refreshes on 401 only through a `SessionRefreshDelegate`, which it creates when the Connection
 * has an OAuth2 client id or a `refreshFn`. We give it neither, so it never refreshes and never sees a
 * 401: the runner refreshes, and jsforce sees only 2xx answers or our `CrmApiError`. Its access token is a
 * placeholder: the transport drops jsforce's `Authorization` header (the runner sets its own), and the SOAP
 * wire adapter below puts the runner's token into the envelope's `SessionHeader` on each attempt.
 */

/** What jsforce carries where a session goes; never a credential. */
export const SESSION_PLACEHOLDER = 'rowbridge-session-from-runner';

const DROPPED_HEADERS = new Set(['authorization', 'content-length', 'transfer-encoding']);

/**
 * Safe to send twice after a lost answer: reads, PATCH (updates and upserts by key), DELETE, the
 * Collections retrieve, the token endpoint, and Metadata reads and creates (a repeated create answers
 * `DUPLICATE_DEVELOPER_NAME`, which setup treats as "exists"). Single and Collections creates are not.
 */
export function isIdempotent(method: string, url: string, body: string | undefined): boolean {
  if (method !== 'POST') return true;
  const path = new URL(url).pathname;
  if (/\/composite\/sobjects\/[^/]+$/.test(path) || /\/services\/oauth2\/token$/.test(path)) return true;
  return (
    /\/services\/Soap\/m\//.test(path) && /<(readMetadata|createMetadata|listMetadata)\b/.test(body ?? '')
  );
}

async function readAll(stream: PassThrough): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
}

/** jsforce's transport seam, sending through a `RequestRunner`. */
export class RunnerTransport extends Transport {
  readonly #runner: RequestRunner;
  readonly #anonymous: boolean;

  constructor(runner: RequestRunner, options: { readonly anonymous?: boolean } = {}) {
    super();
    this.#runner = runner;
    this.#anonymous = options.anonymous ?? false;
  }

  override httpRequest(request: JsforceRequest): StreamPromise<JsforceResponse> {
    return StreamPromise.create(() => {
      // Bulk 2.0 uploads pipe their CSV into the stream instead of passing a body.
      const input = new PassThrough();
      const output = new PassThrough();
      const stream = Duplex.from({ readable: output, writable: input });
      const promise = this.#send(request, input).finally(() => output.end());
      return { stream, promise };
    });
  }

  async #send(request: JsforceRequest, input: PassThrough): Promise<JsforceResponse> {
    const method = request.method.toUpperCase();
    const streamed = request.body === undefined && /^(POST|PUT|PATCH)$/.test(method);
    const body =
      request.body !== undefined ? String(request.body) : streamed ? await readAll(input) : undefined;
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers ?? {})) {
      if (!DROPPED_HEADERS.has(name.toLowerCase()) && value !== undefined) headers[name] = String(value);
    }
    const response = await this.#runner.send({
      method,
      url: request.url,
      headers,
      ...(body === undefined ? {} : { body }),
      idempotent: isIdempotent(method, request.url, body),
      anonymous: this.#anonymous,
    });
    return { statusCode: response.status, headers: response.headers, body: response.body };
  }
}

/**
 * The SOAP wire adapter: Salesforce's SOAP APIs take the session in the envelope, not in a header, so the
 * token the runner put in `Authorization` for this attempt replaces jsforce's placeholder there.
 */
export function soapSessionFetch(base: FetchLike): FetchLike {
  const placeholder = `<sessionId>${SESSION_PLACEHOLDER}</sessionId>`;
  return (url, init) => {
    if (typeof init.body !== 'string' || !init.body.includes(placeholder)) return base(url, init);
    const token = /^Bearer\s+(.+)$/i.exec(new Headers(init.headers).get('authorization') ?? '')?.[1] ?? '';
    return base(url, {
      ...init,
      body: init.body.replace(placeholder, `<sessionId>${xmlEscape(token)}</sessionId>`),
    });
  };
}

export interface ConnectionOptions {
  readonly instanceUrl: string;
  readonly loginUrl?: string;
  /** Always set: jsforce's default (50.0) predates Collections upsert. */
  readonly version: string;
}

/** A jsforce `Connection` whose every request goes through `runner`. */
export function runnerConnection(runner: RequestRunner, options: ConnectionOptions): Connection {
  const connection = new Connection({
    instanceUrl: options.instanceUrl,
    ...(options.loginUrl ? { loginUrl: options.loginUrl } : {}),
    version: options.version,
    accessToken: SESSION_PLACEHOLDER,
  });
  connection._transport = new RunnerTransport(runner);
  return connection;
}
