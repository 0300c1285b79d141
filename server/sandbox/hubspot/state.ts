import * as z from 'zod';
import { SharedStateFile } from '../state-file.ts';
import { emptyData, OBJECT_TYPES, type SandboxData } from './model.ts';

/**
 * The portal's persistent state: one JSON file in the data folder (or memory only), shared by every process
 * that opens it. Reloading, atomic saves and the concurrency model are `SharedStateFile`'s; this adds the
 * HubSpot layout.
 */
export class SandboxStore extends SharedStateFile<SandboxData> {
  constructor(file: string | undefined, now: () => number) {
    super(file, { label: 'HubSpot', empty: () => emptyData(now()), parse: parseState });
  }
}

// Checks the outline only: the file is the sandbox's own, written by `SharedStateFile`.
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

function parseState(value: unknown): SandboxData | undefined {
  const result = stateSchema.safeParse(value);
  if (!result.success) return undefined;
  const data = result.data as unknown as SandboxData;
  data.lists ??= {};
  // A state written before an object type was added lacks its entries.
  for (const type of OBJECT_TYPES) {
    data.records[type] ??= {};
    data.customProperties[type] ??= [];
    data.customGroups[type] ??= [];
  }
  return data;
}
