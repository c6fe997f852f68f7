// The local Edge Functions server (Deno): every function at http://127.0.0.1:54321/functions/v1/<name>,
// as Supabase's edge runtime serves them, with the same environment variable names.
// Run by scripts/start.sh and scripts/test.sh: deno run --allow-net --allow-env scripts/serve.ts
import { availability } from '../functions/availability/routes.ts';
import { book } from '../functions/book/routes.ts';
import { cancel } from '../functions/cancel/routes.ts';
import { clients } from '../functions/clients/routes.ts';
import { hold } from '../functions/hold/routes.ts';
import { openapi } from '../functions/openapi/routes.ts';
import { staff } from '../functions/staff/routes.ts';

const functions = new Map([availability, hold, book, cancel, staff, clients, openapi].map((f) => [f.name, f]));
const port = Number(Deno.env.get('TABLEHOLD_FUNCTIONS_PORT') ?? '54321');

Deno.serve({ hostname: '127.0.0.1', port, onListen: () => console.error(`functions listening on http://127.0.0.1:${port}/functions/v1/`) }, (req) => {
  const [prefix, version, name] = new URL(req.url).pathname.split('/').filter(Boolean);
  const fn = prefix === 'functions' && version === 'v1' ? functions.get(name) : undefined;
  if (!fn) {
    return Response.json({ error: { code: 'FUNCTION_NOT_FOUND', message: 'There is no such function.', details: [] } }, { status: 404 });
  }
  return fn.handler(req);
});
