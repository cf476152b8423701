// --report-dir, made ready before anything starts: a path that is a file, lies
// under one, or cannot be written is a usage error (exit 2) now, not after the
// whole rehearsal. Made one component at a time: Node's recursive mkdir spins
// forever on some pseudo-filesystem paths (/proc/...).
import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.js';

export function prepareReportDir(dir: string): void {
  const abs = path.resolve(dir);
  if (/^\/(proc|sys|dev)(\/|$)/.test(abs)) throw new UsageError(`--report-dir ${dir}: not on a pseudo-filesystem (/proc, /sys, /dev)`);
  const parts = abs.split(path.sep).filter(Boolean);
  let at: string = path.sep;
  for (const part of parts) {
    at = path.join(at, part);
    const st = statSync(at, { throwIfNoEntry: false });
    if (st && !st.isDirectory()) throw new UsageError(`--report-dir ${dir}: ${at} is a file, not a directory`);
    if (st) continue;
    try {
      mkdirSync(at);
    } catch (err) {
      throw new UsageError(`--report-dir ${dir}: cannot create ${at} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
  }
  try {
    accessSync(abs, constants.W_OK);
  } catch {
    throw new UsageError(`--report-dir ${dir}: not writable`);
  }
}
