/** The durable job queue: see README.md in this folder. */
export { once } from './effects.ts';
export type { QueueOptions } from './options.ts';
export { createQueue } from './queue.ts';
export type {
  JobContext,
  JobDefinition,
  JobKind,
  JobQueue,
  QueueStats,
  SendOptions,
  StopOptions,
} from './types.ts';
