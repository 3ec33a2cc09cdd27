/**
 * Terminal output for the operator CLI: colours only on a terminal (and never with NO_COLOR), tables,
 * JSON on stdout alone, and `fail()` for errors that end the command with a chosen exit code.
 */
import Table from 'cli-table3';
import pc from 'picocolors';

/** Exit codes: 0 success; 1 the operation failed or a check is not OK; 2 a usage error (bad argument or option). */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** An error meant for the operator: printed as `error: <message>` (no stack), then the process exits with `exitCode`. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT_FAILURE,
    /** Extra lines printed after the message, such as the command to run instead. */
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export function fail(message: string, exitCode: number = EXIT_FAILURE, hint?: string): never {
  throw new CliError(message, exitCode, hint);
}

function colorsWanted(stream: NodeJS.WriteStream): boolean {
  const env = process.env;
  if ('NO_COLOR' in env || env.TERM === 'dumb') return false;
  if ('FORCE_COLOR' in env) return env.FORCE_COLOR !== '0';
  return stream.isTTY === true;
}

/** Colours for what goes to stdout and to stderr: each follows its own stream (piping stdout keeps stderr coloured). */
export const color = {
  out: pc.createColors(colorsWanted(process.stdout)),
  err: pc.createColors(colorsWanted(process.stderr)),
};

export function print(line = ''): void {
  process.stdout.write(`${line}\n`);
}

export function printSuccess(message: string): void {
  print(`${color.out.green('✔')} ${message}`);
}

export function printWarning(message: string): void {
  process.stderr.write(`${color.err.yellow('!')} ${message}\n`);
}

/** Aligned `label  value` lines, indented under a heading. */
export function printFields(fields: [label: string, value: string][]): void {
  const width = Math.max(...fields.map(([label]) => label.length));
  for (const [label, value] of fields) print(`  ${color.out.dim(label.padEnd(width))}  ${value}`);
}

/** The reminder printed under a one-time secret (a generated password). */
export function printShownOnce(): void {
  print(color.out.yellow('  This password is shown only now: store it in a password manager.'));
}

/** A one-time secret as a field value: highlighted so it stands out in the block. */
export function secret(value: string): string {
  return color.out.bold(value);
}

export type Cell = string | number | boolean | null | undefined;

export function printTable(head: string[], rows: Cell[][], empty = 'Nothing to show.'): void {
  if (rows.length === 0) {
    print(color.out.dim(empty));
    return;
  }
  const table = new Table({
    head: head.map((h) => color.out.bold(h)),
    // cli-table3 colours headers and borders itself unless told not to; we colour (or not) above.
    style: { head: [], border: [] },
    // No rule between body rows: compact, and easier to scan.
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  });
  for (const row of rows) table.push(row.map((cell) => (cell === null || cell === undefined ? '' : String(cell))));
  print(table.toString());
}

/** JSON only, on stdout: safe to pipe into `jq`. Dates become ISO strings. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** `YYYY-MM-DD` in UTC, for table columns. */
export function formatDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export function yesNo(value: boolean): string {
  return value ? color.out.green('yes') : 'no';
}

/** The `Examples:` block shown after a command's `--help`. */
export function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;
}

/** The most telling message: database drivers' errors arrive wrapped ("Failed query: ..."), and the cause says what went wrong. */
export function errorMessage(err: unknown): string {
  let e = err;
  while (e instanceof Error && e.cause instanceof Error) e = e.cause;
  return e instanceof Error ? e.message : String(e);
}
