// The authorization matrix over real HTTP (supabase-js functions.invoke, as a frontend calls): every
// role and every API-key scope against every route, allowed or denied as designed. One row per route
// (the booking routes twice: with the guest's manage token and without), one column per role or
// scope; each cell is its own test. An allowed cell acts on a fresh fixture; a denied one on a shared
// fixture, and proves it changed nothing. The routes act on the-vault, except start times and table
// suggestions, which only a table venue has (nora-kitchen): there the-vault's keys are keys of
// another venue, and nora-kitchen's key is at home. API keys act only at their own venue and within
// their scopes, read < book < manage (README, "Authorization"). Below the matrix: guests and their
// manage tokens, customers and their own records, and staff of one venue against another venue.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documented, openapi } from '../../functions/openapi/routes.ts';
import { closeAll, sql } from '../support/db';
import { demoSeed } from '../support/demo';
import {
  asGuest, createApiKey, createUser, type Credential, credentials, engine, freeSlot, guest, invoke, type Method,
  outcome, quietStart, type Reply,
} from '../support/http';

const db = sql(2);
const seed = await demoSeed(db);

const V = seed.vault;
const Y = 'ok', U = 401, F = 403, N = 404;
type Expected = typeof Y | 401 | 403 | 404;
const CODES = { 401: 'UNAUTHORIZED', 403: 'FORBIDDEN', 404: 'NOT_FOUND' } as const;

/** The columns of the matrix, in order. Staff are the seed's; keys belong to the-vault unless said. */
const ROLES = [
  ['nobody', 'no credentials'],
  ['publishable', 'publishable key'],
  ['legacyAnon', 'legacy anon JWT (HS256)'],
  ['customer', 'customer JWT (ES256)'],
  ['host', 'host of the-vault'],
  ['manager', 'manager of the-vault'],
  ['owner', 'owner of its operator'],
  ['noraManager', "nora-kitchen's manager (another operator)"],
  ['copperManager', "copper-bar's manager (same operator, another venue)"],
  ['secret', 'secret key (service role)'],
  ['legacyService', 'legacy service JWT (HS256)'],
  ['keyRead', 'API key: read'],
  ['keyBook', 'API key: book'],
  ['keyManage', 'API key: manage'],
  ['noraKey', "nora-kitchen's API key: manage"],
  ['revokedKey', 'revoked API key'],
] as const;
type Role = (typeof ROLES)[number][0];
const as = {} as Record<Role, Credential>;

beforeAll(async () => {
  const c = await credentials();
  const apiKey = async (label: string, venue: string, scopes: string[], revoked = false) =>
    c.apiKey(label, (await createApiKey(db, venue, scopes, revoked)).key);
  Object.assign(as, {
    nobody: c.nobody, publishable: c.publishable, legacyAnon: c.legacyAnon, secret: c.secret, legacyService: c.legacyService,
    customer: await c.user('customer', await createUser(db)),
    host: await c.user('host', seed.users.vaultHost),
    manager: await c.user('manager', seed.users.vaultManager),
    owner: await c.user('owner', seed.users.northernOwner),
    noraManager: await c.user('nora manager', seed.users.noraManager),
    copperManager: await c.user('copper manager', seed.users.copperManager),
    keyRead: await apiKey('read key', V.id, ['read']),
    keyBook: await apiKey('book key', V.id, ['book']),
    keyManage: await apiKey('manage key', V.id, ['manage']),
    noraKey: await apiKey('nora key', seed.nora.id, ['manage']),
    revokedKey: await apiKey('revoked key', V.id, ['book'], true),
  });
});

// --- fixtures, made as postgres or as an anonymous guest, committed ---

interface Fixture {
  id: string;
  manage_token?: string;
}

const standing = async () => ({ ...(await freeSlot(db, V.standing)), unit_ids: [V.standing] });
const guestBooking = async (fn: 'hold' | 'book', unit: string = V.standing, partySize = 2): Promise<Fixture> => {
  const spot = await freeSlot(db, unit);
  return asGuest(db, (tx) => engine(tx, fn, {
    venue_id: [V.id, 'uuid'], party_size: [partySize, 'int'], date: [spot.date, 'date'], slot: [spot.slot, 'text'],
    unit_ids: [[unit], 'uuid[]'], guest: [guest('fixture'), 'jsonb'],
  }));
};
const held = () => guestBooking('hold');
const confirmed = () => guestBooking('book');
const pending = () => guestBooking('book', V.mezzanine, 12);
const seated = async () => {
  const b = await confirmed();
  await db`select public.seat(${b.id})`;
  return b;
};
/** A confirmed booking whose night has begun (made on a past night with the clock frozen then). */
const started = async (): Promise<Fixture> => {
  const spot = await freeSlot(db, V.standing, { from: -60, to: -2 });
  return db.begin(async (tx) => {
    await tx`select set_config('tablehold.frozen_now', ${`${spot.date} 12:00Z`}, true)`;
    return engine<Fixture>(tx, 'book', {
      venue_id: [V.id, 'uuid'], party_size: [2, 'int'], date: [spot.date, 'date'], slot: [spot.slot, 'text'],
      unit_ids: [[V.standing], 'uuid[]'], guest: [guest('started'), 'jsonb'],
    });
  }) as Promise<Fixture>;
};
const block = async (): Promise<Fixture> => {
  const spot = await freeSlot(db, V.standing);
  return engine(db, 'block', {
    venue_id: [V.id, 'uuid'], unit_ids: [[V.standing], 'uuid[]'], reason: ['matrix fixture', 'text'],
    date: [spot.date, 'date'], slot: [spot.slot, 'text'], quantity: [1, 'int'],
  });
};
const client = () => engine<Fixture>(db, 'client_create', {
  venue_id: [V.id, 'uuid'], name: ['Matrix Client', 'text'], email: [guest().email, 'text'],
});
const apiKeyFixture = () => createApiKey(db, V.id, ['read']);
const nothing = async (): Promise<Fixture> => ({ id: '' });

/** What a denied call must leave as it was. */
const bookingState = (f: Fixture) => db`select status, party_size, updated_at from tablehold.bookings where id = ${f.id}`;
const clientState = (f: Fixture) => db`select name, notes, erased_at, updated_at from tablehold.clients where id = ${f.id}`;
const keyState = (f: Fixture) => db`select revoked_at from tablehold.api_keys where id = ${f.id}`;
const venueRows = () => db`
  select (select count(*) from tablehold.bookings where venue_id = ${V.id})::int as bookings,
         (select count(*) from tablehold.clients where venue_id = ${V.id})::int as clients,
         (select count(*) from tablehold.api_keys where venue_id = ${V.id})::int as api_keys`;

interface Attempt {
  method: Method;
  path: string;
  query?: Record<string, string>;
  body?: Record<string, unknown>;
}

interface RouteCase {
  route: string;
  ok: 200 | 201;
  fixture: () => Promise<Fixture>;
  attempt: (f: Fixture, role: Role) => Promise<Attempt> | Attempt;
  state: (f: Fixture) => Promise<unknown>;
  /** nobody, publishable, anon JWT, customer, host, manager, owner, nora mgr, copper mgr, secret, service JWT, read, book, manage, nora key, revoked */
  expect: Expected[];
}

const today = new Date().toISOString().slice(0, 10);
/** A quiet start at nora-kitchen, found once: the read-only routes only need one. */
let quiet: Promise<{ date: string; start: string }> | undefined;
const quietOnce = () => (quiet ??= quietStart(db));
const onTarget = (method: Method, path: (id: string) => string, body?: Record<string, unknown>) =>
  (f: Fixture): Attempt => ({ method, path: path(f.id), body });
/** As onTarget, presenting the guest's manage token (in the body, or the query of a GET). */
const withToken = (method: Method, path: (id: string) => string, body: Record<string, unknown> = {}) =>
  (f: Fixture): Attempt => method === 'GET'
    ? { method, path: path(f.id), query: { manage_token: f.manage_token! } }
    : { method, path: path(f.id), body: { ...body, manage_token: f.manage_token } };

const MATRIX: RouteCase[] = [
  { route: 'GET /availability/v1', ok: 200, fixture: nothing, state: venueRows,
    attempt: async () => ({ method: 'GET', path: 'availability/v1', query: { venue_id: V.id, date: (await freeSlot(db, V.standing)).date } }),
    expect: [Y, Y, Y, Y, Y, Y, Y, Y, Y, Y, Y, Y, Y, Y, F, U] },
  { route: 'GET /availability/v1/times', ok: 200, fixture: nothing, state: venueRows,
    attempt: async () => ({ method: 'GET', path: 'availability/v1/times', query: { venue_id: seed.nora.id, date: (await quietOnce()).date, party_size: '2' } }),
    expect: [Y, Y, Y, Y, Y, Y, Y, Y, Y, Y, Y, F, F, F, Y, U] },
  { route: 'GET /availability/v1/suggest', ok: 200, fixture: nothing, state: venueRows,
    attempt: async () => ({ method: 'GET', path: 'availability/v1/suggest', query: { venue_id: seed.nora.id, start: (await quietOnce()).start, party_size: '2' } }),
    expect: [Y, Y, Y, Y, Y, Y, Y, Y, Y, Y, Y, F, F, F, Y, U] },
  { route: 'GET /openapi/v1', ok: 200, fixture: nothing, state: venueRows,
    attempt: () => ({ method: 'GET', path: 'openapi/v1' }),
    expect: [Y, Y, Y, Y, Y, Y, Y, Y, Y, Y, Y, Y, Y, Y, Y, U] },
  { route: 'POST /hold/v1', ok: 201, fixture: nothing, state: venueRows,
    attempt: async (_, role) => ({ method: 'POST', path: 'hold/v1', body: { venue_id: V.id, party_size: 2, ...(await standing()), guest: guest(role) } }),
    expect: [Y, Y, Y, Y, Y, Y, Y, Y, Y, Y, Y, F, Y, Y, F, U] },
  { route: 'POST /book/v1', ok: 201, fixture: nothing, state: venueRows,
    attempt: async (_, role) => ({ method: 'POST', path: 'book/v1', body: { venue_id: V.id, party_size: 2, ...(await standing()), guest: guest(role) } }),
    expect: [Y, Y, Y, Y, Y, Y, Y, Y, Y, Y, Y, F, Y, Y, F, U] },
  { route: 'POST /hold/v1/:id/confirm (with the manage token)', ok: 200, fixture: held, state: bookingState,
    attempt: withToken('POST', (id) => `hold/v1/${id}/confirm`),
    expect: [Y, Y, Y, Y, Y, Y, Y, Y, Y, Y, Y, F, Y, Y, F, U] },
  { route: 'GET /book/v1/:id (with the manage token)', ok: 200, fixture: confirmed, state: bookingState,
    attempt: withToken('GET', (id) => `book/v1/${id}`),
    expect: [Y, Y, Y, Y, Y, Y, Y, Y, Y, Y, Y, F, Y, Y, F, U] },
  { route: 'PATCH /book/v1/:id (with the manage token)', ok: 200, fixture: confirmed, state: bookingState,
    attempt: withToken('PATCH', (id) => `book/v1/${id}`, { party_size: 3 }),
    expect: [Y, Y, Y, Y, Y, Y, Y, Y, Y, Y, Y, F, Y, Y, F, U] },
  { route: 'POST /cancel/v1/:id (with the manage token)', ok: 200, fixture: confirmed, state: bookingState,
    attempt: withToken('POST', (id) => `cancel/v1/${id}`, { reason: 'matrix' }),
    expect: [Y, Y, Y, Y, Y, Y, Y, Y, Y, Y, Y, F, Y, Y, F, U] },
  { route: 'POST /hold/v1/:id/confirm (no manage token)', ok: 200, fixture: held, state: bookingState,
    attempt: onTarget('POST', (id) => `hold/v1/${id}/confirm`, {}),
    expect: [N, N, N, N, Y, Y, Y, N, N, Y, Y, N, N, Y, N, U] },
  { route: 'GET /book/v1/:id (no manage token)', ok: 200, fixture: confirmed, state: bookingState,
    attempt: onTarget('GET', (id) => `book/v1/${id}`),
    expect: [N, N, N, N, Y, Y, Y, N, N, Y, Y, N, N, Y, N, U] },
  { route: 'PATCH /book/v1/:id (no manage token)', ok: 200, fixture: confirmed, state: bookingState,
    attempt: onTarget('PATCH', (id) => `book/v1/${id}`, { party_size: 3 }),
    expect: [N, N, N, N, Y, Y, Y, N, N, Y, Y, N, N, Y, N, U] },
  { route: 'POST /cancel/v1/:id (no manage token)', ok: 200, fixture: confirmed, state: bookingState,
    attempt: onTarget('POST', (id) => `cancel/v1/${id}`, { reason: 'matrix' }),
    expect: [N, N, N, N, Y, Y, Y, N, N, Y, Y, N, N, Y, N, U] },
  { route: 'POST /staff/v1/bookings/:id/approve', ok: 200, fixture: pending, state: bookingState,
    attempt: onTarget('POST', (id) => `staff/v1/bookings/${id}/approve`, {}),
    expect: [F, F, F, N, F, Y, Y, N, N, Y, Y, N, N, F, N, U] },
  { route: 'POST /staff/v1/bookings/:id/reject', ok: 200, fixture: pending, state: bookingState,
    attempt: onTarget('POST', (id) => `staff/v1/bookings/${id}/reject`, { reason: 'matrix' }),
    expect: [F, F, F, N, F, Y, Y, N, N, Y, Y, N, N, F, N, U] },
  { route: 'POST /staff/v1/bookings/:id/seat', ok: 200, fixture: confirmed, state: bookingState,
    attempt: onTarget('POST', (id) => `staff/v1/bookings/${id}/seat`, {}),
    expect: [F, F, F, N, Y, Y, Y, N, N, Y, Y, N, N, Y, N, U] },
  { route: 'POST /staff/v1/bookings/:id/complete', ok: 200, fixture: seated, state: bookingState,
    attempt: onTarget('POST', (id) => `staff/v1/bookings/${id}/complete`, {}),
    expect: [F, F, F, N, Y, Y, Y, N, N, Y, Y, N, N, Y, N, U] },
  { route: 'POST /staff/v1/bookings/:id/no-show', ok: 200, fixture: started, state: bookingState,
    attempt: onTarget('POST', (id) => `staff/v1/bookings/${id}/no-show`, {}),
    expect: [F, F, F, N, Y, Y, Y, N, N, Y, Y, N, N, Y, N, U] },
  { route: 'PATCH /staff/v1/bookings/:id', ok: 200, fixture: confirmed, state: bookingState,
    attempt: onTarget('PATCH', (id) => `staff/v1/bookings/${id}`, { party_size: 3 }),
    expect: [N, N, N, N, Y, Y, Y, N, N, Y, Y, N, N, Y, N, U] },
  { route: 'POST /staff/v1/blocks', ok: 201, fixture: nothing, state: venueRows,
    attempt: async () => ({ method: 'POST', path: 'staff/v1/blocks', body: { venue_id: V.id, reason: 'matrix', quantity: 1, ...(await standing()) } }),
    expect: [F, F, F, F, F, Y, Y, F, F, Y, Y, F, F, F, F, U] },
  { route: 'DELETE /staff/v1/blocks/:id', ok: 200, fixture: block, state: bookingState,
    attempt: onTarget('DELETE', (id) => `staff/v1/blocks/${id}`),
    expect: [F, F, F, N, F, Y, Y, N, N, Y, Y, N, N, F, N, U] },
  { route: 'GET /staff/v1/arrivals', ok: 200, fixture: nothing, state: venueRows,
    attempt: () => ({ method: 'GET', path: 'staff/v1/arrivals', query: { venue_id: V.id, date: today } }),
    expect: [F, F, F, F, Y, Y, Y, F, F, Y, Y, F, F, Y, F, U] },
  { route: 'GET /staff/v1/tables', ok: 200, fixture: nothing, state: venueRows,
    attempt: () => ({ method: 'GET', path: 'staff/v1/tables', query: { venue_id: V.id } }),
    expect: [F, F, F, F, Y, Y, Y, F, F, Y, Y, F, F, Y, F, U] },
  { route: 'GET /staff/v1/feed', ok: 200, fixture: nothing, state: venueRows,
    attempt: () => ({ method: 'GET', path: 'staff/v1/feed', query: { venue_id: V.id } }),
    expect: [F, F, F, F, Y, Y, Y, F, F, Y, Y, F, F, Y, F, U] },
  { route: 'GET /staff/v1/metrics', ok: 200, fixture: nothing, state: venueRows,
    attempt: () => ({ method: 'GET', path: 'staff/v1/metrics', query: { venue_id: V.id, from: today, to: today } }),
    expect: [F, F, F, F, F, Y, Y, F, F, Y, Y, F, F, F, F, U] },
  { route: 'POST /staff/v1/api-keys', ok: 201, fixture: nothing, state: venueRows,
    attempt: () => ({ method: 'POST', path: 'staff/v1/api-keys', body: { venue_id: V.id, name: 'matrix', scopes: ['read'] } }),
    expect: [F, F, F, F, F, Y, Y, F, F, Y, Y, F, F, F, F, U] },
  { route: 'DELETE /staff/v1/api-keys/:id', ok: 200, fixture: apiKeyFixture, state: keyState,
    attempt: onTarget('DELETE', (id) => `staff/v1/api-keys/${id}`),
    expect: [F, F, F, N, F, Y, Y, N, N, Y, Y, N, N, F, N, U] },
  { route: 'GET /clients/v1 (search)', ok: 200, fixture: nothing, state: venueRows,
    attempt: () => ({ method: 'GET', path: 'clients/v1', query: { venue_id: V.id, q: 'Matrix' } }),
    expect: [F, F, F, F, Y, Y, Y, F, F, Y, Y, F, F, Y, F, U] },
  { route: 'POST /clients/v1', ok: 201, fixture: nothing, state: venueRows,
    attempt: () => ({ method: 'POST', path: 'clients/v1', body: { venue_id: V.id, name: 'Matrix Client', email: guest().email } }),
    expect: [F, F, F, F, Y, Y, Y, F, F, Y, Y, F, F, Y, F, U] },
  { route: 'GET /clients/v1/:id', ok: 200, fixture: client, state: clientState,
    attempt: onTarget('GET', (id) => `clients/v1/${id}`),
    expect: [F, F, F, N, Y, Y, Y, N, N, Y, Y, N, N, Y, N, U] },
  { route: 'PATCH /clients/v1/:id', ok: 200, fixture: client, state: clientState,
    attempt: onTarget('PATCH', (id) => `clients/v1/${id}`, { notes: 'matrix' }),
    expect: [F, F, F, N, Y, Y, Y, N, N, Y, Y, N, N, Y, N, U] },
  { route: 'DELETE /clients/v1/:id (erase)', ok: 200, fixture: client, state: clientState,
    attempt: onTarget('DELETE', (id) => `clients/v1/${id}`),
    expect: [F, F, F, N, F, Y, Y, N, N, Y, Y, N, N, F, N, U] },
];

/** After an allowed cell: end the bookings it made or used (cancelled, or completed once seated),
 *  so the matrix gives the seed venue's inventory back instead of filling the-vault's nights. */
const release = (ids: (string | undefined)[]) => db`
  update tablehold.bookings set status = (case when status = 'seated' then 'completed' else 'cancelled' end)::tablehold.booking_status
  where id = any (${ids.filter((id): id is string => !!id && /^[0-9a-f-]{36}$/.test(id))}::uuid[])
    and status in ('held', 'pending_approval', 'confirmed', 'seated')`;

/** Denied cells share one fixture of each kind (a denial must not change it); released at the end. */
const sharedFixtures = new Map<() => Promise<Fixture>, Promise<Fixture>>();
const sharedFixture = (c: RouteCase) => {
  if (!sharedFixtures.has(c.fixture)) sharedFixtures.set(c.fixture, c.fixture());
  return sharedFixtures.get(c.fixture)!;
};
afterAll(async () => {
  await release((await Promise.all(sharedFixtures.values())).map((f) => f.id));
  await closeAll();
});

const send = (role: Role, a: Attempt): Promise<Reply> => invoke(as[role], a.method, a.path, { query: a.query, body: a.body });

describe('every role × every route of the-vault', () => {
  it('the matrix has a column for every role', () => {
    for (const c of MATRIX) expect(c.expect, c.route).toHaveLength(ROLES.length);
  });

  it('the matrix has a row for every route of every function', () => {
    const routes = [...documented, openapi].flatMap((fn) =>
      fn.routes.map((r) => `${r.method} /${fn.name}/v1${r.path === '/' ? '' : r.path}`));
    const rows = new Set(MATRIX.map((c) => c.route.replace(/ \(.*\)$/, '')));
    expect(routes.filter((r) => !rows.has(r))).toEqual([]);
  });

  for (const c of MATRIX) {
    describe(c.route, () => {
      ROLES.forEach(([role, label], i) => {
        const expected = c.expect[i];
        const answer = expected === Y ? `${c.ok}` : `${expected} ${CODES[expected]}`;
        it(`${label}: ${answer}`, async () => {
          if (expected === Y) {
            const f = await c.fixture();
            const r = await send(role, await c.attempt(f, role));
            await release([f.id, r.body?.data?.id]);
            expect(outcome(r), JSON.stringify(r.body?.error)).toEqual([c.ok, undefined]);
            expect(r.body, 'an answer with a body').toBeTruthy();
            return;
          }
          const f = await sharedFixture(c);
          const before = await c.state(f);
          const r = await send(role, await c.attempt(f, role));
          expect(outcome(r)).toEqual([expected, CODES[expected]]);
          expect(await c.state(f), 'a denied call changes nothing').toEqual(before);
        });
      });
    });
  }
});

// --- beyond the matrix ---

describe('guests and their manage tokens', () => {
  const booking = async () => {
    const r = await invoke(as.publishable, 'POST', 'book/v1', { body: { venue_id: V.id, party_size: 2, ...(await standing()), guest: guest('token') } });
    expect(r.status).toBe(201);
    return r.body.data as { id: string; manage_token: string };
  };

  it('a guest reads their booking with its manage token; with another booking\'s token, a made-up one or none it is 404 NOT_FOUND', async () => {
    const mine = await booking();
    const theirs = await booking();
    const read = (token?: string) => invoke(as.publishable, 'GET', `book/v1/${mine.id}`, { query: { manage_token: token } });
    expect((await read(mine.manage_token)).body.data).toMatchObject({ id: mine.id, status: 'confirmed' });
    const made = randomUUID().replace(/-/g, '') + '0123456789abcdef';
    for (const token of [theirs.manage_token, made, undefined]) {
      const r = await read(token);
      expect(outcome(r)).toEqual([404, 'NOT_FOUND']);
    }
  });

  it("another booking's token can neither change, cancel nor confirm a booking; its own can", async () => {
    const mine = await booking();
    const theirs = await booking();
    const status = async (id: string) => (await db`select status, party_size from tablehold.bookings where id = ${id}`)[0];

    const patch = await invoke(as.publishable, 'PATCH', `book/v1/${mine.id}`, { body: { manage_token: theirs.manage_token, party_size: 3 } });
    const cancel = await invoke(as.publishable, 'POST', `cancel/v1/${mine.id}`, { body: { manage_token: theirs.manage_token } });
    expect([outcome(patch), outcome(cancel)]).toEqual([[404, 'NOT_FOUND'], [404, 'NOT_FOUND']]);
    expect(await status(mine.id)).toEqual({ status: 'confirmed', party_size: 2 });

    const hold = await invoke(as.publishable, 'POST', 'hold/v1', { body: { venue_id: V.id, party_size: 2, ...(await standing()), guest: guest('held') } });
    const wrong = await invoke(as.publishable, 'POST', `hold/v1/${hold.body.data.id}/confirm`, { body: { manage_token: mine.manage_token } });
    expect(outcome(wrong)).toEqual([404, 'NOT_FOUND']);
    expect((await status(hold.body.data.id)).status).toBe('held');

    const right = await invoke(as.publishable, 'POST', `cancel/v1/${mine.id}`, { body: { manage_token: mine.manage_token } });
    expect([right.status, right.body.data.status]).toEqual([200, 'cancelled']);
  });
});

describe('customers and their own records', () => {
  it('a customer reads and cancels their own booking without a token; another customer gets 404 and changes nothing', async () => {
    const c = await credentials();
    const alice = await c.user('alice', await createUser(db, 'alice'));
    const bob = await c.user('bob', await createUser(db, 'bob'));
    const booked = await invoke(alice, 'POST', 'book/v1', { body: { venue_id: V.id, party_size: 2, ...(await standing()), guest: guest('alice') } });
    expect(booked.status).toBe(201);
    const { id, client_id } = booked.body.data;

    expect((await invoke(alice, 'GET', `book/v1/${id}`)).status).toBe(200);
    expect(outcome(await invoke(bob, 'GET', `book/v1/${id}`))).toEqual([404, 'NOT_FOUND']);
    expect(outcome(await invoke(bob, 'POST', `cancel/v1/${id}`, { body: {} }))).toEqual([404, 'NOT_FOUND']);
    expect(outcome(await invoke(bob, 'GET', `clients/v1/${client_id}`))).toEqual([404, 'NOT_FOUND']);
    expect(outcome(await invoke(bob, 'DELETE', `clients/v1/${client_id}`))).toEqual([404, 'NOT_FOUND']);

    const own = await invoke(alice, 'GET', `clients/v1/${client_id}`);
    expect(own.status).toBe(200);
    expect(own.body.data.bookings.map((b: { id: string }) => b.id)).toEqual([id]);
    const cancelled = await invoke(alice, 'POST', `cancel/v1/${id}`, { body: {} });
    expect([cancelled.status, cancelled.body.data.status]).toEqual([200, 'cancelled']);
    const erased = await invoke(alice, 'DELETE', `clients/v1/${client_id}`);
    expect([erased.status, erased.body.data.name, erased.body.data.email]).toEqual([200, 'Erased client', null]);
  });
});

describe("staff of one venue never see or change another venue's data", () => {
  let noraBooking: Fixture & { client_id: string };
  beforeAll(async () => {
    const { start } = await quietStart(db);
    noraBooking = await engine(db, 'book', {
      venue_id: [seed.nora.id, 'uuid'], party_size: [2, 'int'], start: [start, 'timestamptz'], guest: [guest('nora'), 'jsonb'],
    });
  });
  const N_ = seed.nora.id;
  const cases: [string, () => Attempt, number, string][] = [
    ['read its booking', () => ({ method: 'GET', path: `book/v1/${noraBooking.id}` }), 404, 'NOT_FOUND'],
    ['cancel its booking', () => ({ method: 'POST', path: `cancel/v1/${noraBooking.id}`, body: {} }), 404, 'NOT_FOUND'],
    ['seat its booking', () => ({ method: 'POST', path: `staff/v1/bookings/${noraBooking.id}/seat`, body: {} }), 404, 'NOT_FOUND'],
    ['move its booking', () => ({ method: 'PATCH', path: `staff/v1/bookings/${noraBooking.id}`, body: { party_size: 3 } }), 404, 'NOT_FOUND'],
    ['read its client', () => ({ method: 'GET', path: `clients/v1/${noraBooking.client_id}` }), 404, 'NOT_FOUND'],
    ['erase its client', () => ({ method: 'DELETE', path: `clients/v1/${noraBooking.client_id}` }), 404, 'NOT_FOUND'],
    ['search its clients', () => ({ method: 'GET', path: 'clients/v1', query: { venue_id: N_ } }), 403, 'FORBIDDEN'],
    ['list its arrivals', () => ({ method: 'GET', path: 'staff/v1/arrivals', query: { venue_id: N_ } }), 403, 'FORBIDDEN'],
    ['see its tables', () => ({ method: 'GET', path: 'staff/v1/tables', query: { venue_id: N_ } }), 403, 'FORBIDDEN'],
    ['read its metrics', () => ({ method: 'GET', path: 'staff/v1/metrics', query: { venue_id: N_, from: today, to: today } }), 403, 'FORBIDDEN'],
    ['block its tables', () => ({ method: 'POST', path: 'staff/v1/blocks', body: { venue_id: N_, unit_ids: [seed.nora.t1], reason: 'x', start: new Date(Date.now() + 30 * 86_400_000).toISOString(), end: new Date(Date.now() + 30 * 86_400_000 + 3_600_000).toISOString() } }), 403, 'FORBIDDEN'],
  ];
  it.each(cases)("the-vault's manager cannot %s at nora-kitchen", async (_, attempt, status, code) => {
    const before = await bookingState(noraBooking);
    expect(outcome(await send('manager', attempt()))).toEqual([status, code]);
    expect(await bookingState(noraBooking)).toEqual(before);
  });
  it.each(cases)("the-vault's manage-scope API key cannot %s at nora-kitchen", async (_, attempt, status, code) => {
    expect(outcome(await send('keyManage', attempt()))).toEqual([status, code]);
  });
});
