// A keyed queue: work with the same key runs one at a time, in arrival order, inside this isolate.
// Booking writes for one venue all meet on the database's channel row lock anyway; at SERIALIZABLE
// a transaction that waited there is bound to fail with 40001 and run again. Queuing them here
// first means each one starts after the previous one committed, so that storm never happens
// (other isolates still meet at the lock, and the retries cover them).
// TABLEHOLD_WRITE_QUEUE=off (or useWriteQueue(false) in-process) turns it off, to measure what it
// does (npm run bench -- isolation, flash-crowd).
import { env } from './env.ts';

const tails = new Map<string, Promise<unknown>>();
let enabled: boolean | undefined;

/** Switch the queue off or on (benchmarks in-process, to measure what it does). */
export function useWriteQueue(on: boolean): void {
  enabled = on;
}

export function queued<T>(key: string | undefined, work: () => Promise<T>): Promise<T> {
  enabled ??= env('TABLEHOLD_WRITE_QUEUE') !== 'off';
  if (!key || !enabled) return work();
  const before = tails.get(key) ?? Promise.resolve();
  const run = before.then(work, work);
  const tail = run.catch(() => {});
  tails.set(key, tail);
  void tail.then(() => {
    if (tails.get(key) === tail) tails.delete(key);
  });
  return run;
}
