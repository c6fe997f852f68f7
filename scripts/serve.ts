// The local Edge Functions server (Deno): every function at http://127.0.0.1:54321/functions/v1/<name>,
// as Supabase's edge runtime serves them, with the same environment variable names; and the demo
// page at /demo/.
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

// The demo page (demo/) and the SDK's browser bundle (built by scripts/lib.sh before the server starts).
const DEMO_FILE = /^[a-z0-9_-]+\.(html|js|css|svg)$/;
const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8', js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8', svg: 'image/svg+xml',
};

async function demo(path: string): Promise<Response> {
  if (path === '/demo') return Response.redirect(`http://127.0.0.1:${port}/demo/`, 301);
  const name = path === '/demo/' ? 'index.html' : path.slice('/demo/'.length);
  if (!DEMO_FILE.test(name)) return new Response('not found', { status: 404 });
  const file = name === 'sdk.js' ? Deno.env.get('TABLEHOLD_DEMO_SDK') : new URL(`../demo/${name}`, import.meta.url);
  try {
    if (!file) throw new Error('no SDK bundle');
    const body = await Deno.readFile(file);
    return new Response(body, { headers: { 'content-type': TYPES[name.split('.').pop()!], 'cache-control': 'no-cache' } });
  } catch {
    return new Response('not found', { status: 404 });
  }
}

// port 0 takes any free port (tests start servers of their own): the line below says which
Deno.serve({ hostname: '127.0.0.1', port, onListen: (addr) => console.error(`functions listening on http://127.0.0.1:${addr.port}/functions/v1/`) }, (req, info) => {
  const pathname = new URL(req.url).pathname;
  if (pathname === '/demo' || pathname.startsWith('/demo/')) return demo(pathname);
  const [prefix, version, name] = pathname.split('/').filter(Boolean);
  const fn = prefix === 'functions' && version === 'v1' ? functions.get(name) : undefined;
  if (!fn) {
    return Response.json({ error: { code: 'FUNCTION_NOT_FOUND', message: 'There is no such function.', details: [] } }, { status: 404 });
  }
  return fn.handler(req, info); // info: the socket's peer, the client's address when no proxy is trusted (limits.ts)
});
