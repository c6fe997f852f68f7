// Idempotency-Key: the first successful response to a key is stored in the same transaction as the
// change (tablehold.idempotency_keys, kept 24 hours) and replayed for the same key and the same
// request, including after a timeout or for a concurrent duplicate, to the caller who made it and
// to no one else. The same key with a different request is 409 IDEMPOTENCY_CONFLICT; failed
// attempts are not stored, so a retry after a refusal runs again.
//
// Who "the caller who made it" is:
//   * a signed-in user (user:<id>), an assistant's API key (api_key:<id>), the service role (service):
//     a key is looked up among that caller's own keys only, so another identity sending the same key
//     and body makes a request of its own and never sees the first one's booking or manage token;
//   * an anonymous caller carries nothing that identifies it from one request to the next (no
//     credential; an IP address changes on exactly the retry that matters, after a dropped
//     connection). Its key is its identity, so the key must be a secret: a random UUID version 4
//     (122 random bits, crypto.randomUUID(), what the SDK sends). Whoever holds the key is the guest
//     who made it, as whoever holds a manage token is; anything guessable is refused (400).
// The engine scopes the keys of bookings by the same rule (tablehold.caller_idempotency_key), so
// the key is passed on to it as sent.
import type { Caller } from './auth.ts';
import { actAsServer, RunAgain, type Tx } from './db.ts';
import { ApiError, validationFailed } from './errors.ts';
import { sha256 } from './http.ts';

const KEY = /^[A-Za-z0-9._:-]{8,200}$/;
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

export interface IdempotencyKey {
  /** The key as the caller sent it (the engine scopes it itself). */
  key: string;
  /** Among whose keys it is looked up: the function, the route and the caller. */
  scope: string;
  /** Which request it was made for: the same key with another request is a conflict. */
  requestHash: string;
}

/** The request's Idempotency-Key, checked for the route and the caller; undefined when none was
 *  sent. `route` names the function and route, `request` the method, path and body as parsed. */
export async function idempotencyKey(
  headers: Headers, accepted: boolean, route: string, caller: Caller, request: string,
): Promise<IdempotencyKey | undefined> {
  const key = headers.get('idempotency-key');
  if (key === null) return undefined;
  const problem = !accepted
    ? 'not accepted on this route'
    : !KEY.test(key)
    ? 'use 8 to 200 characters of A-Z a-z 0-9 . _ : -'
    : caller.role === 'anon' && !UUID_V4.test(key)
    ? 'anonymous callers must send a random UUID (version 4), e.g. crypto.randomUUID()'
    : undefined;
  if (problem) throw validationFailed([{ path: 'headers.idempotency-key', problem }]);
  return { key, scope: `${route}:${caller.label}`, requestHash: await sha256(request) };
}

/** What a route answered, as stored and replayed. */
interface Answer {
  status: number;
  body: unknown;
}

/** Run `work` (the route, as the caller) once per key, inside the request's transaction: a key
 *  already answered replays its stored answer (marked replayed) or, for another request, is a 409;
 *  otherwise the work runs and its answer is stored with it. The transaction starts as the
 *  connecting role, which alone may read and write the stored answers. Without a key, just `work`. */
export async function once<T extends Answer>(
  tx: Tx, idempotency: IdempotencyKey | undefined, work: () => Promise<T>,
): Promise<T | (Answer & { replayed: true })> {
  if (!idempotency) return work();
  const { key, scope, requestHash } = idempotency;
  const [seen] = await tx`select request_hash, status, response from tablehold.idempotency_keys where scope = ${scope} and key = ${key}`;
  if (seen) {
    if (seen.request_hash !== requestHash) {
      throw new ApiError(409, 'IDEMPOTENCY_CONFLICT', 'This request key was already used for a different request.');
    }
    return { status: seen.status as number, body: seen.response, replayed: true };
  }
  const answer = await work();
  await actAsServer(tx);
  const stored = await tx`insert into tablehold.idempotency_keys (scope, key, request_hash, status, response)
    values (${scope}, ${key}, ${requestHash}, ${answer.status}, ${tx.json(answer.body as never)})
    on conflict (scope, key) do nothing returning 1`;
  // a concurrent copy with the same key committed first (at READ COMMITTED this insert waited for
  // it; at SERIALIZABLE the engine's own insert already failed with 40001): run again and replay
  // its stored answer
  if (!stored.length) throw new RunAgain('a concurrent request with this Idempotency-Key committed first');
  return answer;
}
