/**
 * A fake's methods checked against Apps Script's types: `Mirrors<GoogleAppsScript.X, 'a' | 'b'>` holds
 * when the fake has methods `a` and `b` accepting the parameters `@types/google-apps-script` declares
 * (its last overload). Return types are the fakes' own and are not compared.
 */
export type Mirrors<T, K extends keyof T> = {
  [P in K]: T[P] extends (...args: infer A) => unknown ? (...args: A) => unknown : never;
};
