// pg_restore's progress on the shape of a real -j 2 --verbose log (names changed).
import { describe, expect, it } from 'vitest';
import { RestoreProgress } from './restore-progress.js';

const parallelLog = [
  'pg_restore: connecting to database for restore',
  'pg_restore: processing item 210 TABLE meter_site',
  'pg_restore: creating TABLE "public.meter_site"',
  'pg_restore: processing item 211 SEQUENCE meter_site_id_seq',
  'pg_restore: creating SEQUENCE "public.meter_site_id_seq"',
  'pg_restore: entering main parallel loop',
  'pg_restore: launching item 3465 TABLE DATA meter_site',
  'pg_restore: processing data for table "public.meter_site"',
  'pg_restore: launching item 3470 SEQUENCE SET meter_site_id_seq',
  'pg_restore: executing SEQUENCE SET meter_site_id_seq',
  'pg_restore: finished item 3470 SEQUENCE SET meter_site_id_seq',
  'pg_restore: finished item 3465 TABLE DATA meter_site',
  'pg_restore: launching item 3300 CONSTRAINT meter_site meter_site_pkey',
  'pg_restore: creating CONSTRAINT "public.meter_site meter_site_pkey"',
  'pg_restore: launching item 3301 INDEX meter_site_name',
  'pg_restore: creating INDEX "public.meter_site_name"',
  'pg_restore: finished item 3301 INDEX meter_site_name',
  'pg_restore: finished item 3300 CONSTRAINT meter_site meter_site_pkey',
  'pg_restore: finished main parallel loop',
];

describe('restore progress', () => {
  it('counts each item of a parallel restore once, when it finishes, and never more than there are', () => {
    const p = new RestoreProgress();
    const seen = parallelLog.map((l) => (p.line(l), p.done));
    // 2 items made before the workers start, 4 by the workers: pg_restore -l lists 6.
    expect(seen.at(-1)).toBe(6);
    // Still 4 of 6 while the constraint and the index are being built.
    expect(seen[parallelLog.indexOf('pg_restore: creating INDEX "public.meter_site_name"')]).toBe(4);
  });

  it('counts every item of a restore without workers (a tar archive) as it is made', () => {
    const p = new RestoreProgress();
    for (const l of ['pg_restore: creating TABLE "public.a"', 'pg_restore: processing data for table "public.a"', 'pg_restore: creating INDEX "public.a_i"']) p.line(l);
    expect(p.done).toBe(3);
  });

  it('is not an error line', () => {
    const p = new RestoreProgress();
    expect(p.line('pg_restore: finished item 1 TABLE DATA a')).toBe(true);
    expect(p.line('pg_restore: error: could not execute query: ERROR:  relation "x" does not exist')).toBe(false);
  });
});
