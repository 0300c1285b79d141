import { defineConfig } from 'drizzle-kit';

// Run from the repository root: npx drizzle-kit generate --config server/store/drizzle.config.ts
// Generated SQL is committed; `migrate()` applies it at start on PGlite and PostgreSQL alike.
export default defineConfig({
  dialect: 'postgresql',
  schema: './server/store/schema.ts',
  out: './server/store/migrations',
});
