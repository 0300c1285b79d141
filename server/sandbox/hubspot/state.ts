import * as z from 'zod';
import { JsonStateFile } from '../state-file.ts';
import { emptyData, OBJECT_TYPES, type SandboxData } from './model.ts';

/** The sandbox HubSpot's state file (see `JsonStateFile` for the concurrency model). */
export class SandboxStore extends JsonStateFile<SandboxData> {
  constructor(file: string | undefined, now: () => number) {
    super(file, { label: 'sandbox HubSpot', empty: () => emptyData(now()), parse: parseState });
  }
}

// Checks the outline only: the file is the sandbox's own, written by `JsonStateFile`.
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

function parseState(json: unknown): SandboxData {
  const data = stateSchema.parse(json) as unknown as SandboxData;
  // A state written before an object type was added lacks its entries.
  for (const type of OBJECT_TYPES) {
    data.records[type] ??= {};
    data.customProperties[type] ??= [];
    data.customGroups[type] ??= [];
  }
  return data;
}
