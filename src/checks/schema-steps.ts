// Shared by the rollback and reforward schema checks: what differs between the
// schema a run produced and the one it should have, and which step to name.
//
// Differences are judged on the end state; steps only attribute them. Indexes
// and constraints are compared by definition: one that differs only by its name
// (an older Django's or PostgreSQL's naming, re-created by a reverse under
// Django's current one) is a rename, and one that differs only by NOT VALID is a
// validity change (a reverse of ValidateConstraint is a no-op); both are set
// apart from real differences.
import { createTwoFilesPatch } from 'diff';
import { compareFingerprints, fingerprintText, type Fingerprint } from '../observe/fingerprint.js';

export interface Renamed {
  /** The line as it stood, and as it stands. */
  from: string;
  to: string;
  kind: 'index' | 'constraint';
  table: string;
  names: [before: string, after: string];
}

export interface SchemaDiff {
  removed: string[];
  added: string[];
  renamed: Renamed[];
  /** Columns whose autoincrement changed form only: a serial default then, an identity column now (Django 4.1+), or back. */
  equivalent: Array<{ from: string; to: string }>;
  /** Constraints that are only more (or less) validated than before. */
  validity: Array<{ from: string; to: string }>;
  reordered: Array<{ table: string; before: string[]; after: string[] }>;
}

const NAMED = /^(index|constraint) (\S+) ("(?:[^"]|"")+"|\S+): (.*)$/;

/** An index or constraint line without its name: its definition. */
export function definitionOf(line: string): { kind: 'index' | 'constraint'; table: string; name: string; def: string } | undefined {
  const m = NAMED.exec(line);
  if (!m) return undefined;
  const [, kind, table, name, def] = m as unknown as [string, 'index' | 'constraint', string, string, string];
  return { kind, table, name, def: kind === 'index' ? def.replace(/^(CREATE (?:UNIQUE )?INDEX )("(?:[^"]|"")+"|\S+) /, '$1') : def };
}

/** Pair removed and added lines that define the same thing; what is left is a real difference. */
function pairUp(removed: string[], added: string[], key: (l: string) => string | undefined) {
  const left = [...added];
  const pairs: Array<{ from: string; to: string }> = [];
  const rest: string[] = [];
  for (const r of removed) {
    const k = key(r);
    const i = k === undefined ? -1 : left.findIndex((a) => key(a) === k);
    if (i < 0) rest.push(r);
    else pairs.push({ from: r, to: left.splice(i, 1)[0]! });
  }
  return { pairs, removed: rest, added: left };
}

export function schemaDiff(expected: Fingerprint, actual: Fingerprint): SchemaDiff {
  const cmp = compareFingerprints(expected, actual);
  const byDef = (l: string) => {
    const d = definitionOf(l);
    return d && `${d.kind} ${d.table}: ${d.def}`;
  };
  const named = pairUp(cmp.removed, cmp.added, byDef);
  const renamed = named.pairs.map(({ from, to }) => {
    const a = definitionOf(from)!;
    return { from, to, kind: a.kind, table: a.table, names: [a.name, definitionOf(to)!.name] as [string, string] };
  });
  const valid = pairUp(named.removed, named.added, (l) => l.replace(/ NOT VALID$/, ''));
  const serial = pairUp(valid.removed, valid.added, autoincrement);
  return { removed: serial.removed, added: serial.added, renamed, validity: valid.pairs, equivalent: serial.pairs, reordered: cmp.reordered };
}

/** A column line with its autoincrement in one form, whether a serial's nextval() default or an identity. */
function autoincrement(line: string): string | undefined {
  if (!line.startsWith('column ')) return undefined;
  const same = line
    .replace(/ DEFAULT nextval\('[^']+'::regclass\)/, ' AUTOINCREMENT')
    .replace(/ GENERATED (ALWAYS|BY DEFAULT) AS IDENTITY/, ' AUTOINCREMENT');
  return same === line ? undefined : same;
}

/** Whether a diff holds anything at all. */
export function isEmpty(d: SchemaDiff): boolean {
  return !d.removed.length && !d.added.length && !d.renamed.length && !d.validity.length && !d.equivalent.length && !d.reordered.length;
}

export function patchOf(expected: Fingerprint, actual: Fingerprint, labels: [string, string]): string {
  return createTwoFilesPatch(labels[0], labels[1], fingerprintText(expected), fingerprintText(actual), undefined, undefined, { context: 2 });
}

export function summarize(lines: string[], max = 3): string {
  const shown = lines.slice(0, max).join('; ');
  return lines.length > max ? `${shown}; and ${lines.length - max} more` : shown;
}
