// --approve: a person at the terminal of a deploy script decides. When the
// verdict is fail, or there are warnings, ask "deploy anyway?" and record the
// answer, who gave it and when in report.json (`approval`). The answer decides
// the exit code: yes is 0, no is 1. Without a terminal it never asks; the
// verdict decides, as without --approve.
import os from 'node:os';
import type { Review } from '../cli/lifecycle.js';
import { Asker } from './prompts.js';

/** Who answered: the login and the machine, and git's user.name where the environment says it. */
function who(): string {
  const git = process.env.GIT_AUTHOR_NAME ?? process.env.GIT_COMMITTER_NAME;
  return `${os.userInfo().username}@${os.hostname()}${git ? ` (${git})` : ''}`;
}

export function approvalReview(): Review | undefined {
  if (!process.stdin.isTTY || !process.stderr.isTTY) return undefined;
  return async (report, ctx) => {
    const warnings = report.findings.filter((f) => f.severity === 'warning' && !f.allowed).length;
    if (report.verdict === 'pass' && warnings === 0) return;
    const why = report.verdict === 'fail' ? 'The gate says FAIL' : `The gate passes with ${warnings} warning(s)`;
    const yes = await new Asker(ctx.cleanup).confirm(`${why}. Deploy anyway?`, false);
    report.approval = { approved: yes, by: who(), at: new Date().toISOString(), verdict: report.verdict };
    report.exitCode = yes ? 0 : 1;
    process.stderr.write(`rehearse: ${yes ? 'approved' : 'not approved'} by ${report.approval.by} (recorded in report.json); exit ${report.exitCode}\n`);
  };
}
