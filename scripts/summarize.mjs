// Reads the results scripts/test.sh left in a folder and prints one closing line,
// "N passed, N failed", over lint, drift checks, pgTAP assertions and vitest tests.
// A suite that crashed or left no result counts as (at least) one failure, never as 0.
// Usage: node scripts/summarize.mjs <results-dir>; exits 1 when anything failed.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2];
const read = (name) => (existsSync(join(dir, name)) ? readFileSync(join(dir, name), 'utf8') : null);
const exitCode = (name) => Number(read(`${name}.rc`) ?? 1);
const suites = [];

// 1. Single checks (supabase db lint, generated-file drift, migration checksums, schema dump): one
//    test each, passes when it exits 0.
for (const name of ['lint', 'types', 'registry', 'migrations', 'schema']) {
  if (read(`${name}.rc`) === null) continue;
  const ok = exitCode(name) === 0;
  suites.push({ name, passed: ok ? 1 : 0, failed: ok ? 0 : 1 });
}

// 2. pgTAP through pg_prove. Its Test Summary Report lists each file with problems:
//    "<file> (Wstat: W Tests: ran Failed: f)" then maybe "Bad plan.  You planned P tests but ran R."
//    Missing planned tests count as failures; a listed file with nothing else counts as one.
const prove = read('pgtap.out');
if (prove !== null) {
  const totals = prove.match(/^Files=\d+, Tests=(\d+)/m);
  if (!totals) {
    suites.push({ name: 'pgTAP', passed: 0, failed: 1, note: 'pg_prove did not finish' });
  } else {
    const report = prove.split(/^Test Summary Report$/m)[1] ?? '';
    let failed = 0;
    let failedRan = 0;
    for (const entry of report.split(/^(?=\S.*\(Wstat: )/m).slice(1)) {
      const f = Number(entry.match(/Failed: (\d+)\)/)?.[1] ?? 0);
      const plan = entry.match(/You planned (\d+) tests? but ran (\d+)/);
      const missing = plan ? Math.max(0, Number(plan[1]) - Number(plan[2])) : 0;
      failedRan += f;
      failed += Math.max(1, f + missing);
    }
    if (exitCode('pgtap') !== 0 && failed === 0) failed = 1;
    suites.push({ name: 'pgTAP', passed: Number(totals[1]) - failedRan, failed });
  }
}

// 3. vitest JSON reporter. A file that failed to load has no tests, so count it once.
const vitest = read('vitest.json');
if (read('vitest.rc') !== null) {
  if (vitest === null) {
    suites.push({ name: 'vitest', passed: 0, failed: 1, note: 'vitest wrote no report' });
  } else {
    const r = JSON.parse(vitest);
    const brokenFiles = (r.testResults ?? []).filter(
      (f) => f.status === 'failed' && !(f.assertionResults ?? []).some((a) => a.status === 'failed'),
    ).length;
    let failed = r.numFailedTests + brokenFiles;
    if (exitCode('vitest') !== 0 && failed === 0) failed = 1;
    suites.push({ name: 'vitest', passed: r.numPassedTests, failed });
  }
}

let passed = 0;
let failed = 0;
for (const s of suites) {
  passed += s.passed;
  failed += s.failed;
  console.log(`  ${s.name.padEnd(10)} passed ${s.passed}, failed ${s.failed}${s.note ? ` (${s.note})` : ''}`);
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
