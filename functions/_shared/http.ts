// Response helpers: one envelope ({"data":…} or {"error":{code,message,details}}), CORS, request ids.
import type { ApiError } from './errors.ts';

export const API_VERSION = 'v1';

export const corsHeaders: Record<string, string> = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, PATCH, DELETE, OPTIONS',
  'access-control-allow-headers':
    'authorization, x-client-info, apikey, content-type, idempotency-key, if-none-match, last-event-id, x-request-id',
  'access-control-expose-headers': 'etag, x-request-id, x-retries',
  'access-control-max-age': '86400',
};

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return jsonText(status, JSON.stringify(body), headers);
}

/** A response whose JSON body is already text (a large database answer passed through unparsed). */
export function jsonText(status: number, text: string, headers: Record<string, string> = {}): Response {
  return new Response(status === 304 ? null : text, {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...corsHeaders, ...headers },
  });
}

export const errorBody = (e: ApiError) => ({ error: { code: e.code, message: e.message, details: e.details } });

const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/** The caller's x-request-id when it is sane, else a fresh one. */
export function requestId(req: Request): string {
  const given = req.headers.get('x-request-id');
  return given && REQUEST_ID.test(given) ? given : crypto.randomUUID();
}

/** sha256 hex of a string. */
export async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}
