import { RowbridgeError } from '../../../shared/errors.ts';
import { callerOf, spreadsheetOf } from '../../auth/middleware.ts';
import { hashSheetSecret, newSheetSecret } from '../../auth/sheet-secret.ts';
import type { Database } from '../../store/database.ts';
import type { ApiHandlers } from './handlers.ts';

// The secret cannot be shown again (only its hash is kept), so the message says where it already is and
// who can replace it. There is no rotate route yet: rotating is `repos.spreadsheets.rotateSecret`.
const ALREADY_BOUND =
  'This spreadsheet is already connected to Rowbridge for your organisation. The add-on keeps its ' +
  'secret in the document properties of the sheet, so open the Rowbridge sidebar from this sheet ' +
  '(not a copy) to use it. If the document properties were cleared, ask your Rowbridge administrator ' +
  'to rotate the secret of the spreadsheet: there is no API route for that yet.';

/** `POST /api/v1/spreadsheets/bind` and `GET /api/v1/session`. */
export function spreadsheetHandlers(db: Database): Pick<ApiHandlers, 'bindSpreadsheet' | 'getSession'> {
  return {
    async bindSpreadsheet(c, { body }) {
      const caller = callerOf(c);
      const secret = newSheetSecret();
      const spreadsheet = await db.transaction(async ({ repos }) => {
        const bound = await repos.spreadsheets.bind(caller.tenantId, {
          googleSpreadsheetId: body.spreadsheetId,
          secretHash: hashSheetSecret(secret),
          createdBy: caller.userId,
        });
        // A second bind never replaces the secret: whoever replayed it would take the sheet over.
        if (!bound.created) throw new RowbridgeError('spreadsheet_already_bound', ALREADY_BOUND);
        await repos.audit.append(caller.tenantId, [
          {
            target: 'spreadsheet',
            source: 'user',
            actor: caller.email,
            action: 'spreadsheet.bound',
            explanation: `Connected the spreadsheet ${body.spreadsheetName ? `"${body.spreadsheetName}" ` : ''}(${body.spreadsheetId}) to Rowbridge.`,
          },
        ]);
        return bound.spreadsheet;
      });
      return {
        spreadsheetId: spreadsheet.googleSpreadsheetId,
        secret,
        boundAt: spreadsheet.createdAt.toISOString(),
      };
    },

    getSession(c) {
      const caller = callerOf(c);
      const { id, googleSpreadsheetId } = spreadsheetOf(caller);
      return {
        tenant: { id: caller.tenantId, name: caller.tenantName },
        user: { email: caller.email },
        spreadsheet: { id, googleSpreadsheetId },
      };
    },
  };
}
