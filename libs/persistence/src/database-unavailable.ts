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
