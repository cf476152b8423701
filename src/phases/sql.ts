// sql (a playbook step): SQL on the work database. Read-only by default, in a
// read-only transaction, and only the row count is kept; with `write: true` it
// changes data, and is observed like a migration.
import pg from 'pg';
import { pgConfig } from '../db.js';
import { DJANGO_APP_NAME } from '../django/shim.js';
import type { StepSpec } from '../playbook/schema.js';
import { observedCommand } from './command.js';
import type { Step } from './step.js';

type Spec = Extract<StepSpec, { sql: unknown }>['sql'];

export function sql(spec: Spec): Step {
  return {
    kind: 'sql',
    async run(ctx) {
      const { session, state, events } = ctx;
      const label = `SQL #${state.commands.length + 1}`;
      events.phase('forward', `${label}${spec.write ? ' (writes)' : ''}`);
      const client = session.observerClient;
      const t0 = performance.now();
      if (!spec.write) {
        try {
          await client.query('BEGIN READ ONLY');
          const r = await client.query(spec.sql);
          state.stepRan(label, { ok: true, ms: Math.round(performance.now() - t0), detail: `returned ${r.rowCount ?? 0} row(s)` });
        } catch (err) {
          state.stepRan(label, { ok: false, ms: Math.round(performance.now() - t0), error: { type: 'SQL', message: (err as Error).message } });
        } finally {
          await client.query('ROLLBACK').catch(() => {});
        }
        return;
      }
      // Its own short connection, under the name Django's carry: the observers wait for it to
      // leave, so its writes are counted before they look.
      const writer = new pg.Client(pgConfig(session.sandbox.conn(session.databases.work), DJANGO_APP_NAME));
      writer.on('error', () => {});
      await observedCommand(ctx, label, async () => {
        try {
          await writer.connect();
          await writer.query(spec.sql);
          return { type: 'managed', ok: true, ms: Math.round(performance.now() - t0), output: '' };
        } catch (err) {
          const e = err as Error & { code?: string };
          return { type: 'managed', ok: false, ms: Math.round(performance.now() - t0), output: '',
            error: { type: 'SQL', message: e.message, irreversible: false, ...(e.code ? { sqlstate: e.code } : {}) } };
        } finally {
          await writer.end().catch(() => {});
        }
      });
    },
  };
}
