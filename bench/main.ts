// The benchmark and load-test suite: `npm run bench [-- <section> …] [--duration S] [--quick]`.
// bench/run.sh starts a throwaway stack (cluster + Edge Functions) and runs this file against it.
// Sections run in the order given (default: every section but the long soak), print their tables,
// and the run is written to bench/results/<stamp>.json and .md; a full default run also refreshes the
// summary in BENCHMARKS.md.
import { ceiling } from './ceiling.ts';
import { feed } from './feed.ts';
import { flashCrowd } from './flash-crowd.ts';
import { machineInfo } from './machine.ts';
import { mixed } from './mixed.ts';
import { isolation } from './isolation.ts';
import { goalsOf, renderGoals, renderSummary, type Run, updateBenchmarksMd } from './report.ts';
import { snapshot } from './snapshot.ts';
import { soak } from './soak.ts';
import { statements } from './statements.ts';
import { strategies } from './strategies.ts';
import { closePools, progress, renderTable, type SectionContext, type SectionResult, stackFromEnv } from './support.ts';
import { sweeper } from './sweeper.ts';

const SECTIONS: Record<string, (ctx: SectionContext) => Promise<SectionResult>> = {
  strategies,
  ceiling,
  statements,
  snapshot,
  feed,
  sweeper,
  'flash-crowd': flashCrowd,
  isolation,
  mixed,
  soak,
};
/** Sections only run when named: the soak takes several minutes. */
const ON_REQUEST = ['soak'];
const DEFAULT_SECTIONS = Object.keys(SECTIONS).filter((s) => !ON_REQUEST.includes(s));

const USAGE = `usage: npm run bench [-- <section> ...] [--duration S] [--quick]
sections: ${Object.keys(SECTIONS).join(', ')} (default: all but ${ON_REQUEST.join(', ')}, in this order)
  --duration S  seconds of each fixed-duration load: spread load, pgbench (default 20)
  --quick       smaller sizes everywhere, for a smoke run (marked as such in the results)`;

function parseArgs(args: string[]): { sections: string[]; durationS: number; quick: boolean } {
  const sections: string[] = [];
  let durationS = 20;
  let quick = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--duration') durationS = Number(args[++i]);
    else if (a === '--quick') quick = true;
    else if (a in SECTIONS) sections.push(a);
    else throw new Error(`unknown argument ${a}\n${USAGE}`);
  }
  if (!(durationS >= 1 && durationS <= 600)) throw new Error(`--duration must be 1 to 600 seconds\n${USAGE}`);
  return { sections: sections.length ? sections : DEFAULT_SECTIONS, durationS: quick ? Math.min(durationS, 5) : durationS, quick };
}

/** The Edge Functions settings this run's server got from the environment (bench/run.sh passes it
 *  on), as the command's prefix: a run at another isolation level says so. */
function functionsSettings(): string {
  return ['TABLEHOLD_ISOLATION_LEVEL']
    .flatMap((name) => {
      const value = Deno.env.get(name);
      return value ? [`${name}=${/\s/.test(value) ? `'${value}'` : value} `] : [];
    })
    .join('');
}

async function main(): Promise<void> {
  const { sections, durationS, quick } = parseArgs(Deno.args);
  const stack = stackFromEnv();
  const startedAt = new Date();
  const machine = await machineInfo(stack);
  progress(`${machine.cores} cores, ${machine.memoryGiB} GiB, load average ${machine.loadAverage.join(' ')}; PostgreSQL ${machine.postgres.version}`);
  const ctx: SectionContext = { stack, durationS, quick, earlier: {} };
  const failures: Record<string, string> = {};
  for (const name of sections) {
    progress(`section ${name}`);
    try {
      const result = await SECTIONS[name](ctx);
      ctx.earlier[name] = result;
      console.log(`\n## ${name}\n`);
      for (const t of result.tables) console.log(renderTable(t) + '\n');
      for (const n of result.notes ?? []) console.log(`- ${n}`);
    } catch (e) {
      failures[name] = String((e as Error)?.stack ?? e);
      progress(`section ${name} FAILED: ${e}`);
    }
  }
  await closePools();

  const run: Run = {
    started_at: startedAt.toISOString(),
    finished_at: new Date().toISOString(),
    command: `${functionsSettings()}npm run bench${Deno.args.length ? ' -- ' + Deno.args.join(' ') : ''}`,
    sections, duration_s: durationS, quick, machine, results: ctx.earlier, failures,
  };
  const stamp = startedAt.toISOString().replace(/:/g, '').replace(/\.\d+Z$/, 'Z');
  const dir = new URL('./results/', import.meta.url);
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(new URL(`${stamp}.json`, dir), JSON.stringify(run, null, 2) + '\n');
  await Deno.writeTextFile(new URL(`${stamp}.md`, dir), renderSummary(run) + '\n');
  console.log('\n' + renderGoals(goalsOf(run), quick));
  progress(`wrote bench/results/${stamp}.json and .md`);
  if (DEFAULT_SECTIONS.every((s) => sections.includes(s)) && !quick && !Object.keys(failures).length) {
    await updateBenchmarksMd(new URL('../BENCHMARKS.md', import.meta.url), run);
    progress('refreshed the latest run in BENCHMARKS.md');
  }
  if (Object.keys(failures).length) {
    progress(`failed sections: ${Object.keys(failures).join(', ')}`);
    Deno.exit(1);
  }
  Deno.exit(0); // nothing left to wait for (a stream a server never closed must not keep the run alive)
}

await main();
