// docs/errors.md and tablehold.error_codes are the same registry: every row in one is in the other.
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { closeAll, sql } from '../support/db';

interface Registered {
  code: string;
  sqlstate: string;
  http_status: number;
  message: string;
}

/** The rows of the registry table in docs/errors.md: | Code | SQLSTATE | HTTP | Message | When |. */
function documented(): Registered[] {
  const markdown = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
  const lines = markdown.split('\n');
  const header = lines.findIndex((l) => /^\|\s*Code\s*\|\s*SQLSTATE\s*\|\s*HTTP\s*\|\s*Message\s*\|/.test(l));
  expect(header, 'docs/errors.md has the registry table').toBeGreaterThanOrEqual(0);
  const rows: Registered[] = [];
  for (const line of lines.slice(header + 2)) {
    if (!line.startsWith('|')) break;
    const [code, sqlstate, http, message] = line.split('|').slice(1, -1).map((c) => c.trim());
    rows.push({ code, sqlstate, http_status: Number(http), message });
  }
  return rows;
}

const byCode = (a: Registered, b: Registered) => a.code.localeCompare(b.code);

describe('the error registry', () => {
  const db = sql();
  afterAll(closeAll);

  it('lists in docs/errors.md exactly the codes, SQLSTATEs, HTTP statuses and messages of tablehold.error_codes', async () => {
    const inDatabase = await db<Registered[]>`
      select code, sqlstate::text as sqlstate, http_status, message from tablehold.error_codes`;
    const inDocs = documented();

    expect(inDatabase.length).toBeGreaterThan(0);
    expect(new Set(inDocs.map((r) => r.code)).size, 'each code is documented once').toBe(inDocs.length);
    expect([...inDocs].sort(byCode)).toEqual([...inDatabase].sort(byCode));
  });
});
