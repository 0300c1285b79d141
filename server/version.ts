import { readFileSync } from 'node:fs';
import * as z from 'zod';
import { parseOrThrow } from '../shared/errors.ts';

const PackageJson = z.object({ version: z.string().min(1) });

let cached: string | undefined;

/**
 * The version from package.json, read once and cached. Read at run time rather than imported so the server
 * project does not pull package.json into its compilation, and so `--version` can never drift from npm's.
 */
export function packageVersion(): string {
  cached ??= parseOrThrow(
    PackageJson,
    JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')),
    'package.json',
    'internal',
  ).version;
  return cached;
}
