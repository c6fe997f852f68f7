// The demo venues of supabase/seed.sql by name. Each id is looked up in the database by venue slug,
// unit code or staff email through the pgTAP fixture helpers (tests.venue_id, tests.unit_id,
// tests.user_id in sql/test-helpers.sql), so the seed stays the only place that spells an id, and a
// name the seed lacks fails loudly (no_data_found, naming the lookup and the name).
// A test file loads them once, next to its pool: `const seed = await demoSeed(db);`
import type { Sql } from './db';

type Lookup = readonly ['venue_id', string] | readonly ['unit_id', string, string] | readonly ['user_id', string];

const venue = (slug: string) => ['venue_id', slug] as const;
const unit = (slug: string, code: string) => ['unit_id', slug, code] as const;
const user = (email: string) => ['user_id', email] as const;

/** What tests call each demo row, and where the database finds it. */
const NAMES = {
  vault: {
    id: venue('the-vault'),
    booth1: unit('the-vault', 'vip-booth-1'),
    booth2: unit('the-vault', 'vip-booth-2'),
    mezzanine: unit('the-vault', 'mezzanine'),
    standing: unit('the-vault', 'standing-tables'),
  },
  nora: { id: venue('nora-kitchen'), t1: unit('nora-kitchen', 't1') },
  copper: { id: venue('copper-bar') },
  users: {
    northernOwner: user('owner@northern-nights.test'),
    copperManager: user('manager@copper-bar.test'),
    vaultManager: user('manager@the-vault.test'),
    vaultHost: user('host@the-vault.test'),
    noraManager: user('manager@nora-kitchen.test'),
    noraHost: user('host@nora-kitchen.test'),
  },
} satisfies Record<string, Record<string, Lookup>>;

/** The demo seed's ids, e.g. seed.vault.standing, seed.users.vaultHost. */
export type Demo = { readonly [G in keyof typeof NAMES]: { readonly [K in keyof (typeof NAMES)[G]]: string } };

let loaded: Promise<Demo> | undefined;

async function lookUp(db: Sql, [fn, ...args]: Lookup): Promise<string> {
  const [row] = await db.unsafe(`select tests.${fn}(${args.map((_, i) => `$${i + 1}`).join(', ')}) as id`, [...args]);
  return row.id as string;
}

/** The demo seed's ids, looked up once per test file on `db`. */
export function demoSeed(db: Sql): Promise<Demo> {
  loaded ??= (async () => {
    const groups = await Promise.all(Object.entries(NAMES).map(async ([group, names]) => {
      const ids = await Promise.all(Object.entries(names).map(async ([name, lookup]) => [name, await lookUp(db, lookup)]));
      return [group, Object.fromEntries(ids)];
    }));
    return Object.fromEntries(groups) as Demo;
  })();
  return loaded;
}
