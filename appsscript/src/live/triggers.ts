/**
 * The global function the installable edit trigger calls (see `main.ts`). Not `onEdit`: that name is also
 * a simple trigger, which would run a second time, without authorisation, on every edit.
 */
export const EDIT_HANDLER = 'onSheetEdit';

function editTriggers(): GoogleAppsScript.Script.Trigger[] {
  return ScriptApp.getUserTriggers(SpreadsheetApp.getActive()).filter(
    (trigger) => trigger.getHandlerFunction() === EDIT_HANDLER,
  );
}

/** Whether the person's edit trigger is installed on this spreadsheet. */
export function liveSyncEnabled(): boolean {
  return editTriggers().length > 0;
}

/**
 * Turns sending edits as they happen on or off for the person: an installable onEdit trigger on this
 * spreadsheet (it runs as the person who installed it, with their authorisation, and fires for everyone's
 * edits). A time-driven flush is deliberately not installed: in an add-on it could run at most hourly
 * and, without an open document, could not reach the sheet under the `spreadsheets.currentonly` scope.
 * https://developers.google.com/apps-script/guides/triggers/installable
 */
export function setLiveSync(on: boolean): { liveSync: boolean } {
  const existing = editTriggers();
  if (on && existing.length === 0) {
    ScriptApp.newTrigger(EDIT_HANDLER).forSpreadsheet(SpreadsheetApp.getActive()).onEdit().create();
  }
  if (!on) for (const trigger of existing) ScriptApp.deleteTrigger(trigger);
  return { liveSync: on };
}
