// A blank cluster per server version: made by initdb once, then copied for
// each run (0.1 s against 0.6 s for initdb here). It holds nothing of any
// snapshot: the superuser, whose password every run rotates as soon as its
// server is up, and the rows of the sandbox's two databases, empty
// (BLANK_DATABASES), so that no run waits for a CREATE DATABASE. So it is kept
// even where the template cache is off (CI). It lives under the cache dir:
// ROOT/blank/<version>-<uid>-<layout>/{data/, password}, written under a
// partial name and renamed into place, 0700.
//
// Where overlays can be mounted (./overlay.ts), a run copies only what lies
// outside base/, some 70 files: each database's directory (some 300 files
// each) is an overlay mount whose lower layer is the blank's, never written.
// Creating files is what costs on a disk that has just deleted many (see
// README, What it costs): 0.1-0.2 s against 0.45-1.0 s here for the copy.
import { chmodSync, chownSync, existsSync, linkSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, copyFileSync, constants } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { copyTree } from '../../copy-tree.js';
import { mountOverlay, mountsUnder, unmountUnder, upperOf, type OverlayOptions } from './overlay.js';
import type { PgBin } from './pgbin.js';

/** Bump when initdb's arguments, or what the blank holds, change: a blank made otherwise is not this one. */
const LAYOUT = 'v2';

export interface Blank {
  dataDir: string;
  password: string;
}

/** A database directory of a run's cluster mounted over the blank's. */
export interface BlankMount {
  target: string;
  lower: string;
  upper: string;
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
  async copyTo(blank: Blank, dest: string, mounts?: { layers: string; owner?: OverlayOptions['owner'] }): Promise<BlankMount[] | undefined> {
    try {
      if (mounts) {
        const made = await mountedCopy(blank.dataDir, dest, mounts.layers, mounts.owner).catch(() => undefined);
        if (made) return made;
        await unmountUnder(dest);
        rmSync(dest, { recursive: true, force: true });
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

/** The blank's files outside base/ copied, each of its databases mounted; undefined where a mount is refused. */
async function mountedCopy(from: string, dest: string, layers: string, owner: OverlayOptions['owner']): Promise<BlankMount[] | undefined> {
  const same = (dir: string, like: string) => {
    const st = statSync(like);
    mkdirSync(dir, { mode: st.mode & 0o7777 });
    chownSync(dir, st.uid, st.gid);
    chmodSync(dir, st.mode & 0o7777);
  };
  same(dest, from);
  const top = readdirSync(from).filter((n) => n !== 'base').map((n) => path.join(from, n));
  const r = await execa('cp', ['-a', '--reflink=auto', ...top, dest], { reject: false });
  if (r.exitCode !== 0) throw new Error(r.stderr.trim().split('\n').pop() || 'cp failed');
  same(path.join(dest, 'base'), path.join(from, 'base'));
  const made = await Promise.all(readdirSync(path.join(from, 'base')).map(async (n) => {
    const mount = { target: path.join(dest, 'base', n), lower: path.join(from, 'base', n), upper: upperOf(path.join(layers, `overlay-base-${n}`)) };
    same(mount.target, mount.lower);
    return (await mountOverlay(mount.lower, mount.target, path.join(layers, `overlay-base-${n}`), { owner, hideInitFile: false })) ? mount : undefined;
  }));
  return made.every((m) => m !== undefined) ? made as BlankMount[] : undefined;
}

/**
 * A database directory mounted over the blank's made into a plain one, the
 * mount gone (the server stopped): the upper layer's files moved in, the
 * blank's others linked (a link copies nothing, and nothing writes a catalog's
 * file in place where a run's cluster was kept: see ../../cache/template-cache.ts),
 * what the run removed left out.
 */
export async function flattenBlankMount(m: BlankMount): Promise<void> {
  // One the run took away already (a clone replaced it) is not the blank's any more.
  if (!mountsUnder(m.target).some((x) => x.point === m.target)) return;
  await unmountUnder(m.target);
  const upper = new Set(readdirSync(m.upper));
  for (const name of upper) {
    const st = lstatSync(path.join(m.upper, name));
    // A whiteout (a character device 0/0): the file was removed.
    if (!(st.isCharacterDevice() && st.rdev === 0)) renameSync(path.join(m.upper, name), path.join(m.target, name));
  }
  for (const name of readdirSync(m.lower)) {
    if (upper.has(name)) continue;
    const from = path.join(m.lower, name);
    const to = path.join(m.target, name);
    try {
      linkSync(from, to);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
      copyFileSync(from, to, constants.COPYFILE_FICLONE);
      const st = statSync(from);
      chownSync(to, st.uid, st.gid);
      chmodSync(to, st.mode & 0o7777);
    }
  }
  // A database dropped while mounted (PostgreSQL cannot remove a mount point) leaves nothing.
  if (!readdirSync(m.target).length) rmSync(m.target, { recursive: true, force: true });
}
