// The handlers in-process (a Request in, a Response out, the real database behind): every answer is
// one JSON envelope with a request id and CORS headers, preflights need nothing, routes are versioned,
// and each request leaves exactly one structured log line.
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest';
import { availability } from '../../functions/availability/routes.ts';
import { book } from '../../functions/book/routes.ts';
import { closeAll, sql } from '../support/db';
import { demoSeed } from '../support/demo';
import { buildRequest, callHandler, type Credential, credentials, freeSlot, guest, inProcess, readReply } from '../support/http';

const db = sql(4);
const seed = await demoSeed(db);
let anon: Credential;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

beforeAll(async () => {
  await inProcess(db);
  anon = (await credentials()).publishable;
});
afterAll(closeAll);
/** console.log, where the handlers write their log lines (kept out of the test output). */
let logs: MockInstance<typeof console.log>;
beforeEach(() => {
  logs = vi.spyOn(console, 'log').mockImplementation(() => {});
});
afterEach(() => vi.restoreAllMocks());

/** A Thursday the-vault is open (reads only). */
const readDate = '2026-12-17';

describe('every answer is one envelope', () => {
  it('a success is {"data": …} as JSON with CORS headers and a fresh request id', async () => {
    const r = await callHandler(availability, anon, 'GET', 'availability/v1', { query: { venue_id: seed.vault.id, date: readDate } });
    expect(r.status).toBe(200);
    expect(Object.keys(r.body)).toEqual(['data']);
    expect(r.body.data).toMatchObject({ venue_id: seed.vault.id, venue: 'the-vault', service_date: readDate });
    expect(r.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(r.headers.get('access-control-allow-origin')).toBe('*');
    expect(r.headers.get('x-request-id')).toMatch(UUID);
  });

  it('an error is {"error": {code, message, details}} and nothing else', async () => {
    const r = await callHandler(book, anon, 'GET', `book/v1/${randomUUID()}`);
    expect(r.status).toBe(404);
    expect(r.body).toEqual({ error: { code: 'NOT_FOUND', message: "We couldn't find that.", details: { entity: 'booking' } } });
    expect(r.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(r.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('a validation error lists each bad field under details', async () => {
    const r = await callHandler(book, anon, 'POST', 'book/v1', { body: { venue_id: 'nope', party_size: 0 } });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('VALIDATION_FAILED');
    expect(r.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['body.party_size', 'body.venue_id']);
  });
});

describe('x-request-id', () => {
  const given = () => `req-${randomUUID()}`;

  it('a sane x-request-id is echoed, on successes and on errors', async () => {
    const ok = given();
    const failed = given();
    const r1 = await callHandler(availability, anon, 'GET', 'availability/v1', {
      query: { venue_id: seed.vault.id, date: readDate }, headers: { 'x-request-id': ok },
    });
    const r2 = await callHandler(book, anon, 'GET', `book/v1/${randomUUID()}`, { headers: { 'x-request-id': failed } });
    expect([r1.status, r1.headers.get('x-request-id')]).toEqual([200, ok]);
    expect([r2.status, r2.headers.get('x-request-id')]).toEqual([404, failed]);
  });

  it.each([
    ['too short', 'abc'],
    ['with spaces', 'req id with spaces'],
    ['too long', 'x'.repeat(129)],
    ['with characters outside A-Z a-z 0-9 . _ : -', 'abcdefgh/<script>'],
  ])('an x-request-id that is %s is replaced by a fresh UUID', async (_, id) => {
    const r = await callHandler(book, anon, 'GET', `book/v1/${randomUUID()}`, { headers: { 'x-request-id': id } });
    expect(r.status).toBe(404);
    expect(r.headers.get('x-request-id')).toMatch(UUID);
  });

  it('two requests without one get two different ids', async () => {
    const a = await callHandler(book, anon, 'GET', `book/v1/${randomUUID()}`);
    const b = await callHandler(book, anon, 'GET', `book/v1/${randomUUID()}`);
    expect(a.headers.get('x-request-id')).toMatch(UUID);
    expect(b.headers.get('x-request-id')).toMatch(UUID);
    expect(a.headers.get('x-request-id')).not.toBe(b.headers.get('x-request-id'));
  });
});

describe('CORS preflight', () => {
  it('OPTIONS answers 204 with no body and allows the headers and methods the API uses, idempotency-key included', async () => {
    const res = await book.handler(new Request('http://127.0.0.1/functions/v1/book/v1', {
      method: 'OPTIONS',
      headers: {
        origin: 'https://app.example.test',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, apikey, content-type, idempotency-key, x-client-info',
      },
    }));
    const r = await readReply(res);
    expect(r.status).toBe(204);
    expect(r.body).toBeNull();
    expect(r.headers.get('access-control-allow-origin')).toBe('*');
    const methods = r.headers.get('access-control-allow-methods')!.split(/,\s*/);
    expect(methods).toEqual(expect.arrayContaining(['GET', 'POST', 'PATCH', 'DELETE', 'OPTIONS']));
    const allowed = r.headers.get('access-control-allow-headers')!.split(/,\s*/);
    expect(allowed).toEqual(expect.arrayContaining(['authorization', 'apikey', 'content-type', 'idempotency-key', 'x-client-info', 'if-none-match']));
    const exposed = r.headers.get('access-control-expose-headers')!.split(/,\s*/);
    expect(exposed).toEqual(expect.arrayContaining(['etag', 'x-request-id']));
  });

  it('a preflight needs no credentials: even a garbage Authorization header gets 204', async () => {
    const res = await book.handler(new Request('http://127.0.0.1/functions/v1/book/v1/anything/at/all', {
      method: 'OPTIONS', headers: { authorization: 'Bearer not-a-token', 'access-control-request-method': 'PATCH' },
    }));
    expect(res.status).toBe(204);
  });
});

describe('routes are versioned', () => {
  it('another API version is 404 UNSUPPORTED_API_VERSION naming the supported one', async () => {
    const r = await callHandler(book, anon, 'POST', 'book/v2', { body: { venue_id: seed.vault.id, party_size: 2 } });
    expect(r.status).toBe(404);
    expect(r.body.error).toMatchObject({ code: 'UNSUPPORTED_API_VERSION', details: { supported: ['v1'] } });
  });

  it.each([
    ['a path below a route', `book/v1/${seed.vault.id}/extra`],
    ["a route only another function has (hold's /:id/confirm)", `book/v1/${seed.vault.id}/confirm`],
  ])('%s is 404 ROUTE_NOT_FOUND', async (_, path) => {
    const r = await callHandler(book, anon, 'GET', path);
    expect([r.status, r.body.error.code]).toEqual([404, 'ROUTE_NOT_FOUND']);
  });

  it("a request for another function's path is 404 ROUTE_NOT_FOUND", async () => {
    const r = await callHandler(book, anon, 'POST', 'hold/v1', { body: { venue_id: seed.vault.id, party_size: 2 } });
    expect([r.status, r.body.error.code]).toEqual([404, 'ROUTE_NOT_FOUND']);
  });

  it.each([
    ['DELETE', 'book/v1'],
    ['GET', 'book/v1'],
    ['POST', `book/v1/${seed.vault.id}`],
  ] as const)('%s %s (a route that exists for other methods) is 405 METHOD_NOT_ALLOWED', async (method, path) => {
    const r = await callHandler(book, anon, method, path);
    expect([r.status, r.body.error.code]).toEqual([405, 'METHOD_NOT_ALLOWED']);
  });

  it('a 405 says which methods the route takes in an Allow header (RFC 9110 §15.5.6)', async () => {
    const r = await callHandler(book, anon, 'DELETE', `book/v1/${seed.vault.id}`);
    expect(r.status).toBe(405);
    expect(r.headers.get('allow')?.split(/,\s*/).sort()).toEqual(['GET', 'PATCH']);
  });
});

describe('one structured log line per request', () => {
  /** The JSON log lines console.log received for one request id. */
  function linesFor(requestId: string) {
    return logs.mock.calls
      .map((args) => { try { return JSON.parse(String(args[0])); } catch { return null; } })
      .filter((line) => line?.request_id === requestId);
  }
  const KEYS = ['duration_ms', 'error_code', 'function', 'level', 'method', 'request_id', 'retries', 'route', 'status'];

  it('a booking logs function, route, status, duration, retries and request id, and no personal data', async () => {
    const id = `log-${randomUUID()}`;
    const who = guest('logged');
    const spot = await freeSlot(db, seed.vault.standing);
    const r = await callHandler(book, anon, 'POST', 'book/v1', {
      headers: { 'x-request-id': id },
      body: { venue_id: seed.vault.id, party_size: 2, ...spot, unit_ids: [seed.vault.standing], guest: who },
    });
    expect(r.status).toBe(201);
    const lines = linesFor(id);
    expect(lines).toHaveLength(1);
    const [line] = lines;
    expect(Object.keys(line).sort()).toEqual(KEYS);
    expect(line).toMatchObject({ level: 'info', function: 'book', route: 'POST /', method: 'POST', status: 201, retries: 0, error_code: null });
    expect(Number.isInteger(line.duration_ms) && line.duration_ms >= 0).toBe(true);
    const logged = logs.mock.calls.map((args) => String(args[0])).join('\n');
    expect(logged).not.toContain(who.email);
    expect(logged).not.toContain(r.body.data.manage_token);
  });

  it('an error logs its code and the matched route', async () => {
    const id = `log-${randomUUID()}`;
    const r = await callHandler(book, anon, 'GET', `book/v1/${randomUUID()}`, { headers: { 'x-request-id': id } });
    expect(r.status).toBe(404);
    const [line] = linesFor(id);
    expect(line).toMatchObject({ function: 'book', route: 'GET /:id', method: 'GET', status: 404, retries: 0, error_code: 'NOT_FOUND', request_id: id });
  });

  it('a request that matched no route logs route null', async () => {
    const id = `log-${randomUUID()}`;
    await callHandler(book, anon, 'GET', 'book/v9', { headers: { 'x-request-id': id } });
    const [line] = linesFor(id);
    expect(line).toMatchObject({ function: 'book', route: null, status: 404, error_code: 'UNSUPPORTED_API_VERSION' });
  });

  it('the request id in the log is the one in the x-request-id header', async () => {
    const res = await book.handler(buildRequest(anon, 'GET', `book/v1/${randomUUID()}`));
    const id = res.headers.get('x-request-id')!;
    expect(linesFor(id)).toHaveLength(1);
  });
});
