import { parseArgs } from 'node:util';
import { runServer } from '../main.ts';

/** `rowbridge serve`: takes no arguments (settings come from the environment), then runs the companion. */
export async function serve(args: string[]): Promise<number> {
  parseArgs({ args, options: {}, strict: true, allowPositionals: false });
  return runServer(process.env);
}
