// Who is calling. JWTs are verified here, in code (Supabase's gateway check does not support
// asymmetric keys): ES256 against SUPABASE_JWKS, legacy HS256 against TABLEHOLD_JWT_SECRET, and
// every user token's audience and issuer (TABLEHOLD_JWT_AUDIENCE, default `authenticated`;
// TABLEHOLD_JWT_ISSUER, default `<SUPABASE_URL>/auth/v1`, as Supabase Auth issues them): a token
// signed with the project's key for another audience or by another issuer is not a session here.
// Publishable and secret keys (sb_publishable_…, sb_secret_…) are not JWTs, and the legacy anon and
// service-role keys are JWTs that are recognised as the keys they are (SUPABASE_ANON_KEY,
// SUPABASE_SERVICE_ROLE_KEY), like the new ones; per-venue API keys (thk_…) are looked up hashed
// in the database.
import * as jose from 'jose';
import { env, keyMap } from './env.ts';
import { unauthorized } from './errors.ts';
import type { Sql } from 'postgres';

export type DbRole = 'anon' | 'authenticated' | 'service_role';

export interface Caller {
  /** The database role the request runs as. */
  role: DbRole;
  /** request.jwt.claims for the transaction. */
  claims: Record<string, unknown>;
  /** For logs: anon, user:<id>, service, api_key:<id>. */
  label: string;
  /** request.headers for the transaction, as PostgREST sets it: the client address the functions
   *  resolved, as x-forwarded-for (limits.ts; the engine's caps per address read it). */
  headers?: Record<string, string>;
}

export const anonCaller: Caller = { role: 'anon', claims: { role: 'anon' }, label: 'anon' };
const serviceCaller: Caller = { role: 'service_role', claims: { role: 'service_role' }, label: 'service' };

let jwks: ReturnType<typeof jose.createLocalJWKSet> | undefined;
let jwksSource: string | undefined;

function localJwks() {
  const raw = env('SUPABASE_JWKS');
  if (!raw) return undefined;
  if (raw !== jwksSource) {
    const parsed = JSON.parse(raw);
    jwks = jose.createLocalJWKSet(Array.isArray(parsed) ? { keys: parsed } : parsed);
    jwksSource = raw;
  }
  return jwks;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A comma-separated setting as a list (empty entries dropped). */
const list = (value: string | undefined) => (value ?? '').split(',').map((v) => v.trim()).filter(Boolean);

/** The audiences and issuers a user token must carry: TABLEHOLD_JWT_AUDIENCE (default
 *  `authenticated`) and TABLEHOLD_JWT_ISSUER (default `<SUPABASE_URL>/auth/v1`), each one value or
 *  a comma-separated list. Undefined issuers (neither variable set) accept no token at all. */
export function expectedClaims(): { audience: string[]; issuer: string[] } {
  const audience = list(env('TABLEHOLD_JWT_AUDIENCE'));
  const issuer = list(env('TABLEHOLD_JWT_ISSUER'));
  const url = env('SUPABASE_URL')?.replace(/\/+$/, '');
  return {
    audience: audience.length ? audience : ['authenticated'],
    issuer: issuer.length ? issuer : url ? [`${url}/auth/v1`] : [],
  };
}

/** A user's session token: signed with the project's key, unexpired, for our audience, from our
 *  issuer, role authenticated with a user id. Anything else is a 401. */
async function verifyJwt(token: string): Promise<Caller> {
  let payload: jose.JWTPayload;
  try {
    const { audience, issuer } = expectedClaims();
    if (!issuer.length) throw new Error('no issuer configured: set SUPABASE_URL or TABLEHOLD_JWT_ISSUER');
    const { alg } = jose.decodeProtectedHeader(token);
    if (alg === 'HS256') {
      const secret = env('TABLEHOLD_JWT_SECRET');
      if (!secret) throw new Error('no HS256 secret configured');
      ({ payload } = await jose.jwtVerify(token, new TextEncoder().encode(secret), { algorithms: ['HS256'], audience, issuer }));
    } else {
      const keys = localJwks();
      if (!keys) throw new Error('no JWKS configured');
      ({ payload } = await jose.jwtVerify(token, keys, { algorithms: ['ES256', 'RS256'], audience, issuer }));
    }
  } catch {
    throw unauthorized();
  }
  if (payload.role === 'authenticated' && typeof payload.sub === 'string' && UUID.test(payload.sub)) {
    return { role: 'authenticated', claims: payload as Record<string, unknown>, label: `user:${payload.sub}` };
  }
  throw unauthorized();
}

async function apiKeyCaller(sql: Sql, key: string): Promise<Caller> {
  const [row] = await sql`select tablehold.api_key_claims(${key}) as claims`;
  const claims = row?.claims as Record<string, unknown> | null;
  if (!claims) throw unauthorized('That API key is not valid.');
  // an assistant: signed in, but no user; the engine ranks it by the key's scopes at its venue
  return { role: 'authenticated', claims: { role: 'authenticated', ...claims }, label: `api_key:${claims.api_key_id}` };
}

/** The caller of a request: Authorization: Bearer <JWT | API key | Supabase key>, else the
 *  apikey header, else anonymous. Anything presented and invalid is a 401, never anonymous. */
export async function identify(req: Request, sql: Sql): Promise<Caller> {
  const authorization = req.headers.get('authorization');
  let token: string | null = null;
  if (authorization !== null) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
    if (!match) throw unauthorized();
    token = match[1];
  } else {
    token = req.headers.get('apikey');
  }
  if (!token) return anonCaller;
  if (token.startsWith('thk_')) return apiKeyCaller(sql, token);
  if (keyMap('SUPABASE_SECRET_KEYS').includes(token) || token === env('SUPABASE_SERVICE_ROLE_KEY')) return serviceCaller;
  if (keyMap('SUPABASE_PUBLISHABLE_KEYS').includes(token) || token === env('SUPABASE_ANON_KEY')) return anonCaller;
  if (token.split('.').length === 3) return verifyJwt(token);
  throw unauthorized();
}
