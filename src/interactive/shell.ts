// A psql shell on the sandbox, with the terminal handed over: a child process
// that inherits stdin, stdout and stderr. It is registered for teardown, so
// Ctrl-C inside it (which reaches rehearse too) or any interrupt ends it with
// everything else.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { scrubbedEnv } from '../env.js';
import type { Cleanup } from '../cleanup.js';
import { libpqEnv, type ConnInfo } from '../sandbox/provider.js';
import { findPgRestore } from '../sandbox/local/pgbin.js';

async function findPsql(): Promise<string | undefined> {
  try {
    const { dir } = await findPgRestore();
    if (existsSync(path.join(dir, 'psql'))) return path.join(dir, 'psql');
  } catch {
    /* no client tools where run looks */
  }
  const r = await execa('sh', ['-c', 'command -v psql'], { reject: false });
  return r.exitCode === 0 ? r.stdout.trim() : undefined;
}

/** Run psql on `conn` until the person quits it. False when there is no psql here. */
export async function openPsql(conn: ConnInfo, cleanup: Cleanup): Promise<boolean> {
  const psql = await findPsql();
  if (!psql) return false;
  const child = execa(psql, [], { stdio: 'inherit', env: scrubbedEnv({ ...libpqEnv(conn), PSQL_HISTORY: '/dev/null' }), extendEnv: false, reject: false });
  const forget = cleanup.add('psql shell', async () => {
    child.kill('SIGTERM');
    await child;
  });
  await child;
  forget();
  return true;
}
