// The restored template comes out with planner statistics for every relation a
// plain ANALYZE would take (src/snapshot/analyze.ts), though most of them are
// analyzed while pg_restore is still building indexes: tables in two schemas,
// names that need quoting, a big table whose index builds end the restore, a
// materialized view; in a parallel archive and in a plain SQL dump.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cleanup } from '../../src/cleanup.js';
import { withClient } from '../../src/db.js';
import { detectSnapshot } from '../../src/snapshot/detect.js';
import { restoreSnapshot } from '../../src/snapshot/restore.js';
import { LocalSandbox } from '../../src/sandbox/local/cluster.js';

const cleanup = new Cleanup();
const scratch = mkdtempSync(path.join(os.tmpdir(), 'rehearse-test-analyze-'));
let box: LocalSandbox;
const q = <R extends pg.QueryResultRow>(db: string, sql: string) => withClient(box.conn(db), async (c) => (await c.query<R>(sql)).rows);

beforeAll(async () => {
  box = await LocalSandbox.start(cleanup);
  await box.createDatabase('source');
  await q('source', `
    CREATE TABLE big (id int PRIMARY KEY, kind text, at timestamptz);
    INSERT INTO big SELECT g, 'kind ' || g % 7, timestamptz '2024-01-01' + g * interval '1 s' FROM generate_series(1, 400000) g;
    CREATE INDEX big_at ON big (at); CREATE INDEX big_kind ON big (kind);
    CREATE TABLE small (id int PRIMARY KEY, big_id int REFERENCES big, note text);
    INSERT INTO small SELECT g, g, 'note ' || g FROM generate_series(1, 2000) g;
    CREATE SCHEMA "Other Schema";
    CREATE TABLE "Other Schema"."Odd ""Name""" (id int, label text);
    INSERT INTO "Other Schema"."Odd ""Name""" SELECT g, 'label ' || g FROM generate_series(1, 500) g;
    CREATE TABLE "Other Schema".small (id int);
    INSERT INTO "Other Schema".small SELECT generate_series(1, 300);
    CREATE MATERIALIZED VIEW kinds AS SELECT kind, count(*) AS n FROM big GROUP BY kind;`);
  for (const [file, format] of [['source.dump', '-Fc'], ['source.sql', '-Fp']] as const) {
    await box.runTool('pg_dump', [format, '-f', path.join(scratch, file), 'source'], { database: 'source' });
  }
}, 120_000);
afterAll(async () => {
  await cleanup.drain();
  rmSync(scratch, { recursive: true, force: true });
});

describe('the restored template has planner statistics', () => {
  it.each(['source.dump', 'source.sql'])('every table and materialized view, whatever its schema or name (%s)', async (file) => {
    const db = `t_${file.replace('.', '_')}`;
    await restoreSnapshot(await detectSnapshot(path.join(scratch, file)), box, db);
    const rels = await q<{ name: string; analyzed: boolean; stats: number }>(db, `
      SELECT format('%I.%I', n.nspname, c.relname) AS name,
             pg_stat_get_last_analyze_time(c.oid) IS NOT NULL AS analyzed,
             (SELECT count(*)::int FROM pg_statistic s WHERE s.starelid = c.oid) AS stats
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1`);
    expect(rels.map((r) => r.name)).toEqual(['"Other Schema"."Odd ""Name"""', '"Other Schema".small', 'public.big', 'public.kinds', 'public.small']);
    for (const r of rels) expect(r, r.name).toMatchObject({ analyzed: true });
    for (const r of rels) expect(r.stats, r.name).toBeGreaterThan(0);
    // The catalogs too, as a plain ANALYZE does.
    expect(await q(db, "SELECT pg_stat_get_last_analyze_time('pg_class'::regclass) IS NOT NULL AS a")).toEqual([{ a: true }]);
    // And the planner knows the big table's size.
    expect(await q(db, "SELECT reltuples::int8::text AS n FROM pg_class WHERE oid = 'big'::regclass")).toEqual([{ n: '400000' }]);
  });
});
