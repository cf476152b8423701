// Builds a "production" snapshot with rehearse's own local sandbox: a Django
// project migrated to a given state, data loaded from SQL, then pg_dump. Used by
// the demo and the benchmark (the tests have their own, in TypeScript).
import { renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import pg from 'pg';
import { Cleanup } from '../../dist/cleanup.js';
import { LocalSandbox } from '../../dist/sandbox/local/cluster.js';
import { libpqEnv } from '../../dist/sandbox/provider.js';
import { SHIM_MODULE, writeSettingsShim } from '../../dist/django/shim.js';

/**
 * @param {{ project: string, settings: string, python: string, targets: string[][],
 *           sql: string[], out: string, dumpArgs?: string[] }} o
 * @returns {Promise<{ rows: number, bytes: number, ms: number }>}
 */
export async function buildSnapshot(o) {
  const started = Date.now();
  const cleanup = new Cleanup();
  const uninstall = cleanup.installSignalHandlers();
  const tmp = `${o.out}.tmp`;
  try {
    const box = await LocalSandbox.start(cleanup);
    const admin = new pg.Client(box.conn('postgres'));
    await admin.connect();
    await admin.query('CREATE DATABASE snapshot');
    await admin.end();
    const shim = writeSettingsShim(path.join(box.dir, 'shim'), box.conn('snapshot'));
    const env = { PYTHONPATH: shim, DJANGO_SETTINGS_MODULE: SHIM_MODULE, REHEARSE_ORIGINAL_SETTINGS: o.settings, PYTHONDONTWRITEBYTECODE: '1' };
    for (const target of o.targets) await execa(o.python, ['manage.py', 'migrate', '--noinput', ...target], { cwd: o.project, env });
    const db = new pg.Client(box.conn('snapshot'));
    await db.connect();
    for (const sql of o.sql) await db.query(sql);
    await db.query('ANALYZE');
    const rows = Number((await db.query('SELECT sum(n_live_tup) AS n FROM pg_stat_user_tables')).rows[0].n);
    await db.end();
    await execa(box.clientTool('pg_dump'), [...(o.dumpArgs ?? ['-Fc']), '-f', tmp, 'snapshot'], { env: libpqEnv(box.conn('snapshot')) });
    renameSync(tmp, o.out);
    return { rows, bytes: statSync(o.out).size, ms: Date.now() - started };
  } finally {
    await cleanup.drain();
    uninstall();
    rmSync(tmp, { recursive: true, force: true });
  }
}
