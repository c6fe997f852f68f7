// The OpenAPI 3.1 document, generated from the routes' zod schemas (JSON Schema 2020-12).
import { z } from 'zod';
import type { EdgeFunction, Route } from './app.ts';
import { API_VERSION } from './http.ts';

type Json = Record<string, unknown>;

const schemaOf = (s: z.ZodType): Json => {
  const { $schema: _, ...rest } = z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' }) as Json;
  return rest;
};

function parameters(r: Route): Json[] {
  const list: Json[] = [];
  for (const [where, schema] of [['path', r.params], ['query', r.query]] as const) {
    if (!schema) continue;
    for (const [name, field] of Object.entries(schema.shape as Record<string, z.ZodType>)) {
      list.push({ name, in: where, required: where === 'path' || !field.safeParse(undefined).success, schema: schemaOf(field) });
    }
  }
  if (r.idempotent) {
    list.push({
      name: 'Idempotency-Key', in: 'header', required: false,
      description: 'Repeating a request with the same key replays the first response; a different request with it gets 409 IDEMPOTENCY_CONFLICT.',
      schema: { type: 'string', pattern: '^[A-Za-z0-9._:-]{8,200}$' },
    });
  }
  return list;
}

const errorResponse = { $ref: '#/components/responses/Error' };

export function openapiDocument(functions: EdgeFunction[]): Json {
  const paths: Record<string, Json> = {};
  for (const fn of functions) {
    for (const r of fn.routes) {
      const suffix = r.path === '/' ? '' : r.path.replace(/:(\w+)/g, '{$1}');
      const path = `/functions/v1/${fn.name}/${API_VERSION}${suffix}`;
      const okStatus = r.method === 'POST' && !r.path.includes(':') ? '201' : '200';
      (paths[path] ??= {})[r.method.toLowerCase()] = {
        operationId: `${fn.name}.${r.method.toLowerCase()}${suffix.replace(/[{}]/g, '').replace(/\//g, '.')}`,
        tags: [fn.name],
        summary: r.summary,
        ...(r.description ? { description: r.description } : {}),
        parameters: parameters(r),
        ...(r.body ? { requestBody: { required: true, content: { 'application/json': { schema: schemaOf(r.body.strict()) } } } } : {}),
        responses: {
          [okStatus]: { $ref: '#/components/responses/Data' },
          ...(fn.name === 'availability' && r.path === '/' ? { '304': { description: 'Not modified: the channel version equals If-None-Match.' } } : {}),
          '400': errorResponse, '401': errorResponse, '403': errorResponse, '404': errorResponse,
          '409': errorResponse, '410': errorResponse, '413': errorResponse, '422': errorResponse,
        },
      };
    }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'tablehold API',
      version: API_VERSION,
      description: 'Reservations for bars, nightclubs and restaurants. Every response is {"data": …} or '
        + '{"error": {"code", "message", "details"}}; error codes are listed in docs/errors.md.',
    },
    servers: [{ url: 'http://127.0.0.1:54321', description: 'local stack (npm start)' }],
    security: [{ bearer: [] }, {}],
    paths,
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'A Supabase user JWT, a publishable or secret key, or a venue API key (thk_…).' },
      },
      responses: {
        Data: { description: 'Success', content: { 'application/json': { schema: { type: 'object', required: ['data'], properties: { data: {} } } } } },
        Error: {
          description: 'A client or domain error',
          content: {
            'application/json': {
              schema: {
                type: 'object', required: ['error'],
                properties: {
                  error: {
                    type: 'object', required: ['code', 'message', 'details'],
                    properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} },
                  },
                },
              },
            },
          },
        },
      },
    },
  };
}
