import type * as Server from '../../src/main.ts';

/** The server-side functions a page may call: the exports of src/main.ts. */
export type ServerApi = typeof Server;

interface Runner {
  withSuccessHandler(handler: (value: unknown) => void): Runner;
  withFailureHandler(handler: (error: unknown) => void): Runner;
}

interface ScriptHost {
  close(): void;
}

declare const google: { script: { run: Runner; host: ScriptHost } };

/**
 * Calls a server-side function through google.script.run as a promise, typed by src/main.ts. Every call
 * builds its own runner: handlers set on a shared runner would leak into unrelated calls. Arguments must
 * be plain data (no Date, no functions), as google.script.run requires.
 * https://developers.google.com/apps-script/guides/html/reference/run
 */
export function run<K extends keyof ServerApi>(
  name: K,
  ...args: Parameters<ServerApi[K]>
): Promise<ReturnType<ServerApi[K]>> {
  return new Promise((resolve, reject) => {
    const runner = google.script.run
      .withSuccessHandler((value) => resolve(value as ReturnType<ServerApi[K]>))
      .withFailureHandler((error) => reject(error instanceof Error ? error : new Error(String(error))));
    (runner as unknown as Record<string, (...a: unknown[]) => void>)[name]?.(...args);
  });
}

/** Closes the dialog or sidebar the page runs in. */
export function closeHost(): void {
  google.script.host.close();
}

/** The message of a failed call, as the server wrote it for people. */
export function messageOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  // Apps Script prefixes thrown errors with their class name in some paths; people need only the message.
  return text.replace(/^(Exception|Error|AddonError):\s*/, '');
}
