// Shared by the history checks: a squash's row in django_migrations is
// bookkeeping that stands for its originals, and a squash production applied
// only in part (with the rest of its originals gone) can never be finished.
import type { Introspection, MigrationKey } from '../django/introspection.js';
import { keyOf } from '../django/introspection.js';

export type Squash = Introspection['squashes'][number];

/** A set of recorded migrations with every squash row replaced by the originals it stands for. */
export function expandSquashes(rows: readonly MigrationKey[], squashes: readonly Squash[]): Set<string> {
  const out = new Set(rows.map(([a, n]) => keyOf(a, n)));
  for (const s of squashes) {
    if (!out.delete(keyOf(s.app, s.name))) continue;
    for (const [a, n] of s.replaces) out.add(keyOf(a, n));
  }
  return out;
}

export interface PartialSquash {
  squash: Squash;
  /** Originals production applied. */
  applied: string[];
  /** Originals it did not apply that are no longer in the project. */
  missing: string[];
}

/** Squashes production applied in part whose remaining originals are gone: Django will apply neither. */
export function partialSquashes(intro: Introspection): PartialSquash[] {
  const applied = new Set(intro.appliedRows.map(([a, n]) => keyOf(a, n)));
  const disk = new Set(intro.disk.map(([a, n]) => keyOf(a, n)));
  return intro.squashes.flatMap((squash) => {
    const originals = squash.replaces.map(([a, n]) => keyOf(a, n));
    const done = originals.filter((k) => applied.has(k));
    const missing = originals.filter((k) => !applied.has(k) && !disk.has(k));
    return done.length > 0 && done.length < originals.length && missing.length > 0 ? [{ squash, applied: done, missing }] : [];
  });
}
