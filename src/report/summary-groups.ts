// The terminal summary's groups: a migration's findings grouped by code, each
// group a few items and one fix line. Rows a migration deleted are told as one
// story (the table it deleted from, then what ON DELETE CASCADE took with it),
// and a rollback that restores none of it says so in one line. No count is
// dropped: every `lost` of the findings is in an item.
import type { Finding, Report, Severity } from './model.js';
import { count } from '../format.js';
import type { Glyphs } from './glyphs.js';

export interface Group {
  code: string;
  /** The worst severity in the group. */
  severity: Severity;
  /** Every finding of the group is allowed by policy. */
  allowed: boolean;
  items: string[];
  hint?: string;
}

const RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };
const place = (f: Finding) => `${f.table ?? ''}${f.column ? `.${f.column}` : ''}`;

export function groupsOf(findings: Finding[], r: Report, g: Glyphs): Group[] {
  const byCode = new Map<string, Finding[]>();
  for (const f of findings) byCode.set(f.code, [...(byCode.get(f.code) ?? []), f]);
  return [...byCode].map(([code, fs]) => ({
    code,
    severity: fs.map((f) => f.severity).sort((a, b) => RANK[a] - RANK[b])[0]!,
    allowed: fs.every((f) => f.allowed),
    items: itemsOf(code, fs, r, g),
    ...(fs.find((f) => f.hint) ? { hint: fs.find((f) => f.hint)!.hint! } : {}),
  })).sort((a, b) => RANK[a.severity] - RANK[b.severity]);
}

function itemsOf(code: string, fs: Finding[], r: Report, g: Glyphs): string[] {
  if (code === 'DATA_LOSS_ROWS') return cascades(fs, g);
  if (code === 'ROLLBACK_DATA_LOSS') return rollback(fs, r, g);
  if (fs.every((f) => f.table && f.lost !== undefined)) return [fs.map((f) => `${place(f)} ${count(f.lost!)}`).join(` ${g.sep} `)];
  return fs.map((f) => f.message);
}

/** The tables a step deleted from directly, each followed by the tables its deletion cascaded to. */
function cascades(fs: Finding[], g: Glyphs): string[] {
  const tables = new Set(fs.map((f) => f.table!));
  const refs = (f: Finding) => ((f.details?.references as string[] | undefined) ?? []).filter((t) => tables.has(t));
  const roots = fs.filter((f) => refs(f).length === 0);
  if (roots.length === 0) return [fs.map((f) => `${f.table} ${count(f.lost!)}`).join(` ${g.sep} `)];
  const rootOf = (f: Finding, seen = new Set<string>()): string => {
    const up = refs(f)[0];
    const parent = fs.find((x) => x.table === up);
    if (!parent || seen.has(parent.table!)) return f.table!;
    return roots.includes(parent) ? parent.table! : rootOf(parent, seen.add(f.table!));
  };
  return roots.map((root) => {
    const children = fs.filter((f) => f !== root && !roots.includes(f) && rootOf(f) === root.table);
    const head = `${root.table} ${count(root.lost!)}`;
    return children.length ? `${head} ${g.arrow} cascades: ${children.map((f) => `${f.table} ${count(f.lost!)}`).join(` ${g.sep} `)}` : head;
  });
}

/** What the rollback does not bring back; "nothing restored" when it is exactly what the forward run lost. */
function rollback(fs: Finding[], r: Report, g: Glyphs): string[] {
  const forward = new Map(r.findings
    .filter((f) => /^DATA_LOSS_/.test(f.code) && f.app === fs[0]!.app && f.migration === fs[0]!.migration)
    .map((f) => [place(f), f.lost]));
  const same = fs.filter((f) => forward.get(place(f)) === f.lost);
  const other = fs.filter((f) => !same.includes(f));
  const items: string[] = [];
  if (same.length > 1) items.push(`same ${same.length} ${same.every((f) => !f.column) ? 'tables' : 'places'} as forward, nothing restored`);
  else other.unshift(...same);
  items.push(...other.map((f) => `${place(f)} ${count(f.lost!)}`));
  return [items.join(` ${g.sep} `)];
}
