// The terminal summary on a hand-made report: history first, one block per
// migration, findings grouped by code with one fix line, a cascade told as one
// story, every count present, nothing wider than the terminal, and the verdict last.
import { describe, expect, it } from 'vitest';
import { glyphsFor } from '../../src/report/glyphs.js';
import type { Finding, Report } from '../../src/report/model.js';
import { renderSummary } from '../../src/report/summary.js';

const rows = (table: string, lost: number, references: string[] = []): Finding => ({
  code: 'DATA_LOSS_ROWS', severity: 'error', allowed: false, app: 'accounts', migration: '0002_purge', table, lost,
  message: `deletes ${lost} rows of ${table}`, hint: `pass --allow-loss ${table}, or archive them first`,
  details: references.length ? { references } : {},
});
const back = (f: Finding): Finding => ({ ...f, code: 'ROLLBACK_DATA_LOSS', hint: 'give it a reverse' });

const forward = [
  rows('accounts_user', 206),
  rows('forum_topic', 1491, ['accounts_user']),
  rows('forum_post', 13572, ['forum_topic', 'accounts_user']),
];
const report: Report = {
  schemaVersion: 1, tool: { name: 'rehearse', version: '0' }, verdict: 'fail', exitCode: 1, startedAt: '', durationMs: 1,
  plan: [{ app: 'accounts', migration: '0002_purge' }, { app: 'blog', migration: '0003_x' }],
  migrations: [
    { app: 'accounts', migration: '0002_purge', forward: { status: 'applied', ms: 10 }, backward: { status: 'reverted', ms: 5 }, reforward: { status: 'applied', ms: 9 } },
    { app: 'blog', migration: '0003_x', forward: { status: 'applied', ms: 3 }, backward: { status: 'reverted', ms: 2 }, reforward: { status: 'applied', ms: 2 } },
  ],
  tables: [],
  findings: [
    { code: 'HISTORY_GHOST', severity: 'error', allowed: false, app: 'forum', migration: '0006_gone', message: 'forum.0006_gone is recorded, its file is gone', hint: 'restore it' },
    ...forward,
    ...forward.map(back),
    { code: 'DATA_LOSS_COLUMN', severity: 'error', allowed: false, app: 'blog', migration: '0003_x', table: 'blog_page', column: 'legacy_html', lost: 1846, message: 'm', hint: 'copy it' },
  ],
};
const render = (over: Partial<Parameters<typeof renderSummary>[1]> = {}) =>
  renderSummary(report, { glyphs: glyphsFor({ LANG: 'C.UTF-8' }), width: 100, reportDir: 'reports', ...over }).trimEnd().split('\n');

describe('the terminal summary', () => {
  it('tells the cascade as one story, says a rollback restored none of it, and prints each fix once', () => {
    const out = render().join('\n');
    expect(out).toMatch(/DATA_LOSS_ROWS +accounts_user 206 → cascades: forum_topic 1,491 · forum_post 13,572/);
    expect(out).toMatch(/ROLLBACK_DATA_LOSS +same 3 tables as forward, nothing restored/);
    expect(out.match(/fix: pass --allow-loss/g)).toHaveLength(1);
  });

  it('puts history first, then the migrations in plan order, and ends with the verdict, why, and the reports', () => {
    const lines = render();
    const at = (re: RegExp) => lines.findIndex((l) => re.test(l));
    expect(at(/^History/)).toBeLessThan(at(/^accounts\.0002_purge/));
    expect(at(/^accounts\.0002_purge/)).toBeLessThan(at(/^blog\.0003_x/));
    expect(lines.at(-1)).toBe('rehearse: FAIL (exit 1): 8 errors, 0 warnings');
    expect(lines.slice(-10).join('\n')).toMatch(/FAIL: do not deploy\nwhy: [\s\S]*accounts\.0002_purge\s+\(DATA_LOSS_ROWS x3,\s+ROLLBACK_DATA_LOSS x3\)[\s\S]*reports: reports\/report\.md · reports\/junit\.xml/);
  });

  it('shows every count of the findings, and no line wider than the terminal', () => {
    const lines = render({ width: 60 });
    for (const f of report.findings.filter((x) => x.lost !== undefined)) expect(lines.join('\n')).toContain(f.lost!.toLocaleString('en-US'));
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(60);
  });

  it('falls back to plain ASCII when the terminal is not UTF-8 or NO_COLOR is set', () => {
    for (const env of [{ LANG: 'C' }, { LANG: 'en_US.UTF-8', NO_COLOR: '1' }]) {
      const out = render({ glyphs: glyphsFor(env) }).join('\n');
      expect(out).toMatch(/accounts_user 206 -> cascades: forum_topic 1,491 \| forum_post 13,572/);
      expect(out).not.toMatch(/[^\x00-\x7f]/);
    }
  });

  it('--verbose adds every finding with its full message and hint', () => {
    const out = render({ verbose: true }).join('\n');
    expect(out).toMatch(/Every finding:/);
    expect(out).toMatch(/ROLLBACK_DATA_LOSS \[error\] accounts\.0002_purge · forum_post · lost 13572\n    deletes 13572 rows of forum_post\n    fix: give it a reverse/);
  });
});
