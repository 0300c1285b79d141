import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import * as z from 'zod';
import { emptyData, OBJECT_TYPES, type SandboxData } from './model.ts';

/**
 * The sandbox's persistent state: one JSON file in the data folder (or memory only), shared by every
 * process that opens it, e.g. the server and a CLI run.
 *
 * Concurrency model: every request reads the file again if another process replaced it since (the file's
 * inode, size and mtime are compared), and a request that changes something writes the whole state back at
 * once (temp file + rename, so a reader never sees half a file). The reload, the change and the write run
 * synchronously, with no await in between, so inside one process requests never interleave; across
 * processes the last writer wins per request: two processes changing state within the same few
 * milliseconds can lose one of the two changes. That is fine for a sandbox.
 */
export class SandboxStore {
  readonly #file: string | undefined;
  #data: SandboxData;
  #signature = '';

  constructor(file: string | undefined, now: () => number) {
    this.#file = file;
    this.#data = emptyData(now());
    if (file) {
      mkdirSync(dirname(file), { recursive: true });
      if (!this.#refresh()) this.#save();
    }
  }

  /** The current state, reloaded first if another process replaced the file. Do not change it. */
  read(): SandboxData {
    this.#refresh();
    return this.#data;
  }

  /**
   * Runs `change` on fresh state and saves once it returns. If `change` throws, nothing is saved, so it must
   * finish every check before it changes anything.
   */
  write<T>(change: (data: SandboxData) => T): T {
    this.#refresh();
    const result = change(this.#data);
    this.#save();
    return result;
  }

  /** Reloads if the file changed; true when a file was there to read. */
  #refresh(): boolean {
    if (!this.#file) return false;
    const signature = fileSignature(this.#file);
    if (signature === undefined) return false;
    if (signature === this.#signature) return true;
    this.#data = parseState(readFileSync(this.#file, 'utf8'), this.#file);
    this.#signature = signature;
    return true;
  }

  #save(): void {
    if (!this.#file) return;
    const temp = `${this.#file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      writeFileSync(temp, JSON.stringify(this.#data), { mode: 0o600 });
      renameSync(temp, this.#file);
    } catch (error) {
      rmSync(temp, { force: true });
      throw error;
    }
    this.#signature = fileSignature(this.#file) ?? '';
  }
}

function fileSignature(file: string): string | undefined {
  try {
    const stat = statSync(file, { bigint: true });
    return `${stat.ino}:${stat.size}:${stat.mtimeNs}`;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

// Checks the outline only: the file is the sandbox's own, written by `#save`.
const stateSchema = z.looseObject({
  version: z.literal(1),
  createdAt: z.number(),
  nextObjectId: z.number().int().positive(),
  records: z.record(z.string(), z.record(z.string(), z.looseObject({ id: z.string() }))),
  customProperties: z.record(z.string(), z.array(z.looseObject({ name: z.string() }))),
  customGroups: z.record(z.string(), z.array(z.looseObject({ name: z.string() }))),
  associations: z.array(z.looseObject({ fromId: z.string(), toId: z.string() })),
  accessTokens: z.record(z.string(), z.looseObject({ token: z.string() })),
  refreshTokens: z.record(z.string(), z.looseObject({ token: z.string() })),
  codes: z.record(z.string(), z.looseObject({ code: z.string() })),
});

function parseState(text: string, file: string): SandboxData {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`The sandbox HubSpot state file ${file} is not valid JSON; delete it to start afresh.`);
  }
  const result = stateSchema.safeParse(parsed);
  if (!result.success) {
    throw new Error(
      `The sandbox HubSpot state file ${file} has an unknown layout; delete it to start afresh.`,
    );
  }
  const data = result.data as unknown as SandboxData;
  // A state written before an object type was added lacks its entries.
  for (const type of OBJECT_TYPES) {
    data.records[type] ??= {};
    data.customProperties[type] ??= [];
    data.customGroups[type] ??= [];
  }
  return data;
}
