// The API client never throws: successes, the API's errors, network failures and responses that
// are not the API's all come back as Result values. With a fetch stub that records each request.
import { describe, expect, it } from 'vitest';
import { createTableholdClient, TableholdError, unwrap } from '../../sdk/src/index.ts';
import { snapshot, STANDING, VENUE } from './fixtures.ts';

const BASE = 'http://127.0.0.1:54321';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const BOOKING_ID = crypto.randomUUID();
const TOKEN = 'a'.repeat(48);

interface Sent {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: unknown;
}

/** A fetch that answers with `answer` (a Response, or an Error to throw) and records each request. */
function stubFetch(answer: () => Response | Error) {
  const sent: Sent[] = [];
  const fetch = (input: RequestInfo | URL, init?: RequestInit) => {
    sent.push({
      url: String(input),
      method: init?.method ?? 'GET',
      headers: Object.fromEntries(new Headers(init?.headers).entries()),
      body: init?.body === undefined ? undefined : JSON.parse(String(init.body)),
    });
    const response = answer();
    return response instanceof Error ? Promise.reject(response) : Promise.resolve(response);
  };
  return { fetch: fetch as typeof globalThis.fetch, sent };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers } });

const booking = { id: BOOKING_ID, reference: 'BR-261204-7KQ2XD', status: 'held', manage_token: TOKEN };
const request = { venue_id: VENUE, party_size: 4, date: '2026-12-04', slot: 'early', unit_ids: [STANDING] };

describe('the API client returns errors as values', () => {
  it('reads a snapshot: GET with the key as apikey and bearer, no idempotency key, data unwrapped', async () => {
    const stub = stubFetch(() => json(200, { data: snapshot(5) }, { etag: '"5"' }));
    const client = createTableholdClient({ url: BASE, apiKey: 'sb_publishable_abc', fetch: stub.fetch });
    const result = await client.availability({ venue_id: VENUE, date: '2026-12-04', party_size: 4 });
    expect(result).toEqual({ ok: true, data: snapshot(5) });
    expect(stub.sent).toEqual([{
      url: `${BASE}/functions/v1/availability/v1?venue_id=${VENUE}&date=2026-12-04&party_size=4`,
      method: 'GET',
      headers: { accept: 'application/json', apikey: 'sb_publishable_abc', authorization: 'Bearer sb_publishable_abc' },
      body: undefined,
    }]);
  });

  it('takes the functions base as the url too', async () => {
    const stub = stubFetch(() => json(200, { data: snapshot(5) }));
    const client = createTableholdClient({ url: `${BASE}/functions/v1/`, fetch: stub.fetch });
    await client.availability({ venue_id: VENUE, date: '2026-12-04', slot: 'early' });
    expect(stub.sent[0].url).toBe(`${BASE}/functions/v1/availability/v1?venue_id=${VENUE}&date=2026-12-04&slot=early`);
    expect(stub.sent[0].headers.authorization).toBeUndefined(); // no credentials: anonymous
  });

  it('holds with a fresh idempotency key per call, or the one given', async () => {
    const stub = stubFetch(() => json(201, { data: booking }));
    const client = createTableholdClient({ url: BASE, apiKey: 'sb_publishable_abc', accessToken: 'user.jwt.token', fetch: stub.fetch });
    expect(await client.hold(request)).toEqual({ ok: true, data: booking });
    await client.hold(request);
    await client.book({ ...request, payment_ref: 'pi_123' }, { idempotencyKey: 'checkout-42-attempt' });
    const [first, second, third] = stub.sent;
    expect(first.url).toBe(`${BASE}/functions/v1/hold/v1`);
    expect(first.method).toBe('POST');
    expect(first.body).toEqual(request);
    expect(first.headers).toEqual({
      accept: 'application/json', apikey: 'sb_publishable_abc', authorization: 'Bearer user.jwt.token',
      'content-type': 'application/json', 'idempotency-key': expect.stringMatching(UUID),
    });
    expect(second.headers['idempotency-key']).toMatch(UUID);
    expect(second.headers['idempotency-key']).not.toBe(first.headers['idempotency-key']);
    expect(third.url).toBe(`${BASE}/functions/v1/book/v1`);
    expect(third.body).toEqual({ ...request, payment_ref: 'pi_123' });
    expect(third.headers['idempotency-key']).toBe('checkout-42-attempt');
  });

  it('confirms and cancels by booking id with the manage token, each with an idempotency key', async () => {
    const stub = stubFetch(() => json(200, { data: { ...booking, status: 'confirmed' } }));
    const client = createTableholdClient({ url: BASE, accessToken: () => Promise.resolve('fresh.jwt'), fetch: stub.fetch });
    expect((await client.confirm(BOOKING_ID, { manageToken: TOKEN })).ok).toBe(true);
    await client.cancel(BOOKING_ID, { manageToken: TOKEN, reason: 'plans changed', idempotencyKey: 'cancel-once-1' });
    expect(stub.sent.map((s) => [s.method, s.url, s.body, s.headers.authorization])).toEqual([
      ['POST', `${BASE}/functions/v1/hold/v1/${BOOKING_ID}/confirm`, { manage_token: TOKEN }, 'Bearer fresh.jwt'],
      ['POST', `${BASE}/functions/v1/cancel/v1/${BOOKING_ID}`, { manage_token: TOKEN, reason: 'plans changed' }, 'Bearer fresh.jwt'],
    ]);
    expect(stub.sent[0].headers['idempotency-key']).toMatch(UUID);
    expect(stub.sent[1].headers['idempotency-key']).toBe('cancel-once-1');
  });

  it('returns a 409 SECTION_NOT_AVAILABLE as an error value with its details and request id', async () => {
    const error = { code: 'SECTION_NOT_AVAILABLE', message: 'Sorry, this option is no longer available.', details: { unit_id: STANDING, remaining: 0, stale: true } };
    const stub = stubFetch(() => json(409, { error }, { 'x-request-id': 'req-12345678' }));
    const client = createTableholdClient({ url: BASE, fetch: stub.fetch });
    expect(await client.book(request)).toEqual({ ok: false, error: { status: 409, ...error, requestId: 'req-12345678' } });
  });

  it('returns a 400 VALIDATION_FAILED with its per-field details', async () => {
    const details = [{ path: 'body.party_size', problem: 'Too small: expected number to be >=1' }];
    const stub = stubFetch(() => json(400, { error: { code: 'VALIDATION_FAILED', message: 'The request is not valid.', details } }));
    const client = createTableholdClient({ url: BASE, fetch: stub.fetch });
    const result = await client.hold({ ...request, party_size: 0 });
    expect(result).toEqual({ ok: false, error: { status: 400, code: 'VALIDATION_FAILED', message: 'The request is not valid.', details, requestId: undefined } });
  });

  it('returns a network failure as code NETWORK with status 0', async () => {
    const stub = stubFetch(() => new TypeError('fetch failed'));
    const client = createTableholdClient({ url: BASE, fetch: stub.fetch });
    expect(await client.availability({ venue_id: VENUE, date: '2026-12-04' })).toEqual({
      ok: false,
      error: {
        status: 0, code: 'NETWORK', message: 'Could not reach tablehold. Check the connection and try again.',
        details: { cause: 'TypeError: fetch failed' },
      },
    });
  });

  it('returns a body that breaks off as code NETWORK', async () => {
    const broken = new ReadableStream({ start: (c) => c.error(new Error('socket hang up')) });
    const stub = stubFetch(() => new Response(broken, { status: 200 }));
    const client = createTableholdClient({ url: BASE, fetch: stub.fetch });
    const result = await client.hold(request);
    expect(result.ok === false && result.error.code).toBe('NETWORK');
  });

  it('returns a proxy\'s non-JSON 502 as a typed BAD_RESPONSE error', async () => {
    const stub = stubFetch(() => new Response('<html><body>502 Bad Gateway</body></html>', { status: 502, headers: { 'content-type': 'text/html' } }));
    const client = createTableholdClient({ url: BASE, fetch: stub.fetch });
    expect(await client.cancel(BOOKING_ID, { manageToken: TOKEN })).toEqual({
      ok: false,
      error: {
        status: 502, code: 'BAD_RESPONSE', message: 'The server answered 502 without the API\'s JSON envelope.',
        details: { contentType: 'text/html', body: '<html><body>502 Bad Gateway</body></html>' }, requestId: undefined,
      },
    });
  });

  it('returns a 2xx without the data envelope as BAD_RESPONSE, not as success', async () => {
    const stub = stubFetch(() => json(200, { version: 5 }));
    const client = createTableholdClient({ url: BASE, fetch: stub.fetch });
    const result = await client.availability({ venue_id: VENUE, date: '2026-12-04' });
    expect(result.ok === false && [result.error.status, result.error.code]).toEqual([200, 'BAD_RESPONSE']);
  });

  it('unwrap gives the data, or throws the error value as a TableholdError', () => {
    expect(unwrap({ ok: true, data: 42 })).toBe(42);
    const error = { status: 410, code: 'HOLD_EXPIRED' as const, message: 'Sorry, your hold has expired and the spot is no longer available.', details: {} };
    let thrown: unknown;
    try {
      unwrap({ ok: false, error });
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(TableholdError);
    expect(thrown).toMatchObject({ status: 410, code: 'HOLD_EXPIRED', message: error.message, details: {} });
  });
});
