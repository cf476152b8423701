// Client tools (pg_restore, psql, pg_dump) for a server rehearse did not start:
// the newest installed major, which must be at least the server's (a pg_restore
// older than the server cannot be trusted with its dumps).
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { CannotRehearseError } from '../../errors.js';

export interface ClientTools {
  dir: string;
  major: number;
}

async function majorOf(dir: string): Promise<number | undefined> {
  const r = await execa(path.join(dir, 'pg_restore'), ['--version'], { reject: false });
  const m = /(\d+)(?:\.\d+)?/.exec(r.stdout ?? '');
  return r.exitCode === 0 && m ? Number(m[1]) : undefined;
}

export async function findClientTools(minMajor: number, override?: string): Promise<ClientTools> {
  const candidates: string[] = [];
  if (override) candidates.push(path.resolve(override));
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    for (const d of readdirSync(root).filter((x) => /^\d+$/.test(x)).sort((a, b) => Number(b) - Number(a))) {
      candidates.push(path.join(root, d, 'bin'));
    }
  }
  for (const p of (process.env.PATH ?? '').split(path.delimiter)) if (p) candidates.push(p);
  let best: ClientTools | undefined;
  for (const dir of candidates) {
    if (!['pg_restore', 'psql'].every((t) => existsSync(path.join(dir, t)))) continue;
    const major = await majorOf(dir);
    if (major !== undefined && (!best || major > best.major)) best = { dir, major };
    if (override) break;
  }
  if (!best) throw new CannotRehearseError('no PostgreSQL client tools (pg_restore, psql) found: install postgresql-client');
  if (best.major < minMajor) {
    throw new CannotRehearseError(
      `the server runs PostgreSQL ${minMajor} but the newest client tools here are ${best.major}: install postgresql-client-${minMajor}`,
    );
  }
  return best;
}
