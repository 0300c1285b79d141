import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';

/** One HTTP exchange, as UrlFetchApp's fake needs it. */
export interface SyncRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly followRedirects: boolean;
  readonly timeoutMs: number;
}

export interface SyncResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

// Runs in a worker thread: real `fetch`, answered through the port, then the main thread is woken.
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { port, signal } = workerData;
const flag = new Int32Array(signal);
port.on('message', async (request) => {
  let answer;
  try {
    const response = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      redirect: request.followRedirects ? 'follow' : 'manual',
      signal: AbortSignal.timeout(request.timeoutMs),
    });
    answer = { status: response.status, headers: Object.fromEntries(response.headers), body: await response.text() };
  } catch (error) {
    answer = { error: String(error && error.cause ? error.cause.code || error.cause.message || error.message : error) };
  }
  port.postMessage(answer);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
});
`;

/**
 * Synchronous HTTP for the UrlFetchApp fake. Apps Script's UrlFetchApp blocks until the answer is there,
 * and the add-on code is written that way; Node has no blocking HTTP client, so a worker thread does the
 * request with `fetch` while this thread waits on `Atomics.wait`, then takes the answer off the message
 * port with `receiveMessageOnPort`. The server must not run on this thread (it could not answer while
 * the thread is blocked): the tests start the companion as its own process.
 */
export class SyncFetcher {
  readonly #worker: Worker;
  readonly #port: MessagePort;
  readonly #flag: Int32Array;

  constructor() {
    const signal = new SharedArrayBuffer(4);
    const { port1, port2 } = new MessageChannel();
    this.#flag = new Int32Array(signal);
    this.#port = port1;
    this.#worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { port: port2, signal },
      transferList: [port2],
    });
    this.#worker.unref();
    port1.unref();
  }

  /** Sends a request and blocks until the answer arrives; network failures throw with the cause's code. */
  request(request: SyncRequest): SyncResponse {
    Atomics.store(this.#flag, 0, 0);
    this.#port.postMessage(request);
    const waited = Atomics.wait(this.#flag, 0, 0, request.timeoutMs + 1000);
    const message = receiveMessageOnPort(this.#port) as
      | { message: SyncResponse | { error: string } }
      | undefined;
    if (waited === 'timed-out' || !message) throw new Error(`Timeout: ${request.url}`);
    if ('error' in message.message) throw new Error(message.message.error);
    return message.message;
  }

  close(): Promise<number> {
    return this.#worker.terminate();
  }
}
