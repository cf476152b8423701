// `rehearse doctor`: what this machine has for a rehearsal, and what to install
// for what is missing. `doctor --clean` removes what killed runs left behind:
// temp clusters and settings shims whose rehearse process is gone, and (with
// --server-url) databases carrying rehearse's mark from runs that are over.
import { existsSync, readdirSync, readFileSync, rmSync, statSync, statfsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { formatBytes } from '../format.js';
import { findPgBin } from '../sandbox/pgbin.js';
import { LEFTOVER } from '../sandbox/local.js';
import { MARK, ServerSandbox, dropIfMarked } from '../sandbox/server.js';
import { oneLine } from '../errors.js';

export interface DoctorFlags {
  project: string;
  python?: string;
  snapshot?: string;
  serverUrl?: string;
  pgBin?: string;
  clean?: boolean;
}

type Status = 'ok' | 'warn' | 'missing';
interface Line {
  status: Status;
  what: string;
  detail: string;
  fix?: string;
}

const MARKS: Record<Status, string> = { ok: '✓', warn: '!', missing: '✗' };

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function checks(flags: DoctorFlags): Promise<Line[]> {
  const lines: Line[] = [];
  try {
    const bin = await findPgBin(flags.pgBin);
    lines.push({ status: 'ok', what: 'PostgreSQL server binaries', detail: `${bin.version} in ${bin.dir} (local sandbox)` });
  } catch (err) {
    lines.push({ status: 'missing', what: 'PostgreSQL server binaries', detail: oneLine(err),
      fix: 'apt-get install postgresql (any major at least the snapshot\'s), or pass --pg-bin DIR' });
  }
  if (process.getuid?.() === 0) {
    const pg = await execa('id', ['-u', 'postgres'], { reject: false });
    lines.push(pg.exitCode === 0
      ? { status: 'ok', what: 'running as root', detail: 'the local sandbox runs PostgreSQL as the postgres system user' }
      : { status: 'missing', what: 'running as root', detail: 'PostgreSQL refuses to run as root and there is no postgres user',
        fix: 'useradd --system postgres, or run rehearse as another user' });
  }
  const docker = await execa('docker', ['info', '--format', '{{.ServerVersion}}'], { reject: false, timeout: 10_000 });
  lines.push(docker.exitCode === 0
    ? { status: 'ok', what: 'Docker engine', detail: `server ${docker.stdout.trim()}` }
    : { status: 'warn', what: 'Docker engine', detail: 'not reachable (only container sandboxes need it)', fix: 'install docker.io and start dockerd' });

  const projectDir = path.resolve(flags.project);
  const venv = ['.venv', 'venv'].map((v) => path.join(projectDir, v, 'bin', 'python')).find((p) => existsSync(p));
  const python = flags.python ?? venv ?? 'python3';
  const py = await execa(python, ['-c', 'import sys, django; print(sys.version.split()[0], django.get_version())'], { reject: false });
  if (py.exitCode === 0) {
    const [pv, dv] = py.stdout.trim().split(' ');
    const driver = await execa(python, ['-c', 'import psycopg'], { reject: false });
    const driver2 = driver.exitCode === 0 ? driver : await execa(python, ['-c', 'import psycopg2'], { reject: false });
    lines.push({ status: 'ok', what: 'Python and Django', detail: `${python}: Python ${pv}, Django ${dv}` });
    lines.push(driver2.exitCode === 0
      ? { status: 'ok', what: 'PostgreSQL driver', detail: driver.exitCode === 0 ? 'psycopg' : 'psycopg2' }
      : { status: 'missing', what: 'PostgreSQL driver', detail: `${python} cannot import psycopg or psycopg2`, fix: `${python} -m pip install 'psycopg[binary]'` });
  } else {
    lines.push({ status: 'missing', what: 'Python and Django', detail: `${python} cannot import django`,
      fix: `point --python at the project's interpreter, or ${python} -m pip install django 'psycopg[binary]'` });
  }
  if (!existsSync(path.join(projectDir, 'manage.py'))) {
    lines.push({ status: 'warn', what: 'Django project', detail: `no manage.py in ${projectDir}`, fix: 'pass --project DIR' });
  }

  const tmp = os.tmpdir();
  const fs = statfsSync(tmp);
  const free = fs.bavail * fs.bsize;
  if (flags.snapshot && existsSync(flags.snapshot)) {
    // A compressed dump restores to several times its size, twice (template + working copy).
    const size = snapshotBytes(flags.snapshot);
    const need = size * 6;
    lines.push({
      status: free >= need ? 'ok' : 'warn', what: 'free disk',
      detail: `${formatBytes(free)} free in ${tmp}; the snapshot is ${formatBytes(size)}, a rehearsal may need about ${formatBytes(need)}`,
      ...(free >= need ? {} : { fix: 'point TMPDIR at a larger disk, or use --sandbox server' }),
    });
  } else {
    lines.push({ status: 'ok', what: 'free disk', detail: `${formatBytes(free)} free in ${tmp}` });
  }
  const left = leftovers();
  if (left.length) lines.push({ status: 'warn', what: 'leftovers', detail: `${left.length} temp dir(s) from killed runs in ${tmp}`, fix: 'rehearse doctor --clean' });
  return lines;
}

/** A snapshot's size: the file, or the sum of a -Fd directory's files. */
function snapshotBytes(p: string): number {
  const st = statSync(p);
  return st.isDirectory() ? readdirSync(p).reduce((n, f) => n + statSync(path.join(p, f)).size, 0) : st.size;
}

/** Temp dirs whose rehearse process is gone. */
function leftovers(): Array<{ dir: string; pid: number }> {
  const tmp = os.tmpdir();
  const out: Array<{ dir: string; pid: number }> = [];
  for (const name of readdirSync(tmp)) {
    const m = LEFTOVER.exec(name);
    if (m && !alive(Number(m[1]))) out.push({ dir: path.join(tmp, name), pid: Number(m[1]) });
  }
  return out;
}

async function clean(flags: DoctorFlags): Promise<string[]> {
  const done: string[] = [];
  for (const { dir } of leftovers()) {
    // A postmaster that outlived its run (SIGKILL before --pdeathsig existed, a crash): stop it first.
    const pidFile = path.join(dir, 'data', 'postmaster.pid');
    if (existsSync(pidFile)) {
      const pm = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
      if (pm && alive(pm)) {
        try {
          process.kill(pm, 'SIGQUIT');
        } catch {
          /* gone meanwhile */
        }
      }
    }
    rmSync(dir, { recursive: true, force: true });
    done.push(`removed ${dir}`);
  }
  if (flags.serverUrl) {
    const { admin } = await ServerSandbox.connect(flags.serverUrl);
    try {
      const dbs = await admin.query<{ datname: string; mark: string }>(
        `SELECT datname, shobj_description(oid, 'pg_database') AS mark FROM pg_database WHERE datname LIKE 'rehearse\\_%'`);
      for (const { datname, mark } of dbs.rows) {
        if (!mark?.startsWith(MARK)) continue;
        const host = /host=(\S+)/.exec(mark)?.[1];
        const pid = Number(/pid=(\d+)/.exec(mark)?.[1]);
        const at = Date.parse(/at=(\S+)/.exec(mark)?.[1] ?? '');
        const over = host === os.hostname() ? !alive(pid) : Date.now() - at > 24 * 3600_000;
        if (!over) {
          done.push(`kept ${datname}: its run may still be going (${host === os.hostname() ? `pid ${pid} is alive` : `from ${host}, less than a day old`})`);
          continue;
        }
        try {
          if (await dropIfMarked(admin, datname)) done.push(`dropped database ${datname}`);
        } catch (err) {
          done.push(`could not drop ${datname}: ${oneLine(err)}`);
        }
      }
    } finally {
      await admin.end();
    }
  }
  const docker = await execa('docker', ['ps', '-a', '--filter', 'label=rehearse.run', '--format',
    '{{.ID}} {{.Label "rehearse.pid"}} {{.Label "rehearse.host"}}'], { reject: false, timeout: 10_000 });
  if (docker.exitCode === 0) {
    for (const line of docker.stdout.split('\n').filter(Boolean)) {
      const [id, pid, host] = line.split(' ');
      if (host === os.hostname() && alive(Number(pid))) {
        done.push(`kept container ${id}: its run (pid ${pid}) is still going`);
        continue;
      }
      await execa('docker', ['rm', '-f', id!], { reject: false });
      done.push(`removed container ${id}`);
    }
  }
  return done;
}

export async function doctorCommand(flags: DoctorFlags): Promise<number> {
  if (flags.clean) {
    const done = await clean(flags);
    process.stdout.write(done.length ? done.map((d) => `${d}\n`).join('') : 'nothing to clean\n');
    return 0;
  }
  const lines = await checks(flags);
  for (const l of lines) {
    process.stdout.write(`${MARKS[l.status]} ${l.what}: ${l.detail}\n`);
    if (l.fix) process.stdout.write(`    fix: ${l.fix}\n`);
  }
  const missing = lines.filter((l) => l.status === 'missing');
  process.stdout.write(missing.length ? `\n${missing.length} thing(s) missing for a local rehearsal\n` : '\nready for a local rehearsal\n');
  return missing.length ? 1 : 0;
}
