// GENERATED from supabase/errors.json by npm run generate (scripts/generate-errors.mjs): do not edit.

/** The domain error codes of docs/errors.md (the engine's registry, `tablehold.error_codes`). */
export type ErrorCode =
  | 'SECTION_NOT_AVAILABLE'
  | 'TABLE_NOT_AVAILABLE'
  | 'HOLD_EXPIRED'
  | 'INVALID_PARTY_SIZE'
  | 'OUTSIDE_OPENING_HOURS'
  | 'OUTSIDE_BOOKING_WINDOW'
  | 'UNDERAGE'
  | 'PACING_LIMIT_REACHED'
  | 'INVALID_TRANSITION'
  | 'NOT_FOUND'
  | 'FORBIDDEN'
  | 'IDEMPOTENCY_CONFLICT'
  | 'INVALID_REQUEST'
  | 'DATE_OF_BIRTH_REQUIRED'
  | 'CLIENT_EMAIL_TAKEN'
  | 'NO_TABLE_AVAILABLE'
  | 'DIRECT_EDIT_REFUSED'
  | 'HOLD_LIMIT_REACHED';

/** Codes the HTTP layer itself answers with (docs/errors.md, "Codes of the HTTP layer"). */
export type HttpErrorCode =
  | 'VALIDATION_FAILED'
  | 'UNAUTHORIZED'
  | 'ROUTE_NOT_FOUND'
  | 'UNSUPPORTED_API_VERSION'
  | 'FUNCTION_NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'RATE_LIMITED'
  | 'TOO_MANY_STREAMS'
  | 'STREAM_CAPACITY_REACHED'
  | 'INTERNAL';
