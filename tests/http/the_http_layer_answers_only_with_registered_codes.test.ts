// The Edge Functions' own error codes are registered in supabase/errors.json ("http"), which
// generates docs/errors.md and the SDK's HttpErrorCode: every code the code answers with is there
// with its status, and every registered one is still answered somewhere.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');

interface Entry {
  code: string;
  http_status: number;
}
const registry = JSON.parse(read('supabase/errors.json')) as { engine: Entry[]; http: Entry[] };
const engineCodes = new Set(registry.engine.map((e) => e.code));

/** The HTTP layer's sources: the functions (but the generated modules) and the local server. */
const sources = () => [
  ...readdirSync(new URL('functions/', root), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !/(^|\/)(database\.types|error-codes)\.ts$/.test(f))
    .map((f) => `functions/${f}`),
  'scripts/serve.ts',
];

/** Every `new ApiError(<status>, '<CODE>'` and every literal `code: '<CODE>'`, with where it stands. */
function answered(): { code: string; status?: number; where: string }[] {
  return sources().flatMap((path) => {
    const text = read(path);
    return [
      ...[...text.matchAll(/new ApiError\(\s*(\d{3}),\s*'([A-Z][A-Z_]+)'/g)]
        .map((m) => ({ code: m[2], status: Number(m[1]), where: path })),
      ...[...text.matchAll(/\bcode: '([A-Z][A-Z_]+)'/g)].map((m) => ({ code: m[1], where: path })),
    ];
  });
}

describe('the HTTP layer answers only with registered codes', () => {
  it('every code the Edge Functions answer with is registered with the status they answer it with', () => {
    const statusOf = new Map([...registry.engine, ...registry.http].map((e) => [e.code, e.http_status]));
    const found = answered();
    expect(found.length).toBeGreaterThan(0);
    const wrong = found.filter((a) => !statusOf.has(a.code) || (a.status !== undefined && a.status !== statusOf.get(a.code)))
      .map((a) => `${a.where}: ${a.status ?? ''} ${a.code} (registered: ${statusOf.get(a.code) ?? 'no'})`);
    expect(wrong, 'register it in supabase/errors.json and run npm run generate').toEqual([]);
  });

  it('every code registered for the HTTP layer is still answered somewhere', () => {
    const used = new Set(answered().map((a) => a.code).filter((c) => !engineCodes.has(c)));
    expect(registry.http.map((e) => e.code).sort()).toEqual([...used].sort());
  });
});
