// One error type for the whole API, and the single place that turns any failure into a response.
import { errorCodes } from './error-codes.ts';

export interface ErrorDetail {
  path?: string;
  problem: string;
  [key: string]: unknown;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] | Record<string, unknown> = [],
  ) {
    super(message);
  }
}

export const validationFailed = (details: ErrorDetail[], message = 'The request is not valid.') =>
  new ApiError(400, 'VALIDATION_FAILED', message, details);

export const unauthorized = (message = 'Sign in again: your credentials are missing, invalid or expired.') =>
  new ApiError(401, 'UNAUTHORIZED', message);

/** A PostgreSQL error as postgres.js reports it. */
interface PgError {
  code?: string;
  message?: string;
  detail?: string;
  hint?: string;
}

const isPgError = (e: unknown): e is PgError =>
  typeof e === 'object' && e !== null && typeof (e as PgError).code === 'string';

/** Retryable: a serialization failure or a deadlock; the whole transaction runs again. */
export const isRetryable = (e: unknown) => isPgError(e) && (e.code === '40001' || e.code === '40P01');

/** Translate a database error into an ApiError: the engine's TH codes by the registry, a few
 *  input errors PostgreSQL itself raises into 400s, anything else stays unknown (a 500). */
export function fromDatabase(e: unknown): ApiError | undefined {
  if (!isPgError(e)) return undefined;
  const registered = e.hint ? errorCodes[e.hint] : undefined;
  if (registered && e.code === registered.sqlstate) {
    let details: Record<string, unknown> = {};
    try {
      details = JSON.parse(e.detail ?? '{}');
    } catch { /* the engine always sends JSON; keep {} if not */ }
    delete details.code;
    return new ApiError(registered.http, e.hint!, e.message ?? registered.message, details);
  }
  if (e.code === '42501') return new ApiError(403, 'FORBIDDEN', errorCodes.FORBIDDEN.message);
  // invalid text representation, datetime overflow/format, numeric out of range, invalid parameter value
  // invalid text / datetime / numeric values, NUL bytes (22021, 22P05)
  if (['22P02', '22008', '22007', '22003', '22023', '22004', '22001', '22021', '22P05'].includes(e.code!)) {
    return validationFailed([{ problem: e.message ?? 'invalid value' }]);
  }
  return undefined;
}
