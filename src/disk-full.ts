// A full disk shows up as whatever failed first (pg_restore's COPY, the server's
// "could not extend file", a write of ours), each in its own words. They all
// mean one thing the person can act on: say that, and where.
import os from 'node:os';
import { CannotRehearseError } from './errors.js';

const FULL = /No space left on device|ENOSPC|could not extend file|wrote only \d+ of \d+ bytes/i;

/** The disk-full reading of an error's line, or undefined when it is something else. */
export function diskFull(line: string, sandboxKind: string | undefined): CannotRehearseError | undefined {
  if (!FULL.test(line)) return undefined;
  const where = sandboxKind === 'docker' ? "the Docker engine's disk: free some there (docker system df)"
    : sandboxKind === 'server' ? "the server's disk: free some there, or use --sandbox local"
      : `the disk of ${os.tmpdir()}: free some, or point TMPDIR at a bigger one (rehearse doctor --snapshot FILE says how much it needs)`;
  return new CannotRehearseError(`no space left on ${where}`);
}
