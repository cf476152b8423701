// One copy of a directory tree for the data directories rehearse moves around
// (blank clusters, cached templates, a template database's files): `cp -a`, so
// owners, modes and times are kept (a cluster copied as root stays the postgres
// user's), with a reflink where the filesystem has them and copy_file_range
// where it does not, both faster than a copy through this process.
import { chmodSync, chownSync, constants, copyFileSync, linkSync, lstatSync, mkdirSync, readdirSync, readlinkSync, rmSync, symlinkSync, utimesSync, type Stats } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { diskUsage } from './sandbox/tmp.js';

/** Copy `from` to `to`; throws with cp's own last line when it cannot. */
export function copyTree(from: string, to: string): Promise<void> {
  return cp([from, to]);
}

/** Copy each of `sources` into the directory `dir`, as copyTree does. */
export async function copyInto(sources: string[], dir: string): Promise<void> {
  if (sources.length) await cp([...sources, dir]);
}

async function cp(args: string[]): Promise<void> {
  const r = await execa('cp', ['-a', '--reflink=auto', ...args], { reject: false });
  if (r.exitCode !== 0) throw new Error(r.stderr.trim().split('\n').pop() || `cp exited with ${r.exitCode}`);
}

/** As cp -a leaves a copy: `dest` given the owner, mode and times of what `st` describes. */
export function keepAttributes(dest: string, st: Stats): void {
  chownSync(dest, st.uid, st.gid);
  chmodSync(dest, st.mode & 0o7777);
  utimesSync(dest, st.atime, st.mtime);
}

/** What copyTreeSharing did: bytes shared as links, and bytes copied (or reflinked). */
export interface CopiedBytes {
  linkedBytes: number;
  copiedBytes: number;
}

/**
 * Copy `from` to `to` as copyTree does, except the files `share` picks (by
 * their path under `from` and their size): those are hard links, so no byte is
 * copied and both trees hold the same file. Where a link cannot be made
 * (another filesystem), everything is copied.
 */
export async function copyTreeSharing(from: string, to: string, share: (rel: string, bytes: number) => boolean): Promise<CopiedBytes> {
  const done = { linkedBytes: 0, copiedBytes: 0 };
  try {
    copyWalk(from, to, '', share, done);
    return done;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
    rmSync(to, { recursive: true, force: true });
    await copyTree(from, to);
    return { linkedBytes: 0, copiedBytes: diskUsage(to) };
  }
}

function copyWalk(from: string, to: string, rel: string, share: (rel: string, bytes: number) => boolean, done: CopiedBytes): void {
  const src = path.join(from, rel);
  const dest = path.join(to, rel);
  const st = lstatSync(src);
  if (st.isDirectory()) {
    mkdirSync(dest, { mode: st.mode & 0o7777 });
    for (const name of readdirSync(src)) copyWalk(from, to, path.join(rel, name), share, done);
  } else if (st.isSymbolicLink()) {
    symlinkSync(readlinkSync(src), dest);
  } else if (st.isFile()) {
    if (share(rel, st.size)) {
      done.linkedBytes += st.size;
      return linkSync(src, dest);
    }
    done.copiedBytes += st.size;
    copyFileSync(src, dest, constants.COPYFILE_FICLONE);
  } else {
    return; // sockets and the like: nothing a data directory needs copied
  }
  // As cp -a: the same owner, mode and times (a link shares them already).
  if (!st.isSymbolicLink()) keepAttributes(dest, st);
}
