export { applyMerge, type SyncState } from './apply.ts';
export { describeValue, fieldLabel } from './explain.ts';
export { merge } from './merge.ts';
export {
  type ConflictChoice,
  type ConflictResolution,
  conflictChoiceSchema,
  resolveConflict,
} from './resolve.ts';
export * from './types.ts';
