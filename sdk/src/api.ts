// A typed client for the booking calls. Every call resolves to a Result: the API's errors, a
// network failure and a response that is not the API's come back as values, never as throws.
import type { ApiError, ApiErrorCode, Booking, BookingRequest, Instant, PlacedBooking, Result, Snapshot } from './types.ts';
import { functionsUrl, query } from './url.ts';

export interface ClientOptions {
  /** The Supabase project URL (`https://<ref>.supabase.co`, `http://127.0.0.1:54321`) or the
   *  functions base (`…/functions/v1`). */
  url: string;
  /** Sent as the `apikey` header: the project's publishable (anon) key, or a venue API key (`thk_…`). */
  apiKey?: string;
  /** Sent as `Authorization: Bearer …` (else the apiKey is): a signed-in user's access token or a
   *  venue API key. A function is called per request, so a refreshed session is picked up. */
  accessToken?: string | (() => string | undefined | Promise<string | undefined>);
  /** Default: globalThis.fetch. */
  fetch?: typeof fetch;
}

/** GET /availability/v1 */
export interface AvailabilityQuery {
  venue_id: string;
  date: string;
  slot?: string;
  party_size?: number;
  start?: Instant;
}

export interface IdempotencyOptions {
  /** Same key + same request replays the first response; generated per call when not given.
   *  Keep it to retry a call whose outcome you did not see. 8–200 of A-Z a-z 0-9 . _ : - */
  idempotencyKey?: string;
}

export interface ConfirmOptions extends IdempotencyOptions {
  /** The guest's manage token from hold (not needed by the signed-in customer or staff). */
  manageToken?: string;
  paymentRef?: string;
}

export interface CancelOptions extends IdempotencyOptions {
  manageToken?: string;
  reason?: string;
}

export interface TableholdClient {
  /** The availability snapshot of a venue's service date. */
  availability(q: AvailabilityQuery): Promise<Result<Snapshot>>;
  /** Hold inventory for the venue's hold TTL; the booking comes back `held` with its manage token. */
  hold(body: BookingRequest, opts?: IdempotencyOptions): Promise<Result<PlacedBooking>>;
  /** Hold and confirm in one step: `confirmed`, or `pending_approval` where a manager must approve. */
  book(body: BookingRequest & { payment_ref?: string }, opts?: IdempotencyOptions): Promise<Result<PlacedBooking>>;
  /** Confirm a hold (re-takes an expired one if its spot is still free, else HOLD_EXPIRED). */
  confirm(bookingId: string, opts?: ConfirmOptions): Promise<Result<Booking>>;
  cancel(bookingId: string, opts?: CancelOptions): Promise<Result<Booking>>;
}

/** An error value turned into a throw, by unwrap. */
export class TableholdError extends Error {
  readonly status: number;
  readonly code: ApiErrorCode;
  readonly details: unknown;
  readonly requestId?: string;

  constructor(error: ApiError) {
    super(error.message);
    this.name = 'TableholdError';
    this.status = error.status;
    this.code = error.code;
    this.details = error.details;
    this.requestId = error.requestId;
  }
}

/** The data, or a TableholdError thrown: for places that want a rejecting promise, such as a
 *  feed's fetchSnapshot (`() => client.availability(q).then(unwrap)`). */
export function unwrap<T>(result: Result<T>): T {
  if (result.ok) return result.data;
  throw new TableholdError(result.error);
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

interface Call {
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
  idempotencyKey?: string;
}

export function createTableholdClient(options: ClientOptions): TableholdClient {
  const base = functionsUrl(options.url);
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => globalThis.fetch(input, init));

  async function call<T>({ method, path, body, idempotencyKey }: Call): Promise<Result<T>> {
    const headers = new Headers({ accept: 'application/json' });
    if (options.apiKey) headers.set('apikey', options.apiKey);
    if (body !== undefined) headers.set('content-type', 'application/json');
    if (idempotencyKey !== undefined) headers.set('idempotency-key', idempotencyKey);

    let res: Response;
    let text: string;
    try {
      const token = typeof options.accessToken === 'function' ? await options.accessToken() : options.accessToken;
      const bearer = token ?? options.apiKey;
      if (bearer) headers.set('authorization', `Bearer ${bearer}`);
      res = await doFetch(`${base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      text = await res.text();
    } catch (err) {
      return {
        ok: false,
        error: { status: 0, code: 'NETWORK', message: 'Could not reach tablehold. Check the connection and try again.', details: { cause: String(err) } },
      };
    }
    const requestId = res.headers.get('x-request-id') ?? undefined;
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch { /* not JSON: handled below */ }

    if (res.ok && isObject(parsed) && 'data' in parsed) return { ok: true, data: parsed.data as T };
    const error = isObject(parsed) ? parsed.error : undefined;
    if (!res.ok && isObject(error) && typeof error.code === 'string') {
      return {
        ok: false,
        error: {
          status: res.status,
          code: error.code as ApiErrorCode,
          message: typeof error.message === 'string' ? error.message : error.code,
          details: error.details ?? null,
          requestId,
        },
      };
    }
    return {
      ok: false,
      error: {
        status: res.status,
        code: 'BAD_RESPONSE',
        message: `The server answered ${res.status} without the API's JSON envelope.`,
        details: { contentType: res.headers.get('content-type'), body: text.slice(0, 500) },
        requestId,
      },
    };
  }

  const id = (bookingId: string) => encodeURIComponent(bookingId);
  const key = (opts?: IdempotencyOptions) => opts?.idempotencyKey ?? crypto.randomUUID();

  return {
    availability: (q) =>
      call({
        method: 'GET',
        path: `/availability/v1?${query({ venue_id: q.venue_id, date: q.date, slot: q.slot, party_size: q.party_size, start: q.start })}`,
      }),
    hold: (body, opts) => call({ method: 'POST', path: '/hold/v1', body, idempotencyKey: key(opts) }),
    book: (body, opts) => call({ method: 'POST', path: '/book/v1', body, idempotencyKey: key(opts) }),
    confirm: (bookingId, opts) =>
      call({
        method: 'POST',
        path: `/hold/v1/${id(bookingId)}/confirm`,
        body: { manage_token: opts?.manageToken, payment_ref: opts?.paymentRef },
        idempotencyKey: key(opts),
      }),
    cancel: (bookingId, opts) =>
      call({
        method: 'POST',
        path: `/cancel/v1/${id(bookingId)}`,
        body: { manage_token: opts?.manageToken, reason: opts?.reason },
        idempotencyKey: key(opts),
      }),
  };
}
