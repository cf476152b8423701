// The bad-input matrix: what people really hand rehearse (the wrong file, a
// half-made project, an interpreter without Django, a full disk, a taken port,
// flags that contradict each other). Every case must end the same way: one
// `rehearse:` line that says what is wrong, exit 2 (usage) or 3 (could not
// rehearse), no stack trace, and nothing left in TMPDIR or running.
import { chmodSync, copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PYTHON, SNAPSHOTS } from '../helpers/paths.js';
import { makeProject } from '../helpers/project.js';
import { cleanupProjects, rehearseArgs, runCli, type CliRun } from '../helpers/run.js';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'rehearse-test-bad-'));
chmodSync(scratch, 0o755); // the sandbox runs as the postgres user when the tests run as root
const projects: string[] = [];
afterAll(() => {
  cleanupProjects();
  for (const p of projects) rmSync(p, { recursive: true, force: true });
  rmSync(scratch, { recursive: true, force: true });
});

const BASE = path.join(SNAPSHOTS, 'base.dump');
let project = '';
beforeAll(() => {
  project = fresh();
});

/** A copy of the base project, edited by `edit`. */
function fresh(edit?: (dir: string) => void): string {
  const dir = makeProject();
  projects.push(dir);
  edit?.(dir);
  return dir;
}

function file(name: string, content: string | Buffer): string {
  const p = path.join(scratch, name);
  writeFileSync(p, content);
  return p;
}

function editFile(p: string, fn: (s: string) => string): void {
  writeFileSync(p, fn(readFileSync(p, 'utf8')));
}

/** One clear line, the right exit code, no trace, nothing left behind. */
function expectRefused(r: CliRun, exit: 2 | 3, line: RegExp): void {
  const said = r.stderr.split('\n').filter((l) => l.startsWith('rehearse:'));
  expect(said, r.stderr).toHaveLength(1);
  expect(said[0]).toMatch(line);
  expect(r.exitCode, r.stderr).toBe(exit);
  expect(r.stderr).not.toMatch(/\n\s+at |Traceback \(most recent call last\)/);
  expect(r.leftovers).toEqual([]);
}

const run = (snapshot: string, extra: string[] = [], dir = project, env: Record<string, string> = {}) =>
  runCli(rehearseArgs(dir, snapshot, extra), env);

describe('dumps', () => {
  it.each([
    ['missing', () => path.join(scratch, 'nope.dump'), 2, /--snapshot .*nope\.dump: no such file or directory/],
    ['empty', () => file('empty.dump', ''), 3, /the file is empty/],
    ['a zip', () => file('prod.zip', Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(64, 7)])), 3,
      /a zip archive, not a pg_dump snapshot \(unzip it and pass the dump inside\)/],
    ['a PNG', () => file('screenshot.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13])), 3, /a PNG image, not a pg_dump snapshot/],
    ['xz-compressed', () => file('prod.sql.xz', Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 1, 2])), 3, /xz-compressed, not a pg_dump snapshot \(decompress it first/],
    ['an SQLite database', () => file('db.sqlite3', Buffer.concat([Buffer.from('SQLite format 3\0', 'latin1'), Buffer.alloc(84)])), 3, /an SQLite database/],
    ['text that is not SQL', () => file('notes.sql', 'remember to dump prod before friday\n'), 3, /not a pg_dump snapshot/],
    ['gzip of something else', () => file('logs.sql.gz', gzipSync('GET /health 200\nGET /login 302\n')), 3, /gzip file that does not hold a SQL dump/],
    ['a directory without toc.dat', () => {
      const d = path.join(scratch, 'prod-dir');
      mkdirSync(d, { recursive: true });
      writeFileSync(path.join(d, '3001.dat.gz'), 'x');
      return d;
    }, 3, /a directory, but not a pg_dump -Fd archive \(no toc\.dat\)/],
    ['truncated', () => {
      const bytes = readFileSync(BASE);
      return file('truncated.dump', bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    }, 3, /restore failed: pg_restore: error: /],
    ['a newer major version', () => {
      const bytes = readFileSync(BASE);
      const at = bytes.indexOf(Buffer.from('15.'), 5);
      const len = Buffer.alloc(4);
      const v = Buffer.from('17.2 (Debian 17.2-1)');
      len.writeUInt32LE(v.length);
      return file('newer.dump', Buffer.concat([bytes.subarray(0, at - 4), len, v, bytes.subarray(at + bytes[at - 4]!)]));
    }, 3, /dumped from PostgreSQL 17\.2, newer than the sandbox's PostgreSQL 15/],
    ['no django_migrations table', () => path.join(SNAPSHOTS, 'no-history.dump'), 3,
      /has Django's tables \(django_content_type, auth_user, auth_permission\) but no django_migrations: it was dumped without it/],
    ['an empty database', () => path.join(SNAPSHOTS, 'no-tables.dump'), 3, /the snapshot holds no tables/],
    ['another application\'s database', () => path.join(SNAPSHOTS, 'foreign.dump'), 3,
      /the snapshot is not of a Django database: 3 table\(s\), no django_migrations and none of Django's own/],
  ] as const)('%s', async (_, snapshot, exit, line) => {
    expectRefused(await run(snapshot()), exit, line);
  });

  it('plan refuses a snapshot without django_migrations the same way, with no server', async () => {
    const r = await runCli(rehearseArgs(project, path.join(SNAPSHOTS, 'foreign.dump'), [], ['plan']));
    expectRefused(r, 3, /no django_migrations table: it is not of a Django database/);
  });
});

describe('the project', () => {
  it.each([
    ['a folder that does not exist', () => path.join(scratch, 'no-project'), [], 2, /--project .*no-project/],
    ['a folder without manage.py', () => fresh((d) => rmSync(path.join(d, 'manage.py'))), [], 2, /manage\.py/],
    ['settings that fail to import', () => fresh((d) => editFile(path.join(d, 'shop_site', 'settings.py'), (s) => `${s}\nimport shop_site.local_settings\n`)),
      [], 3, /the Django project could not be loaded: .*ModuleNotFoundError: No module named 'shop_site\.local_settings'/],
    ['--settings naming a module that is not there', () => project, ['--settings', 'shop_site.production'], 3, /No module named 'shop_site\.production'/],
    ['manage.py that sets no settings module', () => fresh((d) => editFile(path.join(d, 'manage.py'), (s) => s.replace(/^.*DJANGO_SETTINGS_MODULE.*$/m, ''))),
      [], 3, /manage\.py does not set DJANGO_SETTINGS_MODULE; pass --settings MODULE/],
    ['a MySQL ENGINE', () => fresh((d) => editFile(path.join(d, 'shop_site', 'settings.py'), (s) => s.replace('django.db.backends.postgresql', 'django.db.backends.mysql'))),
      [], 3, /DATABASES\['default'\] uses django\.db\.backends\.mysql: rehearse rehearses PostgreSQL databases only/],
  ] as const)('%s', async (_, dir, extra, exit, line) => {
    expectRefused(await run(BASE, [...extra], dir()), exit, line);
  });
});

describe('the interpreter', () => {
  it('a Python without Django', async () => {
    expectRefused(await run(BASE, ['--python', 'python3']), 3, /cannot import Django \(No module named 'django'\): pass --python the interpreter with the project's requirements/);
  });

  it('a Django older than the supported range', async () => {
    // A virtualenv whose Django says 3.2: the runner refuses it before loading the project.
    const venv = path.join(scratch, 'old-venv');
    await execa('python3', ['-m', 'venv', venv]);
    const site = (await execa(path.join(venv, 'bin', 'python'), ['-c', 'import site; print(site.getsitepackages()[0])'])).stdout.trim();
    mkdirSync(path.join(site, 'django'));
    writeFileSync(path.join(site, 'django', '__init__.py'), 'VERSION = (3, 2, 25, "final", 0)\n\n\ndef get_version():\n    return "3.2.25"\n');
    expectRefused(await run(BASE, ['--python', path.join(venv, 'bin', 'python')]), 3, /Django 3\.2\.25 is older than rehearse supports \(4\.2 or newer\)/);
  });

  it.each([
    ['missing', (): string => path.join(scratch, 'no-venv', 'bin', 'python'), 2, /--python .*: no such file/],
    ['a directory', (): string => scratch, 2, /a directory, not an interpreter/],
    ['not executable', (): string => file('python-notes', 'not a program'), 2, /not executable/],
    ['a program that is not Python', (): string => '/bin/false', 3, /--python \/bin\/false is not a Python 3 interpreter/],
  ] as const)('--python %s', async (_, python, exit, line) => {
    const args = rehearseArgs(project, BASE).map((a, i, all) => (all[i - 1] === '--python' ? python() : a));
    expectRefused(await runCli(args), exit, line);
  });
});

describe('the machine', () => {
  it('a disk that fills during the restore (a small tmpfs as TMPDIR)', async (ctx) => {
    const tmp = path.join(scratch, 'small-disk');
    mkdirSync(tmp);
    // Room for the cluster and the schema, not for the bulky table's 100 MB.
    const mounted = await execa('mount', ['-t', 'tmpfs', '-o', 'size=90m,mode=1777', 'tmpfs', tmp], { reject: false });
    if (mounted.exitCode !== 0) return ctx.skip(); // needs root to mount
    try {
      const r = await runCli(rehearseArgs(project, path.join(SNAPSHOTS, 'bulky.dump')), {}, { tmp });
      expectRefused(r, 3, /no space left on the disk of .*small-disk.*: free some, or point TMPDIR at a bigger one/);
    } finally {
      await execa('umount', ['-l', tmp], { reject: false });
    }
  });

  it('--port that another process listens on', async () => {
    const taken = net.createServer().listen(0, '127.0.0.1');
    await new Promise((r) => taken.once('listening', r));
    const port = (taken.address() as net.AddressInfo).port;
    try {
      expectRefused(await run(BASE, ['--port', String(port)]), 3, new RegExp(`port ${port} on 127\\.0\\.0\\.1 is in use: pick another --port`));
    } finally {
      taken.close();
    }
  });
});

describe('flags', () => {
  it.each([
    ['an unknown flag', ['--dry-run'], /unknown option '--dry-run'/],
    ['--quiet with --verbose', ['--quiet', '--verbose'], /cannot be used with/],
    ['an unknown --sandbox', ['--sandbox', 'kubernetes'], /argument 'kubernetes' is invalid/],
    ['an unknown --format', ['--format', 'yaml'], /argument 'yaml' is invalid/],
    ['a malformed --allow-loss', ['--allow-loss', 'a.b.c.d'], /--allow-loss a\.b\.c\.d/],
    ['a malformed --allow-irreversible', ['--allow-irreversible', 'shop'], /expected APP\.MIGRATION/],
    ['a --port that is not one', ['--port', '99999'], /--port 99999: expected a TCP port/],
    ['a --timeout that is not seconds', ['--timeout', '5m'], /--timeout 5m: expected a whole number of seconds/],
    ['a malformed --var', ['--var', 'release'], /--var release/],
    ['--server-url without --sandbox server', ['--sandbox', 'server'], /--sandbox server needs --server-url/],
  ])('%s', async (_, extra, line) => {
    expectRefused(await run(BASE, extra), 2, line);
  });

  it('an invalid playbook names the file, line and field', async () => {
    const pb = file('drill.yml', 'name: drill\nsteps:\n  - restore\n  - migrate: { app: shop, to: 3 }\n');
    expectRefused(await run(BASE, ['--playbook', pb]), 2, /drill\.yml:4.*steps\.1/);
  });

  it.each([
    ['a file', () => file('reports-file', 'x')],
    ['under a file', () => path.join(file('reports-parent', 'x'), 'reports')],
    ['on a pseudo-filesystem', () => '/sys/rehearse-reports'],
  ])('--report-dir %s is refused before anything starts', async (_, dir) => {
    const args = rehearseArgs(project, BASE).map((a) => (a === '{reports}' ? dir() : a));
    const r = await runCli(args);
    expectRefused(r, 2, /--report-dir/);
    expect(r.stderr).not.toMatch(/sandbox/);
  });
});

describe('what must work anyway', () => {
  it('unicode and spaces in every path: project, snapshot, Python, report dir and TMPDIR', async () => {
    const root = path.join(scratch, 'Ünïcode dïr ✓');
    const proj = path.join(root, 'мой проект');
    const tmp = path.join(root, 'tmp x');
    mkdirSync(root, { recursive: true });
    await execa('chmod', ['755', root]);
    cpSync(project, proj, { recursive: true });
    await execa('mkdir', ['-m', '1777', tmp]);
    const snap = path.join(root, 'prod snapshot (1).dump');
    copyFileSync(BASE, snap);
    // The test venv, reached through a path with spaces (Python finds its pyvenv.cfg through the link).
    const venv = path.join(root, 'venv ü');
    symlinkSync(path.dirname(path.dirname(PYTHON)), venv);
    const reports = path.join(root, 'rapports d\'essai');
    const r = await runCli(['run', '--project', proj, '--snapshot', snap, '--python', path.join(venv, 'bin', 'python'), '--report-dir', reports], {}, { tmp });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.leftovers).toEqual([]);
    expect(readFileSync(path.join(reports, 'report.json'), 'utf8')).toMatch(/"verdict": "pass"/);
  });

  it('500 pending migrations: each one rehearsed forward, back and forward again', async () => {
    const dir = fresh((d) => {
      const migrations = path.join(d, 'shop', 'migrations');
      let previous = '0002_customer_city';
      for (let i = 3; i <= 502; i++) {
        const name = `${String(i).padStart(4, '0')}_customer_note_${i}`;
        writeFileSync(path.join(migrations, `${name}.py`), `from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("shop", "${previous}")]
    operations = [migrations.AddField("customer", "note_${i}", models.CharField(max_length=20, null=True))]
`);
        previous = name;
      }
    });
    const r = await run(BASE, ['--format', 'json'], dir);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.report!.migrations).toHaveLength(500);
    expect(r.report!.migrations.every((m) => m.forward.status === 'applied' && m.backward.status === 'reverted' && m.reforward.status === 'applied')).toBe(true);
    expect(r.leftovers).toEqual([]);
  }, 600_000);
});

