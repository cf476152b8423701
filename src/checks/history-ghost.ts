// HISTORY_GHOST: the snapshot's django_migrations records a migration that has no
// file any more. Django ignores such rows, so nothing fails -- but the schema the
// file made is in production and the code no longer knows how it got there (or how
// to undo it). Leftovers of a removed app or of squashed originals whose squash is
// on disk are normal housekeeping debt: warnings. A file deleted from an installed
// app is an error. Silence: restore the file, or delete the row once the schema is
// accounted for.
import { keyOf } from '../django/introspection.js';
import { defineCheck, type Draft } from './facts.js';

export const historyGhost = defineCheck({
  codes: ['HISTORY_GHOST'],
  needs: 'static',
  phase: 'history',
  inspect({ intro }) {
    const disk = new Set(intro.disk.map(([a, n]) => keyOf(a, n)));
    const installed = new Set(intro.apps.map((a) => a.label));
    const replacedBy = new Map<string, string>();
    for (const node of intro.nodes) {
      for (const [a, n] of node.replaces) replacedBy.set(keyOf(a, n), keyOf(node.app, node.name));
    }
    const out: Draft<'HISTORY_GHOST'>[] = [];
    for (const [app, name] of intro.appliedRows) {
      const key = keyOf(app, name);
      if (disk.has(key)) continue;
      if (!installed.has(app)) {
        out.push({
          code: 'HISTORY_GHOST', severity: 'warning', app, migration: name,
          message: `${key} is recorded as applied, but the app "${app}" is no longer installed`,
          hint: `if ${app}'s tables are gone or unused, delete its rows from django_migrations after the deploy`,
          details: { reason: 'removed-app' },
        });
      } else if (replacedBy.has(key)) {
        out.push({
          code: 'HISTORY_GHOST', severity: 'warning', app, migration: name,
          message: `${key} is recorded as applied, but its file was deleted; ${replacedBy.get(key)} replaces it`,
          hint: 'normal after squashing; delete the rows of the squashed originals once every environment has the squash',
          details: { reason: 'squashed-original', replacedBy: replacedBy.get(key) },
        });
      } else {
        out.push({
          code: 'HISTORY_GHOST', severity: 'error', app, migration: name,
          message: `${key} is recorded as applied in production, but its file is not in the project`,
          hint: `restore ${app}/migrations/${name}.py from version control, or write a migration that accounts for what it created and delete the row`,
          details: { reason: 'deleted-file' },
        });
      }
    }
    return out;
  },
});
