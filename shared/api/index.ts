/**
 * The companion's HTTP API contract: route definitions and zod schemas shared by the server (validation,
 * OpenAPI) and the add-on (typed calls). Platform-neutral like the rest of `shared/`.
 */
export * from './audit.ts';
export * from './common.ts';
export * from './conflicts.ts';
export * from './connections.ts';
export * from './define.ts';
export * from './headers.ts';
export * from './jobs.ts';
export * from './routes.ts';
export * from './spreadsheets.ts';
export * from './sync.ts';
export * from './system.ts';
export * from './tables.ts';
