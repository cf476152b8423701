// A thin clone of a database's files: an overlay mount whose lower layer is the
// template database's directory and whose upper layer is this run's own. The
// work database then starts as the template's files without a byte copied; a
// file is copied up, whole, only when the work database first opens it (the
// tables the release and the checks touch), and every write stays in the upper
// layer. On a 3.2 GB template here, `cp` takes 8-12 s; this takes a mount.
//
// Linux only, and only as root (CI runs as root; mounting needs it): anywhere
// else, and wherever the mount fails (an upper layer on a filesystem overlayfs
// refuses), the caller copies the files instead.
//
// The lower layer must not change under the mount, and the template database
// is only ever read: but reading sets hint bits (harmless: a page the work
// database has not opened yet carries the same tuples either way), and a
// backend of the template writes its relcache init file (pg_internal.init)
// there. The work database must never read that one as its own: a whiteout is
// made for it in the upper layer before the server starts.
import { chownSync, existsSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';

const INIT_FILE = 'pg_internal.init';

/** Whether thin clones can be tried here at all. */
export function overlayPossible(): boolean {
  return process.platform === 'linux' && process.getuid?.() === 0 && !process.env.REHEARSE_NO_OVERLAY;
}

export interface OverlayOptions {
  /** The upper layer, and so the merged directory, belong to this user. */
  owner?: { uid: number; gid: number } | undefined;
  /**
   * Hide the lower layer's relcache init file (default true: a template's,
   * written by its own backends). A blank cluster's database has none, and its
   * directory is shared by every run: nothing may be written there.
   */
  hideInitFile?: boolean;
}

/** The upper layer of a mount made by mountOverlay with these `layers`. */
export function upperOf(layers: string): string {
  return path.join(layers, 'upper');
}

/**
 * Mount `lower` (read, never written) at `target`, with its upper and work
 * layers in `layers` (made here; on the same filesystem as each other). False
 * when the mount is refused; nothing is left mounted then.
 */
export async function mountOverlay(lower: string, target: string, layers: string, o: OverlayOptions = {}): Promise<boolean> {
  const { owner, hideInitFile = true } = o;
  if (!overlayPossible() || [lower, target, layers].some((p) => /[,:\\]/.test(p))) return false;
  const upper = upperOf(layers);
  const work = path.join(layers, 'work');
  mkdirSync(upper, { recursive: true, mode: 0o700 });
  mkdirSync(work, { recursive: true, mode: 0o700 });
  if (owner) chownSync(upper, owner.uid, owner.gid);
  // A lower init file to hide: the whiteout is made by removing it through the mount.
  const init = path.join(lower, INIT_FILE);
  if (hideInitFile && !existsSync(init)) {
    writeFileSync(init, '', { mode: 0o600 });
    if (owner) chownSync(init, owner.uid, owner.gid);
  }
  // volatile (Linux 5.10+): the upper layer is never synced, the unmount
  // included (8 ms against 130-260 ms here): its files are thrown away after.
  const options = `lowerdir=${lower},upperdir=${upper},workdir=${work}`;
  const mount = (o: string) => execa('mount', ['-t', 'overlay', 'overlay', '-o', o, target], { reject: false });
  const r = (await mount(`${options},volatile`)).exitCode === 0 ? { exitCode: 0 } : await mount(options);
  if (r.exitCode !== 0) return false;
  if (!hideInitFile) return true;
  try {
    unlinkSync(path.join(target, INIT_FILE));
  } catch {
    await unmountUnder(target);
    return false;
  }
  return true;
}

export interface Mount {
  point: string;
  /** The mount's options (an overlay's lowerdir, upperdir, workdir). */
  options: string;
}

/** The mounts at or under `dir`, the last made first: a mount on top of another, or whose lower layer is another, goes before it. */
export function mountsUnder(dir: string): Mount[] {
  if (process.platform !== 'linux' || !existsSync('/proc/self/mounts')) return [];
  const root = path.resolve(dir);
  // /proc/self/mounts escapes spaces and the like as octal.
  const unescape = (p: string) => p.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
  return readFileSync('/proc/self/mounts', 'utf8').split('\n')
    .map((l) => l.split(' '))
    .filter((f) => f.length > 3)
    .map((f) => ({ point: unescape(f[1]!), options: unescape(f[3]!) }))
    .filter((m) => m.point === root || m.point.startsWith(`${root}/`))
    .reverse();
}

/** Unmount every mount at or under `dir`, the last made first (a lazy unmount where a busy one refuses). */
export async function unmountUnder(dir: string): Promise<void> {
  for (const { point } of mountsUnder(dir)) {
    const r = await execa('umount', [point], { reject: false });
    if (r.exitCode !== 0) await execa('umount', ['-l', point], { reject: false });
  }
}
