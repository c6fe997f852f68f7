// The error registry's copies, generated from its one source, supabase/errors.json:
//   functions/_shared/error-codes.ts   what the Edge Functions map (errorCodes, refusalCodes)
//   sdk/src/error-codes.ts             the SDK's ErrorCode and HttpErrorCode types
//   docs/errors.md                     the two tables between the "generated" marker comments
// The database's copy, tablehold.error_codes, is written by migrations; a vitest test keeps it equal.
// Usage: node scripts/generate-errors.mjs            write the copies (npm run generate)
//        node scripts/generate-errors.mjs --check    exit 1 with a diff when one is stale (npm test)
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

const root = new URL('../', import.meta.url);
const read = (path) => readFileSync(new URL(path, root), 'utf8');
const SOURCE = 'supabase/errors.json';
const NOTICE = `GENERATED from ${SOURCE} by npm run generate (scripts/generate-errors.mjs): do not edit.`;

/** The registry, checked: a bad entry stops generation with a message naming it. */
function loadRegistry() {
  const registry = JSON.parse(read(SOURCE));
  const problems = [];
  const seenCodes = new Map();
  const seenStates = new Map();
  const claim = (seen, key, where) => {
    if (seen.has(key)) problems.push(`${where}: ${key} is already used by ${seen.get(key)}`);
    else seen.set(key, where);
  };
  for (const section of ['engine', 'http', 'retired']) {
    if (!Array.isArray(registry[section])) problems.push(`"${section}" must be a list`);
  }
  if (problems.length === 0) {
    for (const [section, entries] of Object.entries({ engine: registry.engine, http: registry.http, retired: registry.retired })) {
      entries.forEach((e, i) => {
        const where = `${section}[${i}] ${e.code ?? ''}`.trim();
        if (!/^[A-Z][A-Z_]+$/.test(e.code ?? '')) problems.push(`${where}: code must be UPPER_SNAKE_CASE`);
        else claim(seenCodes, e.code, where);
        if (section !== 'http' && e.sqlstate != null) {
          if (!/^TH[0-9A-Z]{3}$/.test(e.sqlstate)) problems.push(`${where}: sqlstate must be TH followed by 3 characters`);
          else claim(seenStates, e.sqlstate, where);
        }
        if (section === 'engine') {
          if (e.sqlstate == null) problems.push(`${where}: an engine code needs a sqlstate`);
          if (!(e.http_status >= 400 && e.http_status <= 499)) problems.push(`${where}: http_status must be a 4xx`);
          if (typeof e.message !== 'string' || e.message === '') problems.push(`${where}: message is missing`);
          if (typeof e.refusal !== 'boolean') problems.push(`${where}: refusal must be true or false`);
        }
        if (section === 'http') {
          if ('sqlstate' in e) problems.push(`${where}: an HTTP layer code has no sqlstate`);
          if (!(e.http_status >= 400 && e.http_status <= 599)) problems.push(`${where}: http_status must be a 4xx or 5xx`);
        }
        if (section !== 'retired' && (typeof e.when !== 'string' || e.when === '')) problems.push(`${where}: "when" is missing`);
        if (section === 'retired' && (typeof e.retired !== 'string' || e.retired === '')) {
          problems.push(`${where}: say when and why it was retired in "retired"`);
        }
      });
    }
  }
  if (problems.length > 0) {
    throw new Error(`${SOURCE} is not a valid registry (a retired code or SQLSTATE is never reused):\n  ${problems.join('\n  ')}`);
  }
  return registry;
}

/** A TypeScript string literal in the house style: single quotes unless the text has one. */
const tsString = (s) => (s.includes("'") ? JSON.stringify(s) : `'${s.replaceAll('\\', '\\\\')}'`);
const cell = (s) => String(s).replaceAll('|', '\\|');
const union = (codes) => codes.map((c) => `\n  | '${c}'`).join('') + ';';

function functionsModule({ engine }) {
  const rows = engine.map((e) =>
    `  ${e.code}: { sqlstate: '${e.sqlstate}', http: ${e.http_status}, message: ${tsString(e.message)}, refusal: ${e.refusal} },`);
  return `// ${NOTICE}
// The engine's error registry (tablehold.error_codes, docs/errors.md) as the API maps it.

export interface ErrorCode {
  sqlstate: string;
  http: number;
  message: string;
  /** Counted as a conflict prevented in the venue's metrics (recorded after the rollback). */
  refusal: boolean;
}

export const errorCodes: Record<string, ErrorCode> = {
${rows.join('\n')}
};

/** Refusals the metrics count as "conflicts prevented": the codes registered with refusal true. */
export const refusalCodes: ReadonlySet<string> = new Set(
  Object.entries(errorCodes).filter(([, e]) => e.refusal).map(([code]) => code),
);
`;
}

function sdkModule({ engine, http }) {
  return `// ${NOTICE}

/** The domain error codes of docs/errors.md (the engine's registry, \`tablehold.error_codes\`). */
export type ErrorCode =${union(engine.map((e) => e.code))}

/** Codes the HTTP layer itself answers with (docs/errors.md, "Codes of the HTTP layer"). */
export type HttpErrorCode =${union(http.map((e) => e.code))}
`;
}

const engineTable = ({ engine }) => [
  '| Code | SQLSTATE | HTTP | Refusal | Message | When |',
  '|---|---|---|---|---|---|',
  ...engine.map((e) =>
    `| ${e.code} | ${e.sqlstate} | ${e.http_status} | ${e.refusal ? 'yes' : 'no'} | ${cell(e.message)} | ${cell(e.when)} |`),
];

const httpTable = ({ http }) => [
  '| Code | HTTP | When |',
  '|---|---|---|',
  ...http.map((e) => `| ${e.code} | ${e.http_status} | ${cell(e.when)} |`),
];

/** docs/errors.md with each generated block replaced; the prose around the markers is kept. */
function errorsDoc(registry) {
  let doc = read('docs/errors.md');
  for (const [name, table] of [['engine codes', engineTable], ['HTTP layer codes', httpTable]]) {
    const begin = `<!-- BEGIN ${name}: ${NOTICE} -->`;
    const end = `<!-- END ${name} -->`;
    const from = doc.indexOf(begin);
    const to = doc.indexOf(end);
    if (from < 0 || to < from) throw new Error(`docs/errors.md lacks the marker lines:\n  ${begin}\n  ${end}`);
    doc = `${doc.slice(0, from + begin.length)}\n${table(registry).join('\n')}\n${doc.slice(to)}`;
  }
  return doc;
}

function generated() {
  const registry = loadRegistry();
  return {
    'functions/_shared/error-codes.ts': functionsModule(registry),
    'sdk/src/error-codes.ts': sdkModule(registry),
    'docs/errors.md': errorsDoc(registry),
  };
}

function main() {
  let files;
  try {
    files = generated();
  } catch (e) {
    console.error(e.message);
    process.exit(1);
  }
  if (!process.argv.includes('--check')) {
    for (const [path, text] of Object.entries(files)) writeFileSync(new URL(path, root), text);
    console.error(`wrote ${Object.keys(files).join(', ')} from ${SOURCE}`);
    return;
  }
  let stale = 0;
  for (const [path, text] of Object.entries(files)) {
    const diff = spawnSync('diff', ['-u', '--label', `${path} (committed)`, '--label', `${path} (generated)`, path, '-'], {
      cwd: root, input: text, encoding: 'utf8',
    });
    if (diff.status === 0) continue;
    stale++;
    console.error(diff.stdout || diff.stderr);
    console.error(`${path} is stale: edit ${SOURCE}, never the copy, and run npm run generate`);
  }
  process.exit(stale > 0 ? 1 : 0);
}

main();
