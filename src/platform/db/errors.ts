/** Recognising database errors the same way on postgres.js and PGlite (Drizzle may wrap them). */
interface PgErrorLike {
  code?: string;
  constraint?: string;
  constraint_name?: string;
  cause?: unknown;
}

function findPgError(err: unknown): PgErrorLike | null {
  for (let e = err as PgErrorLike | undefined, depth = 0; e && depth < 5; e = e.cause as PgErrorLike | undefined, depth++) {
    if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) return e;
  }
  return null;
}

/** The violated unique constraint's name, or null if `err` is not a unique violation. */
export function uniqueViolation(err: unknown): string | null {
  const pg = findPgError(err);
  if (pg?.code !== '23505') return null;
  return pg.constraint_name ?? pg.constraint ?? '';
}
