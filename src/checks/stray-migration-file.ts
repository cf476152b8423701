// STRAY_MIGRATION_FILE: a file in a migrations folder that Django will never load
// (0007_x.py.disabled, .bak, .orig, _draft.py, ~backup.py). Someone switched a
// migration off by renaming it; whatever it did in some database is now invisible
// to the history. A warning: it does not break the deploy, but it is how ghosts are
// born. Silence: delete the file, or restore it as a real migration.
import path from 'node:path';
import { defineCheck, type Draft } from './facts.js';

export const strayMigrationFile = defineCheck({
  codes: ['STRAY_MIGRATION_FILE'],
  needs: 'static',
  phase: 'history',
  inspect({ intro, projectDir }) {
    const out: Draft<'STRAY_MIGRATION_FILE'>[] = [];
    for (const app of intro.apps) {
      if (!app.migrationsPath) continue;
      // Only the project's own apps: site-packages is not the team's to fix.
      const rel = path.relative(projectDir, app.migrationsPath);
      if (rel.startsWith('..') || path.isAbsolute(rel)) continue;
      const loaded = new Set(intro.disk.filter(([a]) => a === app.label).map(([, n]) => n));
      for (const file of app.stray) {
        const stem = file.replace(/\.py.*$/, '').replace(/\..*$/, '');
        const number = /^(\d{4})_/.exec(stem)?.[1];
        const twin = number ? [...loaded].find((n) => n.startsWith(number + '_') && n !== stem) : undefined;
        out.push({
          code: 'STRAY_MIGRATION_FILE',
          severity: 'warning',
          app: app.label,
          migration: stem,
          message:
            `${path.join(rel, file)} is in ${app.label}'s migrations folder but Django will not load it` +
            (twin ? `; it shares the number ${number} with ${twin}` : ''),
          hint: 'delete it, or restore it as a migration (renumbered) if production ran it',
          details: { file: path.join(rel, file), ...(twin ? { sharesNumberWith: twin } : {}) },
        });
      }
    }
    return out;
  },
});
