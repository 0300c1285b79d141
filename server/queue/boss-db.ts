import type { Db } from 'pg-boss';
import type { SqlClient } from '../store/sql-client.ts';

/** PostgreSQL's "cannot insert multiple commands into a prepared statement" (syntax_error class). */
const MULTIPLE_COMMANDS = /multiple commands/i;

/**
 * pg-boss's `db` adapter over a `SqlClient`, the same code for PGlite and PostgreSQL, so pg-boss shares
 * the application's one connection (PGlite) or pool (PostgreSQL) instead of opening its own.
 *
 * pg-boss sends three kinds of statement: parameterised ones (go to `query`), single statements without
 * parameters whose rows it reads (schema version, queue list: also `query`), and scripts of several
 * statements (migrations, `BEGIN; … COMMIT;` maintenance blocks). Nothing in the text tells the last two
 * apart reliably (function bodies contain semicolons), so a parameterless statement is tried as one
 * query first: PostgreSQL runs a script that way too (simple protocol), PGlite refuses it before running
 * anything, and we fall back to `exec`. Rows of a script are not returned: `SqlClient.exec` returns
 * none. pg-boss only reads them for its backlog warnings and stats-scan timing, so those stay quiet.
 */
export function bossDatabase(client: SqlClient): Db {
  return {
    async executeSql(text, values) {
      if (values?.length) return client.query(text, values);
      try {
        const { rows } = await client.query(text);
        // pg answers a script with one result per statement, which `SqlClient.query` reads as no rows.
        return { rows: rows ?? [] };
      } catch (error) {
        if (!MULTIPLE_COMMANDS.test(String((error as Error).message))) throw error;
      }
      try {
        await client.exec(text);
        return { rows: [] };
      } catch (error) {
        // PGlite has one session: a script that failed after its BEGIN leaves it inside an aborted
        // transaction, and every later statement of the application would fail. A pool hands out
        // another connection instead, so only PGlite needs the rollback.
        if (client.kind === 'pglite') await client.query('ROLLBACK').catch(() => {});
        throw error;
      }
    },
    async listen(channel, onNotification, onReconnect) {
      // pg-boss fetches once after every (re)subscribe to pick up jobs whose NOTIFY it missed.
      const unsubscribe = await client.listen(channel, onNotification, onReconnect);
      onReconnect();
      return { close: unsubscribe };
    },
  };
}
