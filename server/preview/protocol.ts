/** Messages between the companion and the add-on's worker thread (server/preview/worker.ts). */

/** What the worker's Apps Script keeps between runs, saved in the data folder across restarts. */
export interface ScriptState {
  readonly documentProperties: Record<string, string>;
  readonly userProperties: Record<string, string>;
  readonly triggers: readonly {
    readonly id: string;
    readonly handler: string;
    readonly eventType: 'ON_EDIT' | 'ON_CHANGE' | 'ON_OPEN' | 'CLOCK';
    readonly sourceId: string | null;
  }[];
}

export interface WorkerInit {
  /** The built add-on for this companion: Code.js, appsscript.json and the pages. */
  readonly addonDir: string;
  /** The functions Code.js declares; google.script.run may call only these. */
  readonly entryPoints: readonly string[];
  readonly companionUrl: string;
  /** The manifest's urlFetchWhitelist. */
  readonly allowlist: readonly string[];
  readonly spreadsheet: { readonly id: string; readonly name: string };
  readonly user: string;
  readonly saved: ScriptState;
}

export type Cell = string | number | boolean;

/** One execution: a function called by name, or the onEdit triggers for a user's edit. */
export interface RunRequest {
  readonly id: number;
  readonly fn: string;
  readonly args: readonly unknown[];
  /** The sandbox spreadsheet's tabs as they are now, by title. */
  readonly tabs: Readonly<Record<string, readonly (readonly Cell[])[]>>;
  /** A fresh identity token for `ScriptApp.getIdentityToken()`. */
  readonly token: string;
  readonly edit?: { readonly a1: string; readonly value?: Cell; readonly oldValue?: Cell };
}

export interface CellChange {
  readonly tab: string;
  /** 1-based, as Apps Script counts. */
  readonly row: number;
  readonly column: number;
  readonly value: Cell;
}

/** A page the run showed (`showSidebar`, `showModalDialog`). */
export interface ShownPage {
  readonly kind: 'sidebar' | 'dialog';
  readonly html: string;
  readonly title: string;
  readonly width: number;
  readonly height: number;
}

export interface RunAnswer {
  readonly id: number;
  readonly outcome: { ok: true; value: unknown } | { ok: false; message: string };
  readonly changes: readonly CellChange[];
  readonly shown: readonly ShownPage[];
  readonly saved: ScriptState;
}
