// Migrations are history: once committed, a migration never changes. supabase/migrations.sha256 lists
// the SHA-256 of every migration (sha256sum format, sorted by file name: `sha256sum -c` reads it).
// Usage: node scripts/migration-checksums.mjs check    (npm test) exit 1 if a listed migration changed
//                                                       or is gone, or one is not listed
//        node scripts/migration-checksums.mjs record   (npm run generate) list new migrations; never
//                                                       rewrites a listed one's checksum
//        TABLEHOLD_REBASELINE=1 ... record             the one-time baseline that replaces the
//                                                       migrations: rewrites the whole list
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';

const root = new URL('../', import.meta.url);
const LIST = 'supabase/migrations.sha256';
const DIR = 'supabase/migrations';
const LINE = /^([0-9a-f]{64}) [ *](\S+)$/;

const sha256 = (path) => createHash('sha256').update(readFileSync(new URL(path, root))).digest('hex');
const onDisk = () => readdirSync(new URL(`${DIR}/`, root)).filter((f) => f.endsWith('.sql')).sort().map((f) => `${DIR}/${f}`);
const format = (entries) => [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  .map(([path, hash]) => `${hash}  ${path}\n`).join('');

/** The committed list as path -> checksum; malformed or repeated lines are problems. */
function listed(problems) {
  const entries = new Map();
  if (!existsSync(new URL(LIST, root))) return entries;
  readFileSync(new URL(LIST, root), 'utf8').split('\n').forEach((line, i) => {
    if (line === '') return;
    const m = LINE.exec(line);
    if (!m) problems.push(`${LIST}:${i + 1} is not "<sha256>  ${DIR}/<file>.sql"`);
    else if (entries.has(m[2])) problems.push(`${LIST}:${i + 1} lists ${m[2]} a second time`);
    else entries.set(m[2], m[1]);
  });
  return entries;
}

/** What differs between the list and the folder: changed or deleted migrations, and new ones. */
function compare() {
  const problems = [];
  const entries = listed(problems);
  const changed = [];
  for (const [path, hash] of entries) {
    if (!existsSync(new URL(path, root))) changed.push(`${path} was deleted`);
    else if (sha256(path) !== hash) changed.push(`${path} changed after its checksum was recorded`);
  }
  const unlisted = onDisk().filter((path) => !entries.has(path));
  return { entries, problems, changed, unlisted };
}

const FIX_FORWARD = `Migrations are history: restore it (git checkout -- <file>) and make the change in a new migration.
If it was never committed, delete its line from ${LIST} and run npm run generate again.`;

const mode = process.argv[2];
const { entries, problems, changed, unlisted } = compare();

if (mode === 'check') {
  for (const p of [...problems, ...changed]) console.error(p);
  if (problems.length + changed.length > 0) console.error(FIX_FORWARD);
  for (const path of unlisted) console.error(`${path} is not in ${LIST}: add it with npm run generate`);
  const failed = problems.length + changed.length + unlisted.length;
  if (failed === 0) console.error(`${entries.size} migrations match ${LIST}`);
  process.exit(failed > 0 ? 1 : 0);
} else if (mode === 'record') {
  if (process.env.TABLEHOLD_REBASELINE === '1') {
    writeFileSync(new URL(LIST, root), format(onDisk().map((path) => [path, sha256(path)])));
    console.error(`TABLEHOLD_REBASELINE=1: rewrote ${LIST} for the ${onDisk().length} migrations now in ${DIR}`);
  } else if (problems.length + changed.length > 0) {
    for (const p of [...problems, ...changed]) console.error(p);
    console.error(`${FIX_FORWARD}\nnpm run generate never rewrites a recorded checksum.`);
    process.exit(1);
  } else {
    for (const path of unlisted) entries.set(path, sha256(path));
    writeFileSync(new URL(LIST, root), format(entries));
    if (unlisted.length > 0) console.error(`recorded in ${LIST}: ${unlisted.join(', ')}`);
  }
} else {
  console.error('usage: node scripts/migration-checksums.mjs check|record');
  process.exit(2);
}
