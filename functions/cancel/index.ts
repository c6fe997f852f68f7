// Edge Function entry point: serve the handler (routes and logic live in routes.ts).
import { cancel } from './routes.ts';

Deno.serve(cancel.handler);
