import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** How one sandbox's state is made afresh and read back from its file. */
export interface StateCodec<T> {
  /** Shown in errors: "The sandbox HubSpot state file ...". */
  readonly label: string;
  empty(): T;
  /** Checks a parsed file's outline and fills in what older layouts lack; throws when it cannot. */
  parse(json: unknown): T;
}

/**
 * A sandbox's persistent state: one JSON file in the data folder (or memory only), shared by every
 * process that opens it, e.g. the server and a CLI run.
 *
 * Concurrency model: every request reads the file again if another process replaced it since (the file's
 * inode, size and mtime are compared), and a request that changes something writes the whole state back at
 * once (temp file + rename, so a reader never sees half a file). The reload, the change and the write run
 * synchronously, with no await in between, so inside one process requests never interleave; across
 * processes the last writer wins per request: two processes changing state within the same few
 * milliseconds can lose one of the two changes. That is fine for a sandbox.
 */
export class JsonStateFile<T> {
  readonly #file: string | undefined;
  readonly #codec: StateCodec<T>;
  #data: T;
  #signature = '';

  constructor(file: string | undefined, codec: StateCodec<T>) {
    this.#file = file;
    this.#codec = codec;
    this.#data = codec.empty();
    if (file) {
      mkdirSync(dirname(file), { recursive: true });
      if (!this.#refresh()) this.#save();
    }
  }

  /** The current state, reloaded first if another process replaced the file. Do not change it. */
  read(): T {
    this.#refresh();
    return this.#data;
  }

  /**
   * Runs `change` on fresh state and saves once it returns. If `change` throws, nothing is saved, so it must
   * finish every check before it changes anything.
   */
  write<R>(change: (data: T) => R): R {
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
    this.#data = this.#parse(readFileSync(this.#file, 'utf8'), this.#file);
    this.#signature = signature;
    return true;
  }

  #parse(text: string, file: string): T {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new Error(
        `The ${this.#codec.label} state file ${file} is not valid JSON; delete it to start afresh.`,
      );
    }
    try {
      return this.#codec.parse(parsed);
    } catch {
      throw new Error(
        `The ${this.#codec.label} state file ${file} has an unknown layout; delete it to start afresh.`,
      );
    }
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
