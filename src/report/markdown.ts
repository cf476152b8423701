// report.md: a Markdown summary fit for a pull-request comment or a CI job
// summary. Names, counts and hints only; diffs are linked, not inlined.
import type { Finding, MigrationRecord, Report } from './model.js';
import { blocking } from './model.js';
import { count } from '../format.js';
import { verdictLine } from './summary.js';

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const code = (s: string) => '`' + s.replace(/`/g, "'") + '`';

function step(s: { status: string; ms?: number }): string {
  const icon: Record<string, string> = {
    applied: '✅', reverted: '↩️', failed: '❌', irreversible: '⛔', 'not-run': '—',
  };
  if (s.status === 'not-run') return '—';
  return `${icon[s.status] ?? ''} ${s.status}${s.ms !== undefined ? ` ${Math.round(s.ms)} ms` : ''}`;
}

function migrations(ms: MigrationRecord[]): string[] {
  if (ms.length === 0) return ['No pending migrations.'];
  return [
    '| Migration | Forward | Backward | Reforward |',
    '| --- | --- | --- | --- |',
    ...ms.map((m) => `| ${code(`${m.app}.${m.migration}`)} | ${step(m.forward)} | ${step(m.backward)} | ${step(m.reforward)} |`),
  ];
}

function findings(title: string, list: Finding[]): string[] {
  if (list.length === 0) return [];
  return [
    '', `### ${title}`, '',
    '| Code | Migration | Table.column | Lost | What happened | What to do |',
    '| --- | --- | --- | ---: | --- | --- |',
    ...list.map((f) =>
      [
        code(f.code),
        f.app ? code(f.migration ? `${f.app}.${f.migration}` : f.app) : '',
        f.table ? code(f.column ? `${f.table}.${f.column}` : f.table) : '',
        f.lost !== undefined ? String(f.lost) : '',
        cell(f.message) + (f.diff ? ` ([diff](${f.diff}))` : ''),
        cell(f.hint ?? ''),
      ].join(' | ').replace(/^/, '| ').replace(/$/, ' |'),
    ),
  ];
}

/** A bar as long as the lock was held, against the longest one. */
function bar(ms: number, max: number): string {
  return '█'.repeat(Math.max(1, Math.round((ms / Math.max(max, 1)) * 20)));
}

/** Which migration holds which table, for how long: the locks that block the application's reads or writes. */
function lockTimeline(r: Report): string[] {
  const rows = r.migrations.flatMap((m) => (['forward', 'backward'] as const).flatMap((dir) =>
    (m[dir].locks ?? []).filter((l) => l.blocks !== 'other DDL only').map((l) => ({ m, dir, l, wal: m[dir].wal }))));
  if (!rows.length) return [];
  const max = Math.max(...rows.map((x) => x.l.heldMs));
  return [
    '', '### Locks that block the application (measured per statement, on the snapshot)', '',
    '| Migration | Direction | Table | Lock | Blocks | Held | Rows | Rewritten | |', '| --- | --- | --- | --- | --- | ---: | ---: | --- | --- |',
    ...rows.map(({ m, dir, l }) => `| ${code(`${m.app}.${m.migration}`)} | ${dir} | ${code(l.table)} | ${l.mode} | ${l.blocks} | ` +
      `${count(Math.round(l.heldMs))} ms | ${l.rows >= 0 ? `~${count(l.rows)}` : '—'} | ${l.rewritten ? 'yes' : 'no'} | ${bar(l.heldMs, max)} |`),
  ];
}

export function renderMarkdown(r: Report): string {
  const head = r.verdict === 'pass' ? '✅' : r.verdict === 'fail' ? '❌' : '⚠️';
  const lines = [`## ${head} ${verdictLine(r).replace(/^rehearse: /, 'rehearse: ')}`, ''];
  if (r.snapshot) {
    lines.push(
      `Snapshot ${code(r.snapshot.path.split('/').pop() ?? r.snapshot.path)} (${r.snapshot.format}` +
        `${r.snapshot.serverVersion ? `, PostgreSQL ${r.snapshot.serverVersion}` : ''})` +
        (r.sandbox ? ` · sandbox ${r.sandbox.kind}, PostgreSQL ${r.sandbox.serverVersion}` : '') +
        (r.django ? ` · Django ${r.django.version}` : ''),
      '',
    );
  }
  if (r.verdict === 'error') return [...lines, `Could not rehearse: ${r.error ?? ''}`, ''].join('\n');
  lines.push(...migrations(r.migrations));
  lines.push(...lockTimeline(r));
  lines.push(...findings('Errors: these stop the deploy', r.findings.filter(blocking)));
  lines.push(...findings('Warnings', r.findings.filter((f) => f.severity === 'warning' && !f.allowed)));
  lines.push(...findings('Allowed by policy', r.findings.filter((f) => f.allowed)));
  lines.push(...findings('Info', r.findings.filter((f) => f.severity === 'info' && !f.allowed)));
  if (r.tables.length) {
    lines.push('', '### Tables the migrations touched (exact row counts)', '',
      '| Table | Before | After forward | After rollback |', '| --- | ---: | ---: | ---: |',
      ...r.tables.map((t) => `| ${code(t.table)} | ${t.rowsBefore ?? '—'} | ${t.rowsAfterForward ?? '—'} | ${t.rowsAfterBackward ?? '—'} |`),
      '', 'Every other table was proven untouched (same relfilenode, columns and tuple counters).');
  }
  return lines.join('\n') + '\n';
}
