// Find the PostgreSQL server binaries: --pg-bin, then `pg_config --bindir`,
// then PATH, then the highest /usr/lib/postgresql/*/bin (Debian's layout, where
// the server binaries are not on PATH).
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { UsageError, CannotRehearseError } from '../../errors.js';

export interface PgBin {
  dir: string;
  version: string;
  major: number;
}

const REQUIRED = ['initdb', 'postgres', 'pg_restore', 'psql'];

function hasServer(dir: string): boolean {
  return REQUIRED.every((b) => existsSync(path.join(dir, b)));
}

async function candidates(): Promise<string[]> {
  const out: string[] = [];
  try {
    const { stdout } = await execa('pg_config', ['--bindir']);
    out.push(stdout.trim());
  } catch {
    /* no pg_config on PATH */
  }
  for (const p of (process.env.PATH ?? '').split(path.delimiter)) if (p) out.push(p);
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const majors = readdirSync(root)
      .filter((d) => /^\d+(\.\d+)?$/.test(d))
      .sort((a, b) => Number(b) - Number(a));
    for (const m of majors) out.push(path.join(root, m, 'bin'));
  }
  return out;
}

export async function versionOf(dir: string): Promise<{ version: string; major: number }> {
  const { stdout } = await execa(path.join(dir, 'postgres'), ['--version']);
  const m = /\(PostgreSQL\)\s+(\d+)(?:\.(\d+))?/.exec(stdout) ?? /(\d+)\.(\d+)/.exec(stdout);
  if (!m) throw new CannotRehearseError(`cannot read the version of ${dir}/postgres: ${stdout.trim()}`);
  return { version: m[2] ? `${m[1]}.${m[2]}` : m[1]!, major: Number(m[1]) };
}

/** Where pg_restore is, and its major version: all `plan` needs (it starts no server). */
export async function findPgRestore(override?: string): Promise<{ dir: string; major: number; version: string }> {
  const dirs = override ? [path.resolve(override)] : await candidates();
  for (const dir of dirs) {
    if (!existsSync(path.join(dir, 'pg_restore'))) continue;
    const { stdout } = await execa(path.join(dir, 'pg_restore'), ['--version']);
    const m = /(\d+)(?:\.(\d+))?/.exec(stdout);
    if (m) return { dir, version: m[2] ? `${m[1]}.${m[2]}` : m[1]!, major: Number(m[1]) };
  }
  if (override) throw new UsageError(`--pg-bin ${override}: no pg_restore there`);
  throw new CannotRehearseError('no pg_restore found (looked at pg_config --bindir, PATH and /usr/lib/postgresql/*/bin); install postgresql-client or pass --pg-bin DIR');
}

export async function findPgBin(override?: string): Promise<PgBin> {
  if (override) {
    const dir = path.resolve(override);
    if (!hasServer(dir)) {
      throw new UsageError(`--pg-bin ${override}: no PostgreSQL server binaries there (need ${REQUIRED.join(', ')})`);
    }
    return { dir, ...(await versionOf(dir)) };
  }
  for (const dir of await candidates()) {
    if (hasServer(dir)) return { dir, ...(await versionOf(dir)) };
  }
  throw new CannotRehearseError(
    'no PostgreSQL server binaries found (looked at pg_config --bindir, PATH and /usr/lib/postgresql/*/bin); install postgresql or pass --pg-bin DIR',
  );
}
