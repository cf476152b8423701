// The readable summary printed on stdout at the end of a run: the verdict in one
// line, the migrations with their forward/backward/reforward outcome, then the
// findings grouped by severity with what to do about each. Plain text, no escapes.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Finding, MigrationRecord, Report } from './model.js';
import { blocking } from './model.js';

/** ANSI styles, or nothing: the plain text must read the same without them. */
function styles(on: boolean) {
  const wrap = (open: number, close: number) => (s: string) => (on ? `\x1b[${open}m${s}\x1b[${close}m` : s);
  return { red: wrap(31, 39), green: wrap(32, 39), yellow: wrap(33, 39), dim: wrap(2, 22), bold: wrap(1, 22) };
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

function cell(step: { status: string; ms?: number }): string {
  return step.ms !== undefined && step.status !== 'not-run' ? `${step.status} ${Math.round(step.ms)} ms` : step.status;
}

function where(f: Finding): string {
  const parts: string[] = [];
  if (f.app) parts.push(f.migration ? `${f.app}.${f.migration}` : f.app);
  if (f.table) parts.push(f.column ? `${f.table}.${f.column}` : f.table);
  if (f.lost !== undefined) parts.push(`lost ${f.lost}`);
  return parts.length ? ` [${parts.join(' · ')}]` : '';
}

export function verdictLine(r: Report): string {
  const errors = r.findings.filter(blocking).length;
  const warnings = r.findings.filter((f) => f.severity === 'warning').length;
  const allowed = r.findings.filter((f) => f.allowed).length;
  const counts = [
    `${errors} error${errors === 1 ? '' : 's'}`,
    `${warnings} warning${warnings === 1 ? '' : 's'}`,
    ...(allowed ? [`${allowed} allowed`] : []),
  ].join(', ');
  if (r.verdict === 'error') return `rehearse: ERROR: could not rehearse (exit ${r.exitCode}): ${r.error ?? ''}`.trim();
  return `rehearse: ${r.verdict === 'pass' ? 'PASS' : 'FAIL'} (exit ${r.exitCode}): ${counts}`;
}

function migrationTable(ms: MigrationRecord[]): string[] {
  if (ms.length === 0) return ['No pending migrations.'];
  const names = ms.map((m) => `${m.app}.${m.migration}`);
  const w = Math.max(9, ...names.map((n) => n.length)) + 2;
  const lines = [`${pad('Migration', w)}${pad('forward', 18)}${pad('backward', 22)}reforward`];
  ms.forEach((m, i) => {
    lines.push(`${pad(names[i]!, w)}${pad(cell(m.forward), 18)}${pad(cell(m.backward), 22)}${cell(m.reforward)}`);
  });
  return lines;
}

export function findingLines(findings: Finding[], color = false): string[] {
  const c = styles(color);
  const lines: string[] = [];
  const groups: Array<[string, Finding[]]> = [
    ['Errors (stop the deploy)', findings.filter(blocking)],
    ['Warnings', findings.filter((f) => f.severity === 'warning' && !f.allowed)],
    ['Allowed by policy', findings.filter((f) => f.allowed)],
    ['Info', findings.filter((f) => f.severity === 'info' && !f.allowed)],
  ];
  for (const [title, group] of groups) {
    if (group.length === 0) continue;
    lines.push('', c.bold(`${title}:`));
    for (const f of group) {
      const tint = blocking(f) ? c.red : f.severity === 'warning' && !f.allowed ? c.yellow : c.dim;
      lines.push(`  ${tint(f.code)}${where(f)}`, `    ${f.message}`);
      if (f.hint) lines.push(c.dim(`    fix: ${f.hint}`));
      if (f.diff) lines.push(c.dim(`    diff: ${f.diff}`));
    }
  }
  return lines;
}

export function renderSummary(r: Report, opts: { quiet?: boolean; color?: boolean; reportDir?: string | undefined } = {}): string {
  const c = styles(opts.color ?? false);
  const verdict = verdictLine(r);
  const lines = [r.verdict === 'pass' ? c.bold(c.green(verdict)) : c.bold(c.red(verdict))];
  if (!opts.quiet) {
    if (r.snapshot) {
      lines.push(
        `snapshot: ${r.snapshot.path} (${r.snapshot.format}${r.snapshot.serverVersion ? `, PostgreSQL ${r.snapshot.serverVersion}` : ''})` +
          (r.sandbox ? ` · sandbox: ${r.sandbox.kind}, PostgreSQL ${r.sandbox.serverVersion}` : '') +
          (r.django ? ` · Django ${r.django.version}` : ''),
      );
    }
    if (r.verdict !== 'error') lines.push('', ...migrationTable(r.migrations));
  }
  lines.push(...findingLines(r.findings, opts.color));
  // On a terminal the schema diffs are shown inline, coloured; logs get their paths.
  if (opts.color && opts.reportDir) {
    for (const f of r.findings.filter((x) => x.diff)) {
      lines.push('', c.bold(f.diff!));
      for (const l of readFileSync(path.join(opts.reportDir, f.diff!), 'utf8').split('\n')) {
        lines.push(l.startsWith('+') && !l.startsWith('+++') ? c.green(l) : l.startsWith('-') && !l.startsWith('---') ? c.red(l) : l);
      }
    }
  }
  return lines.join('\n') + '\n';
}
