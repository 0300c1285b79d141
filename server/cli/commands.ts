/**
 * One CLI command. `run` gets the arguments after the command name and resolves with the exit code.
 * Throw a `RowbridgeError` for expected failures (exit 1, message only) and a `cli_usage` one, or let
 * `node:util` `parseArgs` throw, for bad arguments (exit 2 with a pointer to `--help`).
 */
export interface Command {
  /** One line for `rowbridge --help`. */
  readonly summary: string;
  /** Full text for `rowbridge <name> --help`. */
  readonly usage: string;
  run(args: string[]): Promise<number>;
}

/**
 * Every command, by name; adding a command is adding an entry. Each one imports its implementation
 * lazily so `rowbridge --version` does not load the HTTP server or the normalisers.
 */
export const commands: Readonly<Record<string, Command>> = {
  serve: {
    summary: 'Start the companion service (same as npm start; settings from environment variables)',
    usage: [
      'Usage: rowbridge serve',
      '',
      'Starts the companion service and runs until stopped (Ctrl+C or SIGTERM): in-flight requests and',
      'jobs finish first. With no credentials set it runs in sandbox mode on the embedded database.',
      '',
      'Environment (all optional in sandbox mode; the README lists every variable):',
      '  PORT                      port to listen on (default 8787; 0 picks a free port)',
      '  HOST                      address to bind (default 0.0.0.0)',
      '  ROWBRIDGE_DATA_DIR        data folder for the embedded database and sandbox keys (default ./.rowbridge)',
      '  DATABASE_URL              PostgreSQL instead of the embedded database',
      '  ROWBRIDGE_ENCRYPTION_KEY  key for stored CRM credentials (required in production)',
      "  GOOGLE_ADDON_CLIENT_ID    the add-on's OAuth client id (required in production)",
      '  ROWBRIDGE_PUBLIC_URL      public base URL for OAuth redirects and webhooks (required in production)',
      '  LOG_LEVEL                 fatal, error, warn, info (default), debug, trace or silent',
    ].join('\n'),
    run: async (args) => (await import('./serve.ts')).serve(args),
  },
  migrate: {
    summary: 'Apply pending database migrations and exit (the companion also migrates at start)',
    usage: [
      'Usage: rowbridge migrate',
      '',
      'Applies pending migrations to PostgreSQL (DATABASE_URL) or the embedded database in',
      'ROWBRIDGE_DATA_DIR (default ./.rowbridge), then exits. Safe to run while other instances start:',
      'on PostgreSQL an advisory lock makes concurrent runs wait for each other.',
    ].join('\n'),
    run: async (args) => (await import('./migrate.ts')).migrateCommand(args),
  },
  reencrypt: {
    summary: 'Re-seal stored CRM credentials with the current encryption key (key rotation, step 2)',
    usage: [
      'Usage: rowbridge reencrypt',
      '',
      'After prepending a new key to ROWBRIDGE_ENCRYPTION_KEY ("new:<key>,old:<key>") and restarting,',
      're-seals every stored CRM credential with the new key. When it reports none left on the old key,',
      'remove the old entry. Exit code 1 lists credentials no configured key can open.',
    ].join('\n'),
    run: async (args) => (await import('./reencrypt.ts')).reencryptCommand(args),
  },
  dedup: {
    summary: 'Find rows of a CSV sheet export that are the same person or company',
    usage: [
      'Usage: rowbridge dedup <file.csv> [--json] [--region US]',
      '',
      'Reads a sheet exported as CSV (first row is the header; columns are recognised by name) and lists',
      'every pair of rows that are the same person, with the rule that linked them:',
      '  tier 1 email, tier 2 phone, tier 3 company + name (a typo apart), tier 4 same company domain.',
      '',
      'Options:',
      '  --json         print one JSON object: {"pairs":[{"a":2,"b":7,"tier":1,"rule":"email","confidence":"highest"}]}',
      '                 (a and b are sheet row numbers: the header is row 1)',
      '  --region CODE  country for phone numbers without a country code when a row has no country (default US)',
    ].join('\n'),
    run: async (args) => (await import('./dedup.ts')).dedup(args),
  },
  export: {
    summary: 'Push the rows of a CSV sheet export to a CRM (deduplicated, batched, safe to run again)',
    usage: [
      'Usage: rowbridge export <file.csv> --crm hubspot|salesforce [--object NAME] [--dry-run] [--json]',
      '',
      'Creates or updates one CRM record per row (HubSpot contacts, Salesforce Leads unless --object).',
      'Rows already exported are found by their Rowbridge ID; new rows are checked for duplicates first',
      '(email, phone, company + name): one match is updated, several are reported for review. Each',
      'row\'s Rowbridge ID is written back into the file (a "Rowbridge ID" column), so running the',
      'export again updates instead of creating. --region CODE reads phone numbers without a country.',
      '',
      'With no credentials it uses the sandbox CRMs in ROWBRIDGE_DATA_DIR (default ./.rowbridge);',
      'HUBSPOT_ACCESS_TOKEN=<private app token> exports to a real HubSpot account, and',
      'SALESFORCE_ACCESS_TOKEN with SALESFORCE_INSTANCE_URL to a real Salesforce org.',
      '',
      'Options:',
      '  --crm CRM      the CRM to export to (hubspot, salesforce)',
      '  --object NAME  the object to write (HubSpot contacts; Salesforce Lead or Contact)',
      '  --dry-run      look everything up and report what would happen; write nothing',
      '  --json         print one JSON object: {"created":N,"updated":N,"unchanged":N,"failed":N,',
      '                 "ambiguous":N,"apiCalls":{"total":N,"byEndpoint":{...}},...}',
      '  --region CODE  country for phone numbers without a country code (default US)',
      '',
      'Exit code 1 when any row failed (the report says why, by sheet row number).',
    ].join('\n'),
    run: async (args) => (await import('./export.ts')).exportCommand(args),
  },
  import: {
    summary: "Read a CRM's contacts into a CSV file (read-only for the CRM)",
    usage: [
      'Usage: rowbridge import --crm hubspot|salesforce --out <file.csv> [--object NAME] [--where P=V]... [--since DATE] [--list ID] [--json]',
      '',
      'Writes one row per contact, with a column per mapped field and a "Rowbridge ID" column. Large',
      "imports page by modification date, past the search API's 10,000-result limit.",
      '',
      'Options:',
      '  --crm CRM             the CRM to import from (hubspot, salesforce)',
      '  --object NAME         the object to read (HubSpot contacts; Salesforce Lead or Contact)',
      '  --out FILE            where to write the CSV (replaced if it exists)',
      '  --where PROP=VALUE    only records whose property has this value; repeat for more filters',
      '  --since DATE          only records changed since this ISO 8601 date',
      "  --list ID             only the members of this HubSpot list (its id, from the list's URL)",
      '  --json                print one JSON object: {"imported":N,"newRowIds":N,"apiCalls":{...}}',
      '  --region CODE         country for phone numbers without a country code (default US)',
    ].join('\n'),
    run: async (args) => (await import('./import.ts')).importCommand(args),
  },
};
