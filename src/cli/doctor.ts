// `rehearse doctor`: what this machine has for a rehearsal, and what to install
// for what is missing. Each sandbox provider reports its own part (server
// binaries, a Docker engine); Python, Django, disk and leftovers are common.
// `doctor --clean` asks every provider to sweep what killed runs left behind.
import { existsSync, statfsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { defaultCacheDir, TemplateCache } from '../cache/template-cache.js';
import { projectVenvPython } from '../django/venv.js';
import { formatBytes } from '../format.js';
import type { DoctorLine } from '../sandbox/provider.js';
import { PROVIDERS } from '../sandbox/registry.js';
import { leftoverDirs } from '../sandbox/tmp.js';
import { snapshotBytes } from '../snapshot/detect.js';

export interface DoctorFlags {
  project: string;
  python?: string;
  snapshot?: string;
  clean?: boolean;
  /** Each sandbox provider's own flags (--server-url, --pg-bin ...). */
  [providerFlag: string]: unknown;
}

const MARKS: Record<DoctorLine['status'], string> = { ok: '✓', warn: '!', missing: '✗' };

async function pythonLines(flags: DoctorFlags): Promise<DoctorLine[]> {
  const projectDir = path.resolve(flags.project);
  const python = flags.python ?? projectVenvPython(projectDir) ?? 'python3';
  const lines: DoctorLine[] = [];
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
  return lines;
}

function diskLines(flags: DoctorFlags): DoctorLine[] {
  const tmp = os.tmpdir();
  const fs = statfsSync(tmp);
  const free = fs.bavail * fs.bsize;
  const lines: DoctorLine[] = [];
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
  const left = leftoverDirs();
  if (left.length) lines.push({ status: 'warn', what: 'leftovers', detail: `${left.length} temp dir(s) from killed runs in ${tmp}`, fix: 'rehearse doctor --clean' });
  const cache = new TemplateCache(defaultCacheDir());
  const entries = cache.list();
  if (entries.length) {
    lines.push({ status: 'ok', what: 'template cache', detail: `${entries.length} restored snapshot(s), ` +
      `${formatBytes(entries.reduce((n, e) => n + e.meta.bytes, 0))} in ${cache.root} (rehearse cache ls)` });
  }
  return lines;
}

/** What doctor says: each provider's part (or only `kinds`), then Python and Django, disk and leftovers. */
export async function doctorLines(flags: DoctorFlags, kinds?: readonly string[]): Promise<DoctorLine[]> {
  const lines: DoctorLine[] = [];
  for (const p of PROVIDERS.filter((x) => !kinds || kinds.includes(x.kind))) lines.push(...(await p.diagnose(flags)));
  lines.push(...(await pythonLines(flags)), ...diskLines(flags));
  return lines;
}

export async function doctorCommand(flags: DoctorFlags): Promise<number> {
  if (flags.clean) {
    const done: string[] = [];
    for (const p of PROVIDERS) done.push(...(await p.sweep(flags)));
    process.stdout.write(done.length ? done.map((d) => `${d}\n`).join('') : 'nothing to clean\n');
    return 0;
  }
  const lines = await doctorLines(flags);
  for (const l of lines) {
    process.stdout.write(`${MARKS[l.status]} ${l.what}: ${l.detail}\n`);
    if (l.fix) process.stdout.write(`    fix: ${l.fix}\n`);
  }
  const missing = lines.filter((l) => l.status === 'missing');
  process.stdout.write(missing.length ? `\n${missing.length} thing(s) missing for a local rehearsal\n` : '\nready for a local rehearsal\n');
  return missing.length ? 1 : 0;
}
