/**
 * Headers the add-on sends with every call to the companion, besides `Authorization: Bearer <identity
 * token>`: which spreadsheet it runs in and that spreadsheet's binding secret.
 */
export const SPREADSHEET_HEADER = 'X-Rowbridge-Spreadsheet-Id';
export const SHEET_SECRET_HEADER = 'X-Rowbridge-Sheet-Secret';
