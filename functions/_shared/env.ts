// Environment, read the same way under Deno (Edge Functions) and Node (tests).
// Names are Supabase's: SUPABASE_URL, SUPABASE_DB_URL, SUPABASE_JWKS, SUPABASE_PUBLISHABLE_KEYS,
// SUPABASE_SECRET_KEYS (JSON maps), legacy SUPABASE_ANON_KEY / SUPABASE_SERVICE_ROLE_KEY, and the
// project's own TABLEHOLD_JWT_SECRET for legacy HS256 tokens (secrets may not start with SUPABASE_).

declare const Deno: { env: { get(name: string): string | undefined } } | undefined;
declare const process: { env: Record<string, string | undefined> } | undefined;

export function env(name: string): string | undefined {
  if (typeof Deno !== 'undefined') return Deno.env.get(name);
  return typeof process !== 'undefined' ? process.env[name] : undefined;
}

export function requireEnv(name: string): string {
  const value = env(name);
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

/** Values of a Supabase key map (SUPABASE_PUBLISHABLE_KEYS = {"default":"sb_publishable_…"}). */
export function keyMap(name: string): string[] {
  const raw = env(name);
  if (!raw) return [];
  const parsed: unknown = JSON.parse(raw);
  return parsed && typeof parsed === 'object' ? Object.values(parsed as Record<string, string>) : [];
}
