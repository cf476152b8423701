// The work database as a file copy of the template (src/sandbox/local/file-clone.ts),
// on a real cluster: the clone holds the template's data and indexes, takes
// writes without touching the template, and the server comes back on its port.
// Both ways: a copy, and (as root) a thin clone, an overlay mount of the
// template's files (src/sandbox/local/overlay.ts), which the teardown unmounts.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cleanup } from '../../src/cleanup.js';
import { withClient } from '../../src/db.js';
import { filesOpened } from '../../src/observe/locks/files-opened.js';
import { cloneByFiles, prepareCloneRow } from '../../src/sandbox/local/file-clone.js';
import { LocalSandbox } from '../../src/sandbox/local/cluster.js';
import { mountsUnder } from '../../src/sandbox/local/overlay.js';

const cleanup = new Cleanup();
let box: LocalSandbox;
/** The mounts a sandbox starts with: its databases' directories over the blank cluster's, as root (src/sandbox/local/blank-cluster.ts). */
let blankMounts = 0;
const q = <R extends pg.QueryResultRow>(db: string, sql: string) => withClient(box.conn(db), async (c) => (await c.query<R>(sql)).rows);

beforeAll(async () => {
  box = await LocalSandbox.start(cleanup);
  blankMounts = mountsUnder(box.dir).length;
  await box.createDatabase('tpl');
  await q('tpl', `CREATE TABLE t (id int PRIMARY KEY, name text, doc jsonb);
    INSERT INTO t SELECT g, 'name ' || g, jsonb_build_object('g', g) FROM generate_series(1, 50000) g;
    CREATE INDEX t_name ON t (name); CREATE SEQUENCE s START 7;`);
});
afterAll(() => cleanup.drain());

const root = process.getuid?.() === 0;

const ways: Array<[string, boolean]> = [['a copy', false], ...(root ? [['a thin clone', true] as [string, boolean]] : [])];

describe.each(ways)('a clone by files: %s', (_, thin) => {
  it('holds the template\'s rows, indexes and sequences; writes to it leave the template alone; the port stays', async () => {
    const port = box.port;
    await cloneByFiles(box, 'work', 'tpl', { fromBytes: 0, thin });
    expect(box.port).toBe(port);
    expect(mountsUnder(box.dir).length).toBe(blankMounts + (thin ? 1 : 0));
    expect(await q('work', 'SELECT count(*)::int AS n, sum(id)::int8::text AS s FROM t')).toEqual([{ n: 50000, s: String(50000 * 50001 / 2) }]);
    // Read through the index, so that a broken index file would show.
    expect(await withClient(box.conn('work'), async (c) => {
      await c.query('SET enable_seqscan = off');
      return (await c.query("SELECT id FROM t WHERE name = 'name 777'")).rows;
    })).toEqual([{ id: 777 }]);
    expect(await q('work', "SELECT nextval('s')::int AS v")).toEqual([{ v: 7 }]);
    await q('work', 'DELETE FROM t WHERE id > 100');
    await q('work', 'VACUUM t');
    await q('work', 'ALTER TABLE t ADD COLUMN extra int DEFAULT 1');
    expect(await q('work', 'SELECT count(*)::int AS n FROM t')).toEqual([{ n: 100 }]);
    expect(await q('tpl', 'SELECT count(*)::int AS n FROM t')).toEqual([{ n: 50000 }]);
    expect(await q('tpl', "SELECT count(*)::int AS n FROM information_schema.columns WHERE table_name = 't'")).toEqual([{ n: 3 }]);
    // The clone is a database in its own right: it can be dropped, and the template cloned again.
    await q('postgres', 'DROP DATABASE work');
    await cloneByFiles(box, 'work', 'tpl', { fromBytes: 0, thin });
    expect(await q('work', 'SELECT count(*)::int AS n FROM t')).toEqual([{ n: 50000 }]);
    await q('postgres', 'DROP DATABASE work');
  });

  it('uses the clone\'s row made ahead while the restore ran, and where PostgreSQL\'s own clone is used instead, drops it first', async () => {
    const mounts = mountsUnder(box.dir).length;
    await cloneByFiles(box, 'work', 'tpl', { fromBytes: 0, thin, prepared: prepareCloneRow(box.conn('postgres'), 'work') });
    expect(await q('work', 'SELECT count(*)::int AS n FROM t')).toEqual([{ n: 50000 }]);
    expect(mountsUnder(box.dir).length).toBe(mounts + (thin ? 1 : 0));
    await q('postgres', 'DROP DATABASE work');
    // The template is below the threshold: the row made ahead is dropped, and the clone is CREATE DATABASE's.
    await cloneByFiles(box, 'work', 'tpl', { fromBytes: 1024 ** 4, thin, prepared: prepareCloneRow(box.conn('postgres'), 'work') });
    expect(await q('work', 'SELECT count(*)::int AS n FROM t')).toEqual([{ n: 50000 }]);
    await q('postgres', 'DROP DATABASE work');
    // A row that could not be made ahead (here: it is there already) is made again, and the clone goes on.
    await q('postgres', 'CREATE DATABASE work');
    const failed = prepareCloneRow(box.conn('postgres'), 'work');
    await expect(failed).rejects.toThrow(/already exists/);
    await q('postgres', 'DROP DATABASE work');
    await cloneByFiles(box, 'work', 'tpl', { fromBytes: 0, thin, prepared: failed });
    expect(await q('work', 'SELECT count(*)::int AS n FROM t')).toEqual([{ n: 50000 }]);
    await q('postgres', 'DROP DATABASE work');
  });

  // The server keeps running for a clone, after a CHECKPOINT; that leaves an
  // unlogged table's pages in shared buffers, and only a shutdown writes them.
  // (Made ahead, the clone's row is older than those pages: making it would write them.)
  it('holds an unlogged table\'s rows, which are still only in shared buffers', async () => {
    const prepared = prepareCloneRow(box.conn('postgres'), 'work');
    await prepared;
    await q('tpl', 'CREATE UNLOGGED TABLE u (id int); INSERT INTO u SELECT generate_series(1, 5000)');
    try {
      await cloneByFiles(box, 'work', 'tpl', { fromBytes: 0, thin, prepared });
      expect(await q('work', 'SELECT count(*)::int AS n FROM u')).toEqual([{ n: 5000 }]);
      await q('postgres', 'DROP DATABASE work');
    } finally {
      await q('tpl', 'DROP TABLE u');
    }
  });
});

describe.runIf(root)('a thin clone\'s tables brought in before the migrations', () => {
  it('copies up the heap and TOAST of the tables named, their indexes only where asked, and no other table', async () => {
    await q('tpl', 'CREATE TABLE other (id int PRIMARY KEY); CREATE TABLE read (id int PRIMARY KEY, body text); INSERT INTO read SELECT g, repeat(md5(g::text), 200) FROM generate_series(1, 50) g');
    await cloneByFiles(box, 'work', 'tpl', { fromBytes: 0, thin: true });
    const files = async (rels: string[]) => (await q<{ f: string }>('work', `SELECT pg_relation_filepath(x) AS f FROM unnest(ARRAY[${rels.map((r) => `'${r}'::regclass`).join(', ')}]) x`)).map((r) => r.f);
    const toast = async (table: string) => (await q<{ t: string; i: string }>('work', `SELECT c.reltoastrelid::regclass::text AS t, i.indexrelid::regclass::text AS i
      FROM pg_class c JOIN pg_index i ON i.indrelid = c.reltoastrelid WHERE c.oid = '${table}'::regclass`)).flatMap((r) => [r.t, r.i]);
    const dir = path.dirname((await files(['t']))[0]!);
    const mount = mountsUnder(box.dir).find((m) => m.point.endsWith(dir))!;
    const upper = /upperdir=([^,]+)/.exec(mount.options)![1]!;
    const up = (f: string) => existsSync(path.join(upper, path.basename(f)));
    const written = await files(['t', 't_pkey', 't_name', ...await toast('t')]);
    const heapOnly = await files(['read', ...await toast('read')]);
    expect(heapOnly.length).toBe(3);
    expect([...written, ...heapOnly].some(up)).toBe(false);
    await box.prepareTables('work', [{ name: 't', withIndexes: true }, { name: 'read', withIndexes: false }]);
    expect(written.filter((f) => !up(f))).toEqual([]);
    expect(heapOnly.filter((f) => !up(f))).toEqual([]);
    expect((await files(['read_pkey', 'other', 'other_pkey'])).some(up)).toBe(false);
    await q('postgres', 'DROP DATABASE work');
  });
});

// What files-opened.ts says a statement opens is checked against what
// PostgreSQL opens: every template file a statement copies up on a fresh thin
// clone must be one that prepareTables, told what files-opened.ts says, copies up.
describe.runIf(root)('the files a statement opens, as PostgreSQL opens them', () => {
  beforeAll(() => q('tpl', 'CREATE TABLE IF NOT EXISTS read (id int PRIMARY KEY, body text)'));
  const upperOf = async () => {
    const oid = (await q<{ oid: string }>('postgres', "SELECT oid::text FROM pg_database WHERE datname = 'work'"))[0]!.oid;
    const mount = mountsUnder(box.dir).find((m) => m.point.endsWith(`/base/${oid}`))!;
    return /upperdir=([^,]+)/.exec(mount.options)![1]!;
  };
  /** The template's user relation files (not the catalog's) in the upper layer now. */
  const copiedUp = async () => {
    const upper = await upperOf();
    const mine = new Set((await q<{ f: string }>('tpl', `SELECT pg_relation_filenode(oid)::text AS f FROM pg_class
      WHERE oid >= 16384 AND pg_relation_filenode(oid) IS NOT NULL`)).map((r) => r.f));
    return readdirSync(upper).filter((n) => mine.has(n.split(/[._]/)[0]!)).sort();
  };

  it.each([
    'ALTER TABLE "t" ADD COLUMN "note" text NULL',
    'ALTER TABLE "t" DROP COLUMN "doc" CASCADE',
    'ALTER TABLE "t" ADD COLUMN "n" integer DEFAULT 0 NOT NULL',
    'ALTER TABLE "t" ADD COLUMN "s" varchar(20) DEFAULT \'new\' NOT NULL',
    'ALTER TABLE "t" ADD COLUMN "u" uuid DEFAULT gen_random_uuid() NOT NULL',
    'CREATE INDEX CONCURRENTLY "t_doc" ON "t" (("doc" ->> \'g\'))',
    'ALTER TABLE "t" ALTER COLUMN "name" SET NOT NULL',
    'ALTER TABLE "read" ADD CONSTRAINT "read_t" FOREIGN KEY ("id") REFERENCES "t" ("id") DEFERRABLE INITIALLY DEFERRED',
    'UPDATE "t" SET "name" = upper("name") WHERE "id" <= 10',
    'ALTER TABLE "t" ALTER COLUMN "id" TYPE bigint',
    'DROP INDEX "t_name"',
    'DROP TABLE "t" CASCADE',
  ])('%s', async (sql) => {
    await cloneByFiles(box, 'work', 'tpl', { fromBytes: 0, thin: true });
    await q('work', sql);
    const opened = await copiedUp();
    await q('postgres', 'DROP DATABASE work');
    await cloneByFiles(box, 'work', 'tpl', { fromBytes: 0, thin: true });
    await box.prepareTables('work', [...filesOpened(sql)].map(([name, reach]) => ({ name, withIndexes: reach === 'all' })));
    const prepared = await copiedUp();
    await q('postgres', 'DROP DATABASE work');
    expect(opened.filter((f) => !prepared.includes(f))).toEqual([]);
  });
});

describe('the teardown', () => {
  it('leaves no mount and no directory', async () => {
    const dir = box.dir;
    await box.teardown();
    expect(mountsUnder(dir)).toEqual([]);
    expect(existsSync(dir)).toBe(false);
  });
});
