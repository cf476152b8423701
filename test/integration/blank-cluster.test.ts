// The blank cluster (src/sandbox/local/blank-cluster.ts): the first local
// sandbox keeps what initdb made, later ones start on a copy of it, each with
// a password of its own, and with the rows of its two databases made. As root,
// its databases' directories are mounts over the blank's, which no run writes.
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Cleanup } from '../../src/cleanup.js';
import { withClient } from '../../src/db.js';
import { LocalSandbox } from '../../src/sandbox/local/cluster.js';
import { mountsUnder } from '../../src/sandbox/local/overlay.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'rehearse-test-blank-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function started(): Promise<{ box: LocalSandbox; cleanup: Cleanup }> {
  const cleanup = new Cleanup();
  return { box: await LocalSandbox.start(cleanup, { blankRoot: root }), cleanup };
}

describe('blank clusters', () => {
  it('the first sandbox keeps its blank; the next starts on a copy, answering only to a password of its own', async () => {
    const first = await started();
    const [kept] = readdirSync(root);
    expect(kept).toMatch(/^\d+\.\d+-\d+-v\d+$/);
    const blankPassword = readFileSync(path.join(root, kept!, 'password'), 'utf8');
    expect(first.box.conn('postgres').password).not.toBe(blankPassword);
    await first.cleanup.drain();

    writeFileSync(path.join(root, kept!, 'data', 'copied-from-the-blank'), '');
    const second = await started();
    try {
      expect(existsSync(path.join(second.box.dir, 'data', 'copied-from-the-blank'))).toBe(true);
      expect(await withClient(second.box.conn('postgres'), async (c) => (await c.query('SELECT 1 AS one')).rows)).toEqual([{ one: 1 }]);
      expect(second.box.conn('postgres').password).not.toBe(blankPassword);
      await expect(withClient({ ...second.box.conn('postgres'), password: blankPassword }, (c) => c.query('SELECT 1'))).rejects.toThrow(/password/);
    } finally {
      await second.cleanup.drain();
    }
  });
});

/** Every file under `dir`, with a digest of its bytes. */
function digestTree(dir: string, rel = ''): string[] {
  return readdirSync(path.join(dir, rel)).sort().flatMap((n) => {
    const p = path.join(dir, rel, n);
    if (lstatSync(p).isDirectory()) return digestTree(dir, path.join(rel, n));
    return [`${path.join(rel, n)} ${createHash('sha1').update(readFileSync(p)).digest('hex')}`];
  });
}

describe('a blank of an older layout', () => {
  it('goes when the blank of this layout is kept', async () => {
    const [kept] = readdirSync(root).filter((n) => !n.includes('partial'));
    const older = kept!.replace(/-v(\d+)$/, (_, v: string) => `-v${Number(v) - 1}`);
    mkdirSync(path.join(root, older, 'data'), { recursive: true });
    rmSync(path.join(root, kept!), { recursive: true, force: true });
    const { cleanup } = await started();
    await cleanup.drain();
    expect(readdirSync(root).sort()).toEqual([kept]);
  });
});

describe('a sandbox started on the blank', () => {
  it('has its two databases already, and writes to them, and to the rest, leave the blank as it was', async () => {
    const first = await started();
    await first.cleanup.drain();
    const [kept] = readdirSync(root).filter((n) => !n.includes('partial'));
    const blank = path.join(root, kept!, 'data');
    const before = digestTree(blank);
    const { box, cleanup } = await started();
    try {
      const names = Object.values(box.databases);
      expect((await withClient(box.conn('postgres'), async (c) =>
        (await c.query('SELECT datname FROM pg_database WHERE datname = ANY($1) ORDER BY 1', [names])).rows))).toEqual(names.sort().map((datname) => ({ datname })));
      await box.createDatabase(box.databases.template); // already there: nothing to make
      for (const db of [box.databases.template, 'postgres']) {
        await withClient(box.conn(db), async (c) => {
          for (const sql of ['CREATE TABLE t (id int PRIMARY KEY)', 'INSERT INTO t SELECT generate_series(1, 10000)', 'VACUUM FULL pg_class', 'VACUUM pg_attribute', 'CHECKPOINT']) await c.query(sql);
        });
      }
      if (process.getuid?.() === 0) {
        // base/1, base/4, base/5 and the two databases: each a mount whose lower layer is the blank's.
        const mounts = mountsUnder(box.dir);
        expect(mounts.length).toBe(readdirSync(path.join(blank, 'base')).length);
        expect(mounts.every((m) => m.options.includes(`lowerdir=${path.join(blank, 'base')}/`))).toBe(true);
      }
    } finally {
      await cleanup.drain();
    }
    expect(digestTree(blank)).toEqual(before);
  });
});
