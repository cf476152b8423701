// The default provider: a private cluster from the installed server binaries
// (initdb + postgres in a 0700 temp dir). Needs no Docker and no running server.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { UsageError, oneLine } from '../../errors.js';
import type { Flags, SandboxProvider } from '../provider.js';
import { alive, leftoverDirs, sweepTempDirs } from '../tmp.js';
import { overlayPossible, unmountUnder } from './overlay.js';
import { releaseSharedMemory } from './shared-memory.js';
import { LocalSandbox, type LocalOptions } from './cluster.js';
import { findPgBin } from './pgbin.js';

export const local: SandboxProvider<LocalOptions> = {
  kind: 'local',
  summary: 'a private PostgreSQL cluster from the installed server binaries',
  isDefault: true,
  startsFromCache: true,
  flags: [
    { flag: '--pg-bin <dir>', description: 'PostgreSQL binaries to use (server binaries for --sandbox local, client tools for server)' },
    { flag: '--port <n>', description: 'with --sandbox local: the sandbox\'s TCP port on 127.0.0.1 (default: a free one)', env: 'REHEARSE_PORT' },
  ],
  options: (f: Flags) => ({
    ...(typeof f.pgBin === 'string' ? { pgBin: f.pgBin } : {}),
    ...(f.port !== undefined ? { port: portOf(f.port) } : {}),
  }),
  async preflight() {},
  start: (o, { cleanup, seed }) => LocalSandbox.start(cleanup, { ...o, ...(seed ? { seed } : {}) }),
  async diagnose(f: Flags) {
    const lines: Awaited<ReturnType<SandboxProvider['diagnose']>> = [];
    try {
      const bin = await findPgBin(typeof f.pgBin === 'string' ? f.pgBin : undefined);
      lines.push({ status: 'ok', what: 'PostgreSQL server binaries', detail: `${bin.version} in ${bin.dir} (local sandbox)` });
    } catch (err) {
      lines.push({ status: 'missing', what: 'PostgreSQL server binaries', detail: oneLine(err),
        fix: 'apt-get install postgresql (any major at least the snapshot\'s), or pass --pg-bin DIR' });
    }
    lines.push(overlayPossible()
      ? { status: 'ok', what: 'thin clones', detail: 'the work database is an overlay mount of the template\'s files: a table is copied only when first opened' }
      : { status: 'ok', what: 'thin clones', detail: 'not here (they need Linux overlay mounts, as root): the work database is a copy of the template\'s files' });
    if (process.getuid?.() === 0) {
      const pg = await execa('id', ['-u', 'postgres'], { reject: false });
      lines.push(pg.exitCode === 0
        ? { status: 'ok', what: 'running as root', detail: 'the local sandbox runs PostgreSQL as the postgres system user' }
        : { status: 'missing', what: 'running as root', detail: 'PostgreSQL refuses to run as root and there is no postgres user',
          fix: 'useradd --system postgres, or run rehearse as another user' });
    }
    return lines;
  },
  // Temp clusters, settings shims and scratch dirs of runs whose process is gone;
  // a postmaster that outlived its run is stopped first, and a thin clone's
  // mount (./overlay.ts) taken away before its directory is removed.
  async sweep() {
    const dirs = leftoverDirs();
    for (const { dir } of dirs) {
      stopOrphanedServer(dir);
      await releaseSharedMemory(path.join(dir, 'data'));
      await unmountUnder(dir);
    }
    return sweepTempDirs(dirs);
  },
};

function portOf(value: unknown): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new UsageError(`--port ${String(value)}: expected a TCP port (1-65535)`);
  return n;
}

function stopOrphanedServer(dir: string): void {
  const pidFile = path.join(dir, 'data', 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pm = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!pm || !alive(pm)) return;
  try {
    process.kill(pm, 'SIGQUIT');
  } catch {
    /* gone meanwhile */
  }
}
