/**
 * The add-on's global entry points, and nothing else: Apps Script calls triggers, menu items and
 * google.script.run by global function name, so the build (tools/build.ts) adds one top-level stub per
 * export of this file. Each entry only delegates; the work lives in the modules it names.
 */
import { flushPendingEdits, recordEdit } from './live/edits.ts';
import { setLiveSync as switchLiveSync } from './live/triggers.ts';
import { buildMenu, openConflictDialog, openSidebar } from './menu.ts';
import * as conflicts from './sync/conflicts.ts';
import * as connections from './sync/connections.ts';
import * as exports from './sync/export.ts';
import * as imports from './sync/import.ts';
import { sidebarStatus } from './sync/status.ts';
import * as tables from './sync/tables.ts';

// Triggers and menu.

/** Simple trigger: builds the add-on menu. */
export function onOpen(_e?: GoogleAppsScript.Events.SheetsOnOpen): void {
  buildMenu();
}

/** Runs when a user installs the add-on from inside a spreadsheet. */
export function onInstall(_e?: GoogleAppsScript.Events.AddonOnInstall): void {
  buildMenu();
}

/** Installable onEdit trigger (see live/triggers.ts): records and pushes edited rows. */
export function onSheetEdit(e: GoogleAppsScript.Events.SheetsOnEdit): void {
  recordEdit(e);
}

export function showSidebar(): void {
  openSidebar();
}

export function showConflicts(): void {
  openConflictDialog();
}

// Called by the sidebar and the conflict dialog through google.script.run.

export function getStatus() {
  return sidebarStatus();
}

export function connectCrm(crm: string) {
  return connections.connectCrm(crm);
}

export function connectWithToken(crm: string, token: string) {
  return connections.connectWithToken(crm, token);
}

export function disconnectCrm(connectionId: string) {
  return connections.disconnectCrm(connectionId);
}

export function draftMapping(connectionId: string, object: string | null) {
  return tables.draftMapping(connectionId, object ?? undefined);
}

export function saveTable(input: tables.SaveTableInput) {
  return tables.saveTable(input);
}

export function startExport(request: exports.ExportRequest) {
  return exports.startExport(request);
}

export function exportProgress(jobIds: string[], sheetId: number | null) {
  return exports.exportProgress(jobIds, sheetId);
}

export function startImport(request: imports.ImportRequest) {
  return imports.startImport(request);
}

export function importProgress(jobId: string, sheetId: number | null) {
  return imports.importProgress(jobId, sheetId);
}

export function conflictReview() {
  return conflicts.conflictReview();
}

export function resolveConflicts(choices: conflicts.ConflictChoice[]) {
  return conflicts.resolveConflicts(choices);
}

/** The sidebar's conflicts badge opens the review dialog. */
export function openConflicts(): void {
  openConflictDialog();
}

export function setLiveSync(on: boolean) {
  return switchLiveSync(on);
}

/** Also the menu's "Send waiting edits now". */
export function flushEdits() {
  return flushPendingEdits();
}
