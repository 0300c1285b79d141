/** The built pages in `dist/` (one single-file HTML each, see tools/build.ts). */
export const PAGES = { sidebar: 'sidebar', conflicts: 'conflicts' } as const;

/** The add-on menu: caption → the global function it runs. */
export const MENU_ITEMS: readonly (readonly [caption: string, handler: string])[] = [
  ['Open Rowbridge', 'showSidebar'],
  ['Review conflicts', 'showConflicts'],
  ['Send waiting edits now', 'flushEdits'],
];

/**
 * Adds the Extensions → Rowbridge menu. Runs as a simple trigger, and in `AuthMode.NONE` before the add-on
 * is enabled in the document, when no service needing authorisation may be touched: so it only builds
 * the menu. https://developers.google.com/workspace/add-ons/concepts/editor-auth-lifecycle
 */
export function buildMenu(): void {
  const menu = SpreadsheetApp.getUi().createAddonMenu();
  for (const [caption, handler] of MENU_ITEMS) menu.addItem(caption, handler);
  menu.addToUi();
}

/** Opens the 300 px sidebar. */
export function openSidebar(): void {
  const page = HtmlService.createHtmlOutputFromFile(PAGES.sidebar).setTitle('Rowbridge');
  SpreadsheetApp.getUi().showSidebar(page);
}

/** Opens the conflict review as a wide modal dialog (a sidebar is too narrow for side-by-side values). */
export function openConflictDialog(): void {
  const page = HtmlService.createHtmlOutputFromFile(PAGES.conflicts).setWidth(1040).setHeight(640);
  SpreadsheetApp.getUi().showModalDialog(page, 'Rowbridge: review conflicts');
}
