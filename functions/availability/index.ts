// Edge Function entry point: serve the handler (routes and logic live in routes.ts).
import { availability } from './routes.ts';

Deno.serve(availability.handler);
