// A copy of a kept cluster (the blank, ./blank-cluster.ts, or a cached
// template, ../../cache/template-cache.ts) that copies only what lies outside
// base/, some 70 files: each database's directory (some 300 files each) is an
// overlay mount (./overlay.ts) whose lower layer is the kept one's, never
// written. Creating files is what costs on a disk that has just deleted many
// (see README, What it costs); a mount creates none until a file is written.
//
// The files `share` picks are hard links in the upper layer instead: the run
// writes them in place, as a plain copy's links would be (a cached template's
// big restored files, which a copy-up on the first hint bit written would copy
// whole).
import { constants, copyFileSync, linkSync, lstatSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { copyInto, keepAttributes, type CopiedBytes } from '../../copy-tree.js';
import { diskUsage } from '../tmp.js';
import { mountOverlay, mountsUnder, unmountUnder, upperOf, type OverlayOptions } from './overlay.js';

/** A database directory of a run's cluster, mounted over a kept cluster's. */
export interface MountedDir {
  target: string;
  lower: string;
  upper: string;
}

export interface MountedCopy {
  mounts: MountedDir[];
  /** Linked: the shared files; copied: what lies outside base/; the rest is only mounted. */
  bytes: CopiedBytes & { mountedBytes: number };
}

/**
 * `from` copied to `dest`, its databases' directories mounted (their layers
 * made under `layers`); undefined, with nothing left at `dest`, where a mount
 * is refused or the copy fails.
 */
export async function mountedCopy(from: string, dest: string, layers: string, o: MountOptions = {}): Promise<MountedCopy | undefined> {
  const made = await mountAll(from, dest, layers, o).catch(() => undefined);
  if (made) return made;
  await unmountUnder(dest);
  rmSync(dest, { recursive: true, force: true });
  return undefined;
}

interface MountOptions {
  owner?: OverlayOptions['owner'];
  /** Files (by their path under the cluster, and their size) linked into the upper layer. */
  share?: (rel: string, bytes: number) => boolean;
}

async function mountAll(from: string, dest: string, layers: string, o: MountOptions): Promise<MountedCopy | undefined> {
  const same = (dir: string, like: string) => {
    mkdirSync(dir);
    keepAttributes(dir, statSync(like));
  };
  same(dest, from);
  // base/pgsql_tmp and the like are copied with the rest: only databases' directories are mounted.
  const [databases, rest] = partition(readdirSync(path.join(from, 'base')), (n) => /^\d+$/.test(n));
  await copyInto(readdirSync(from).filter((n) => n !== 'base').map((n) => path.join(from, n)), dest);
  same(path.join(dest, 'base'), path.join(from, 'base'));
  await copyInto(rest.map((n) => path.join(from, 'base', n)), path.join(dest, 'base'));
  const bytes = { linkedBytes: 0, copiedBytes: diskUsage(dest), mountedBytes: 0 };
  const mounts = await Promise.all(databases.map(async (n) => {
    const dir = path.join(layers, `overlay-base-${n}`);
    const m: MountedDir = { target: path.join(dest, 'base', n), lower: path.join(from, 'base', n), upper: upperOf(dir) };
    same(m.target, m.lower);
    mkdirSync(m.upper, { recursive: true, mode: 0o700 });
    for (const f of readdirSync(m.lower)) {
      const st = lstatSync(path.join(m.lower, f));
      if (!st.isFile()) continue;
      if (o.share?.(path.join('base', n, f), st.size)) {
        linkSync(path.join(m.lower, f), path.join(m.upper, f));
        bytes.linkedBytes += st.size;
      } else {
        bytes.mountedBytes += st.size;
      }
    }
    return (await mountOverlay(m.lower, m.target, dir, { owner: o.owner, hideInitFile: false })) ? m : undefined;
  }));
  return mounts.every((m) => m !== undefined) ? { mounts: mounts as MountedDir[], bytes } : undefined;
}

/**
 * A database directory mounted over the blank's made into a plain one, the
 * mount gone (the server stopped): the upper layer's files moved in, the
 * blank's others linked (a link copies nothing, and nothing writes a catalog's
 * file in place where a run's cluster was kept: see ../../cache/template-cache.ts),
 * what the run removed left out. One whose mount a thin clone replaced
 * (an empty database's row, never opened) is the blank's again.
 */
export async function flattenMount(m: MountedDir): Promise<void> {
  const mounted = mountsUnder(m.target).some((x) => x.point === m.target);
  await unmountUnder(m.target);
  mkdirSync(m.target, { recursive: true, mode: 0o700 });
  const upper = new Set(mounted ? readdirSync(m.upper) : []);
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
      keepAttributes(to, statSync(from));
    }
  }
  keepAttributes(m.target, statSync(m.lower));
}

function partition<T>(xs: T[], p: (x: T) => boolean): [T[], T[]] {
  return [xs.filter(p), xs.filter((x) => !p(x))];
}
