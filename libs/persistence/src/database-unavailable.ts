/**
 * Socket errors, and PostgreSQL's SQLSTATEs for a server shutting down or starting up (57P01
 * admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now) and for lost connections (08xxx).
 */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND',
  '57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006',
]);
/** What node-postgres says, without a code, of a connection lost under a query or a pool wait cut short. */
const UNAVAILABLE_MESSAGE = /Connection terminated|connection ended unexpectedly|Client has encountered a connection error|timeout exceeded when trying to connect/i;

/**
 * Whether `e` means PostgreSQL could not be reached (down, restarting, connection lost), as
 * opposed to a query that failed on its own: the first is worth a 503 and a retry, the second is a
 * bug. Looks through TypeORM's `driverError` and `cause` chains; Kafka client errors never count.
 */
export function isDatabaseUnavailable(e: unknown): boolean {
  const seen = new Set<unknown>();
  const walk = (x: unknown): boolean => {
    if (!x || typeof x !== 'object' || seen.has(x)) return false;
    seen.add(x);
    const err = x as { name?: string; code?: unknown; message?: unknown; driverError?: unknown; cause?: unknown; errors?: unknown };
    if (typeof err.name === 'string' && err.name.startsWith('KafkaJS')) return false;
    if (typeof err.code === 'string' && UNAVAILABLE_CODES.has(err.code)) return true;
    if (typeof err.message === 'string' && UNAVAILABLE_MESSAGE.test(err.message)) return true;
    return walk(err.driverError) || walk(err.cause) || (Array.isArray(err.errors) && err.errors.some(walk));
  };
  return walk(e);
}

/**
 * SQLSTATE classes of a statement the database refuses for what it was given, whatever the moment:
 * 22 data exception (bad JSON text, a date out of range), 23 integrity constraint violation, 42
 * syntax error or access rule, 54 program limit exceeded (a value too large). Retrying such a
 * statement fails the same way forever.
 */
const DETERMINISTIC_CLASSES = new Set(['22', '23', '42', '54']);

/** PostgreSQL's unique_violation. */
export const UNIQUE_VIOLATION = '23505';

/** The SQLSTATE of a PostgreSQL error, looking through TypeORM's `driverError` and `cause`. */
export function sqlStateOf(e: unknown): string | undefined {
  const seen = new Set<unknown>();
  for (let x = e as { code?: unknown; driverError?: unknown; cause?: unknown } | undefined; x && typeof x === 'object' && !seen.has(x); ) {
    seen.add(x);
    if (typeof x.code === 'string' && /^[0-9A-Z]{5}$/.test(x.code)) return x.code;
    x = (x.driverError ?? x.cause) as typeof x;
  }
  return undefined;
}

/**
 * Whether a failed batch failed because of what it holds, so the same messages would fail again
 * however often they are retried: PostgreSQL refused them ({@link DETERMINISTIC_CLASSES}), or the
 * code threw a `TypeError`/`RangeError` on them. Everything else (connection lost, serialization
 * failure 40001, deadlock 40P01, a server restarting, the log unavailable) is transient: retried
 * with backoff, never dead-lettered.
 */
export function isDeterministicFailure(e: unknown): boolean {
  if (isDatabaseUnavailable(e)) return false;
  const state = sqlStateOf(e);
  if (state !== undefined) return DETERMINISTIC_CLASSES.has(state.slice(0, 2));
  return e instanceof TypeError || e instanceof RangeError;
}
