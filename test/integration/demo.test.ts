// The README's first command, end to end: `npm run demo` builds the example's
// venv and snapshot, rehearses release 1, and the gate halts it with the audit's
// findings. Expected counts are computed independently from the snapshot itself.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cleanup } from '../../src/cleanup.js';
import { LocalSandbox } from '../../src/sandbox/local/cluster.js';
import { detectSnapshot } from '../../src/snapshot/detect.js';
import { restoreSnapshot } from '../../src/snapshot/restore.js';
import type { Finding, Report } from '../../src/report/model.js';
import { ROOT } from '../helpers/paths.js';

const out = mkdtempSync(path.join(os.tmpdir(), 'rehearse-test-demo-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

async function demo(args: string[]): Promise<{ exitCode: number; report: Report; stdout: string }> {
  const dir = path.join(out, args.join('_') || 'r1');
  const r = await execa('node', [path.join(ROOT, 'scripts', 'demo.mjs'), ...args, '--report-dir', dir], {
    reject: false, env: { CI: 'true' },
  });
  return { exitCode: r.exitCode ?? -1, stdout: r.stdout, report: JSON.parse(readFileSync(path.join(dir, 'report.json'), 'utf8')) };
}

/** The truth, read from the snapshot with plain SQL. */
async function expectedCounts(): Promise<Record<string, number>> {
  const cleanup = new Cleanup();
  try {
    const box = await LocalSandbox.start(cleanup);
    await restoreSnapshot(await detectSnapshot(path.join(ROOT, '.cache', 'demo', 'forum-blog.dump')), box, 'truth');
    const c = new pg.Client(box.conn('truth'));
    await c.connect();
    const q = async (sql: string) => Number((await c.query<{ n: string }>(sql)).rows[0]!.n);
    const spam = 'SELECT id FROM accounts_user WHERE is_flagged_spam';
    const topics = `SELECT id FROM forum_topic WHERE poster_id IN (${spam})`;
    const counts = {
      accounts_user: await q(`SELECT count(*) AS n FROM (${spam}) s`),
      forum_topic: await q(`SELECT count(*) AS n FROM (${topics}) t`),
      forum_post: await q(`SELECT count(*) AS n FROM forum_post WHERE poster_id IN (${spam}) OR topic_id IN (${topics})`),
      forum_integration_richforumpost: await q(`SELECT count(*) AS n FROM forum_integration_richforumpost WHERE topic_id IN (${topics})`),
      legacy_html: await q('SELECT count(legacy_html) AS n FROM blog_blogpage'),
      null_topic_pages: await q('SELECT count(*) AS n FROM blog_blogpage WHERE forum_topic_id IS NULL'),
      // Trust scores the recalculation (2.5 a post, at most 100) changes; it runs before the purge.
      scores: await q(`SELECT count(*) AS n FROM forum_integration_trustlevel t
        LEFT JOIN (SELECT poster_id, count(*) AS n FROM forum_post GROUP BY poster_id) p ON p.poster_id = t.user_id
        WHERE t.score IS NOT NULL AND t.score <> LEAST(100.0, coalesce(p.n, 0) * 2.5)`),
    };
    await c.end();
    return counts;
  } finally {
    await cleanup.drain();
  }
}

describe('npm run demo', () => {
  let r1: Awaited<ReturnType<typeof demo>>;
  let truth: Record<string, number>;
  beforeAll(async () => {
    r1 = await demo([]);
    truth = await expectedCounts();
  }, 600_000);

  const one = (code: string, pred: (f: Finding) => boolean) => r1.report.findings.filter((f) => f.code === code && pred(f));

  it('halts release 1 with exit 1', () => {
    expect(r1.exitCode).toBe(1);
    expect(r1.report.verdict).toBe('fail');
    expect(r1.stdout).toContain('rehearse: FAIL');
  });

  it('sums it up on one screen, without losing a count', () => {
    const lines = r1.stdout.trimEnd().split('\n');
    expect(lines.length).toBeLessThanOrEqual(50);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(120);
    for (const f of r1.report.findings.filter((x) => x.lost !== undefined)) expect(r1.stdout).toContain(f.lost!.toLocaleString('en-US'));
    expect(lines.slice(-10).join('\n')).toMatch(/FAIL: do not deploy[\s\S]*why:[\s\S]*accounts\.0002_purge_spam_accounts/);
  });

  it('names the ghost 0006 and the stray .disabled 0007', () => {
    expect(one('HISTORY_GHOST', (f) => f.migration === '0006_richforumpost' && f.severity === 'error')).toHaveLength(1);
    expect(one('STRAY_MIGRATION_FILE', (f) => f.migration === '0007_forumintegratedblogpage')).toHaveLength(1);
  });

  it('counts the cascade of the spam purge exactly, per table', () => {
    const lost = (table: string) => one('DATA_LOSS_ROWS', (f) => f.table === table && f.migration === '0002_purge_spam_accounts')[0]?.lost;
    expect(truth.accounts_user).toBe(206);
    expect(lost('accounts_user')).toBe(truth.accounts_user);
    expect(lost('forum_integration_trustlevel')).toBe(truth.accounts_user);
    expect(lost('forum_topic')).toBe(truth.forum_topic);
    expect(lost('forum_post')).toBe(truth.forum_post);
    expect(lost('forum_integration_richforumpost')).toBe(truth.forum_integration_richforumpost);
    expect(lost('forum_integration_reviewqueue')).toBeGreaterThan(0);
    expect(lost('forum_integration_moderationlog')).toBeGreaterThan(0);
  });

  it('names the irreversible migration and the dropped column with its count', () => {
    expect(one('IRREVERSIBLE', (f) => f.migration === '0007_recalculate_trust_scores')).toHaveLength(1);
    // Its rewrite of every score is a warning: the irreversibility is the error.
    expect(one('DATA_OVERWRITTEN', (f) => f.table === 'forum_integration_trustlevel' && f.column === 'score')[0]).toMatchObject({
      severity: 'warning', migration: '0007_recalculate_trust_scores', lost: truth.scores,
    });
    expect(one('DATA_LOSS_COLUMN', (f) => f.table === 'forum_integration_trustlevel')).toEqual([]);
    const [col] = one('DATA_LOSS_COLUMN', (f) => f.table === 'blog_blogpage' && f.column === 'legacy_html');
    expect(col?.lost).toBe(truth.legacy_html);
    expect(col?.migration).toBe('0008_remove_blogpage_legacy_html');
  });

  it('shows what rolling back would not bring back, where the rollback could reach', () => {
    const back = (table: string, column?: string) =>
      one('ROLLBACK_DATA_LOSS', (f) => f.table === table && (column === undefined || f.column === column))[0];
    expect(back('forum_post')).toMatchObject({ migration: '0002_purge_spam_accounts', lost: truth.forum_post });
    expect(back('blog_blogpage', 'legacy_html')).toMatchObject({ migration: '0008_remove_blogpage_legacy_html', lost: truth.legacy_html });
    // Trust levels are still rewritten by the irreversible 0007: not expected back.
    expect(back('forum_integration_trustlevel')).toBeUndefined();
  });

  it('release 2 fails on production rows only', async () => {
    const r2 = await demo(['--release', '2']);
    expect(r2.exitCode).toBe(1);
    const [f] = r2.report.findings.filter((x) => x.code === 'MIGRATION_FAILED');
    expect(f).toMatchObject({ app: 'blog', migration: '0010_blogpage_forum_topic_required', table: 'blog_blogpage', column: 'forum_topic_id' });
    expect(f!.message).toMatch(/contains null values/);
    expect(truth.null_topic_pages).toBeGreaterThan(0);
  }, 600_000);
});
