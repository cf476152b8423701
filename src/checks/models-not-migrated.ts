// MODELS_NOT_MIGRATED: after the forward run, the release's models need a table
// or column the migrated database does not have: a forgotten makemigrations, a
// migration file left out of the release, a squash that production applied
// only in part (Django then applies neither it nor its originals). Everything
// passes until the deployed code queries the model, and crashes. Read from
// Django's model meta (managed, concrete fields, db_table, column) and compared
// with the catalog; unmanaged models, proxies and models the project's routers
// send to another database are skipped. Silence: add the missing migration.
import { defineCheck, type Draft } from './facts.js';

/** db_table as Django takes it: "table", or the '"schema"."table"' quoting trick. */
function tableOf(dbTable: string): { schema?: string; table: string } {
  const m = /^"([^"]+)"\."([^"]+)"$/.exec(dbTable);
  return m ? { schema: m[1]!, table: m[2]! } : { table: dbTable };
}

export const modelsNotMigrated = defineCheck({
  codes: ['MODELS_NOT_MIGRATED'],
  needs: 'run',
  phase: 'forward',
  inspect({ models, schema }) {
    const tables = schema.afterForward;
    if (!models || !tables) return [];
    const out: Draft<'MODELS_NOT_MIGRATED'>[] = [];
    for (const m of models) {
      const { schema: ns, table } = tableOf(m.table);
      const key = Object.keys(tables).find((k) => (ns ? k === `${ns}.${table}` : k === `public.${table}`))
        ?? Object.keys(tables).find((k) => k.endsWith(`.${table}`));
      const where = { app: m.app, table, ...(ns && ns !== 'public' ? { schema: ns } : {}) };
      if (!key) {
        out.push({
          code: 'MODELS_NOT_MIGRATED', severity: 'error', ...where,
          message: `${m.app}.${m.model} needs the table ${table}, which the migrated database does not have: the deployed code would crash on it`,
          hint: `run \`python manage.py makemigrations ${m.app}\` and ship the migration (or restore the one that creates it)`,
          details: { model: m.model, missing: 'table' },
        });
        continue;
      }
      const have = new Set(tables[key]);
      for (const column of m.columns.filter((c) => !have.has(c))) {
        out.push({
          code: 'MODELS_NOT_MIGRATED', severity: 'error', ...where, column,
          message: `${m.app}.${m.model} needs the column ${table}.${column}, which the migrated database does not have: the deployed code would crash on it`,
          hint: `run \`python manage.py makemigrations ${m.app}\` and ship the migration (or restore the one that adds it)`,
          details: { model: m.model, missing: 'column' },
        });
      }
    }
    return out;
  },
});
