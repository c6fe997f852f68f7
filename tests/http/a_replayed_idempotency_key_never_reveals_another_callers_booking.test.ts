// Idempotency keys are scoped to the caller, over real HTTP (issue 9). Before, every anonymous caller
// shared one namespace: a guest who sent another guest's key ("shared-key-1") with the same body got
// that guest's 201 back, manage token included. Now:
//   * an anonymous caller's key is its identity (README, "Idempotency"), so it must be a random UUID
//     (v4): a guessable key is refused with 400 and writes nothing;
//   * a user, an API key and the service role each have their own keys: the same key and body from
//     another identity is a request of its own, never a replay of someone else's answer;
//   * the caller who made a key gets its answer back on a retry, manage token and all.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAll, sql } from '../support/db';
import { demoSeed } from '../support/demo';
import { createApiKey, createUser, type Credential, credentials, freeSlot, guest, invoke, outcome, type Reply } from '../support/http';

const db = sql(2);
const seed = await demoSeed(db);
const V = seed.vault;
const as = {} as Record<'nobody' | 'publishable' | 'alice' | 'bob' | 'assistant' | 'secret', Credential>;

beforeAll(async () => {
  const c = await credentials();
  Object.assign(as, {
    nobody: c.nobody, publishable: c.publishable, secret: c.secret,
    alice: await c.user('alice', await createUser(db, 'alice')),
    bob: await c.user('bob', await createUser(db, 'bob')),
    assistant: c.apiKey('assistant', (await createApiKey(db, V.id, ['book'])).key),
  });
});
afterAll(async () => {
  await db`update tablehold.bookings set status = 'cancelled' where id = any (${made}::uuid[]) and status = 'confirmed'`;
  await closeAll();
});

/** Every booking these tests made, given back at the end. */
const made: string[] = [];
const bookWith = async (who: Credential, key: string, body: object): Promise<Reply> => {
  const r = await invoke(who, 'POST', 'book/v1', { body, headers: { 'idempotency-key': key } });
  if (r.body?.data?.id) made.push(r.body.data.id);
  return r;
};
/** One booking request for the-vault's standing tables, on a night with room for six parties. */
const request = async () => ({
  venue_id: V.id, party_size: 2, ...(await freeSlot(db, V.standing, { units: 6 })), unit_ids: [V.standing], guest: guest('replay'),
});
const bookings = async () => (await db`select count(*)::int as n from tablehold.bookings where venue_id = ${V.id}`)[0].n as number;

describe('anonymous callers', () => {
  it.each([
    ['the key of the issue\'s reproduction', 'shared-key-1'],
    ['an order number', 'order-000042'],
    ['a UUID that is not random (version 1)', '6f1c2a9e-1d3b-11ef-9a4c-0242ac120002'],
    ['the nil UUID', '00000000-0000-0000-0000-000000000000'],
  ])('%s is refused with 400 VALIDATION_FAILED and books nothing', async (_, key) => {
    const before = await bookings();
    const r = await bookWith(as.publishable, key, await request());
    expect(outcome(r)).toEqual([400, 'VALIDATION_FAILED']);
    expect(r.body.error.details).toEqual([{ path: 'headers.idempotency-key', problem: expect.stringContaining('random UUID (version 4)') }]);
    expect(await bookings()).toBe(before);
  });

  it('a random UUID key replays the guest\'s own booking on a retry, manage token and all', async () => {
    const key = randomUUID();
    const body = await request();
    const first = await bookWith(as.publishable, key, body);
    const retry = await bookWith(as.nobody, key, body);
    expect(first.status).toBe(201);
    expect([retry.status, retry.headers.get('idempotent-replayed')]).toEqual([201, 'true']);
    expect(retry.body).toEqual(first.body);
    expect(retry.body.data.manage_token).toMatch(/^[0-9a-f]{48}$/);
  });
});

describe('identified callers each have their own keys', () => {
  it('the same key and body from a guest, two users, an API key and the service role make five bookings; each retry replays only its own', async () => {
    const key = randomUUID();
    const body = await request();
    const callers = [as.publishable, as.alice, as.bob, as.assistant, as.secret] as const;
    const firsts: Reply[] = [];
    for (const who of callers) firsts.push(await bookWith(who, key, body));
    expect(firsts.map((r) => [r.status, r.headers.get('idempotent-replayed')])).toEqual(callers.map(() => [201, null]));
    expect(new Set(firsts.map((r) => r.body.data.id)).size, 'a booking each').toBe(callers.length);
    expect(new Set(firsts.map((r) => r.body.data.manage_token)).size, 'a manage token each').toBe(callers.length);

    for (const [i, who] of callers.entries()) {
      const retry = await bookWith(who, key, body);
      expect([retry.status, retry.headers.get('idempotent-replayed')], who.label).toEqual([201, 'true']);
      expect(retry.body, `${who.label} gets its own answer back`).toEqual(firsts[i].body);
    }
  });

  it('a user who learns a guest\'s key and body gets a booking of her own, not the guest\'s or its token', async () => {
    const key = randomUUID();
    const body = await request();
    const guests = await bookWith(as.nobody, key, body);
    const alices = await bookWith(as.alice, key, body);
    expect([guests.status, alices.status, alices.headers.get('idempotent-replayed')]).toEqual([201, 201, null]);
    expect(alices.body.data.id).not.toBe(guests.body.data.id);
    expect(alices.body.data.manage_token).not.toBe(guests.body.data.manage_token);
  });

  it('another user reusing a user\'s key with another body is no conflict: the key is not his', async () => {
    const key = randomUUID();
    const alices = await bookWith(as.alice, key, await request());
    const bobs = await bookWith(as.bob, key, { ...(await request()), party_size: 3 });
    expect([alices.status, bobs.status]).toEqual([201, 201]);
    expect(bobs.body.data.party_size).toBe(3);
    const conflict = await bookWith(as.alice, key, { ...(await request()), party_size: 3 });
    expect(outcome(conflict), 'while the same user reusing it for another request is').toEqual([409, 'IDEMPOTENCY_CONFLICT']);
  });
});
