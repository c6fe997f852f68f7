// Edge Function entry point: serve the handler (routes and logic live in routes.ts).
import { clients } from './routes.ts';

Deno.serve(clients.handler);
