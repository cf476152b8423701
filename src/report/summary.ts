// The readable summary printed on stdout at the end of a run, read by a person:
// history findings first, then one block per migration in plan order (its
// forward, backward and reforward on the header line, its findings grouped by
// code, one fix line per group), then what concerns the release as a whole.
// The last lines are the verdict, why, and where the reports are. Every count
// of report.json's findings appears; --verbose adds every finding in full.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Finding, MigrationRecord, Report } from './model.js';
import { blocking } from './model.js';
import { styles, wrap, type Glyphs, type Styles } from './glyphs.js';
import { groupsOf, type Group } from './summary-groups.js';

export interface SummaryOptions {
  quiet?: boolean;
  /** --verbose: every finding with its full message and hint, after the blocks. */
  verbose?: boolean;
  color?: boolean;
  glyphs: Glyphs;
  /** Lines are laid out to this width (the terminal's). */
  width?: number;
  reportDir?: string | undefined;
}

interface Ctx {
  g: Glyphs;
  c: Styles;
  width: number;
  /** Fix lines already printed: a later group with the same fix does not repeat it. */
  hinted: Set<string>;
}

const HISTORY = /^(HISTORY_|CONFLICTING_LEAVES|STRAY_MIGRATION_FILE)/;

export function verdictLine(r: Report): string {
  const errors = r.findings.filter(blocking).length;
  const warnings = r.findings.filter((f) => f.severity === 'warning' && !f.allowed).length;
  const allowed = r.findings.filter((f) => f.allowed).length;
  const counts = [
    `${errors} error${errors === 1 ? '' : 's'}`,
    `${warnings} warning${warnings === 1 ? '' : 's'}`,
    ...(allowed ? [`${allowed} allowed`] : []),
  ].join(', ');
  if (r.verdict === 'error') return `rehearse: ERROR: could not rehearse (exit ${r.exitCode}): ${r.error ?? ''}`.trim();
  return `rehearse: ${r.verdict === 'pass' ? 'PASS' : 'FAIL'} (exit ${r.exitCode}): ${counts}`;
}

function stepCell(ctx: Ctx, name: string, s: { status: string; ms?: number }): string {
  const { g, c } = ctx;
  const ms = s.ms !== undefined ? ` ${Math.round(s.ms)} ms` : '';
  switch (s.status) {
    case 'applied': return `${name} ${c.green(g.ok)}${ms}`;
    case 'reverted': return `${name} ${c.green(g.back)}${ms}`;
    case 'not-run': return c.dim(`${name} -`);
    default: return `${name} ${c.red(`${g.fail} ${s.status}`)}${ms}`;
  }
}

/** The migration's name, then its phases: each a word of its own, so a narrow terminal breaks between them. */
function header(ctx: Ctx, m: MigrationRecord, r: Report): string[] {
  if (r.mode === 'plan') return [`${ctx.c.bold(`${m.app}.${m.migration}`)}  ${ctx.c.dim('pending (plan: read, not run)')}`];
  const cells = [stepCell(ctx, 'forward', m.forward), stepCell(ctx, 'backward', m.backward), stepCell(ctx, 'reforward', m.reforward)];
  const name = `${m.app}.${m.migration}`;
  // Laid out on the plain text (colour codes take no room on screen), then coloured.
  const plain = cells.map((cell) => cell.replace(/\x1b\[[0-9;]*m/g, ''));
  const words = plain.map((cell, i) => (i < plain.length - 1 ? `${cell} ${ctx.g.sep}` : cell));
  const lines = wrap(`${name}  `, words, ctx.width, 4);
  let i = 0;
  return lines.map((line) => {
    let out = line.replace(name, ctx.c.bold(name));
    for (; i < plain.length && out.includes(plain[i]!); i++) out = out.replace(plain[i]!, cells[i]!);
    return out;
  });
}

function groupLines(ctx: Ctx, grp: Group): string[] {
  const { c } = ctx;
  const tint = grp.allowed ? c.dim : grp.severity === 'error' ? c.red : grp.severity === 'warning' ? c.yellow : c.dim;
  const label = `  ${grp.code.padEnd(24)} `;
  const lines: string[] = [];
  grp.items.forEach((item, i) => {
    const first = i === 0 ? label : ' '.repeat(label.length);
    const wrapped = wrap(first, item.split(' '), ctx.width, label.length);
    if (i === 0) wrapped[0] = `  ${tint(grp.code.padEnd(24))} ${wrapped[0]!.slice(label.length)}`;
    lines.push(...wrapped);
  });
  if (grp.allowed) lines.push(c.dim(`${' '.repeat(label.length)}(allowed by policy)`));
  if (grp.hint && !ctx.hinted.has(grp.hint)) {
    ctx.hinted.add(grp.hint);
    lines.push(...wrap(' '.repeat(label.length), ['fix:', ...grp.hint.split(' ')], ctx.width, label.length + 5).map(c.dim));
  }
  return lines;
}

function block(ctx: Ctx, title: string[], findings: Finding[], r: Report): string[] {
  const groups = groupsOf(findings, r, ctx.g);
  return [...title, ...groups.flatMap((grp) => groupLines(ctx, grp))];
}

/** The last lines: whether to deploy, why not, and where the reports are. */
function tail(ctx: Ctx, r: Report, reportDir: string | undefined, notes: number): string[] {
  const { c } = ctx;
  const lines = [c.dim(ctx.g.rule.repeat(Math.min(ctx.width, 60)))];
  const stop = r.findings.filter(blocking);
  if (r.verdict === 'pass' && r.mode === 'plan') lines.push(c.bold(c.green('PASS: nothing in the files or the history stops it; `rehearse run` measures the data')));
  else if (r.verdict === 'pass') lines.push(c.bold(c.green('PASS: the deploy may go ahead')));
  else {
    lines.push(c.bold(c.red('FAIL: do not deploy')));
    // Why, by migration: the codes that stop the deploy, and how many.
    const byWhere = new Map<string, Map<string, number>>();
    for (const f of stop) {
      const where = f.migration ? `${f.app}.${f.migration}` : f.app ?? 'the release';
      const codes = byWhere.get(where) ?? new Map<string, number>();
      byWhere.set(where, codes.set(f.code, (codes.get(f.code) ?? 0) + 1));
    }
    // Words that never break apart: a code and its count.
    const words = [...byWhere].flatMap(([where, codes], w) => {
      const list = [...codes].map(([code, n]) => `${code}${n > 1 ? ` x${n}` : ''}`);
      return [`${where}`, ...list.map((x, i) => `${i === 0 ? '(' : ''}${x}${i === list.length - 1 ? `)${w < byWhere.size - 1 ? ';' : ''}` : ','}`)];
    });
    lines.push(...wrap('why: ', words, ctx.width, 5));
  }
  if (r.rollbackMs !== undefined && r.migrations.every((m) => m.backward.status === 'reverted' || m.forward.status !== 'applied')) {
    lines.push(`a rollback of this release would take ~${(r.rollbackMs / 1000).toFixed(1)} s (the backward run, on the snapshot)`);
  }
  // A playbook's own steps and invariants, in one line: the proof a runbook wants.
  const extra = [
    ...(r.steps ?? []).map((s) => `${s.step} ${s.ok ? ctx.g.ok : ctx.g.fail}`),
    ...(r.invariants?.length ? [`invariants held ${r.invariants.filter((i) => i.holds).length} of ${r.invariants.length} time(s)`] : []),
  ];
  if (extra.length) lines.push(...wrap('playbook: ', extra.map((x, i) => (i < extra.length - 1 ? `${x} ${ctx.g.sep}` : x)), ctx.width, 10));
  const noted = notes ? `${notes} info note${notes === 1 ? '' : 's'}` : '';
  if (reportDir) {
    const words = [`${path.join(reportDir, 'report.md')} ${ctx.g.sep}`, path.join(reportDir, 'junit.xml'), ...(noted ? [`(and ${noted})`] : [])];
    lines.push(...wrap('reports: ', words, ctx.width, 9));
  } else if (noted) {
    lines.push(ctx.c.dim(`${noted} (${r.mode === 'plan' ? 'lint notes' : 'lint worries measured harmless, and the like'}): --verbose shows them`));
  }
  lines.push(r.verdict === 'pass' ? c.bold(c.green(verdictLine(r))) : c.bold(c.red(verdictLine(r))));
  return lines;
}

export function renderSummary(r: Report, opts: SummaryOptions): string {
  const ctx: Ctx = { g: opts.glyphs, c: styles(opts.color ?? false), width: Math.max(60, opts.width ?? 120), hinted: new Set() };
  if (r.verdict === 'error') return `${verdictLine(r)}\n`;
  const inPlan = new Set(r.migrations.map((m) => `${m.app}.${m.migration}`));
  // Notes without a count (a lint worry measured harmless) are in report.md; --verbose shows them here too.
  const notes = r.findings.filter((f) => f.severity === 'info' && f.lost === undefined);
  const shown = { ...r, findings: opts.verbose ? r.findings : r.findings.filter((f) => !notes.includes(f)) };
  const history = shown.findings.filter((f) => HISTORY.test(f.code) || (f.migration && !inPlan.has(`${f.app}.${f.migration}`)));
  const whole = shown.findings.filter((f) => !history.includes(f) && !(f.migration && inPlan.has(`${f.app}.${f.migration}`)));
  const lines: string[] = [];
  if (!opts.quiet && r.snapshot) {
    const about = `snapshot ${r.snapshot.path} (${r.snapshot.format}${r.snapshot.serverVersion ? `, PostgreSQL ${r.snapshot.serverVersion}` : ''})` +
      (r.sandbox ? ` ${ctx.g.sep} sandbox ${r.sandbox.kind}, PostgreSQL ${r.sandbox.serverVersion}` : '') +
      (r.django ? ` ${ctx.g.sep} Django ${r.django.version}` : '');
    lines.push(...wrap('', about.split(' '), ctx.width, 2).map(ctx.c.dim), '');
  }
  // Blocks follow each other without blank lines: their headers stand at the margin, their findings indented.
  if (history.length) lines.push(...block(ctx, [ctx.c.bold('History')], history, r));
  if (!opts.quiet && r.migrations.length === 0) lines.push('No pending migrations.');
  for (const m of r.migrations) {
    const mine = shown.findings.filter((f) => !history.includes(f) && f.app === m.app && f.migration === m.migration);
    if (opts.quiet && !mine.length) continue;
    lines.push(...block(ctx, header(ctx, m, r), mine, r));
  }
  if (whole.length) lines.push(...block(ctx, [ctx.c.bold('The release as a whole')], whole, r));
  if (opts.verbose && r.findings.length) lines.push('', ...findingLines(r.findings, ctx.c));
  lines.push(...diffs(ctx, r, opts));
  const hidden = opts.verbose ? 0 : notes.length;
  lines.push(...(opts.quiet ? [verdictLine(r)] : tail(ctx, r, opts.reportDir, hidden)));
  return `${lines.join('\n')}\n`;
}

/** --verbose: every finding with its full message and hint. */
function findingLines(findings: Finding[], c: Styles): string[] {
  const lines = [c.bold('Every finding:')];
  for (const f of findings) {
    const where = [f.migration ? `${f.app}.${f.migration}` : f.app, f.table ? `${f.table}${f.column ? `.${f.column}` : ''}` : undefined,
      f.lost !== undefined ? `lost ${f.lost}` : undefined].filter(Boolean).join(' · ');
    lines.push(`  ${f.code} [${f.severity}${f.allowed ? ', allowed' : ''}]${where ? ` ${where}` : ''}`, `    ${f.message}`);
    if (f.hint) lines.push(c.dim(`    fix: ${f.hint}`));
    if (f.diff) lines.push(c.dim(`    diff: ${f.diff}`));
  }
  return lines;
}

/** On a terminal the schema diffs are shown inline, coloured; logs get their paths in report.md. */
function diffs(ctx: Ctx, r: Report, opts: SummaryOptions): string[] {
  if (!opts.color || !opts.reportDir) return [];
  const lines: string[] = [];
  for (const f of r.findings.filter((x) => x.diff)) {
    lines.push('', ctx.c.bold(f.diff!));
    for (const l of readFileSync(path.join(opts.reportDir, f.diff!), 'utf8').split('\n')) {
      lines.push(l.startsWith('+') && !l.startsWith('+++') ? ctx.c.green(l) : l.startsWith('-') && !l.startsWith('---') ? ctx.c.red(l) : l);
    }
  }
  return lines;
}
