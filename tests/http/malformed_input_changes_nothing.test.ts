// Whatever a client sends, a mistake is answered with a 4xx (never a 5xx) and leaves the database as
// it was: no booking, allocation, client, availability event, audit row, idempotency record or
// refusal. Over real HTTP with plain fetch, since these are raw-protocol checks (broken JSON,
// headers, bodies too large, with and without content-length). Requests that would succeed if the
// check were missing use a real free spot, so a missing check shows up as a write.
import { randomBytes, randomUUID } from 'node:crypto';
import * as jose from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localKeys, signToken } from '../../scripts/local-keys.mjs';
import { closeAll, sql } from '../support/db';
import { demoSeed } from '../support/demo';
import { createApiKey, credentials, freeSlot, functionsUrl, guest, headersOf, outcome, readReply, type Reply, userToken } from '../support/http';

const db = sql(2);
const seed = await demoSeed(db);
afterAll(closeAll);
const V = seed.vault;

/** Where the database stands: row counts of everything a request could write, and the last audit
 *  row and availability event. */
async function mark() {
  const [m] = await db`
    select
      (select count(*) from tablehold.bookings)::int as bookings,
      (select count(*) from tablehold.allocations)::int as allocations,
      (select count(*) from tablehold.clients)::int as clients,
      (select count(*) from tablehold.idempotency_keys)::int as idempotency_keys,
      (select count(*) from tablehold.api_keys)::int as api_keys,
      (select coalesce(sum(count), 0) from tablehold.refusals)::int as refusals,
      (select coalesce(max(id), 0) from tablehold.audit_log)::bigint as audit_id,
      (select coalesce(max(id), 0) from public.availability_events)::bigint as event_id`;
  return m;
}

/** Rows written since a mark, per table. Holds that expire meanwhile (the pg_cron sweeper, a read's
 *  refresh) write audit rows and hold_expired events of their own: those are left out. */
async function writesSince(m: Awaited<ReturnType<typeof mark>>) {
  const now = await mark();
  const [{ audit_log, availability_events }] = await db`
    select
      (select count(*) from tablehold.audit_log l
        where l.id > ${m.audit_id}
          and not (l.action = 'update' and l.entity = 'bookings' and l.after ->> 'status' = 'expired')
          and not (l.action = 'update' and l.entity = 'allocations' and l.after ->> 'active' = 'false'
                   and (select b.status from tablehold.bookings b where b.id = (l.after ->> 'booking_id')::uuid) = 'expired')
      )::int as audit_log,
      (select count(*) from public.availability_events e where e.id > ${m.event_id} and e.reason <> 'hold_expired')::int as availability_events`;
  const tables = ['bookings', 'allocations', 'clients', 'idempotency_keys', 'api_keys', 'refusals'] as const;
  return { ...Object.fromEntries(tables.map((t) => [t, now[t] - m[t]])), audit_log, availability_events };
}
const NOTHING = { bookings: 0, allocations: 0, clients: 0, idempotency_keys: 0, api_keys: 0, refusals: 0, audit_log: 0, availability_events: 0 };

interface RawOptions {
  headers?: Record<string, string>;
  body?: string | Uint8Array | ReadableStream<Uint8Array>;
}
/** A request exactly as given (no JSON encoding, no added headers). */
async function raw(method: string, path: string, { headers = {}, body }: RawOptions = {}): Promise<Reply> {
  const init: RequestInit & { duplex?: 'half' } = { method, headers, body };
  if (body instanceof ReadableStream) init.duplex = 'half';
  return readReply(await fetch(`${functionsUrl()}/functions/v1/${path}`, init));
}
const json = (method: string, path: string, body: unknown, headers: Record<string, string> = {}) =>
  raw(method, path, { headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

/** Sends, then checks the answer is exactly [status, code] and nothing was written. */
async function refusedWithoutWrites(send: () => Promise<Reply>, status: number, code: string): Promise<Reply> {
  const before = await mark();
  const r = await send();
  expect(outcome(r), JSON.stringify(r.body)).toEqual([status, code]);
  expect(await writesSince(before), 'nothing was written').toEqual(NOTHING);
  return r;
}

/** A booking body that would succeed: a free standing table at the-vault. */
let valid: Record<string, any>;
let hostAuth: Record<string, string>;
beforeAll(async () => {
  valid = { venue_id: V.id, party_size: 2, ...(await freeSlot(db, V.standing)), unit_ids: [V.standing], guest: guest('malformed') };
  hostAuth = headersOf(await (await credentials()).user('host', seed.users.vaultHost));
});
const withBody = (change: Record<string, unknown>) => ({ ...valid, ...change });
const withGuest = (change: Record<string, unknown>) => ({ ...valid, guest: { ...valid.guest, ...change } });

describe('bodies that are not JSON objects are 400, or 415 when not sent as JSON', () => {
  const cases: [string, RawOptions, number, string][] = [
    ['broken JSON', { headers: { 'content-type': 'application/json' }, body: '{"venue_id": ' }, 400, 'VALIDATION_FAILED'],
    ['JSON with a trailing comma', { headers: { 'content-type': 'application/json' }, body: '{"party_size": 2,}' }, 400, 'VALIDATION_FAILED'],
    ['a JSON array', { headers: { 'content-type': 'application/json' }, body: '[]' }, 400, 'VALIDATION_FAILED'],
    ['JSON null', { headers: { 'content-type': 'application/json' }, body: 'null' }, 400, 'VALIDATION_FAILED'],
    ['a JSON string', { headers: { 'content-type': 'application/json' }, body: '"book me"' }, 400, 'VALIDATION_FAILED'],
    ['bytes that are not UTF-8', { headers: { 'content-type': 'application/json' }, body: new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]) }, 400, 'VALIDATION_FAILED'],
    ['an object nested 5000 deep', { headers: { 'content-type': 'application/json' }, body: `{"venue_id":${'['.repeat(5000)}${']'.repeat(5000)}}` }, 400, 'VALIDATION_FAILED'],
    ['valid JSON sent as text/plain', { headers: { 'content-type': 'text/plain' }, body: 'VALID' }, 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['valid JSON sent as a form', { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'VALID' }, 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['valid JSON without a content type', { body: 'VALID' }, 415, 'UNSUPPORTED_MEDIA_TYPE'],
  ];
  it.each(cases.map(([name, options, status, code]) => ({ name, options, status, code })))('$name → $status $code', async ({ options, status, code }) => {
    const body = options.body === 'VALID' ? new TextEncoder().encode(JSON.stringify(valid)) : options.body;
    await refusedWithoutWrites(() => raw('POST', 'book/v1', { ...options, body }), status, code);
  });
});

describe('bodies over 16 KiB are 413', () => {
  const big = () => JSON.stringify(withBody({ special_requests: 'x'.repeat(17 * 1024) }));

  it('with a content-length', async () => {
    await refusedWithoutWrites(() => raw('POST', 'book/v1', { headers: { 'content-type': 'application/json' }, body: big() }), 413, 'PAYLOAD_TOO_LARGE');
  });

  it('streamed without a content-length (chunked)', async () => {
    const bytes = new TextEncoder().encode(big());
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 1024) controller.enqueue(bytes.slice(i, i + 1024));
        controller.close();
      },
    });
    await refusedWithoutWrites(() => raw('POST', 'book/v1', { headers: { 'content-type': 'application/json' }, body: stream }), 413, 'PAYLOAD_TOO_LARGE');
  });
});

describe('fields of the wrong type, unknown fields and out-of-range numbers are 400', () => {
  const cases: [string, () => Record<string, unknown>][] = [
    ['party_size as a string', () => withBody({ party_size: '2' })],
    ['party_size with a fraction', () => withBody({ party_size: 2.5 })],
    ['party_size 0', () => withBody({ party_size: 0 })],
    ['party_size -1', () => withBody({ party_size: -1 })],
    ['party_size 1e308', () => withBody({ party_size: 1e308 })],
    ['party_size -1e308', () => withBody({ party_size: -1e308 })],
    ['party_size 2^63', () => withBody({ party_size: 2 ** 63 })],
    ['seen_version 2^63', () => withBody({ seen_version: 2 ** 63 })],
    ['seen_version -1', () => withBody({ seen_version: -1 })],
    ['venue_id as a number', () => withBody({ venue_id: 42 })],
    ['venue_id that is not a UUID', () => withBody({ venue_id: "' or 1=1 --" })],
    ['unit_ids as a string', () => withBody({ unit_ids: V.standing })],
    ['unit_ids empty', () => withBody({ unit_ids: [] })],
    ['guest as a string', () => withBody({ guest: 'Ada' })],
    ['override as a string', () => withBody({ override: 'yes' })],
    ['source not one of the four', () => withBody({ source: 'admin' })],
    ['an unknown field', () => withBody({ status: 'confirmed' })],
    ['an unknown field inside guest', () => withGuest({ user_id: randomUUID() })],
    ['a __proto__ field', () => JSON.parse(`{"__proto__": {"admin": true}, ${JSON.stringify(valid).slice(1)}`)],
    ['guest name of 201 characters', () => withGuest({ name: 'n'.repeat(201) })],
    ['special_requests of 2001 characters', () => withBody({ special_requests: 'r'.repeat(2001) })],
    ['an email that is not one', () => withGuest({ email: "x'; drop table tablehold.clients; --" })],
    ['a slot code with SQL in it', () => withBody({ slot: "early'; delete from tablehold.bookings; --" })],
    ['a phone number with SQL in it', () => withGuest({ phone: "1'); drop table x; --" })],
  ];
  it.each(cases)('%s', async (_, body) => {
    await refusedWithoutWrites(() => json('POST', 'book/v1', body()), 400, 'VALIDATION_FAILED');
  });

  it('the unknown field is named in the details', async () => {
    const r = await refusedWithoutWrites(() => json('POST', 'book/v1', withBody({ is_admin: true })), 400, 'VALIDATION_FAILED');
    expect(r.body.error.details).toEqual([expect.objectContaining({ path: 'body', keys: ['is_admin'] })]);
  });

  it.each([
    ['party_size=1e308', { party_size: '1e308' }],
    ['party_size=0', { party_size: '0' }],
    ['party_size=-4', { party_size: '-4' }],
    ['party_size=abc', { party_size: 'abc' }],
    ['an unknown parameter', { sort: 'name; drop table x' }],
  ])('availability with %s', async (_, extra) => {
    const query = new URLSearchParams({ venue_id: V.id, date: valid.date, ...extra });
    await refusedWithoutWrites(() => raw('GET', `availability/v1?${query}`), 400, 'VALIDATION_FAILED');
  });

  it('a PATCH that sets party_size 0', async () => {
    await refusedWithoutWrites(() => json('PATCH', `book/v1/${randomUUID()}`, { party_size: 0 }), 400, 'VALIDATION_FAILED');
  });

  it('a block of 1e308 units (as a host)', async () => {
    const body = { venue_id: V.id, unit_ids: [V.standing], reason: 'x', date: valid.date, slot: valid.slot, quantity: 1e308 };
    await refusedWithoutWrites(() => json('POST', 'staff/v1/blocks', body, hostAuth), 400, 'VALIDATION_FAILED');
  });
});

describe('impossible dates and instants are 400', () => {
  it.each(['2026-02-30', '2026-13-01', '2026-12-32', '2027-02-29', '26-12-18', '2026-12-18T22:00:00Z', '0000-01-01'])('date %s', async (date) => {
    await refusedWithoutWrites(() => json('POST', 'book/v1', withBody({ date })), 400, 'VALIDATION_FAILED');
  });

  it.each(['2026-02-30', '2026-13-01'])('date of birth %s', async (dob) => {
    await refusedWithoutWrites(() => json('POST', 'book/v1', withGuest({ date_of_birth: dob })), 400, 'VALIDATION_FAILED');
  });

  it.each([
    '2026-12-18T20:00:00', '2026-12-18T20:00:00+25:00', '2026-12-18T20:00:00+99:99', '2026-12-18T20:00:00 Europe/Paris',
    '2026-12-18T20:00:00[Europe/Paris]', '2026-12-18T24:00:00Z', '2026-12-18T23:59:60Z', '2026-02-30T20:00:00Z',
    '0000-01-01T20:00:00Z', 'tomorrow at eight',
  ])('start %s', async (start) => {
    const body = { venue_id: seed.nora.id, party_size: 2, start, guest: guest('instant') };
    await refusedWithoutWrites(() => json('POST', 'hold/v1', body), 400, 'VALIDATION_FAILED');
  });

  it.each(['2026-02-30', '2026-13-01'])('availability for %s', async (date) => {
    await refusedWithoutWrites(() => raw('GET', `availability/v1?venue_id=${V.id}&date=${date}`), 400, 'VALIDATION_FAILED');
  });
});

describe('ids that do not exist are 404 NOT_FOUND', () => {
  const id = randomUUID();
  it.each([
    ['an unknown venue', () => json('POST', 'book/v1', withBody({ venue_id: id }))],
    ['an unknown unit', () => json('POST', 'book/v1', withBody({ unit_ids: [id] }))],
    ["another venue's unit", () => json('POST', 'book/v1', withBody({ unit_ids: [seed.nora.t1] }))],
    ['an unknown slot', () => json('POST', 'book/v1', withBody({ slot: 'matinee' }))],
    ['an unknown booking to confirm', () => json('POST', `hold/v1/${id}/confirm`, {})],
    ['an unknown booking to change', () => json('PATCH', `book/v1/${id}`, { party_size: 3 })],
    ['an unknown booking to cancel', () => json('POST', `cancel/v1/${id}`, {})],
    ['an unknown booking to seat (host)', () => json('POST', `staff/v1/bookings/${id}/seat`, {}, hostAuth)],
    ['an unknown block to lift (host)', () => raw('DELETE', `staff/v1/blocks/${id}`, { headers: hostAuth })],
    ['an unknown client to erase (host)', () => raw('DELETE', `clients/v1/${id}`, { headers: hostAuth })],
    ['an unknown availability venue', () => raw('GET', `availability/v1?venue_id=${id}&date=${valid.date}`)],
  ] as const)('%s', async (_, send) => {
    await refusedWithoutWrites(send, 404, 'NOT_FOUND');
  });
});

describe('paths, query strings and headers that are malformed are 400', () => {
  it.each([
    ['a booking id that is not a UUID', () => raw('GET', 'book/v1/12345')],
    ['a booking id with SQL in it', () => raw('GET', `book/v1/${encodeURIComponent("1' or '1'='1")}`)],
    ['a manage token that is not 48 hex characters', () => raw('GET', `book/v1/${randomUUID()}?manage_token=${encodeURIComponent("' or 1=1 --")}`)],
    ['a path id with a broken percent-escape', () => raw('GET', 'book/v1/%E0%A4%A')],
    ['an Idempotency-Key of 4 characters', () => json('POST', 'book/v1', valid, { 'idempotency-key': 'abcd' })],
    ['an Idempotency-Key with spaces', () => json('POST', 'book/v1', valid, { 'idempotency-key': 'key with spaces in it' })],
    ['an Idempotency-Key of 201 characters', () => json('POST', 'book/v1', valid, { 'idempotency-key': 'k'.repeat(201) })],
    ['an Idempotency-Key on a read', () => raw('GET', `availability/v1?venue_id=${V.id}&date=${valid.date}`, { headers: { 'idempotency-key': `key-${randomUUID()}` } })],
  ] as const)('%s', async (_, send) => {
    await refusedWithoutWrites(send, 400, 'VALIDATION_FAILED');
  });
});

describe('credentials that are expired, forged or malformed are 401, never anonymous', () => {
  /** Base64url JSON, for hand-made tokens. */
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const claims = () => ({ role: 'authenticated', sub: randomUUID(), aud: 'authenticated', exp: Math.floor(Date.now() / 1000) + 3600 });
  const tokens: [string, () => Promise<string>][] = [
    ['an expired user token', () => signToken({ role: 'authenticated', sub: randomUUID(), expiresIn: Math.floor(Date.now() / 1000) - 60 })],
    ['a token signed with another ES256 key (same kid)', async () => {
      const { privateKey } = await jose.generateKeyPair('ES256');
      return new jose.SignJWT(claims()).setProtectedHeader({ alg: 'ES256', kid: (await localKeys()).kid }).sign(privateKey);
    }],
    ['a token with alg none', async () => `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims())}.`],
    ['an HS256 token signed with a wrong secret', () =>
      new jose.SignJWT(claims()).setProtectedHeader({ alg: 'HS256' }).sign(randomBytes(32))],
    ['an HS256 service token signed with a wrong secret', () =>
      new jose.SignJWT({ role: 'service_role' }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(randomBytes(32))],
    ['a validly signed token with role authenticated and no sub', () => signToken({ role: 'authenticated' })],
    ['a validly signed token whose sub is not a UUID', () => signToken({ role: 'authenticated', sub: "x' or 1=1" })],
    ['a validly signed token with role postgres', () => signToken({ role: 'postgres', sub: randomUUID() })],
    ['a validly signed token with role supabase_admin', () => signToken({ role: 'supabase_admin' })],
    ['a token whose payload was edited after signing', async () => {
      const [h, , s] = (await userToken(randomUUID())).split('.');
      return `${h}.${b64({ ...claims(), role: 'service_role' })}.${s}`;
    }],
    ['garbage', async () => 'garbage'],
    ['three segments of garbage', async () => 'a.b.c'],
    ['an unknown API key', async () => `thk_${randomBytes(24).toString('hex')}`],
    ['a revoked API key', async () => (await createApiKey(db, V.id, ['book'], true)).key],
    ['an sb_secret_ key that is not ours', async () => `sb_secret_${randomBytes(16).toString('base64url')}`],
  ];

  it.each(tokens)('Authorization: Bearer %s', async (_, token) => {
    const bearer = await token();
    await refusedWithoutWrites(() => json('POST', 'book/v1', valid, { authorization: `Bearer ${bearer}` }), 401, 'UNAUTHORIZED');
  });

  it.each(tokens)('apikey: %s (no Authorization)', async (_, token) => {
    const key = await token();
    await refusedWithoutWrites(() => json('POST', 'book/v1', valid, { apikey: key }), 401, 'UNAUTHORIZED');
  });

  it.each([['Basic', 'Basic dXNlcjpwYXNz'], ['Bearer with nothing after it', 'Bearer '], ['two tokens', 'Bearer a b']])(
    'Authorization: %s', async (_, authorization) => {
      await refusedWithoutWrites(() => json('POST', 'book/v1', valid, { authorization }), 401, 'UNAUTHORIZED');
    },
  );
});

describe('text the database cannot store is refused, not a 5xx', () => {
  it.each([
    ['a NUL character in the guest name', () => withGuest({ name: 'Ada\u0000Lovelace' })],
    ['a NUL character in special_requests', () => withBody({ special_requests: 'window\u0000seat' })],
    ['a NUL character in the occasion', () => withBody({ occasion: 'birthday\u0000' })],
  ])('%s → 400', async (_, body) => {
    await refusedWithoutWrites(() => json('POST', 'book/v1', body()), 400, 'VALIDATION_FAILED');
  });

  it('a NUL character in a client tag (host) → 400', async () => {
    await refusedWithoutWrites(
      () => json('POST', 'clients/v1', { venue_id: V.id, name: 'Tagged', tags: ['vip\u0000'] }, hostAuth), 400, 'VALIDATION_FAILED');
  });
});

describe('SQL-looking text is stored verbatim, never executed', () => {
  const PAYLOADS = [
    "Robert'); DROP TABLE tablehold.bookings;--",
    "x' OR '1'='1",
    '$$; select pg_sleep(5); $$',
    "'; truncate tablehold.clients cascade; --",
    '%_\\\'"`; delete from tablehold.allocations where true; --',
  ];

  it('in a booking: guest name, special requests, occasion and payment reference', async () => {
    const before = await mark();
    const body = {
      ...valid, ...(await freeSlot(db, V.standing)),
      guest: { ...guest('sql'), name: PAYLOADS[0] },
      special_requests: PAYLOADS[1], occasion: PAYLOADS[2], payment_ref: PAYLOADS[3],
    };
    const r = await json('POST', 'book/v1', body);
    expect(r.status).toBe(201);
    const [row] = await db`
      select b.special_requests, b.occasion, b.payment_ref, c.name
      from tablehold.bookings b join tablehold.clients c on c.id = b.client_id where b.id = ${r.body.data.id}`;
    expect(row).toEqual({ special_requests: PAYLOADS[1], occasion: PAYLOADS[2], payment_ref: PAYLOADS[3], name: PAYLOADS[0] });
    const written = await writesSince(before);
    expect([written.bookings, written.clients]).toEqual([1, 1]);

    const cancelled = await json('POST', `cancel/v1/${r.body.data.id}`, { manage_token: r.body.data.manage_token, reason: PAYLOADS[4] });
    expect(cancelled.status).toBe(200);
    const [{ status_reason }] = await db`select status_reason from tablehold.bookings where id = ${r.body.data.id}`;
    expect(status_reason).toBe(PAYLOADS[4]);
  });

  it('in a client: name, notes, tags, and a search for it (host)', async () => {
    const created = await json('POST', 'clients/v1', { venue_id: V.id, name: PAYLOADS[2], notes: PAYLOADS[0], tags: [PAYLOADS[1], "vip'); --"] }, hostAuth);
    expect(created.status).toBe(201);
    const [row] = await db`select name, notes, tags from tablehold.clients where id = ${created.body.data.id}`;
    expect(row).toEqual({ name: PAYLOADS[2], notes: PAYLOADS[0], tags: [PAYLOADS[1], "vip'); --"] });

    const search = await raw('GET', `clients/v1?${new URLSearchParams({ venue_id: V.id, q: PAYLOADS[2] })}`, { headers: hostAuth });
    expect(search.status).toBe(200);
    expect(search.body.data.map((c: { id: string }) => c.id)).toContain(created.body.data.id);
    const [{ n }] = await db`select count(*)::int as n from tablehold.bookings`;
    expect(n).toBeGreaterThan(0);
  });

  it("in staff text: a block's reason and an API key's name (manager); a unit code filter is refused", async () => {
    const manager = headersOf(await (await credentials()).user('manager', seed.users.vaultManager));
    const spot = await freeSlot(db, V.standing);
    const blocked = await json('POST', 'staff/v1/blocks', { venue_id: V.id, unit_ids: [V.standing], reason: PAYLOADS[3], quantity: 1, ...spot }, manager);
    expect(blocked.status).toBe(201);
    expect((await db`select block_reason from tablehold.bookings where id = ${blocked.body.data.id}`)[0].block_reason).toBe(PAYLOADS[3]);
    expect((await raw('DELETE', `staff/v1/blocks/${blocked.body.data.id}`, { headers: manager })).status).toBe(200);

    const key = await json('POST', 'staff/v1/api-keys', { venue_id: V.id, name: PAYLOADS[0], scopes: ['read'] }, manager);
    expect(key.status).toBe(201);
    expect((await db`select name from tablehold.api_keys where id = ${key.body.data.id}`)[0].name).toBe(PAYLOADS[0]);
    expect((await raw('DELETE', `staff/v1/api-keys/${key.body.data.id}`, { headers: manager })).status).toBe(200);

    const query = new URLSearchParams({ venue_id: V.id, unit_code: "booth' or '1'='1" });
    await refusedWithoutWrites(() => raw('GET', `staff/v1/arrivals?${query}`, { headers: manager }), 400, 'VALIDATION_FAILED');
  });
});
