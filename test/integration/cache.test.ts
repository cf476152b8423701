// The template cache: a rerun of the same snapshot starts from the template an
// earlier run restored, with the same verdict; another snapshot, --no-cache and
// an interrupted run do not; `rehearse cache` lists, removes and prunes.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultCacheDir } from '../../src/cache/template-cache.js';
import { BIN } from '../helpers/paths.js';
import { makeProject } from '../helpers/project.js';
import { actDuring, cleanupProjects, rehearseArgs, rehearseScenario, runCli, type CliRun } from '../helpers/run.js';
import { snapshotFor } from '../helpers/snapshots.js';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'rehearse-test-cache-'));
afterAll(() => {
  cleanupProjects();
  rmSync(scratch, { recursive: true, force: true });
});

/** Every file under `dir`, by its path there, with a digest of its bytes. */
function digests(dir: string, rel = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const p = path.join(rel, e.name);
    if (e.isDirectory()) for (const [k, v] of digests(dir, p)) out.set(k, v);
    else if (e.isFile()) out.set(p, createHash('sha1').update(readFileSync(path.join(dir, p))).digest('hex'));
  }
  return out;
}

const findings = (r: CliRun) => (r.report?.findings ?? []).map((f) => `${f.code}:${f.severity}:${f.table ?? ''}.${f.column ?? ''}:${f.lost ?? ''}`).sort();
const cacheCli = async (args: string[]) => execa(BIN, ['cache', ...args], { reject: false });

describe('the template cache', () => {
  const dir = path.join(scratch, 'cache');
  const CACHE = ['--cache-dir', dir];

  it('a rerun starts from the kept template: no restore, the same verdict and findings', async () => {
    const cold = await rehearseScenario('remove-field', CACHE);
    expect(cold.exitCode).toBe(1);
    expect(cold.stderr).toMatch(/kept the restored template for the next run/);
    const ls = await cacheCli(['ls', ...CACHE]);
    expect(ls.stdout).toMatch(/^[0-9a-f]{20} .*PostgreSQL 15\.\d+ .*base\.dump$/m);
    expect(ls.stdout).toMatch(/1 template\(s\)/);

    const warm = await rehearseScenario('remove-field', CACHE);
    // The fixture's tables are under 1 MiB: none was linked; as root, the databases' directories are mounts over the entry's.
    expect(warm.stderr).toMatch(/cached template of this snapshot from .*: no restore; started in \d+\.\d s on its files \(\d+(\.\d+)? [KM]B copied(, \d+(\.\d+)? [KM]B mounted)?\)/);
    expect(warm.stderr).toMatch(/restore: skipped/);
    expect(warm.stderr).toMatch(/cached template cloned to rehearse_work in \d+\.\d s/);
    expect(warm.exitCode).toBe(cold.exitCode);
    expect(warm.report!.verdict).toBe(cold.report!.verdict);
    expect(findings(warm)).toEqual(findings(cold));
    expect(warm.report!.timings?.restoreMs ?? 0).toBe(0);
  });

  it.runIf(process.getuid?.() === 0)('on thin clones (overlay mounts), the entry kept holds the template only, and a rerun on it judges the same', async () => {
    const thin = ['--cache-dir', path.join(scratch, 'thin')];
    const env = { REHEARSE_FILE_CLONE_FROM_BYTES: '1' };
    const cold = await rehearseScenario('remove-field', thin, env);
    expect(cold.stderr).toMatch(/cloned to rehearse_work in \d+\.\d s \(a thin clone/);
    expect(cold.stderr).toMatch(/kept the restored template for the next run/);
    const [entry] = readdirSync(path.join(scratch, 'thin', 'entries'));
    // template0, template1, postgres, the template, and the work database's row as the blank cluster has it (empty).
    const base = path.join(scratch, 'thin', 'entries', entry!, 'data', 'base');
    const blanks = readdirSync(path.join(defaultCacheDir(), 'blank')).map((b) => path.join(defaultCacheDir(), 'blank', b, 'data', 'base'));
    const dirs = readdirSync(base).filter((d) => /^\d+$/.test(d));
    expect(dirs).toHaveLength(5);
    // Its files are the blank's own (links): it was never opened.
    const asBlank = (d: string) => blanks.some((b) => existsSync(path.join(b, d)) && readdirSync(path.join(b, d)).length === readdirSync(path.join(base, d)).length &&
      readdirSync(path.join(base, d)).every((f) => statSync(path.join(base, d, f)).ino === statSync(path.join(b, d, f)).ino));
    expect(dirs.filter((d) => !['1', '4', '5'].includes(d) && asBlank(d))).toHaveLength(1);
    const warm = await rehearseScenario('remove-field', thin, env);
    expect(warm.stderr).toMatch(/restore: skipped/);
    expect(warm.stderr).toMatch(/cached template cloned to rehearse_work in \d+\.\d s \(a thin clone/);
    expect(findings(warm)).toEqual(findings(cold));
    expect(findings(cold)).toEqual(findings(await rehearseScenario('remove-field')));
  });

  it('a rerun shares the restored tables\' files with the entry (hard links), judges the same, and leaves the entry as it was', async () => {
    const shared = ['--cache-dir', path.join(scratch, 'shared')];
    // Every restored relation file with a byte in it is shared, however small (from 1 MiB by default).
    const env = { REHEARSE_CACHE_SHARE_FROM_BYTES: '1' };
    const cold = await rehearseScenario('remove-field', shared, env);
    const [entry] = readdirSync(path.join(scratch, 'shared', 'entries'));
    const data = path.join(scratch, 'shared', 'entries', entry!, 'data');
    const before = digests(data);
    const restored = [...before.keys()].filter((f) => /^base\/\d+\/\d+$/.test(f) && Number(path.basename(f)) >= 16384 && statSync(path.join(data, f)).size > 0);
    expect(restored.length).toBeGreaterThan(5);
    const project = makeProject('remove-field');
    let links: number[] = [];
    const { r, left } = await actDuring({ project, snapshot: snapshotFor('remove-field'), ready: /forward: /, settle: 0, extra: shared, env },
      () => void (links = restored.map((f) => statSync(path.join(data, f)).nlink)));
    rmSync(project, { recursive: true, force: true });
    expect(String(r.stderr)).toMatch(/restore: skipped/);
    expect(String(r.stderr)).toMatch(/no restore; started in \d+\.\d s on its files \(\d+(\.\d+)? [KM]B linked, \d+(\.\d+)? [KM]B copied(, \d+(\.\d+)? [KM]B mounted)?\)/);
    expect(r.exitCode).toBe(cold.exitCode);
    expect(left).toEqual([]);
    // Mid-run, the run's template held the entry's very files; the catalogs, pg_control and the rest were its own copies.
    expect(links).toEqual(restored.map(() => 2));
    expect(restored.map((f) => statSync(path.join(data, f)).nlink)).toEqual(restored.map(() => 1));
    // The entry is byte for byte what it was, and a third run on it judges as the first.
    expect(digests(data)).toEqual(before);
    expect(findings(await rehearseScenario('remove-field', shared, env))).toEqual(findings(cold));
  });

  it('two reruns at once share the entry, and each leaves nothing behind', async () => {
    const runs = await Promise.all([rehearseScenario('additive', CACHE), rehearseScenario('additive', CACHE)]);
    for (const r of runs) {
      expect(r.exitCode).toBe(0);
      expect(r.stderr).toMatch(/restore: skipped/);
    }
    expect(readdirSync(path.join(dir, 'entries'))).toHaveLength(1);
  });

  it('another snapshot (the same dump touched) is restored, and kept as its own entry', async () => {
    const other = path.join(scratch, 'other.dump');
    copyFileSync(snapshotFor('additive'), other);
    utimesSync(other, new Date(), new Date(Date.now() + 5000));
    const project = makeProject('additive');
    const r = await runCli(rehearseArgs(project, other, CACHE));
    rmSync(project, { recursive: true, force: true });
    expect(r.stderr).not.toMatch(/restore: skipped/);
    expect(readdirSync(path.join(dir, 'entries')).filter((n) => !n.includes('.partial'))).toHaveLength(2);
  });

  it('--no-cache neither uses nor keeps one', async () => {
    const r = await rehearseScenario('additive', [...CACHE, '--no-cache']);
    expect(r.stderr).not.toMatch(/cached template|kept the restored template/);
  });

  it('an interrupted run keeps nothing', async () => {
    const fresh = path.join(scratch, 'cache-interrupted');
    const project = makeProject('slow');
    const { r, left } = await actDuring({ project, snapshot: snapshotFor('slow'), ready: /forward: /, settle: 0, extra: ['--cache-dir', fresh] },
      (pid) => void process.kill(pid, 'SIGTERM'));
    rmSync(project, { recursive: true, force: true });
    expect(r.exitCode).toBe(143);
    expect(existsSync(path.join(fresh, 'entries')) ? readdirSync(path.join(fresh, 'entries')) : []).toEqual([]);
    expect(left).toEqual([]);
  });

  it('cache rm removes one entry, prune --max-gb 0 the rest, and the cache is private', async () => {
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const keys = (await cacheCli(['ls', ...CACHE])).stdout.split('\n').map((l) => /^([0-9a-f]{20}) /.exec(l)?.[1]).filter(Boolean) as string[];
    expect(keys).toHaveLength(2);
    // An entry a running rehearsal reads (here: this test process) is left alone: its files may be that run's mounts' lower layer.
    const reader = path.join(dir, 'entries', keys[0]!, 'readers', String(process.pid));
    mkdirSync(path.dirname(reader), { recursive: true });
    writeFileSync(reader, '');
    const busy = await cacheCli(['rm', keys[0]!, ...CACHE]);
    rmSync(reader);
    expect(busy.exitCode).toBe(3);
    expect(busy.stderr.trim()).toBe(`rehearse: cached template ${keys[0]} is in use by a running rehearsal: remove it once that run is over`);
    expect((await cacheCli(['rm', keys[0]!, ...CACHE])).exitCode).toBe(0);
    const missing = await cacheCli(['rm', keys[0]!, ...CACHE]);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toMatch(/no cached template/);
    expect((await cacheCli(['prune', '--max-gb', '0', ...CACHE])).stdout).toMatch(/removed 1 template\(s\)/);
    expect((await cacheCli(['ls', ...CACHE])).stdout).toMatch(/no cached templates/);
  });
});
