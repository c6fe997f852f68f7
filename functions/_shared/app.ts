// A function is a list of routes. createFunction turns it into a plain
// `handler(req: Request): Promise<Response>` that parses, authenticates, runs one transaction as
// the caller (at TABLEHOLD_ISOLATION_LEVEL, see db.ts), maps the outcome, and logs one JSON line.
// index.ts only serves it.
import { z } from 'zod';
import { type Caller, identify } from './auth.ts';
import { actAs, db, type IsolationLevel, isolationLevel, type Sql, transaction, type Tx } from './db.ts';
import { ApiError, fromDatabase, validationFailed } from './errors.ts';
import { refusalCodes } from './error-codes.ts';
import { API_VERSION, corsHeaders, errorBody, json, jsonText, requestId } from './http.ts';
import { idempotencyKey, once } from './idempotency.ts';
import { admit, type ServeInfo } from './limits.ts';

export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

// deno-lint-ignore no-explicit-any
type AnyObject = z.ZodObject<any>;

export interface RouteContext<P = any, Q = any, B = any> {
  tx: Tx;
  caller: Caller;
  /** The request headers (Accept, Last-Event-ID, …). */
  headers: Headers;
  params: P;
  query: Q;
  body: B;
  /** The Idempotency-Key as sent, for the engine's own duplicate check (it scopes it by caller). */
  idempotencyKey?: string;
}

export interface RouteResult {
  status?: number;
  data: unknown;
  /** An ETag for the response (availability: the channel version). */
  etag?: string;
  /** `data` already serialized as JSON text, sent as it is inside the envelope (not for idempotent routes). */
  dataJson?: string;
  /** Send data as the whole body, without the envelope (the OpenAPI document). */
  raw?: boolean;
  /** A streaming response (Server-Sent Events), made after the transaction committed. */
  stream?: () => Response;
}

export interface Route<P extends AnyObject = AnyObject, Q extends AnyObject = AnyObject, B extends AnyObject = AnyObject> {
  method: Method;
  /** Below /<function>/v1, e.g. '/' or '/:id/confirm'. */
  path: string;
  summary: string;
  description?: string;
  params?: P;
  query?: Q;
  body?: B;
  /** Accepts an Idempotency-Key header and replays the first response for it. */
  idempotent?: boolean;
  /** The transaction's isolation level; the configured one (TABLEHOLD_ISOLATION_LEVEL) unless the
   *  route says why not. */
  isolation?: IsolationLevel;
  /** The current ETag, read with one query on the pool before any transaction: a request whose
   *  If-None-Match equals it is answered 304 with no further work (undefined: no shortcut). */
  currentEtag?: (ctx: Omit<RouteContext<z.infer<P>, z.infer<Q>, z.infer<B>>, 'tx'>, sql: Sql) => Promise<string | undefined>;
  /** Which venue a refusal counts against, for the metrics (run after the rollback, as the server). */
  venueOf?: (ctx: Omit<RouteContext<z.infer<P>, z.infer<Q>, z.infer<B>>, 'tx'>, sql: Sql) => Promise<string | undefined> | string | undefined;
  handle: (ctx: RouteContext<z.infer<P>, z.infer<Q>, z.infer<B>>) => Promise<RouteResult>;
}

/** Build a route with its types inferred from its schemas. */
export const route = <P extends AnyObject, Q extends AnyObject, B extends AnyObject>(r: Route<P, Q, B>) =>
  r as unknown as Route;

export interface EdgeFunction {
  name: string;
  routes: Route[];
  handler: (req: Request, info?: ServeInfo) => Promise<Response>;
}

export const MAX_BODY_BYTES = 16 * 1024;

interface Matched {
  route: Route;
  params: Record<string, string>;
}

/** A path segment decoded, or as sent when its escapes are broken (validation then refuses it). */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** The route for a method and path; else the methods the path takes (for a 405), or undefined. */
function match(routes: Route[], method: string, path: string): Matched | Method[] | undefined {
  const allowed: Method[] = [];
  for (const r of routes) {
    const want = r.path.split('/').filter(Boolean);
    const got = path.split('/').filter(Boolean);
    if (want.length !== got.length) continue;
    const params: Record<string, string> = {};
    if (!want.every((seg, i) => seg.startsWith(':') ? (params[seg.slice(1)] = decodeSegment(got[i]), true) : seg === got[i])) {
      continue;
    }
    if (r.method === method) return { route: r, params };
    allowed.push(r.method);
  }
  return allowed.length ? allowed : undefined;
}

/** zod issues as the API's per-field details. */
export function issues(error: z.ZodError, where: string) {
  return error.issues.map((i) => ({
    path: [where, ...i.path.map(String)].join('.'),
    problem: i.message,
    ...(i.code === 'unrecognized_keys' ? { keys: (i as { keys: string[] }).keys } : {}),
  }));
}

function parse<T extends AnyObject>(schema: T | undefined, value: unknown, where: string): z.infer<T> {
  if (!schema) {
    if (value && typeof value === 'object' && Object.keys(value).length) {
      throw validationFailed([{ path: where, problem: `no ${where} is accepted here` }]);
    }
    return {} as z.infer<T>;
  }
  const result = schema.strict().safeParse(value);
  if (!result.success) throw validationFailed(issues(result.error, where));
  return result.data as z.infer<T>;
}

async function readBody(req: Request): Promise<unknown> {
  const declared = Number(req.headers.get('content-length') ?? '0');
  if (declared > MAX_BODY_BYTES) throw new ApiError(413, 'PAYLOAD_TOO_LARGE', `The body may be at most ${MAX_BODY_BYTES} bytes.`);
  const bytes = new Uint8Array(await req.arrayBuffer());
  if (bytes.length > MAX_BODY_BYTES) throw new ApiError(413, 'PAYLOAD_TOO_LARGE', `The body may be at most ${MAX_BODY_BYTES} bytes.`);
  if (bytes.length === 0) return {};
  const type = req.headers.get('content-type') ?? '';
  if (!/^application\/json\b/i.test(type)) {
    throw new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json.');
  }
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw validationFailed([{ path: 'body', problem: 'the body is not valid JSON' }], 'The body is not valid JSON.');
  }
}

/** Split /functions/v1/<name>/<version>/<rest> (the prefix is absent on some runtimes). */
function locate(url: URL, name: string): { version?: string; rest: string } | undefined {
  const segments = url.pathname.split('/').filter(Boolean);
  const start = segments[0] === 'functions' && segments[1] === 'v1' ? 2 : 0;
  if (segments[start] !== name) return undefined;
  return { version: segments[start + 1], rest: '/' + segments.slice(start + 2).join('/') };
}

interface Outcome {
  response: Response;
  retries: number;
  errorCode?: string;
}

/** What the log line reports, filled in as the request goes. */
interface Trace {
  route?: string;
  retries?: number;
}

export function createFunction(name: string, routes: Route[], sql: () => Sql = db): EdgeFunction {
  isolationLevel(); // a mistyped TABLEHOLD_ISOLATION_LEVEL stops the function here, not at its first request
  async function run(req: Request, trace: Trace, info?: ServeInfo): Promise<Outcome> {
    if (req.method === 'OPTIONS') return { response: new Response(null, { status: 204, headers: corsHeaders }), retries: 0 };
    const url = new URL(req.url);
    const where = locate(url, name);
    if (!where) throw new ApiError(404, 'ROUTE_NOT_FOUND', 'There is no such route.');
    if (where.version !== API_VERSION) {
      throw new ApiError(404, 'UNSUPPORTED_API_VERSION', `Use /${name}/${API_VERSION}/… (this server speaks API ${API_VERSION}).`, {
        supported: [API_VERSION],
      });
    }
    const matched = match(routes, req.method, where.rest);
    if (!matched) throw new ApiError(404, 'ROUTE_NOT_FOUND', 'There is no such route.');
    if (Array.isArray(matched)) {
      throw new ApiError(405, 'METHOD_NOT_ALLOWED', `${req.method} is not allowed here.`, { allow: matched });
    }
    const { route: r } = matched;
    const label = trace.route = `${r.method} ${r.path}`;

    const params = parse(r.params, matched.params, 'params');
    const query = parse(r.query, Object.fromEntries(url.searchParams), 'query');
    const body = r.method === 'GET' || r.method === 'DELETE' ? parse(undefined, {}, 'body') : parse(r.body, await readBody(req), 'body');
    // the client's address, and its rate limits (429 RATE_LIMITED): limits.ts
    const caller = await admit(sql(), { fn: name, route: label, headers: req.headers, info, caller: await identify(req, sql()), body });
    // idempotency.ts: the key, checked for the route and the caller, and whose keys it is among
    const idempotency = await idempotencyKey(req.headers, r.idempotent === true, `${name}:${label}`, caller,
      `${req.method} ${where.rest}\n${JSON.stringify(body)}`);
    const ctx = { caller, params, query, body, headers: req.headers, idempotencyKey: idempotency?.key };
    try {
      // a conditional GET whose copy is current: 304 before any transaction or route work
      const ifNoneMatch = req.headers.get('if-none-match');
      if (ifNoneMatch !== null && r.currentEtag && ifNoneMatch === await r.currentEtag(ctx, sql())) {
        return { response: json(304, null, { etag: ifNoneMatch, 'x-retries': '0' }), retries: 0 };
      }
      // no queue in front: writers of one venue-night meet at its channel row lock in the database,
      // across every isolate (README, "Isolation level")
      const { value, retries } = await transaction((tx) => once(tx, idempotency, async () => {
        await actAs(tx, caller);
        const result = await r.handle({ ...ctx, tx });
        const status = result.status ?? 200;
        const envelope = result.raw ? result.data : { data: result.data };
        const text = result.dataJson === undefined ? undefined : `{"data":${result.dataJson}}`;
        return { status, body: envelope, text, etag: result.etag, stream: result.stream, replayed: false };
      }), sql(), r.isolation ?? isolationLevel());
      if (r.method !== 'GET') await announce(sql(), r.venueOf ? await r.venueOf(ctx, sql()) : undefined);
      if ('stream' in value && value.stream) return { response: value.stream(), retries };
      const headers: Record<string, string> = { 'x-retries': String(retries) };
      if (value.replayed) headers['idempotent-replayed'] = 'true';
      if ('etag' in value && value.etag) {
        headers.etag = value.etag;
        if (req.headers.get('if-none-match') === value.etag) return { response: json(304, null, headers), retries };
      }
      const text = 'text' in value ? value.text : undefined;
      return { response: text === undefined ? json(value.status, value.body, headers) : jsonText(value.status, text, headers), retries };
    } catch (e) {
      trace.retries = (e as { retries?: number }).retries ?? 0;
      const mapped = e instanceof ApiError ? e : fromDatabase(e);
      if (mapped && refusalCodes.has(mapped.code) && r.venueOf) {
        await recordRefusal(sql(), await r.venueOf(ctx, sql()), mapped);
      }
      throw mapped ?? e;
    }
  }

  async function handler(req: Request, info?: ServeInfo): Promise<Response> {
    const started = performance.now();
    const id = requestId(req);
    const trace: Trace = {};
    let outcome: Outcome;
    try {
      outcome = await run(req, trace, info);
    } catch (e) {
      const error = e instanceof ApiError ? e : fromDatabase(e);
      if (!error) console.error(JSON.stringify({ level: 'error', function: name, request_id: id, error: String((e as Error)?.stack ?? e) }));
      const shown = error ?? new ApiError(500, 'INTERNAL', 'Something went wrong on our side. Please try again.');
      const headers: Record<string, string> = { 'x-retries': String(trace.retries ?? 0) };
      if (shown.status === 405) headers.allow = ((shown.details as { allow?: string[] }).allow ?? []).join(', ');
      const retryAfter = (shown.details as { retry_after?: unknown }).retry_after;
      if (typeof retryAfter === 'number') headers['retry-after'] = String(retryAfter);
      outcome = { response: json(shown.status, errorBody(shown), headers), retries: trace.retries ?? 0, errorCode: shown.code };
    }
    outcome.response.headers.set('x-request-id', id);
    // what a route answers depends on who asks (staff and guests see different availability)
    outcome.response.headers.set('vary', 'Authorization, apikey');
    console.log(JSON.stringify({
      level: 'info', function: name, route: trace.route ?? null, method: req.method,
      status: outcome.response.status, duration_ms: Math.round(performance.now() - started),
      retries: outcome.retries, error_code: outcome.errorCode ?? null, request_id: id,
    }));
    return outcome.response;
  }

  return { name, routes, handler };
}

/** After a committed write, in a statement of its own: number the staff lines it left pending and
 *  announce the change to the SSE hubs (tablehold.announce; a write's own transaction announces
 *  nothing, README "Announced after commit"). For its venue when the route knows it, else for every
 *  venue with pending lines, one venue per statement so that each counter row is locked only
 *  briefly. Never fails the request: the hubs' poll and the cron job catch up. */
async function announce(sql: Sql, venueId: string | undefined): Promise<void> {
  try {
    if (venueId) {
      await sql`select tablehold.announce(${venueId}::uuid)`;
      return;
    }
    const venues = await sql`select distinct venue_id from tablehold.staff_events_pending`;
    for (const { venue_id } of venues) await sql`select tablehold.announce(${venue_id}::uuid)`;
    if (!venues.length) await sql`select tablehold.announce()`;
  } catch (e) {
    console.error(JSON.stringify({ level: 'warn', message: 'could not announce a committed write', error: String(e) }));
  }
}

/** Count a refused attempt after its transaction rolled back (tablehold.record_refusal), as the
 *  trusted connection. Never fails the request. */
async function recordRefusal(sql: Sql, venueId: string | undefined, error: ApiError): Promise<void> {
  if (!venueId) return;
  const stale = (error.details as Record<string, unknown>)?.stale === true;
  try {
    await sql`select public.record_refusal(${venueId}, ${error.code}, ${stale})`;
  } catch (e) {
    console.error(JSON.stringify({ level: 'warn', message: 'could not record a refusal', error: String(e) }));
  }
}

