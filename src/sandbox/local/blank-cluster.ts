// A blank cluster per server version: made by initdb once, then copied for
// each run (0.1 s against 0.6 s for initdb here). It holds nothing of any
// snapshot: the superuser, whose password every run rotates as soon as its
// server is up, and the rows of the sandbox's two databases, empty
// (BLANK_DATABASES), so that no run waits for a CREATE DATABASE. So it is kept
// even where the template cache is off (CI). It lives under the cache dir:
// ROOT/blank/<version>-<uid>-<layout>/{data/, password}, written under a
// partial name and renamed into place, 0700.
//
// Where overlays can be mounted, a run copies only what lies outside base/
// (./mounted-copy.ts): 0.1-0.2 s against 0.45-1.0 s here for the whole copy.
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { copyTree } from '../../copy-tree.js';
import { mountedCopy, type MountedDir } from './mounted-copy.js';
import { unmountUnder, type OverlayOptions } from './overlay.js';
import type { PgBin } from './pgbin.js';

/** Bump when initdb's arguments, or what the blank holds, change: a blank made otherwise is not this one. */
const LAYOUT = 'v2';

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

  /**
   * Copy a blank into `dest`: with `mounts`, its databases' directories are
   * overlay mounts (their layers made under `mounts.layers`) where every mount
   * can be made, and copied otherwise. The mounts made; undefined when it could
   * not be copied (the caller runs initdb instead).
   */
  async copyTo(blank: Blank, dest: string, mounts?: { layers: string; owner?: OverlayOptions['owner'] }): Promise<MountedDir[] | undefined> {
    try {
      if (mounts) {
        const made = await mountedCopy(blank.dataDir, dest, mounts.layers, { owner: mounts.owner });
        if (made) return made.mounts;
      }
      await copyTree(blank.dataDir, dest);
      return [];
    } catch {
      await unmountUnder(dest);
      rmSync(dest, { recursive: true, force: true });
      return undefined;
    }
  }

  /**
   * Keep a freshly made cluster, shut down cleanly, as the blank for its
   * version (one of an older layout goes). Best effort: a failure only costs
   * the next run an initdb.
   */
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
      const stem = path.basename(final).slice(0, -LAYOUT.length);
      const older = (n: string) => n.startsWith(stem) && /^v\d+$/.test(n.slice(stem.length)) && Number(n.slice(stem.length + 1)) < Number(LAYOUT.slice(1));
      for (const n of readdirSync(this.root).filter(older)) rmSync(path.join(this.root, n), { recursive: true, force: true });
    } catch {
      /* another run kept it first, or no room: initdb next time */
    } finally {
      rmSync(partial, { recursive: true, force: true });
    }
  }
}
