import { parseArgs } from 'node:util';
import { isRowbridgeError, RowbridgeError } from '../../shared/errors.ts';
import { packageVersion } from '../version.ts';
import { type Command, commands } from './commands.ts';

/** Exit codes: 0 success, 1 an expected failure (bad file, busy port), 2 a usage mistake. */
const EXIT_FAILURE = 1;
const EXIT_USAGE = 2;

/**
 * The `rowbridge` CLI: `rowbridge [--help | --version] <command> [args]`. Resolves with the exit code and
 * never throws; expected errors print one `rowbridge: ...` line, without a stack trace.
 */
export async function runCli(args: readonly string[]): Promise<number> {
  // Options before the command are global; everything after it belongs to the command's own parser.
  const commandAt = args.findIndex((arg) => !arg.startsWith('-'));
  const name = commandAt === -1 ? undefined : args[commandAt];
  const command = name === undefined ? undefined : commands[name];
  try {
    const { values } = parseArgs({
      args: commandAt === -1 ? [...args] : args.slice(0, commandAt),
      options: { help: { type: 'boolean', short: 'h' }, version: { type: 'boolean', short: 'v' } },
      strict: true,
    });
    if (values.version) {
      console.log(packageVersion());
      return 0;
    }
    if (values.help || name === undefined) {
      console.log(usage());
      return 0;
    }
    if (!command) throw new RowbridgeError('cli_usage', `unknown command "${name}".`);
    const rest = args.slice(commandAt + 1);
    if (wantsHelp(rest)) {
      console.log(command.usage);
      return 0;
    }
    return await command.run(rest);
  } catch (error) {
    return report(error, command ? `rowbridge ${name} --help` : 'rowbridge --help');
  }
}

function report(error: unknown, helpCommand: string): number {
  if (isUsageError(error)) {
    console.error(`rowbridge: ${sentence(error.message)} Run "${helpCommand}".`);
    return EXIT_USAGE;
  }
  if (isRowbridgeError(error)) {
    console.error(`rowbridge: ${sentence(error.message)}`);
    if (error.problems.length > 1)
      for (const problem of error.problems) console.error(`  - ${problem.message}`);
    return EXIT_FAILURE;
  }
  // A bug, not a user mistake: the stack is what a bug report needs.
  console.error('rowbridge: unexpected error; please report it with the output below.');
  console.error(error);
  return EXIT_FAILURE;
}

function isUsageError(error: unknown): error is Error {
  if (isRowbridgeError(error)) return error.code === 'cli_usage';
  // node:util parseArgs throws TypeErrors coded ERR_PARSE_ARGS_* for unknown options and missing values.
  const code = (error as { code?: unknown } | null)?.code;
  return error instanceof Error && typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_');
}

/** `-h`/`--help` anywhere before a `--` asks for the command's usage instead of running it. */
function wantsHelp(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).some((arg) => arg === '--help' || arg === '-h');
}

function sentence(message: string): string {
  return /[.!?]$/.test(message) ? message : `${message}.`;
}

function usage(): string {
  const entries = Object.entries(commands) as [string, Command][];
  const width = Math.max(...entries.map(([name]) => name.length));
  return [
    'Usage: rowbridge <command> [options]',
    '',
    'Commands:',
    ...entries.map(([name, command]) => `  ${name.padEnd(width)}  ${command.summary}`),
    '',
    'Options:',
    '  -h, --help     Show this help',
    '  -v, --version  Print the version',
    '',
    'Run "rowbridge <command> --help" for a command\'s options.',
  ].join('\n');
}
