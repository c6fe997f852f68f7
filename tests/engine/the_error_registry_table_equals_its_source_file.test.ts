// supabase/errors.json is the one source of the error registry. The engine raises from the table
// tablehold.error_codes, which migrations write, so the table must hold exactly the file's "engine"
// entries, refusal included; and the Edge Functions' module (generated from the file; npm test's
// "registry" check keeps it and docs/errors.md current) must map what the database raises.
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { errorCodes, refusalCodes } from '../../functions/_shared/error-codes.ts';
import { closeAll, sql } from '../support/db';

interface Registered {
  code: string;
  sqlstate: string;
  http_status: number;
  message: string;
  refusal: boolean;
}

/** The "engine" entries of supabase/errors.json, as rows of tablehold.error_codes, by code. */
function fromSource(): Registered[] {
  const source = JSON.parse(readFileSync(new URL('../../supabase/errors.json', import.meta.url), 'utf8'));
  return (source.engine as Registered[])
    .map(({ code, sqlstate, http_status, message, refusal }) => ({ code, sqlstate, http_status, message, refusal }))
    .sort((a, b) => (a.code < b.code ? -1 : 1)); // byte order, as the query's collate "C"
}

describe('the error registry', () => {
  const db = sql();
  afterAll(closeAll);
  const inDatabase = () => db<Registered[]>`
    select code, sqlstate::text as sqlstate, http_status, message, refusal from tablehold.error_codes order by code collate "C"`;

  it('tablehold.error_codes holds exactly the codes, SQLSTATEs, HTTP statuses, messages and refusals of supabase/errors.json', async () => {
    const rows = [...await inDatabase()];
    expect(rows.length).toBeGreaterThan(0);
    expect(rows, 'the table differs from supabase/errors.json: change it in a new migration, never in an old one')
      .toEqual(fromSource());
  });

  it('the Edge Functions map every code the database raises, and count exactly its refusals as conflicts prevented', async () => {
    const rows = await inDatabase();
    expect(errorCodes).toStrictEqual(Object.fromEntries(rows.map((r) =>
      [r.code, { sqlstate: r.sqlstate, http: r.http_status, message: r.message, refusal: r.refusal }])));
    expect([...refusalCodes].sort()).toEqual(rows.filter((r) => r.refusal).map((r) => r.code).sort());
  });
});
