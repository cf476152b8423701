// HISTORY_GHOST: the snapshot's django_migrations records a migration that has no
// file any more. Django ignores such rows, so nothing fails -- but the schema the
// file made is in production and the code no longer knows how it got there (or how
// to undo it). Leftovers of a removed app or of squashed originals whose squash is
// on disk are normal housekeeping debt: warnings. Originals of a squash production
// applied only in part are named with everything that has to come back (restoring
// one file is not enough; see HISTORY_SQUASH_PARTIAL). A file deleted from an
// installed app is an error. Silence: restore the file, or delete the row once the
// schema is accounted for.
import { keyOf } from '../django/introspection.js';
import { defineCheck, type Draft } from './facts.js';
import { partialSquashes, type PartialSquash } from './squashes.js';

type Ghost = Draft<'HISTORY_GHOST'>;

export const historyGhost = defineCheck({
  codes: ['HISTORY_GHOST'],
  needs: 'static',
  phase: 'history',
  inspect({ intro }) {
    const disk = new Set(intro.disk.map(([a, n]) => keyOf(a, n)));
    const installed = new Set(intro.apps.map((a) => a.label));
    const replacedBy = new Map<string, string>();
    for (const s of intro.squashes) for (const [a, n] of s.replaces) replacedBy.set(keyOf(a, n), keyOf(s.app, s.name));
    const partial = new Map(partialSquashes(intro).map((p) => [keyOf(p.squash.app, p.squash.name), p]));
    return intro.appliedRows.filter(([a, n]) => !disk.has(keyOf(a, n))).map(([app, name]): Ghost => {
      const key = keyOf(app, name);
      const squash = replacedBy.get(key);
      if (!installed.has(app)) return removedApp(app, name);
      if (squash) return squashedOriginal(app, name, squash, partial.get(squash));
      return {
        code: 'HISTORY_GHOST', severity: 'error', app, migration: name,
        message: `${key} is recorded as applied in production, but its file is not in the project`,
        hint: `restore ${app}/migrations/${name}.py, or write a migration that accounts for what it made and delete the row`,
        details: { reason: 'deleted-file' },
      };
    });
  },
});

function removedApp(app: string, name: string): Ghost {
  return {
    code: 'HISTORY_GHOST', severity: 'warning', app, migration: name,
    message: `${app}.${name} is recorded as applied, but the app "${app}" is no longer installed`,
    hint: `if ${app}'s tables are gone or unused, delete its rows from django_migrations after the deploy`,
    details: { reason: 'removed-app' },
  };
}

function squashedOriginal(app: string, name: string, squash: string, partial: PartialSquash | undefined): Ghost {
  const base = { code: 'HISTORY_GHOST', severity: 'warning', app, migration: name } as const;
  if (!partial) {
    return {
      ...base,
      message: `${app}.${name} is recorded as applied, but its file was deleted; ${squash} replaces it`,
      hint: 'normal after squashing; delete the rows of the squashed originals once every environment has the squash',
      details: { reason: 'squashed-original', replacedBy: squash },
    };
  }
  return {
    ...base,
    message: `${app}.${name} is recorded as applied, but its file was deleted; ${squash} replaces it, and production has not applied all of that squash's originals`,
    hint: `restoring this one file is not enough: ${partial.missing.join(', ')} must come back too (keep a squash's originals until every environment has applied all of them)`,
    details: { reason: 'squashed-original', replacedBy: squash, missing: partial.missing },
  };
}
