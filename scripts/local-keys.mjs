// Local signing keys and API keys for the Edge Functions, in .local/keys.json (git-ignored),
// made once per checkout: an ES256 key pair (its public half is SUPABASE_JWKS), a legacy HS256
// secret, and publishable/secret keys. Nothing here is ever used outside the local stack.
//   node scripts/local-keys.mjs env        print the functions' environment (KEY='value' lines)
//   node scripts/local-keys.mjs publishable       print the publishable (anon) key
//   node scripts/local-keys.mjs token ROLE [SUB]   print a signed JWT (ES256) for anon|authenticated|service_role
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as jose from 'jose';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const file = process.env.TABLEHOLD_KEYS_FILE ?? join(root, '.local', 'keys.json');

/** The local keys, created on first use. */
export async function localKeys() {
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8'));
  const { publicKey, privateKey } = await jose.generateKeyPair('ES256', { extractable: true });
  const kid = randomBytes(8).toString('hex');
  const keys = {
    kid,
    privateJwk: { ...(await jose.exportJWK(privateKey)), kid, alg: 'ES256', use: 'sig' },
    publicJwk: { ...(await jose.exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' },
    hs256Secret: randomBytes(32).toString('base64url'),
    publishable: `sb_publishable_${randomBytes(16).toString('base64url')}`,
    secret: `sb_secret_${randomBytes(16).toString('base64url')}`,
  };
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(keys, null, 2), { mode: 0o600 });
  return keys;
}

/** A JWT as Supabase Auth issues them, signed with the local ES256 key (or HS256 with the legacy secret). */
export async function signToken({ role, sub, email, expiresIn = '1h', alg = 'ES256', extra = {} }) {
  const keys = await localKeys();
  const claims = { role, aud: role === 'authenticated' ? 'authenticated' : undefined, email, ...extra };
  const jwt = new jose.SignJWT(Object.fromEntries(Object.entries(claims).filter(([, v]) => v !== undefined)))
    .setIssuedAt().setIssuer('http://127.0.0.1:54321/auth/v1').setExpirationTime(expiresIn);
  if (sub) jwt.setSubject(sub);
  if (alg === 'HS256') return jwt.setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(new TextEncoder().encode(keys.hs256Secret));
  return jwt.setProtectedHeader({ alg: 'ES256', kid: keys.kid, typ: 'JWT' }).sign(await jose.importJWK(keys.privateJwk, 'ES256'));
}

/** The Edge Functions' environment, with Supabase's variable names. */
export async function functionsEnv({ dbUrl, url = 'http://127.0.0.1:54321' }) {
  const keys = await localKeys();
  return {
    SUPABASE_URL: url,
    SUPABASE_DB_URL: dbUrl,
    SUPABASE_JWKS: JSON.stringify({ keys: [keys.publicJwk] }),
    SUPABASE_PUBLISHABLE_KEYS: JSON.stringify({ default: keys.publishable }),
    SUPABASE_SECRET_KEYS: JSON.stringify({ default: keys.secret }),
    SUPABASE_ANON_KEY: await signToken({ role: 'anon', alg: 'HS256', expiresIn: '10y' }),
    SUPABASE_SERVICE_ROLE_KEY: await signToken({ role: 'service_role', alg: 'HS256', expiresIn: '10y' }),
    TABLEHOLD_JWT_SECRET: keys.hs256Secret,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [command, ...args] = process.argv.slice(2);
  if (command === 'env') {
    const vars = await functionsEnv({ dbUrl: args[0] ?? 'postgresql://postgres:postgres@127.0.0.1:54322/postgres' });
    for (const [k, v] of Object.entries(vars)) console.log(`${k}='${v}'`);
  } else if (command === 'publishable') {
    console.log((await localKeys()).publishable);
  } else if (command === 'token') {
    console.log(await signToken({ role: args[0], sub: args[1], expiresIn: '24h' }));
  } else {
    console.error('usage: node scripts/local-keys.mjs env [DB_URL] | publishable | token ROLE [SUB]');
    process.exit(2);
  }
}
