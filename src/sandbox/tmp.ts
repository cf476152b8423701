// Every temp dir a run creates is named rehearse-[kind-]<pid>-XXXXXX, so that
// `doctor --clean` can tell a killed run's leftovers (pid gone) from a live run's.
import { lstatSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const tmpPrefix = (kind = '') => `rehearse-${kind}${process.pid}-`;
const LEFTOVER = /^rehearse-(?:[a-z]+-)?(\d+)-[A-Za-z0-9]{6}$/;

/** A private temp dir of this run (0700 by mkdtemp). */
export function makeTempDir(kind = '', root = os.tmpdir()): string {
  return mkdtempSync(path.join(root, tmpPrefix(kind)));
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Temp dirs whose rehearse process is gone. */
export function leftoverDirs(): Array<{ dir: string; pid: number }> {
  const tmp = os.tmpdir();
  const out: Array<{ dir: string; pid: number }> = [];
  for (const name of readdirSync(tmp)) {
    const m = LEFTOVER.exec(name);
    if (m && !alive(Number(m[1]))) out.push({ dir: path.join(tmp, name), pid: Number(m[1]) });
  }
  return out;
}

/** Remove these leftover temp dirs, all of them by default (a provider stops what still runs in them first). */
export function sweepTempDirs(dirs = leftoverDirs()): string[] {
  return dirs.map(({ dir }) => {
    rmSync(dir, { recursive: true, force: true });
    return `removed ${dir}`;
  });
}

/** Bytes under `dir` (what can be read of it). */
export function diskUsage(dir: string): number {
  let total = 0;
  const walk = (d: string) => {
    let names: string[];
    try {
      names = readdirSync(d);
    } catch {
      return;
    }
    for (const n of names) {
      const p = path.join(d, n);
      try {
        const st = lstatSync(p);
        if (st.isDirectory()) walk(p);
        else total += st.size;
      } catch {
        /* gone meanwhile */
      }
    }
  };
  walk(dir);
  return total;
}
