// Shared by the rollback and reforward schema checks: compare, step by step, the
// schema a step produced with the one it should have produced, and attribute
// each difference to the first step that introduced it (later steps carry it
// along and are not blamed again).
import { createTwoFilesPatch } from 'diff';
import { compareFingerprints, fingerprintText, type Fingerprint } from '../observe/fingerprint.js';

export interface StepPair {
  index: number;
  expected: Fingerprint;
  actual: Fingerprint;
}

export interface StepMismatch {
  index: number;
  removed: string[];
  added: string[];
  reordered: Array<{ table: string; before: string[]; after: string[] }>;
  patch: string;
}

export function stepMismatches(pairs: StepPair[], labels: [string, string]): StepMismatch[] {
  const out: StepMismatch[] = [];
  let seen = new Set<string>();
  for (const p of pairs) {
    const cmp = compareFingerprints(p.expected, p.actual);
    const now = new Set([
      ...cmp.removed.map((l) => '-' + l),
      ...cmp.added.map((l) => '+' + l),
      ...cmp.reordered.map((r) => `~${r.table}:${r.after.join(',')}`),
    ]);
    const removed = cmp.removed.filter((l) => !seen.has('-' + l));
    const added = cmp.added.filter((l) => !seen.has('+' + l));
    const reordered = cmp.reordered.filter((r) => !seen.has(`~${r.table}:${r.after.join(',')}`));
    seen = now;
    if (!removed.length && !added.length && !reordered.length) continue;
    const patch = createTwoFilesPatch(
      labels[0], labels[1], fingerprintText(p.expected), fingerprintText(p.actual), undefined, undefined, { context: 2 },
    );
    out.push({ index: p.index, removed, added, reordered, patch });
  }
  return out;
}

export function summarize(lines: string[], max = 3): string {
  const shown = lines.slice(0, max).join('; ');
  return lines.length > max ? `${shown}; and ${lines.length - max} more` : shown;
}
