// The cache's bookkeeping on plain directories (no server): keys, LRU eviction,
// readers protecting an entry, partial entries of dead runs.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { SnapshotInfo } from '../snapshot/detect.js';
import { snapshotKey } from './identity.js';
import { TemplateCache } from './template-cache.js';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'rehearse-unit-cache-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function dataDir(name: string, bytes: number): string {
  const d = path.join(scratch, name);
  mkdirSync(d, { recursive: true });
  writeFileSync(path.join(d, 'PG_VERSION'), '15\n');
  writeFileSync(path.join(d, 'blob'), Buffer.alloc(bytes, 1));
  return d;
}

const META = { snapshot: { path: '/x.dump', format: 'custom', bytes: 1 }, serverVersion: '15.8', password: 'pw' };

describe('snapshot identity', () => {
  const file = path.join(scratch, 'prod.dump');
  writeFileSync(file, Buffer.alloc(300_000, 7));
  const snap = { path: file, format: 'custom', bytes: 300_000, serverMajor: 15 } as SnapshotInfo;

  it('is stable for the same file and changes with its mtime', async () => {
    const a = await snapshotKey(snap, 15);
    expect(await snapshotKey(snap, 15)).toBe(a);
    utimesSync(file, new Date(), new Date(Date.now() + 60_000));
    expect(await snapshotKey(snap, 15)).not.toBe(a);
  });

  it('the full digest sees a byte the samples miss', async () => {
    const t = new Date('2026-01-01');
    utimesSync(file, t, t);
    const sampled = await snapshotKey(snap, 15);
    const full = await snapshotKey(snap, 15, 'full');
    const bytes = readFileSync(file);
    bytes[100_000] = 9; // between the sampled blocks
    writeFileSync(file, bytes);
    utimesSync(file, t, t);
    expect(await snapshotKey(snap, 15)).toBe(sampled);
    expect(await snapshotKey(snap, 15, 'full')).not.toBe(full);
  });
});

describe('the template cache', () => {
  it('saves by moving, finds, and evicts the least recently used beyond its size', async () => {
    const cache = new TemplateCache(path.join(scratch, 'c1'), 2.5 * 1024 * 1024);
    for (const k of ['aaaa', 'bbbb', 'cccc']) {
      await cache.save(k, dataDir(`d-${k}`, 1024 * 1024), META);
      await new Promise((r) => setTimeout(r, 5)); // distinct lastUsedAt
    }
    // Three 1 MB entries over a 2.5 MB cap: the oldest went when the third came.
    expect(cache.list().map((e) => e.meta.key)).toEqual(['cccc', 'bbbb']);
    await cache.copyOut(cache.find('bbbb')!, path.join(scratch, 'out-b'));
    expect(readFileSync(path.join(scratch, 'out-b', 'PG_VERSION'), 'utf8')).toBe('15\n');
    expect(cache.list()[0]!.meta.key).toBe('bbbb'); // used last
    expect(cache.prune(1.5 * 1024 * 1024).map((e) => e.meta.key)).toEqual(['cccc']);
  });

  it('passes over an entry a live run is copying, and removes partial entries of dead runs', async () => {
    const cache = new TemplateCache(path.join(scratch, 'c2'));
    await cache.save('dddd', dataDir('d-d', 1024), META);
    mkdirSync(path.join(cache.entriesDir, 'dddd', 'readers'));
    writeFileSync(path.join(cache.entriesDir, 'dddd', 'readers', String(process.pid)), '');
    mkdirSync(path.join(cache.entriesDir, 'eeee.partial-4194000'));
    expect(cache.prune(0)).toEqual([]);
    expect(cache.find('dddd')).toBeDefined();
    expect(cache.list().map((e) => e.meta.key)).toEqual(['dddd']);
    expect(() => readFileSync(path.join(cache.entriesDir, 'eeee.partial-4194000'))).toThrow(/ENOENT/);
  });

  it('keeps the first of two saves of one snapshot', async () => {
    const cache = new TemplateCache(path.join(scratch, 'c3'));
    expect(await cache.save('ffff', dataDir('d-f1', 10), META)).toBeDefined();
    expect(await cache.save('ffff', dataDir('d-f2', 10), META)).toBeUndefined();
  });
});
