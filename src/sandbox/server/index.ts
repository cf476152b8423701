// --sandbox server: an existing PostgreSQL (a managed clone, a big box) where the
// role may CREATE DATABASE; rehearse creates and drops only its own marked databases.
import os from 'node:os';
import { UsageError, oneLine } from '../../errors.js';
import type { Flags, SandboxProvider } from '../provider.js';
import { alive } from '../tmp.js';
import { MARK, ServerSandbox, dropIfMarked, type ServerOptions } from './database.js';

type Options = Omit<ServerOptions, 'keep'>;

export const server: SandboxProvider<Options> = {
  kind: 'server',
  summary: 'an existing PostgreSQL server where the role may CREATE DATABASE',
  flags: [
    { flag: '--server-url <url>', description: 'with --sandbox server: a postgres:// URL whose role may CREATE DATABASE', env: 'REHEARSE_SERVER_URL' },
  ],
  options(f: Flags) {
    if (typeof f.serverUrl !== 'string') throw new UsageError('--sandbox server needs --server-url postgres://… (or REHEARSE_SERVER_URL)');
    return { url: f.serverUrl, ...(typeof f.pgBin === 'string' ? { pgBin: f.pgBin } : {}) };
  },
  async preflight(o) {
    const { admin } = await ServerSandbox.connect(o.url);
    await admin.end();
  },
  start: (o, { cleanup, keep }) => ServerSandbox.start(cleanup, { ...o, keep }),
  async diagnose() {
    return [];
  },
  // With --server-url: the marked databases of runs that are over.
  async sweep(f: Flags) {
    if (typeof f.serverUrl !== 'string') return [];
    const { admin } = await ServerSandbox.connect(f.serverUrl);
    try {
      const dbs = await admin.query<{ datname: string; mark: string }>(
        `SELECT datname, shobj_description(oid, 'pg_database') AS mark FROM pg_database WHERE datname LIKE 'rehearse\\_%'`);
      const done: string[] = [];
      for (const { datname, mark } of dbs.rows) {
        if (!mark?.startsWith(MARK)) continue;
        const still = stillRunning(mark);
        if (still) {
          done.push(`kept ${datname}: its run may still be going (${still})`);
          continue;
        }
        try {
          if (await dropIfMarked(admin, datname)) done.push(`dropped database ${datname}`);
        } catch (err) {
          done.push(`could not drop ${datname}: ${oneLine(err)}`);
        }
      }
      return done;
    } finally {
      await admin.end();
    }
  },
};

/** Why a marked database's run may still be going, or undefined when it is over. */
function stillRunning(mark: string): string | undefined {
  const host = /host=(\S+)/.exec(mark)?.[1];
  const pid = Number(/pid=(\d+)/.exec(mark)?.[1]);
  const at = Date.parse(/at=(\S+)/.exec(mark)?.[1] ?? '');
  if (host === os.hostname()) return alive(pid) ? `pid ${pid} is alive` : undefined;
  return Date.now() - at > 24 * 3600_000 ? undefined : `from ${host}, less than a day old`;
}
