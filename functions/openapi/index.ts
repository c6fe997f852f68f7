// Edge Function entry point: serve the handler (routes and logic live in routes.ts).
import { openapi } from './routes.ts';

Deno.serve(openapi.handler);
