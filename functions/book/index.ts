// Edge Function entry point: serve the handler (routes and logic live in routes.ts).
import { book } from './routes.ts';

Deno.serve(book.handler);
