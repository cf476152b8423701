// ROLLBACK_SCHEMA_MISMATCH: after reversing a migration, the schema is not what
// it was before the migration ran: an index or constraint not restored, a column
// left behind, a type not changed back. Compared as a normalized catalog
// fingerprint (see observe/fingerprint.ts), step by step, so the finding names the
// migration whose reverse is wrong; the unified diff goes to --report-dir/diffs.
// A column that comes back at the end of its table (RemoveField reversed) is only
// a warning: the schema is equivalent, only the physical order differs.
// Silence: make the reverse operations restore exactly what the forward changed.
import { defineCheck, type Draft } from './facts.js';
import { stepMismatches, summarize } from './schema-steps.js';

export const rollbackSchemaMismatch = defineCheck({
  codes: ['ROLLBACK_SCHEMA_MISMATCH'],
  needs: 'run',
  phase: 'backward',
  inspect({ migrations, schema }) {
    const pairs = [];
    for (let i = migrations.length - 1; i >= 0; i--) {
      const actual = schema.backward[i];
      const expected = i === 0 ? schema.baseline : schema.forward[i - 1];
      if (actual && expected) pairs.push({ index: i, expected, actual });
    }
    const out: Draft<'ROLLBACK_SCHEMA_MISMATCH'>[] = [];
    for (const mm of stepMismatches(pairs, ['before', 'after reverting'])) {
      const m = migrations[mm.index]!;
      const where = { app: m.app, migration: m.migration };
      if (mm.removed.length || mm.added.length) {
        out.push({
          code: 'ROLLBACK_SCHEMA_MISMATCH',
          severity: 'error',
          ...where,
          message:
            `after reversing ${m.app}.${m.migration} the schema differs from before it` +
            (mm.removed.length ? `; missing: ${summarize(mm.removed)}` : '') +
            (mm.added.length ? `; left behind: ${summarize(mm.added)}` : ''),
          hint: 'make the reverse restore exactly what the forward changed (see the attached diff)',
          details: { missing: mm.removed, extra: mm.added },
          patch: { name: `rollback-${m.app}.${m.migration}.diff`, text: mm.patch },
        });
      }
      for (const r of mm.reordered) {
        const moved = r.after.filter((c, idx) => r.before[idx] !== c && r.before.indexOf(c) < idx).slice(-3);
        out.push({
          code: 'ROLLBACK_SCHEMA_MISMATCH',
          severity: 'warning',
          ...where,
          table: r.table.replace(/^public\./, ''),
          message: `after reversing ${m.app}.${m.migration}, ${r.table} has the same columns in another order (${moved.join(', ') || 'a column'} came back at the end)`,
          hint: 'harmless for Django; only code that relies on column position (SELECT *, COPY without a column list) can notice',
          details: { before: r.before, after: r.after },
        });
      }
    }
    return out;
  },
});
