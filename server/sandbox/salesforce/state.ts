import * as z from 'zod';
import { SharedStateFile } from '../state-file.ts';
import { emptyData, type SandboxData } from './model.ts';
import { OBJECT_NAMES } from './objects.ts';

// Checks the outline only: the file is the sandbox's own, written by `SharedStateFile`.
const stateSchema = z.looseObject({
  version: z.literal(1),
  createdAt: z.number(),
  nextId: z.number().int().positive(),
  records: z.record(
    z.string(),
    z.record(z.string(), z.looseObject({ id: z.string(), fields: z.record(z.string(), z.unknown()) })),
  ),
  customFields: z.record(z.string(), z.array(z.looseObject({ name: z.string() }))),
  accessTokens: z.record(z.string(), z.looseObject({ token: z.string() })),
  refreshTokens: z.record(z.string(), z.looseObject({ token: z.string() })),
  codes: z.record(z.string(), z.looseObject({ code: z.string() })),
  cursors: z.record(z.string(), z.looseObject({ id: z.string() })),
  bulkJobs: z.record(z.string(), z.looseObject({ id: z.string() })),
  apiUsage: z.record(z.string(), z.number()),
});

/** The sandbox Salesforce's state file, shared across processes (see `SharedStateFile`). */
export function salesforceStateFile(
  file: string | undefined,
  now: () => number,
): SharedStateFile<SandboxData> {
  return new SharedStateFile(file, {
    label: 'Salesforce',
    empty: () => emptyData(now()),
    parse(json) {
      const parsed = stateSchema.safeParse(json);
      if (!parsed.success) return undefined;
      const data = parsed.data as unknown as SandboxData;
      // A state written before an object was added lacks its entries.
      data.listViews ??= {};
      for (const name of OBJECT_NAMES) {
        data.records[name] ??= {};
        data.customFields[name] ??= [];
      }
      return data;
    },
  });
}
