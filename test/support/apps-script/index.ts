// The in-memory Apps Script lives in server/preview/apps-script, where the preview page runs the add-on on it.
export * from '../../../server/preview/apps-script/index.ts';
