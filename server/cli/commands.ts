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
    summary: 'Start the companion service (settings from PORT and HOST)',
    usage: [
      'Usage: rowbridge serve',
      '',
      'Starts the companion service and runs until stopped (Ctrl+C or SIGTERM).',
      '',
      'Environment:',
      '  PORT  port to listen on (default 8787; 0 picks a free port)',
      '  HOST  address to bind (default 0.0.0.0; 127.0.0.1 keeps it on this machine)',
    ].join('\n'),
    run: async (args) => (await import('./serve.ts')).serve(args),
  },

  // ── dedup ─────────────────────────────────────────────────────────────────────────────────────────
  // Registered here with the shared/dedup work: `rowbridge dedup <file.csv> [--json] [--region US]`.
  // dedup: {
  //   summary: 'Find duplicate rows in a CSV export',
  //   usage: 'Usage: rowbridge dedup <file.csv> [--json] [--region US]',
  //   run: async (args) => (await import('./dedup.ts')).dedup(args),
  // },
};
