// Edge Function entry point: serve the handler (routes and logic live in routes.ts).
import { hold } from './routes.ts';

Deno.serve(hold.handler);
