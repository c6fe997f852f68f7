// The whole API over real HTTP, called the way the apps call it: supabase-js functions.invoke against
// the functions server. A guest books and manages a booth with the manage token, a signed-in customer
// books as their own client, staff run the night (approvals, arrivals, the floor, blocks, metrics,
// the guest CRM), and an assistant books with an API key until a manager revokes it.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAll, sql } from '../support/db';
import { demoSeed } from '../support/demo';
import {
  createUser, type Credential, credentials, freeSlot, guest, invoke, outcome, quietStart, type Reply,
} from '../support/http';

const db = sql(2);
const seed = await demoSeed(db);
afterAll(closeAll);
const V = seed.vault;

let guestApp: Credential;
let manager: Credential;
let host: Credential;
let noraHost: Credential;
beforeAll(async () => {
  const c = await credentials();
  guestApp = c.publishable;
  manager = await c.user('manager', seed.users.vaultManager);
  host = await c.user('host', seed.users.vaultHost);
  noraHost = await c.user('nora host', seed.users.noraHost);
});

const ok = (r: Reply, status = 200) => {
  expect(outcome(r), JSON.stringify(r.body?.error)).toEqual([status, undefined]);
  return r.body.data;
};
/** The availability snapshot's key for one unit and slot. */
const keyOf = (snapshot: any, unitId: string) => snapshot.units.find((u: { unit_id: string }) => u.unit_id === unitId).keys[0];
const snapshot = async (who: Credential, date: string, slot: string) =>
  ok(await invoke(who, 'GET', 'availability/v1', { query: { venue_id: V.id, date, slot } }));

describe('a guest', () => {
  it('reads availability, holds a booth, confirms it with the manage token, reads, changes and cancels it', async () => {
    const { date, slot } = await freeSlot(db, V.booth1);
    const seen = await invoke(guestApp, 'GET', 'availability/v1', { query: { venue_id: V.id, date, slot } });
    expect(seen.headers.get('etag')).toMatch(new RegExp(`^"g${seen.body.data.version}\\.\\d+"$`));
    expect(keyOf(seen.body.data, V.booth1)).toMatchObject({ slot, state: 'available', remaining: 1 });

    const request = { venue_id: V.id, party_size: 4, date, slot, unit_ids: [V.booth1], guest: guest('frontend'), seen_version: seen.body.data.version };
    const idempotencyKey = randomUUID();
    const held = ok(await invoke(guestApp, 'POST', 'hold/v1', { body: request, headers: { 'Idempotency-Key': idempotencyKey } }), 201);
    expect(held).toMatchObject({ status: 'held', source: 'web', deposit_total: 100, min_spend_total: 500, units: [{ code: 'vip-booth-1', quantity: 1 }] });
    expect(held.manage_token).toMatch(/^[0-9a-f]{48}$/);
    expect(Date.parse(held.hold_expires_at)).toBeGreaterThan(Date.now());

    const again = await invoke(guestApp, 'POST', 'hold/v1', { body: request, headers: { 'Idempotency-Key': idempotencyKey } });
    expect([again.status, again.headers.get('idempotent-replayed'), again.body.data.id]).toEqual([201, 'true', held.id]);

    const whileHeld = await snapshot(guestApp, date, slot);
    expect(keyOf(whileHeld, V.booth1)).toMatchObject({ state: 'unavailable', remaining: 0 });
    const busy = whileHeld.units.find((u: { unit_id: string }) => u.unit_id === V.booth1).busy;
    expect(busy).toContainEqual({ starts_at: keyOf(whileHeld, V.booth1).starts_at, ends_at: keyOf(whileHeld, V.booth1).ends_at });
    for (const window of busy) expect(Object.keys(window).sort(), 'guests see when, never whose').toEqual(['ends_at', 'starts_at']);

    const token = held.manage_token;
    expect(ok(await invoke(guestApp, 'POST', `hold/v1/${held.id}/confirm`, { body: { manage_token: token } })))
      .toMatchObject({ id: held.id, status: 'confirmed', hold_expires_at: null });
    expect(ok(await invoke(guestApp, 'GET', `book/v1/${held.id}`, { query: { manage_token: token } })))
      .toMatchObject({ id: held.id, reference: held.reference, status: 'confirmed', party_size: 4 });
    expect(ok(await invoke(guestApp, 'PATCH', `book/v1/${held.id}`, { body: { manage_token: token, party_size: 6 } })))
      .toMatchObject({ id: held.id, status: 'confirmed', party_size: 6, units: [{ code: 'vip-booth-1' }] });
    expect(ok(await invoke(guestApp, 'POST', `cancel/v1/${held.id}`, { body: { manage_token: token, reason: 'plans changed' } })))
      .toMatchObject({ id: held.id, status: 'cancelled' });

    expect(keyOf(await snapshot(guestApp, date, slot), V.booth1)).toMatchObject({ state: 'available', remaining: 1 });
  });
});

describe('a signed-in customer', () => {
  it('books as their own client, reads the booking without a token, and books again without repeating their details', async () => {
    const customer = await (await credentials()).user('customer', await createUser(db, 'diner'));
    const first = await quietStart(db);
    const booked = ok(await invoke(customer, 'POST', 'book/v1', {
      body: { venue_id: seed.nora.id, party_size: 2, start: first.start, guest: { name: 'Dana Diner', email: guest('dana').email }, occasion: 'anniversary' },
    }), 201);
    expect(booked).toMatchObject({ status: 'confirmed', starts_at: expect.any(String), units: [{ code: 't1' }] });
    expect(Date.parse(booked.starts_at)).toBe(Date.parse(first.start));

    expect(ok(await invoke(customer, 'GET', `book/v1/${booked.id}`))).toMatchObject({ id: booked.id, occasion: 'anniversary' });

    const second = await quietStart(db);
    const again = ok(await invoke(customer, 'POST', 'book/v1', { body: { venue_id: seed.nora.id, party_size: 2, start: second.start } }), 201);
    expect(again.client_id).toBe(booked.client_id);

    const me = ok(await invoke(customer, 'GET', `clients/v1/${booked.client_id}`));
    expect(me).toMatchObject({ name: 'Dana Diner', linked_user: true });
    expect(me.bookings.map((b: { id: string }) => b.id).sort()).toEqual([booked.id, again.id].sort());
  });
});

describe('staff', () => {
  it('a manager approves a mezzanine request; arrivals filter it by unit type', async () => {
    const { date, slot } = await freeSlot(db, V.mezzanine);
    const request = ok(await invoke(guestApp, 'POST', 'book/v1', {
      body: { venue_id: V.id, party_size: 14, date, slot, unit_ids: [V.mezzanine], guest: guest('party'), special_requests: 'birthday cake' },
    }), 201);
    expect(request.status).toBe('pending_approval');

    const arrivals = async (who: Credential, unit_type?: string) =>
      ok(await invoke(who, 'GET', 'staff/v1/arrivals', { query: { venue_id: V.id, date, unit_type } }))
        .filter((a: { booking_id: string }) => a.booking_id === request.id);
    expect(await arrivals(host, 'section')).toEqual([expect.objectContaining({
      status: 'pending_approval', party_size: 14, special_requests: 'birthday cake',
      units: [{ code: 'mezzanine', name: 'The Mezzanine', unit_type: 'section', quantity: 1 }],
    })]);
    expect(await arrivals(host, 'booth')).toEqual([]);

    expect(outcome(await invoke(host, 'POST', `staff/v1/bookings/${request.id}/approve`, { body: {} }))).toEqual([403, 'FORBIDDEN']);
    expect(ok(await invoke(manager, 'POST', `staff/v1/bookings/${request.id}/approve`, { body: {} }))).toMatchObject({ status: 'confirmed' });
    expect(await arrivals(host)).toEqual([expect.objectContaining({ status: 'confirmed' })]);
  });

  it('a host seats and completes a table; the floor view follows', async () => {
    const { start } = await quietStart(db);
    const booked = ok(await invoke(guestApp, 'POST', 'book/v1', { body: { venue_id: seed.nora.id, party_size: 2, start, guest: guest('floor') } }), 201);
    const at = new Date(Date.parse(start) + 30 * 60_000).toISOString();
    const t1 = async () => ok(await invoke(noraHost, 'GET', 'staff/v1/tables', { query: { venue_id: seed.nora.id, at } }))
      .find((t: { code: string }) => t.code === 't1');

    expect(await t1()).toMatchObject({ status: 'reserved', booking_id: booked.id, party_size: 2 });
    expect(ok(await invoke(noraHost, 'POST', `staff/v1/bookings/${booked.id}/seat`, { body: {} }))).toMatchObject({ status: 'seated' });
    expect(await t1()).toMatchObject({ status: 'occupied', booking_id: booked.id });
    expect(ok(await invoke(noraHost, 'POST', `staff/v1/bookings/${booked.id}/complete`, { body: {} }))).toMatchObject({ status: 'completed' });
    expect(await t1()).toMatchObject({ status: 'available', booking_id: null });
  });

  it('a manager blocks a booth: guests see it taken and cannot book it; lifting the block frees it', async () => {
    const { date, slot } = await freeSlot(db, V.booth2);
    const block = ok(await invoke(manager, 'POST', 'staff/v1/blocks', {
      body: { venue_id: V.id, unit_ids: [V.booth2], reason: 'VIP visit', date, slot },
    }), 201);
    expect(block).toMatchObject({ kind: 'block', status: 'confirmed', block_reason: 'VIP visit' });

    expect(keyOf(await snapshot(guestApp, date, slot), V.booth2)).toMatchObject({ state: 'unavailable' });
    expect(keyOf(await snapshot(host, date, slot), V.booth2)).toMatchObject({ state: 'unavailable', staff_state: 'blocked' });
    const attempt = { venue_id: V.id, party_size: 4, date, slot, unit_ids: [V.booth2], guest: guest('blocked') };
    expect(outcome(await invoke(guestApp, 'POST', 'book/v1', { body: attempt }))).toEqual([409, 'TABLE_NOT_AVAILABLE']);

    expect(ok(await invoke(manager, 'DELETE', `staff/v1/blocks/${block.id}`))).toMatchObject({ id: block.id, status: 'cancelled' });
    expect(keyOf(await snapshot(guestApp, date, slot), V.booth2)).toMatchObject({ state: 'available' });
    expect(ok(await invoke(guestApp, 'POST', 'book/v1', { body: attempt }), 201)).toMatchObject({ status: 'confirmed' });
  });

  it("a manager's metrics count today's booking and the refusal that protected it", async () => {
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    const totals = async () => {
      const rows = ok(await invoke(manager, 'GET', 'staff/v1/metrics', { query: { venue_id: V.id, from: day(-1), to: day(1) } }));
      const sum = (k: string) => rows.reduce((n: number, r: Record<string, number>) => n + Number(r[k]), 0);
      return {
        bookings_made: sum('bookings_made'), conflicts_prevented: sum('conflicts_prevented'),
        table_not_available: rows.reduce((n: number, r: { refusals_by_code: Record<string, number> }) => n + (r.refusals_by_code.TABLE_NOT_AVAILABLE ?? 0), 0),
      };
    };
    const before = await totals();
    const { date, slot } = await freeSlot(db, V.booth1);
    const booth = { venue_id: V.id, party_size: 4, date, slot, unit_ids: [V.booth1] };
    ok(await invoke(guestApp, 'POST', 'book/v1', { body: { ...booth, guest: guest('first') } }), 201);
    expect(outcome(await invoke(guestApp, 'POST', 'book/v1', { body: { ...booth, guest: guest('second') } }))).toEqual([409, 'TABLE_NOT_AVAILABLE']);

    const after = await totals();
    expect({
      bookings_made: after.bookings_made - before.bookings_made,
      conflicts_prevented: after.conflicts_prevented - before.conflicts_prevented,
      table_not_available: after.table_not_available - before.table_not_available,
    }).toEqual({ bookings_made: 1, conflicts_prevented: 1, table_not_available: 1 });
  });

  it('keep the guest CRM: create, search, read, update; a manager erases a client', async () => {
    const email = guest('crm').email;
    const created = ok(await invoke(host, 'POST', 'clients/v1', {
      body: { venue_id: V.id, name: 'Carla Regular', email, phone: '+44 20 7946 0000', tags: ['regular'] },
    }), 201);
    expect(created).toMatchObject({ name: 'Carla Regular', email, tags: ['regular'], linked_user: false });

    const search = async (q: string) =>
      ok(await invoke(host, 'GET', 'clients/v1', { query: { venue_id: V.id, q } })).map((c: { id: string }) => c.id);
    expect(await search(email.slice(0, 20))).toEqual([created.id]);
    expect(ok(await invoke(host, 'GET', `clients/v1/${created.id}`))).toMatchObject({ id: created.id, bookings: [] });
    expect(ok(await invoke(host, 'PATCH', `clients/v1/${created.id}`, { body: { notes: 'likes the corner booth', tags: ['regular', 'vip'] } })))
      .toMatchObject({ notes: 'likes the corner booth', tags: ['regular', 'vip'] });

    expect(outcome(await invoke(host, 'DELETE', `clients/v1/${created.id}`))).toEqual([403, 'FORBIDDEN']);
    expect(ok(await invoke(manager, 'DELETE', `clients/v1/${created.id}`))).toMatchObject({
      id: created.id, name: 'Erased client', email: null, phone: null, notes: null, tags: [], erased_at: expect.any(String),
    });
    expect(await search(email.slice(0, 20))).toEqual([]);
    expect(outcome(await invoke(host, 'PATCH', `clients/v1/${created.id}`, { body: { notes: 'back again' } }))).toEqual([409, 'INVALID_TRANSITION']);
  });
});

describe('an assistant', () => {
  it("books with a manager's API key as source 'assistant'; once the key is revoked it gets 401", async () => {
    const key = ok(await invoke(manager, 'POST', 'staff/v1/api-keys', { body: { venue_id: V.id, name: 'Concierge bot', scopes: ['book'] } }), 201);
    expect(key).toMatchObject({ name: 'Concierge bot', scopes: ['book'], key: expect.stringMatching(/^thk_[0-9a-f]{48}$/) });
    const assistant = (await credentials()).apiKey('assistant', key.key);

    const spot = await freeSlot(db, V.standing);
    const body = { venue_id: V.id, party_size: 3, ...spot, unit_ids: [V.standing], guest: guest('assistant') };
    const booked = ok(await invoke(assistant, 'POST', 'book/v1', { body }), 201);
    expect(booked).toMatchObject({ status: 'confirmed', source: 'assistant' });
    const [audit] = await db`
      select api_key_id, actor_user_id from tablehold.audit_log where entity = 'bookings' and entity_id = ${booked.id} and action = 'insert'`;
    expect(audit).toEqual({ api_key_id: key.id, actor_user_id: null });

    expect(ok(await invoke(manager, 'DELETE', `staff/v1/api-keys/${key.id}`))).toMatchObject({ id: key.id, revoked_at: expect.any(String) });
    expect(outcome(await invoke(assistant, 'POST', 'book/v1', { body: { ...body, guest: guest('assistant') } }))).toEqual([401, 'UNAUTHORIZED']);
    expect(outcome(await invoke(assistant, 'GET', 'availability/v1', { query: { venue_id: V.id, date: spot.date } }))).toEqual([401, 'UNAUTHORIZED']);
  });
});
