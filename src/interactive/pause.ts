// The pause between changes: after each migration (or only after a failure),
// the live view steps aside and the person chooses: continue, look at the
// findings so far, open psql on the work database as the run left it, or stop
// (everything is torn down, as on Ctrl-C).
import type { Cleanup } from '../cleanup.js';
import type { Terminal } from '../cli/lifecycle.js';
import { InterruptedError } from '../errors.js';
import type { PauseHook } from '../pipeline.js';
import type { Policy } from '../policy.js';
import { findingsSoFar } from '../rehearsal.js';
import type { Asker } from './prompts.js';
import { findingLine } from './review.js';
import { urlOf } from '../env.js';
import { openPsql } from './shell.js';

export function pauseHook(mode: 'each' | 'failure', ask: Asker, terminal: Terminal, cleanup: Cleanup, policy: Policy): PauseHook {
  return async ({ change, ok, session, state }) => {
    if (mode === 'failure' && ok) return;
    await terminal.suspend();
    const what = `${change.phase} ${change.app ? `${change.app}.${change.migration}` : change.migration}: ${ok ? 'done' : 'FAILED'}`;
    for (;;) {
      const next = await ask.select<'continue' | 'findings' | 'psql' | 'stop'>(`Paused after ${what}`, [
        { name: 'continue', value: 'continue' },
        { name: 'findings so far', value: 'findings' },
        { name: 'open psql on the work database (\\q to come back)', value: 'psql' },
        { name: 'stop the rehearsal (tears everything down)', value: 'stop' },
      ]);
      if (next === 'continue') break;
      if (next === 'stop') {
        cleanup.interrupt('SIGINT');
        throw new InterruptedError('SIGINT');
      }
      if (next === 'findings') {
        const found = await findingsSoFar(session, state, policy);
        process.stderr.write(found.length ? `${found.map(findingLine).join('\n')}\n` : 'nothing found so far\n');
      } else {
        const conn = session.sandbox.conn(session.databases.work);
        process.stderr.write(`psql on ${urlOf(conn)}\n`);
        if (!(await openPsql(conn, cleanup))) process.stderr.write('no psql on this machine: connect with the URL above\n');
        cleanup.throwIfInterrupted();
      }
    }
    terminal.resume();
  };
}
