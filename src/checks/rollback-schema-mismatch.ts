// ROLLBACK_SCHEMA_MISMATCH: the rollback does not end in the schema it started
// from: an index or constraint not restored, a column left behind, a type not
// changed back. Judged on the end state (the snapshot's schema after a complete
// rollback, or the still-applied migration's after a partial one); each
// difference is attributed to the reverse that first showed it, so the finding
// names the migration to fix, with a unified diff in --report-dir/diffs.
// Compared as a normalized catalog fingerprint (observe/fingerprint.ts), indexes
// and constraints by definition, so:
// - the same index or constraint under another name is a warning that names
//   both (code that names constraints can notice), and so is a serial column
//   re-created as an identity column (Django 4.1+ creates those);
// - a column back at the end of its table is a warning (only the physical order differs);
// - a constraint only more validated than before (a ValidateConstraint, whose
//   reverse is a no-op) is info;
// - a difference one reverse makes and a later one undoes is info.
// Silence: make the reverse operations restore exactly what the forward changed.
import type { Fingerprint } from '../observe/fingerprint.js';
import type { MigrationRecord } from '../report/model.js';
import { defineCheck, type Draft } from './facts.js';
import { patchOf, schemaDiff, summarize, type SchemaDiff } from './schema-steps.js';

type Out = Draft<'ROLLBACK_SCHEMA_MISMATCH'>;
interface StepDiff { m: MigrationRecord; name: string; diff: SchemaDiff; expected: Fingerprint; actual: Fingerprint }

export const rollbackSchemaMismatch = defineCheck({
  codes: ['ROLLBACK_SCHEMA_MISMATCH'],
  needs: 'run',
  phase: 'backward',
  inspect({ migrations, schema }) {
    const before = (i: number) => (i === 0 ? schema.baseline : schema.forward[i - 1]);
    // The reverted steps in the order they ran: newest migration first.
    const steps: StepDiff[] = migrations.flatMap((m, i) => {
      const expected = before(i);
      const actual = schema.backward[i];
      if (m.backward.status !== 'reverted' || !expected || !actual) return [];
      return [{ m, name: `${m.app}.${m.migration}`, diff: schemaDiff(expected, actual), expected, actual }];
    }).reverse();
    const last = steps.at(-1);
    if (!last) return [];
    const end = schemaDiff(last.expected, last.actual);
    const owner = (has: (d: SchemaDiff) => boolean) => steps.find((s) => has(s.diff)) ?? last;
    const out: Out[] = [];
    for (const s of steps) {
      const removed = end.removed.filter((l) => owner((d) => d.removed.includes(l)) === s);
      const added = end.added.filter((l) => owner((d) => d.added.includes(l)) === s);
      if (removed.length || added.length) out.push(broken(s, removed, added));
      for (const r of end.renamed.filter((x) => owner((d) => d.renamed.some((y) => y.to === x.to)) === s)) out.push(renamed(s, r));
      for (const v of end.validity.filter((x) => owner((d) => d.validity.some((y) => y.to === x.to)) === s)) out.push(validated(s, v.to));
      for (const e of end.equivalent.filter((x) => owner((d) => d.equivalent.some((y) => y.to === x.to)) === s)) out.push(autoincrement(s, e));
      for (const r of end.reordered.filter((x) => owner((d) => d.reordered.some((y) => y.table === x.table)) === s)) out.push(reordered(s, r));
      const transient = [...s.diff.removed.filter((l) => !end.removed.includes(l)), ...s.diff.added.filter((l) => !end.added.includes(l))];
      if (transient.length) out.push(undone(s, transient));
    }
    return out;
  },
});

const where = (s: StepDiff) => ({ app: s.m.app, migration: s.m.migration });
const bare = (table: string) => table.replace(/^public\./, '');

function broken(s: StepDiff, removed: string[], added: string[]): Out {
  return {
    code: 'ROLLBACK_SCHEMA_MISMATCH', severity: 'error', ...where(s),
    message:
      `after reversing ${s.name} the schema differs from before it` +
      (removed.length ? `; missing: ${summarize(removed)}` : '') +
      (added.length ? `; left behind: ${summarize(added)}` : ''),
    hint: 'make the reverse restore exactly what the forward changed (see the attached diff)',
    details: { missing: removed, extra: added },
    patch: { name: `rollback-${s.name}.diff`, text: patchOf(s.expected, s.actual, ['before', 'after reverting']) },
  };
}

function renamed(s: StepDiff, r: SchemaDiff['renamed'][number]): Out {
  return {
    code: 'ROLLBACK_SCHEMA_MISMATCH', severity: 'warning', ...where(s), table: bare(r.table),
    message: `after rolling back, the ${r.kind} ${r.names[0]} on ${r.table} is back with the same definition under another name: ${r.names[1]}`,
    hint: 'harmless for Django; only code that names it (ON CONFLICT ON CONSTRAINT, raw SQL, monitoring) can notice',
    details: { kind: r.kind, before: r.names[0], after: r.names[1] },
  };
}

function autoincrement(s: StepDiff, e: { from: string; to: string }): Out {
  const column = /^column (\S+)/.exec(e.to)?.[1] ?? 'a column';
  return {
    code: 'ROLLBACK_SCHEMA_MISMATCH', severity: 'warning', ...where(s),
    message: `after rolling back, ${column} counts up the other way: ${/IDENTITY/.test(e.to) ? 'an identity column' : 'a serial default'} now, ` +
      `${/IDENTITY/.test(e.from) ? 'an identity column' : 'a serial default'} in the snapshot (the reverse re-created it with today's Django)`,
    hint: 'harmless for Django; code that names the sequence (pg_get_serial_sequence, setval on a hard-coded name) can notice',
    details: { before: e.from, after: e.to },
  };
}

function validated(s: StepDiff, line: string): Out {
  return {
    code: 'ROLLBACK_SCHEMA_MISMATCH', severity: 'info', ...where(s),
    message: `after reversing ${s.name} a constraint stays validated that was NOT VALID before (${line}): stricter, and the reverse of ValidateConstraint is a no-op`,
    details: { constraint: line },
  };
}

function reordered(s: StepDiff, r: SchemaDiff['reordered'][number]): Out {
  const moved = r.after.filter((c, idx) => r.before[idx] !== c && r.before.indexOf(c) < idx).slice(-3);
  return {
    code: 'ROLLBACK_SCHEMA_MISMATCH', severity: 'warning', ...where(s), table: bare(r.table),
    message: `after reversing ${s.name}, ${r.table} has its columns in another order (${moved.join(', ') || 'a column'} came back at the end)`,
    hint: 'harmless for Django; only code relying on column position (SELECT *, COPY without columns) notices',
    details: { before: r.before, after: r.after },
  };
}

function undone(s: StepDiff, lines: string[]): Out {
  return {
    code: 'ROLLBACK_SCHEMA_MISMATCH', severity: 'info', ...where(s),
    message: `reversing ${s.name} alone does not restore the schema before it (${summarize(lines)}); a later reverse does, so the full rollback ends right, but a partial one to this point would not`,
    details: { differences: lines },
  };
}
