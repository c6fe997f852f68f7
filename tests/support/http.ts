// Helpers for the HTTP API tests: who is calling (a credential per role, sent the way supabase-js
// sends it), one call shape for both transports (a handler in-process, or the functions server over
// HTTP through supabase-js), and SQL finders for a free spot on the seed venues (their ids: ./demo.ts).
//
// The HTTP layer runs on the real clock, so bookings go 20 to 60 days ahead of today. Other files
// book the same seed venues, so tests never hard-code a date: they ask the database for a spot that
// is still free (files run one at a time, so nobody takes it between the question and the booking).
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { functionsEnv, signToken } from '../../scripts/local-keys.mjs';
import { useDb } from '../../functions/_shared/db.ts';
import type { EdgeFunction } from '../../functions/_shared/app.ts';
import type { Sql, Tx } from './db';
import { demoSeed } from './demo';

// --- the guests ---

/** A guest's details, unique per call; with a date of birth, as the-vault (18+) needs. */
export const guest = (label = 'guest') => ({
  name: `Guest ${label}`,
  email: `${label}-${randomUUID().slice(0, 13)}@example.test`,
  date_of_birth: '1990-04-01',
});

// --- the functions' environment and credentials ---

/** KEY='value' lines (as scripts/lib.sh writes FUNCTIONS_ENV_FILE) as an object. */
export function parseEnvFile(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Z_][A-Z0-9_]*)=(?:'(.*)'|(.*))$/.exec(line.trim());
    if (m) vars[m[1]] = m[2] ?? m[3];
  }
  return vars;
}

let environment: Promise<Record<string, string>> | undefined;

/** The environment the functions server got (FUNCTIONS_ENV_FILE), else the one it would get. */
export function serverEnv(): Promise<Record<string, string>> {
  environment ??= (async () => {
    const file = process.env.FUNCTIONS_ENV_FILE;
    if (file) return parseEnvFile(readFileSync(file, 'utf8'));
    const dbUrl = process.env.DATABASE_URL;
    if (!dbUrl) throw new Error('DATABASE_URL is not set; run the tests with npm test');
    return functionsEnv({ dbUrl });
  })();
  return environment;
}

/** Run handlers in this process against the test database: the functions' environment into
 *  process.env, and their pool swapped for `pool` (closed by the caller, e.g. closeAll). */
export async function inProcess(pool: Sql): Promise<void> {
  const dbUrl = process.env.DATABASE_URL;
  if (!dbUrl) throw new Error('DATABASE_URL is not set; run the tests with npm test');
  Object.assign(process.env, await functionsEnv({ dbUrl }));
  useDb(pool);
}

/** The functions server, e.g. http://127.0.0.1:54331 (scripts/test.sh sets FUNCTIONS_URL). */
export function functionsUrl(): string {
  const url = process.env.FUNCTIONS_URL;
  if (!url) throw new Error('FUNCTIONS_URL is not set; run the tests with npm test');
  return url;
}

/** Who is calling, as a frontend configures supabase-js: the project key it was created with
 *  (publishable, secret or a legacy JWT key) and, when signed in, the access token. */
export interface Credential {
  label: string;
  supabaseKey?: string;
  accessToken?: string;
}

const isNewKey = (key: string) => key.startsWith('sb_publishable_') || key.startsWith('sb_secret_');

/** The headers supabase-js sends for a credential: apikey, and Authorization for a session or a
 *  legacy JWT key (never for sb_publishable_/sb_secret_ keys). */
export function headersOf(c: Credential): Record<string, string> {
  const headers: Record<string, string> = {};
  if (c.supabaseKey) headers.apikey = c.supabaseKey;
  const bearer = c.accessToken ?? (c.supabaseKey && !isNewKey(c.supabaseKey) ? c.supabaseKey : undefined);
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  return headers;
}

/** A user JWT (ES256, as Supabase Auth issues them). */
export const userToken = (sub: string, extra: Record<string, unknown> = {}) =>
  signToken({ role: 'authenticated', sub, email: `${sub}@example.test`, extra }) as Promise<string>;

/** The credentials every test can use. */
export async function credentials() {
  const env = await serverEnv();
  const firstKey = (name: string) => Object.values(JSON.parse(env[name]) as Record<string, string>)[0];
  const publishable = firstKey('SUPABASE_PUBLISHABLE_KEYS');
  const signedIn = async (label: string, sub: string): Promise<Credential> =>
    ({ label, supabaseKey: publishable, accessToken: await userToken(sub) });
  return {
    nobody: { label: 'no credentials' } as Credential,
    publishable: { label: 'publishable key', supabaseKey: publishable } as Credential,
    legacyAnon: { label: 'legacy anon JWT (HS256)', supabaseKey: env.SUPABASE_ANON_KEY } as Credential,
    secret: { label: 'secret key', supabaseKey: firstKey('SUPABASE_SECRET_KEYS') } as Credential,
    legacyService: { label: 'legacy service JWT (HS256)', supabaseKey: env.SUPABASE_SERVICE_ROLE_KEY } as Credential,
    /** A signed-in user (customer or staff) with the publishable key. */
    user: signedIn,
    /** An assistant's venue API key (thk_…) presented as the bearer token. */
    apiKey: (label: string, key: string): Credential => ({ label, supabaseKey: publishable, accessToken: key }),
  };
}

// --- calls ---

/** A response read whole. */
export interface Reply {
  status: number;
  headers: Headers;
  // deno-lint-ignore no-explicit-any
  body: any;
}

export interface CallOptions {
  /** Query parameters, appended to the path. */
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  headers?: Record<string, string>;
}

export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'OPTIONS';

/** `function/v1/rest` with the query string. */
export function pathWithQuery(path: string, query: CallOptions['query'] = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

export async function readReply(response: Response): Promise<Reply> {
  const text = await response.text();
  let body: unknown = null;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  return { status: response.status, headers: response.headers, body };
}

/** The Request a browser would send to `/functions/v1/<path>` as this caller. */
export function buildRequest(c: Credential, method: Method, path: string, o: CallOptions = {}): Request {
  const headers: Record<string, string> = { ...headersOf(c), ...(o.body !== undefined ? { 'content-type': 'application/json' } : {}), ...o.headers };
  return new Request(`http://127.0.0.1/functions/v1/${pathWithQuery(path, o.query)}`, {
    method,
    headers,
    body: o.body === undefined ? undefined : JSON.stringify(o.body),
  });
}

/** Call a handler in-process. */
export async function callHandler(fn: EdgeFunction, c: Credential, method: Method, path: string, o: CallOptions = {}): Promise<Reply> {
  return readReply(await fn.handler(buildRequest(c, method, path, o)));
}

const clients = new Map<string, SupabaseClient>();

/** Node 20 has no global WebSocket and supabase-js refuses to start without one. These tests never
 *  open Realtime, so it gets a transport that fails loudly if anything ever tries. */
class NoRealtime {
  constructor() {
    throw new Error('the HTTP tests do not use Realtime');
  }
}

/** A supabase-js client for the credential (one per credential, as an app keeps one). */
export function supabaseFor(c: Credential): SupabaseClient {
  if (!c.supabaseKey) throw new Error(`${c.label}: supabase-js needs a project key`);
  const id = `${c.supabaseKey}|${c.accessToken ?? ''}`;
  let client = clients.get(id);
  if (!client) {
    const token = c.accessToken;
    const realtime = { transport: NoRealtime as never };
    client = createClient(functionsUrl(), c.supabaseKey, token
      ? { accessToken: async () => token, realtime }
      : { auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false }, realtime });
    clients.set(id, client);
  }
  return client;
}

/** Call the functions server over HTTP as a frontend does: supabase-js functions.invoke (plain
 *  fetch for a caller with no key at all, which supabase-js cannot be). Non-2xx answers come
 *  back as replies too, read from error.context. */
export async function invoke(c: Credential, method: Method, path: string, o: CallOptions = {}): Promise<Reply> {
  const target = pathWithQuery(path, o.query);
  if (!c.supabaseKey) {
    return readReply(await fetch(`${functionsUrl()}/functions/v1/${target}`, {
      method,
      headers: { ...headersOf(c), ...(o.body !== undefined ? { 'content-type': 'application/json' } : {}), ...o.headers },
      body: o.body === undefined ? undefined : JSON.stringify(o.body),
    }));
  }
  const { data, error, response } = await supabaseFor(c).functions.invoke(target, {
    method: method as 'GET' | 'POST' | 'PATCH' | 'DELETE',
    body: o.body as Record<string, unknown> | undefined,
    headers: o.headers,
  });
  if (error) {
    const context = (error as { context?: unknown }).context;
    if (!(context instanceof Response)) throw error;
    return readReply(context);
  }
  return { status: response!.status, headers: response!.headers, body: data };
}

/** [status, error code] of a reply, for one comparable assertion. */
export const outcome = (r: Reply): [number, string | undefined] => [r.status, r.body?.error?.code];

// --- database fixtures (as postgres, committed: the functions see them) ---

/** A fresh auth user with no staff role (a customer). */
export async function createUser(db: Sql, label = 'customer'): Promise<string> {
  const id = randomUUID();
  await db`
    insert into auth.users (id, email, aud, role, raw_app_meta_data, raw_user_meta_data, created_at, updated_at, email_confirmed_at)
    values (${id}, ${`${label}-${id.slice(0, 8)}@example.test`}, 'authenticated', 'authenticated',
            '{"provider":"email"}', '{}', now(), now(), now())`;
  return id;
}

/** A fresh auth user who is staff of one venue (host by default); returns the user id. */
export async function createStaff(db: Sql, venueId: string, role: 'host' | 'manager' | 'owner' = 'host'): Promise<string> {
  const id = await createUser(db, role);
  await db`insert into tablehold.staff_members (user_id, venue_id, role) values (${id}, ${venueId}, ${role})`;
  return id;
}

/** An API key of a venue ({id, key}), made as postgres; revoked at once when asked. */
export async function createApiKey(db: Sql, venueId: string, scopes: string[], revoked = false): Promise<{ id: string; key: string }> {
  const [{ k }] = await db`select public.api_key_create(${venueId}, ${`test ${scopes.join('+')}`}, ${scopes}::text[]) as k`;
  if (revoked) await db`select public.api_key_revoke(${k.id})`;
  return { id: k.id, key: k.key };
}

/** Runs fn in a transaction as an anonymous guest (as an Edge Function runs a guest's request). */
export async function asGuest<T>(db: Sql, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return db.begin(async (tx) => {
    await tx`select set_config('role', 'anon', true), set_config('request.jwt.claims', '{"role":"anon"}', true)`;
    return fn(tx);
  }) as Promise<T>;
}

/** `select public.<fn>(p_name => $1, …)` with explicit types, e.g. args { venue_id: [id, 'uuid'] }. */
export async function engine<T = Record<string, any>>(tx: Sql | Tx, fn: string, args: Record<string, [unknown, string]>): Promise<T> {
  const used = Object.entries(args).filter(([, [v]]) => v !== undefined);
  const list = used.map(([name, [, type]], i) => `p_${name} => $${i + 1}::${type}`).join(', ');
  const values = used.map(([, [v, type]]) => (type === 'jsonb' ? tx.json(v as never) : v));
  const [row] = await tx.unsafe(`select public.${fn}(${list}) as result`, values as never[]);
  return row.result as T;
}

// --- free spots on the seed venues ---

export interface SlotSpot {
  date: string;
  slot: string;
}

/** The first (service date, slot) 20–60 days ahead (or `from`–`to` days) on which a slot unit of
 *  the-vault still has `units` free: on an open night, counting only live allocations. */
export async function freeSlot(db: Sql, unitId: string, { units = 1, from = 20, to = 60, skip = [] as SlotSpot[] } = {}): Promise<SlotSpot> {
  const [spot] = await db`
    select d::date::text as date, s.code as slot
    from generate_series(current_date + ${from}::int, current_date + ${to}::int, interval '1 day') d
    join tablehold.units un on un.id = ${unitId}
    join tablehold.venues v on v.id = un.venue_id
    join tablehold.slots s on s.venue_id = v.id and extract(isodow from d)::smallint = any (s.weekdays)
    where exists (select 1 from tablehold.opening_spans(v, d::date))
      and un.capacity - tablehold.used_at_peak(un.id, tablehold.slot_window(v, s, d::date)) >= ${units}
      and not ((d::date::text || ' ' || s.code) = any (${skip.map((x) => `${x.date} ${x.slot}`)}::text[]))
    order by d, lower(tablehold.slot_window(v, s, d::date))
    limit 1`;
  if (!spot) throw new Error(`no free slot for unit ${unitId} between ${from} and ${to} days ahead`);
  return spot as unknown as SlotSpot;
}

/** The first start time 20–60 days ahead at nora-kitchen (or a venue like it) with nothing booked
 *  within 165 minutes either side (the longest turn plus the buffer): any table is free then, and
 *  no pacing bucket has covers in it. */
export async function quietStart(db: Sql, venueId?: string, { from = 20, to = 60 } = {}): Promise<{ date: string; start: string }> {
  venueId ??= (await demoSeed(db)).nora.id;
  const [spot] = await db`
    select d::date::text as date, g.at
    from generate_series(current_date + ${from}::int, current_date + ${to}::int, interval '1 day') d
    join tablehold.venues v on v.id = ${venueId}
    cross join lateral tablehold.opening_spans(v, d::date) span
    cross join lateral generate_series(lower(span), upper(span) - interval '150 minutes', v.start_grid) g(at)
    where not exists (
      select 1 from tablehold.allocations a
      where a.venue_id = v.id and a.active and (a.expires_at is null or a.expires_at > now())
        and a.during && tstzrange(g.at - interval '165 minutes', g.at + interval '165 minutes'))
    order by g.at
    limit 1`;
  if (!spot) throw new Error(`no quiet start at venue ${venueId} between ${from} and ${to} days ahead`);
  return { date: spot.date, start: (spot.at as Date).toISOString() };
}
