// Edge Function entry point: serve the handler (routes and logic live in routes.ts).
import { staff } from './routes.ts';

Deno.serve(staff.handler);
