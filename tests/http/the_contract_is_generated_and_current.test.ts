// The contract the API publishes is the one the code has: docs/openapi.json is what the routes
// generate (and what GET /openapi/v1 serves), and supabase/config.toml deploys every function from
// its own folder. (The error codes the API maps: tests/engine/the_error_registry_table_equals_its_source_file.)
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { EdgeFunction } from '../../functions/_shared/app.ts';
import { openapiDocument } from '../../functions/_shared/openapi.ts';
import { documented } from '../../functions/openapi/routes.ts';
import { call } from '../support/flood';

const root = new URL('../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');
const committed = () => JSON.parse(read('docs/openapi.json'));
/** The document as the code generates it, through JSON like the committed file. */
const generated = () => JSON.parse(JSON.stringify(openapiDocument(documented)));

type Json = Record<string, any>;

/** The [functions.<name>] tables of supabase/config.toml: `key = "string" | true | false` lines. */
function configuredFunctions(): Record<string, Record<string, string | boolean>> {
  const functions: Record<string, Record<string, string | boolean>> = {};
  let current: Record<string, string | boolean> | undefined;
  for (const line of read('supabase/config.toml').split('\n').map((l) => l.trim())) {
    const table = /^\[(.+)\]$/.exec(line);
    if (table) {
      const name = /^functions\.([a-z0-9_-]+)$/.exec(table[1])?.[1];
      current = name ? (functions[name] = {}) : undefined;
      continue;
    }
    const entry = /^([a-z_]+)\s*=\s*(".*"|true|false)\s*(#.*)?$/.exec(line);
    if (current && entry) current[entry[1]] = entry[2].startsWith('"') ? JSON.parse(entry[2]) : entry[2] === 'true';
  }
  return functions;
}

/** JSON pointers of the object schemas under `schema` that accept properties they do not list. */
function openObjects(schema: unknown, at = '#'): string[] {
  if (Array.isArray(schema)) return schema.flatMap((s, i) => openObjects(s, `${at}/${i}`));
  if (!schema || typeof schema !== 'object') return [];
  const s = schema as Json;
  const own = (s.type === 'object' || 'properties' in s) && s.additionalProperties !== false ? [at] : [];
  return [...own, ...Object.entries(s).flatMap(([k, v]) => openObjects(v, `${at}/${k}`))];
}

/** Every "$ref" string in a document. */
function refs(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refs);
  if (!value || typeof value !== 'object') return [];
  return Object.entries(value as Json).flatMap(([k, v]) => (k === '$ref' && typeof v === 'string' ? [v] : refs(v)));
}

const functionFolders = () =>
  readdirSync(new URL('functions/', root), { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith('_')).map((d) => d.name).sort();

describe('the contract is generated and current', () => {
  it('docs/openapi.json is exactly the document the routes generate', () => {
    expect(committed()).toStrictEqual(generated());
  });

  it('the document is OpenAPI 3.1 with every route of every API function, its path parameters and a closed request body', () => {
    const doc = generated();
    expect([doc.openapi, typeof doc.info.title, doc.info.version]).toEqual(['3.1.0', 'string', 'v1']);

    const apiFunctions = Object.keys(configuredFunctions()).filter((n) => n !== 'openapi').sort();
    expect(documented.map((f) => f.name).sort(), 'every function but openapi itself is documented').toEqual(apiFunctions);

    const expected = documented.flatMap((fn: EdgeFunction) =>
      fn.routes.map((r) => `${r.method.toLowerCase()} /functions/v1/${fn.name}/v1${r.path === '/' ? '' : r.path.replace(/:(\w+)/g, '{$1}')}`));
    const listed = Object.entries(doc.paths as Json).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`));
    expect(listed.sort()).toEqual(expected.sort());

    const operationIds: string[] = [];
    for (const [path, ops] of Object.entries(doc.paths as Json)) {
      for (const [method, op] of Object.entries(ops as Json)) {
        const where = `${method} ${path}`;
        operationIds.push(op.operationId);
        const inPath = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
        const declared = (op.parameters as Json[]).filter((p) => p.in === 'path');
        expect(declared.map((p) => [p.name, p.required]), `${where}: its path parameters`).toEqual(inPath.map((n) => [n, true]));
        for (const p of op.parameters as Json[]) {
          expect(['path', 'query', 'header'], `${where}: parameter ${p.name}`).toContain(p.in);
          expect(typeof p.schema, `${where}: parameter ${p.name} has a schema`).toBe('object');
        }
        if (method === 'post' || method === 'patch') {
          const schema = op.requestBody?.content?.['application/json']?.schema;
          expect([op.requestBody?.required, schema?.type, schema?.additionalProperties], `${where}: its request body`)
            .toEqual([true, 'object', false]);
          expect(openObjects(schema), `${where}: objects in the body that accept unknown fields`).toEqual([]);
        } else {
          expect(op.requestBody, `${where}: no request body`).toBeUndefined();
        }
        // POST to a collection creates (201); everything else answers 200
        const success = method === 'post' && !path.includes('{') ? '201' : '200';
        expect(Object.keys(op.responses), `${where}: its responses`).toEqual(expect.arrayContaining([success, '400', '404', '409', '422']));
      }
    }
    expect(new Set(operationIds).size, 'operationIds are unique').toBe(operationIds.length);

    const components = doc.components as Json;
    const unresolved = refs(doc).filter((ref) => {
      const [, kind, name] = /^#\/components\/(\w+)\/(\w+)$/.exec(ref) ?? [];
      return !kind || !components[kind]?.[name];
    });
    expect(unresolved, '$refs that point nowhere').toEqual([]);
  });

  it('GET /functions/v1/openapi/v1 serves the committed document', async () => {
    const served = await call('GET', 'openapi/v1');
    expect(served.status).toBe(200);
    expect(served.body).toStrictEqual(committed());
  });

  it('supabase/config.toml deploys every function folder from its own index.ts, which serves the routes module\'s function, with verify_jwt off', async () => {
    const configured = configuredFunctions();
    expect(Object.keys(configured).sort()).toEqual(functionFolders());

    for (const [name, settings] of Object.entries(configured)) {
      expect([settings.entrypoint, settings.verify_jwt], `[functions.${name}]`).toEqual([`../functions/${name}/index.ts`, false]);
      expect(existsSync(new URL(`supabase/${settings.entrypoint}`, root)), `${name}: its entrypoint exists`).toBe(true);
      expect(read(`functions/${name}/index.ts`), `${name}: index.ts serves the routes module`)
        .toMatch(new RegExp(`import \\{ ${name} \\} from './routes\\.ts';[\\s\\S]*Deno\\.serve\\(${name}\\.handler\\)`));
      const routes = await import(`../../functions/${name}/routes.ts`);
      const fn = routes[name] as EdgeFunction | undefined;
      expect([fn?.name, typeof fn?.handler, (fn?.routes.length ?? 0) > 0], `${name}: routes.ts exports the function ${name}`)
        .toEqual([name, 'function', true]);
    }
  });
});
