/**
 * Turns a parameterised statement into one plain SQL text, for the one-message read path of the
 * PostgreSQL adapter (a simple-protocol message has no parameters). Deliberately narrow: it returns
 * null, and the caller binds parameters as usual, unless the statement and every value are of a shape
 * that cannot change the statement's meaning. No escaping happens here, so there is none to get wrong:
 *
 * - the statement holds no quote, backslash, semicolon or `$` other than its `$n` placeholders (what
 *   Drizzle's query builders produce), so a placeholder can never sit inside a literal or a comment
 *   of the text, and the text is a single statement;
 * - each value is null, a boolean, a finite number, a bigint, a Date, or a string made only of
 *   letters, digits and `-_.:+@ ` (uuids, enum values, ISO timestamps, plain names). Anything else
 *   (quotes, backslashes, other characters, arrays, buffers, objects) declines.
 *
 * Values become untyped string literals (`'21'`), which PostgreSQL types from their context exactly as
 * it types an untyped bound parameter; booleans, bigints and dates carry the type postgres.js would
 * have sent for them.
 */
const SAFE_TEXT = /^[A-Za-z0-9\-_.:+@ ]*$/;
const PLACEHOLDER = /\$(\d+)/g;
const UNSAFE_IN_STATEMENT = /['\\;$]/;

export function inlineParams(statement: string, params: readonly unknown[]): string | null {
  if (UNSAFE_IN_STATEMENT.test(statement.replace(PLACEHOLDER, ''))) return null;
  const literals: string[] = [];
  for (const value of params) {
    const literal = toLiteral(value);
    if (literal === null) return null;
    literals.push(literal);
  }
  let ok = true;
  const text = statement.replace(PLACEHOLDER, (_, n: string) => {
    const literal = literals[Number(n) - 1];
    if (literal === undefined) ok = false;
    return literal ?? '';
  });
  return ok ? text : null;
}

function toLiteral(value: unknown): string | null {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return Number.isFinite(value) ? `'${String(value)}'` : null;
  if (typeof value === 'bigint') return `'${value.toString()}'::int8`;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : `'${value.toISOString()}'::timestamptz`;
  if (typeof value === 'string') return SAFE_TEXT.test(value) ? `'${value}'` : null;
  return null;
}
