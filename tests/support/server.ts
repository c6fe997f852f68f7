// A functions server of a test's own (scripts/serve.ts on a free port), for what the suite's server
// cannot show: the same functions under another setting, e.g. TABLEHOLD_ISOLATION_LEVEL. It gets the
// suite server's environment (FUNCTIONS_ENV_FILE) with the given variables on top.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serverEnv } from './http';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface FunctionsServer {
  /** e.g. http://127.0.0.1:40123 (add /functions/v1/<name>/…) */
  url: string;
  /** Everything the server logged (one JSON line per request). */
  log: () => string;
  stop: () => Promise<void>;
}

/** Starts scripts/serve.ts with `env` over the suite server's environment; resolves once it listens. */
export async function startFunctionsServer(env: Record<string, string>): Promise<FunctionsServer> {
  const child = spawn(join(root, 'node_modules/.bin/deno'),
    ['run', '--quiet', '--allow-net', '--allow-env', '--allow-read', 'scripts/serve.ts'], {
      cwd: root,
      env: { ...process.env, ...(await serverEnv()), DENO_NO_PACKAGE_JSON: '1', TABLEHOLD_FUNCTIONS_PORT: '0', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the functions server did not start within 2 minutes:\n${output}`)), 120_000);
    child.stderr.on('data', (chunk) => {
      output += chunk;
      const listening = /functions listening on (http:\/\/127\.0\.0\.1:\d+)\//.exec(output);
      if (listening) {
        clearTimeout(timer);
        resolve(listening[1]);
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`the functions server exited:\n${output}`));
    });
  });
  return {
    url,
    log: () => output,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
