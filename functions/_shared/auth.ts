// Who is calling. JWTs are verified here, in code (Supabase's gateway check does not support
// asymmetric keys): ES256 against SUPABASE_JWKS, legacy HS256 against TABLEHOLD_JWT_SECRET.
// Publishable and secret keys (sb_publishable_…, sb_secret_…) are not JWTs; per-venue API keys
// (thk_…) are looked up hashed in the database.
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

async function verifyJwt(token: string): Promise<Caller> {
  let payload: jose.JWTPayload;
  try {
    const { alg } = jose.decodeProtectedHeader(token);
    if (alg === 'HS256') {
      const secret = env('TABLEHOLD_JWT_SECRET');
      if (!secret) throw new Error('no HS256 secret configured');
      ({ payload } = await jose.jwtVerify(token, new TextEncoder().encode(secret), { algorithms: ['HS256'] }));
    } else {
      const keys = localJwks();
      if (!keys) throw new Error('no JWKS configured');
      ({ payload } = await jose.jwtVerify(token, keys, { algorithms: ['ES256', 'RS256'] }));
    }
  } catch {
    throw unauthorized();
  }
  const role = payload.role;
  if (role === 'service_role') return serviceCaller;
  if (role === 'anon') return anonCaller;
  if (role === 'authenticated' && typeof payload.sub === 'string' && UUID.test(payload.sub)) {
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
  if (keyMap('SUPABASE_SECRET_KEYS').includes(token)) return serviceCaller;
  if (keyMap('SUPABASE_PUBLISHABLE_KEYS').includes(token)) return anonCaller;
  if (token.split('.').length === 3) return verifyJwt(token);
  throw unauthorized();
}
