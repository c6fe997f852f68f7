// Abuse limits at the door: who the client is (its address, by the trust rule below) and rate limits
// counted in PostgreSQL (tablehold.rate_limit, no Redis). The engine's own caps on live bookings per
// guest and per address (venues.max_live_bookings_per_*) get the address the way PostgREST passes
// it: request.headers, set on the request's transaction (db.ts, actAs) from Caller.headers.
//
// Which requests are counted, and against what, is the table ROUTES below: a route class (write,
// stream, lookup) and, per class, a limit per client address, guest email and API key. A route added
// later names its class there and gets the same machinery. README, "Abuse limits".
import type { Caller } from './auth.ts';
import type { Sql } from './db.ts';
import { env } from './env.ts';
import { ApiError } from './errors.ts';

/** What Deno.serve passes a handler beside the request (the socket's peer). */
export interface ServeInfo {
  remoteAddr?: { hostname?: string } | unknown;
}

// --- the client address ----------------------------------------------------------------------

/** TABLEHOLD_TRUSTED_PROXY_HOPS: how many proxies in front of the functions append to
 *  x-forwarded-for. 1 (the default) is Supabase's edge: the client is the last entry. 0: clients
 *  connect directly, the socket's peer is the client and x-forwarded-for is ignored (anyone can
 *  write it). N: the N-th entry from the end. */
export function trustedProxyHops(): number {
  const raw = env('TABLEHOLD_TRUSTED_PROXY_HOPS');
  if (raw === undefined || raw.trim() === '') return 1;
  const hops = Number(raw);
  if (!Number.isInteger(hops) || hops < 0 || hops > 10) {
    throw new Error(`TABLEHOLD_TRUSTED_PROXY_HOPS must be a whole number from 0 to 10 (got ${JSON.stringify(raw)})`);
  }
  return hops;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
const IPV6 = /^(?=.*:)[0-9a-f:.]{2,45}$/i;

/** An address as PostgreSQL's inet takes it, or undefined ("[::1]" and "::ffff:1.2.3.4" included). */
export function normalizeAddress(raw: string | undefined): string | undefined {
  let a = raw?.trim().toLowerCase();
  if (!a) return undefined;
  if (a.startsWith('[') && a.endsWith(']')) a = a.slice(1, -1);
  if (IPV4.test(a)) return a;
  if (!IPV6.test(a)) return undefined;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  return mapped && IPV4.test(mapped[1]) ? mapped[1] : a;
}

/** The client's address: with hops = 0 the socket's peer; with N >= 1 the N-th entry from the end
 *  of x-forwarded-for (each trusted proxy appends the address it saw), or its first entry when the
 *  list is shorter. No header behind a proxy means no known address (the request did not come
 *  through the proxies): the per-address limits then do not apply, never one address for all. */
export function clientAddress(headers: Headers, info?: ServeInfo, hops = trustedProxyHops()): string | undefined {
  if (hops === 0) {
    const peer = (info?.remoteAddr as { hostname?: unknown } | undefined)?.hostname;
    return typeof peer === 'string' ? normalizeAddress(peer) : undefined;
  }
  const forwarded = headers.get('x-forwarded-for');
  if (!forwarded) return undefined;
  const entries = forwarded.split(',').map((e) => e.trim()).filter(Boolean);
  return normalizeAddress(entries[Math.max(0, entries.length - hops)]);
}

// --- rate limits -----------------------------------------------------------------------------

export type RouteClass = 'write' | 'stream' | 'lookup';
export type LimitKind = 'ip' | 'email' | 'api_key';

export interface Limit {
  max: number;
  seconds: number;
}

export type Limits = Record<RouteClass, Partial<Record<LimitKind, Limit>>>;

/** The defaults (README, "Abuse limits"). A guest writes a few times a minute; a venue's assistant
 *  (API key) books for many guests. Streams are opened once and kept. */
export const DEFAULT_LIMITS: Limits = {
  write: { ip: { max: 20, seconds: 60 }, email: { max: 10, seconds: 60 }, api_key: { max: 600, seconds: 60 } },
  stream: { ip: { max: 30, seconds: 60 }, api_key: { max: 300, seconds: 60 } },
  lookup: { ip: { max: 300, seconds: 60 }, api_key: { max: 3000, seconds: 60 } },
};

/** The routes counted, as `<function> <METHOD> <path>` (the route label app.ts logs), and the class
 *  each request counts in (undefined: not counted, e.g. a snapshot read that is not a stream). */
const ROUTES: Record<string, (headers: Headers) => RouteClass | undefined> = {
  'hold POST /': () => 'write',
  'hold POST /:id/confirm': () => 'write',
  'book POST /': () => 'write',
  'book GET /:id': () => 'lookup', // a booking by its manage token: guessing tokens is slowed down too
  'availability GET /': (headers) => (wantsStream(headers) ? 'stream' : undefined),
  'staff GET /feed': (headers) => (wantsStream(headers) ? 'stream' : undefined),
};

const wantsStream = (headers: Headers) => (headers.get('accept') ?? '').includes('text/event-stream');

/** TABLEHOLD_RATE_LIMITS: unset or "on" for the defaults, "off" for none, or overrides as
 *  "<class>.<kind>=<max>/<seconds>" separated by commas ("write.ip=10/60,stream.ip=off"). */
export function parseLimits(value: string | undefined): Limits | undefined {
  const spec = (value ?? '').trim();
  if (spec === 'off') return undefined;
  const limits: Limits = structuredClone(DEFAULT_LIMITS);
  if (spec === '' || spec === 'on') return limits;
  for (const part of spec.split(',').map((p) => p.trim()).filter(Boolean)) {
    const m = /^(write|stream|lookup)\.(ip|email|api_key)=(?:(off)|(\d{1,7})\/(\d{1,4}))$/.exec(part);
    const seconds = m ? Number(m[5]) : 0;
    if (!m || (!m[3] && (Number(m[4]) < 1 || seconds < 1 || seconds > 3600))) {
      throw new Error(`TABLEHOLD_RATE_LIMITS: "${part}" is not <write|stream|lookup>.<ip|email|api_key>=<max>/<seconds (1-3600)> or =off`);
    }
    const [cls, kind] = [m[1] as RouteClass, m[2] as LimitKind];
    if (m[3]) delete limits[cls][kind];
    else limits[cls][kind] = { max: Number(m[4]), seconds };
  }
  return limits;
}

let configured: { source: string | undefined; limits: Limits | undefined } | undefined;

/** The limits in force (TABLEHOLD_RATE_LIMITS, read again only when it changes). */
export function rateLimits(): Limits | undefined {
  const source = env('TABLEHOLD_RATE_LIMITS');
  if (!configured || configured.source !== source) configured = { source, limits: parseLimits(source) };
  return configured.limits;
}

interface Bucket {
  key: string;
  kind: LimitKind;
  limit: Limit;
}

/** The buckets a request counts in: its API key's (instead of its address: an assistant serves many
 *  guests from one server), else its address's, and the guest email of a booking body. */
function bucketsOf(cls: RouteClass, limits: Limits, caller: Caller, address: string | undefined, body: unknown): Bucket[] {
  const perClass = limits[cls];
  const buckets: Bucket[] = [];
  const add = (kind: LimitKind, value: string | undefined) => {
    const limit = perClass[kind];
    if (limit && value) buckets.push({ key: `${cls}:${kind}:${value}`, kind, limit });
  };
  const apiKey = caller.label.startsWith('api_key:') ? caller.label.slice('api_key:'.length) : undefined;
  if (apiKey) add('api_key', apiKey);
  else add('ip', address);
  const email = (body as { guest?: { email?: unknown } } | undefined)?.guest?.email;
  if (typeof email === 'string') add('email', email.trim().toLowerCase());
  return buckets;
}

export interface Admission {
  /** The function's name and the route's label, as app.ts logs them ("hold", "POST /"). */
  fn: string;
  route: string;
  headers: Headers;
  info?: ServeInfo;
  caller: Caller;
  body: unknown;
}

/** Admit a request: resolve the client's address (handed to the engine as request.headers through
 *  the returned caller) and count the request against its rate limits in one statement on the pool,
 *  outside the request's transaction. Over a limit: 429 RATE_LIMITED with Retry-After (details
 *  `retry_after`). The service role is not counted. */
export async function admit(sql: Sql, a: Admission): Promise<Caller> {
  const address = clientAddress(a.headers, a.info);
  const caller: Caller = address ? { ...a.caller, headers: { 'x-forwarded-for': address } } : a.caller;
  const cls = ROUTES[`${a.fn} ${a.route}`]?.(a.headers);
  const limits = rateLimits();
  if (!cls || !limits || caller.role === 'service_role') return caller;
  const buckets = bucketsOf(cls, limits, caller, address, a.body);
  if (!buckets.length) return caller;
  const rows = await sql`
    select bucket, hits, max_hits, retry_after from tablehold.rate_limit(
      ${buckets.map((b) => b.key)}::text[], ${buckets.map((b) => b.limit.max)}::int[], ${buckets.map((b) => b.limit.seconds)}::int[])`;
  const over = rows.filter((r) => Number(r.retry_after) > 0).sort((x, y) => Number(y.retry_after) - Number(x.retry_after))[0];
  if (over) {
    const bucket = buckets.find((b) => b.key === over.bucket)!;
    const wait = Number(over.retry_after);
    throw new ApiError(429, 'RATE_LIMITED', `Too many requests: try again in ${wait} second${wait === 1 ? '' : 's'}.`, {
      per: bucket.kind, limit: bucket.limit.max, window_seconds: bucket.limit.seconds, retry_after: wait,
    });
  }
  return caller;
}
