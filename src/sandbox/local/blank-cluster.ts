// A blank cluster per server version: made by initdb once, then copied for
// each run (0.1 s against 0.6 s for initdb here). It holds nothing of any
// snapshot, only the superuser, whose password every run rotates as soon as its
// server is up. So it is kept even where the template cache is off (CI). It
// lives under the cache dir: ROOT/blank/<version>-<uid>-<layout>/{data/, password},
// written under a partial name and renamed into place, 0700.
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { copyTree } from '../../copy-tree.js';
import type { PgBin } from './pgbin.js';

/** Bump when initdb's arguments change: a blank made with others is not this one. */
const LAYOUT = 'v1';

export interface Blank {
  dataDir: string;
  password: string;
}

export class BlankClusters {
  constructor(private readonly root: string) {}

  private dirOf(bin: PgBin): string {
    return path.join(this.root, `${bin.version}-${process.getuid?.() ?? 0}-${LAYOUT}`);
  }

  find(bin: PgBin): Blank | undefined {
    const dir = this.dirOf(bin);
    try {
      const password = readFileSync(path.join(dir, 'password'), 'utf8');
      return existsSync(path.join(dir, 'data', 'PG_VERSION')) ? { dataDir: path.join(dir, 'data'), password } : undefined;
    } catch {
      return undefined;
    }
  }

  /** Copy a blank into `dest`; false when it could not be (the caller runs initdb instead). */
  async copyTo(blank: Blank, dest: string): Promise<boolean> {
    try {
      await copyTree(blank.dataDir, dest);
      return true;
    } catch {
      rmSync(dest, { recursive: true, force: true });
      return false;
    }
  }

  /** Keep a freshly made, never started cluster as the blank for its version. Best effort: a failure only costs the next run an initdb. */
  async keep(bin: PgBin, dataDir: string, password: string): Promise<void> {
    const final = this.dirOf(bin);
    if (existsSync(final)) return;
    const partial = `${final}.partial-${process.pid}`;
    try {
      mkdirSync(this.root, { recursive: true, mode: 0o700 });
      chmodSync(this.root, 0o700);
      mkdirSync(partial, { mode: 0o700 });
      await copyTree(dataDir, path.join(partial, 'data'));
      writeFileSync(path.join(partial, 'password'), password, { mode: 0o600 });
      renameSync(partial, final);
    } catch {
      /* another run kept it first, or no room: initdb next time */
    } finally {
      rmSync(partial, { recursive: true, force: true });
    }
  }
}
