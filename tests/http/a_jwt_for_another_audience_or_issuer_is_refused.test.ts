// JWT audience and issuer are verified (functions/_shared/auth.ts): a token signed with the project's
// own key is a session only when it is for our audience (TABLEHOLD_JWT_AUDIENCE, default
// `authenticated`) and from our issuer (TABLEHOLD_JWT_ISSUER, default `<SUPABASE_URL>/auth/v1`), as
// Supabase Auth issues them. Anything else is 401, never anonymous. The legacy anon and service-role
// keys are recognised as the keys they are; another JWT claiming those roles is not a key.
// Over HTTP against the functions server, then in-process with other settings.
import * as jose from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { localKeys } from '../../scripts/local-keys.mjs';
import { staff } from '../../functions/staff/routes.ts';
import { closeAll, sql } from '../support/db';
import { demoSeed } from '../support/demo';
import { callHandler, type Credential, credentials, inProcess, invoke, outcome, serverEnv } from '../support/http';

const db = sql(2);
const seed = await demoSeed(db);
let publishable: string;
let issuer: string;

beforeAll(async () => {
  publishable = (await credentials()).publishable.supabaseKey!;
  issuer = `${(await serverEnv()).SUPABASE_URL}/auth/v1`;
});
afterAll(closeAll);

/** A token for the-vault's host signed with the project's ES256 key (or the legacy HS256 secret),
 *  with the claims given; `aud`/`iss` undefined leaves them out. */
async function token(claims: { aud?: string; iss?: string; role?: string; sub?: string }, alg: 'ES256' | 'HS256' = 'ES256') {
  const keys = await localKeys();
  const payload = Object.fromEntries(Object.entries({ role: 'authenticated', sub: seed.users.vaultHost, ...claims })
    .filter(([, v]) => v !== undefined));
  const jwt = new jose.SignJWT(payload).setIssuedAt().setExpirationTime('10m');
  return alg === 'HS256'
    ? jwt.setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(new TextEncoder().encode(keys.hs256Secret))
    : jwt.setProtectedHeader({ alg: 'ES256', kid: keys.kid, typ: 'JWT' }).sign(await jose.importJWK(keys.privateJwk, 'ES256'));
}
const bearer = (accessToken: string): Credential => ({ label: 'bearer', supabaseKey: publishable, accessToken });
/** The floor view of the-vault: hosts only, so a 200 proves the token was taken for the host. */
const floor = (c: Credential) => invoke(c, 'GET', 'staff/v1/tables', { query: { venue_id: seed.vault.id } });

describe('over HTTP, with the default audience and issuer', () => {
  it('a host\'s token for audience authenticated from <SUPABASE_URL>/auth/v1 is the host: 200', async () => {
    expect((await floor(bearer(await token({ aud: 'authenticated', iss: issuer })))).status).toBe(200);
    expect((await floor(bearer(await token({ aud: 'authenticated', iss: issuer }, 'HS256')))).status, 'legacy HS256 too').toBe(200);
  });

  it.each([
    ['for another audience', { aud: 'some-other-app', iss: () => issuer }],
    ['with no audience', { aud: undefined, iss: () => issuer }],
    ['from another issuer', { aud: 'authenticated', iss: () => 'https://attacker.example/auth/v1' }],
    ['from another project', { aud: 'authenticated', iss: () => 'https://otherproject.supabase.co/auth/v1' }],
    ['with no issuer', { aud: 'authenticated', iss: () => undefined }],
  ])('a token signed with the project\'s key but %s is 401 UNAUTHORIZED', async (_, c) => {
    for (const alg of ['ES256', 'HS256'] as const) {
      expect(outcome(await floor(bearer(await token({ aud: c.aud, iss: c.iss() }, alg)))), alg).toEqual([401, 'UNAUTHORIZED']);
    }
  });

  it('the legacy anon and service-role keys are still what they are', async () => {
    const c = await credentials();
    expect(outcome(await floor(c.legacyAnon))).toEqual([403, 'FORBIDDEN']);
    expect((await floor(c.legacyService)).status).toBe(200);
  });

  it('another JWT claiming the service or anon role is no key: 401, not trusted and not anonymous', async () => {
    for (const role of ['service_role', 'anon']) {
      for (const alg of ['ES256', 'HS256'] as const) {
        const forged = await token({ role, sub: undefined, iss: issuer, aud: 'authenticated' }, alg);
        expect(outcome(await floor(bearer(forged))), `${role} ${alg}`).toEqual([401, 'UNAUTHORIZED']);
      }
    }
  });
});

describe('in-process, with TABLEHOLD_JWT_AUDIENCE and TABLEHOLD_JWT_ISSUER set', () => {
  const saved: Record<string, string | undefined> = {};
  const configure = (vars: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(vars)) {
      if (!(k in saved)) saved[k] = process.env[k];
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  const floorInProcess = (t: string) =>
    callHandler(staff, bearer(t), 'GET', 'staff/v1/tables', { query: { venue_id: seed.vault.id } });

  beforeAll(async () => {
    await inProcess(db);
    vi.spyOn(console, 'log').mockImplementation(() => {});
  });
  afterEach(() => configure(saved));

  it('the configured audience and issuer (each a comma-separated list) are the ones accepted', async () => {
    configure({ TABLEHOLD_JWT_AUDIENCE: 'tablehold, authenticated', TABLEHOLD_JWT_ISSUER: 'https://auth.example.test/auth/v1,https://login.example.test' });
    expect((await floorInProcess(await token({ aud: 'tablehold', iss: 'https://login.example.test' }))).status).toBe(200);
    expect((await floorInProcess(await token({ aud: 'authenticated', iss: 'https://auth.example.test/auth/v1' }))).status).toBe(200);
    expect(outcome(await floorInProcess(await token({ aud: 'authenticated', iss: issuer }))), 'the default issuer no longer')
      .toEqual([401, 'UNAUTHORIZED']);
    expect(outcome(await floorInProcess(await token({ aud: 'other', iss: 'https://login.example.test' }))))
      .toEqual([401, 'UNAUTHORIZED']);
  });

  it('with neither an issuer nor SUPABASE_URL set, no user token is accepted', async () => {
    configure({ TABLEHOLD_JWT_ISSUER: undefined, SUPABASE_URL: undefined });
    expect(outcome(await floorInProcess(await token({ aud: 'authenticated', iss: issuer })))).toEqual([401, 'UNAUTHORIZED']);
  });
});
