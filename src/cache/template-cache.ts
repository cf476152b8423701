// The template cache: a restored snapshot kept between runs, so that a person
// who rehearses five times in an afternoon pays for one restore. An entry is the
// data directory of a local sandbox, shut down cleanly after a run with only the
// pristine template database in it (the work database dropped); a later run
// copies it (a reflink where the filesystem has them) and starts a server on
// the copy. The entry itself is never started.
//
// The big files of the restored tables are not copied but shared, as hard
// links (copyOut): 4 GB took 12-15 s to copy here. A run only ever reads the
// template database, whose tables are the lower layer of the work database's
// thin clone, or copied. Reading may set hint bits, which PostgreSQL can write
// back (a page evicted): they record that the restore's transactions
// committed, true in every copy of the entry, so the entry stays the same
// snapshot. Nothing else a run does writes those files: its temp tables and
// the catalogs' rows are in files of their own (catalogs are below filenode
// 16384, and copied), and the work database is a clone.
//
// Layout: ROOT/entries/KEY/{data/, meta.json, readers/PID}. An entry is written
// under a partial name and renamed into place, so a reader never sees half of
// one; a reader marks itself in readers/ while it copies, and eviction passes
// over an entry with a live reader. Everything is 0700: it is production data.
import { copyTree, copyTreeSharing, type CopiedBytes } from '../copy-tree.js';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CannotRehearseError } from '../errors.js';
import { alive, diskUsage } from '../sandbox/tmp.js';
import { mountedCopy, type MountedCopy } from '../sandbox/local/mounted-copy.js';

export interface EntryMeta {
  key: string;
  snapshot: { path: string; format: string; bytes: number };
  serverVersion: string;
  /** The superuser's password in the cached cluster (rotated on every use). */
  password: string;
  createdAt: string;
  lastUsedAt: string;
  /** On disk. */
  bytes: number;
}

export interface CacheEntry {
  dir: string;
  dataDir: string;
  meta: EntryMeta;
}

export const DEFAULT_MAX_BYTES = 20 * 1024 ** 3;

/** The restore's own relation files (base/<db>/<filenode>[.<segment>], filenode past the system's), from 1 MiB, are shared. */
const RESTORED_FILE = /^base\/\d+\/(\d+)(?:\.\d+)?$/;
const FIRST_USER_FILENODE = 16384;
function shared(rel: string, bytes: number): boolean {
  const m = RESTORED_FILE.exec(rel.split(path.sep).join('/'));
  return !!m && Number(m[1]) >= FIRST_USER_FILENODE && bytes >= (Number(process.env.REHEARSE_CACHE_SHARE_FROM_BYTES) || 1024 ** 2);
}

export function defaultCacheDir(): string {
  return path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'rehearse');
}

export class TemplateCache {
  readonly entriesDir: string;

  constructor(readonly root: string, readonly maxBytes = DEFAULT_MAX_BYTES) {
    this.entriesDir = path.join(root, 'entries');
  }

  /** Complete entries, most recently used first. */
  list(): CacheEntry[] {
    if (!existsSync(this.entriesDir)) return [];
    return readdirSync(this.entriesDir)
      .filter((n) => !n.includes('.partial-'))
      .map((n) => this.read(n))
      .filter((e): e is CacheEntry => e !== undefined)
      .sort((a, b) => b.meta.lastUsedAt.localeCompare(a.meta.lastUsedAt));
  }

  find(key: string): CacheEntry | undefined {
    return this.read(key);
  }

  /**
   * Copy an entry's data directory to `dest` (a reflink where possible; the
   * restored tables' big files linked), marked as read meanwhile so that no
   * prune removes it; its last use is now.
   */
  async copyOut(entry: CacheEntry, dest: string): Promise<CopiedBytes> {
    const release = this.markRead(entry);
    try {
      const done = await copyTreeSharing(entry.dataDir, dest, shared).catch((err: Error) => {
        throw new Error(`cannot copy the cached template: ${err.message}`);
      });
      this.writeMeta(entry.dir, { ...entry.meta, lastUsedAt: new Date().toISOString() });
      return done;
    } finally {
      release();
    }
  }

  /**
   * As copyOut, but only what lies outside base/ is copied: the databases'
   * directories are overlay mounts over the entry's, the restored tables' big
   * files linked into their upper layers (../sandbox/local/mounted-copy.ts).
   * The entry is marked as read until `release`. Undefined where a mount is refused.
   */
  async mountOut(entry: CacheEntry, dest: string, layers: string, owner?: { uid: number; gid: number }):
    Promise<(MountedCopy & { release: () => void }) | undefined> {
    const release = this.markRead(entry);
    const made = await mountedCopy(entry.dataDir, dest, layers, { owner, share: shared });
    if (!made) {
      release();
      return undefined;
    }
    this.writeMeta(entry.dir, { ...entry.meta, lastUsedAt: new Date().toISOString() });
    return { ...made, release };
  }

  /** Keep a cleanly shut-down data directory as the entry for `key` (moved, not copied, where it can be). */
  async save(key: string, dataDir: string, meta: Omit<EntryMeta, 'key' | 'createdAt' | 'lastUsedAt' | 'bytes'>): Promise<CacheEntry | undefined> {
    mkdirSync(this.entriesDir, { recursive: true, mode: 0o700 });
    chmodSync(this.root, 0o700);
    const final = path.join(this.entriesDir, key);
    if (existsSync(final)) return undefined; // another run kept the same snapshot first
    const partial = path.join(this.entriesDir, `${key}.partial-${process.pid}`);
    mkdirSync(partial, { mode: 0o700 });
    try {
      await move(dataDir, path.join(partial, 'data'));
      const now = new Date().toISOString();
      this.writeMeta(partial, { ...meta, key, createdAt: now, lastUsedAt: now, bytes: diskUsage(partial) });
      renameSync(partial, final);
    } catch (err) {
      rmSync(partial, { recursive: true, force: true });
      if (existsSync(final)) return undefined;
      throw err;
    }
    this.prune();
    return this.read(key);
  }

  /** Remove an entry: false where there is none; throws where a running rehearsal reads it (its files may be the lower layer of its mounts). */
  remove(key: string): boolean {
    const e = this.read(key);
    const dir = path.join(this.entriesDir, key);
    if (!e && !existsSync(dir)) return false;
    if (e && this.inUse(e)) throw new CannotRehearseError(`cached template ${key} is in use by a running rehearsal: remove it once that run is over`);
    rmSync(dir, { recursive: true, force: true });
    return true;
  }

  /**
   * Evict the least recently used entries until the cache fits `maxBytes`
   * (entries being copied are passed over), and the partial entries of runs
   * that died while saving. What was removed.
   */
  prune(maxBytes = this.maxBytes): CacheEntry[] {
    if (!existsSync(this.entriesDir)) return [];
    for (const n of readdirSync(this.entriesDir)) {
      const pid = Number(/\.partial-(\d+)$/.exec(n)?.[1]);
      if (pid && !alive(pid)) rmSync(path.join(this.entriesDir, n), { recursive: true, force: true });
    }
    const entries = this.list();
    let total = entries.reduce((n, e) => n + e.meta.bytes, 0);
    const removed: CacheEntry[] = [];
    for (const e of [...entries].reverse()) {
      if (total <= maxBytes) break;
      if (this.inUse(e)) continue;
      rmSync(e.dir, { recursive: true, force: true });
      total -= e.meta.bytes;
      removed.push(e);
    }
    return removed;
  }

  /** Mark `entry` as read by this process (no prune or rm takes it meanwhile); the function lets go. */
  private markRead(entry: CacheEntry): () => void {
    const readers = path.join(entry.dir, 'readers');
    mkdirSync(readers, { recursive: true, mode: 0o700 });
    const mark = path.join(readers, String(process.pid));
    writeFileSync(mark, '');
    return () => rmSync(mark, { force: true });
  }

  private inUse(e: CacheEntry): boolean {
    const readers = path.join(e.dir, 'readers');
    return existsSync(readers) && readdirSync(readers).some((p) => alive(Number(p)));
  }

  private read(key: string): CacheEntry | undefined {
    const dir = path.join(this.entriesDir, key);
    try {
      const meta = JSON.parse(readFileSync(path.join(dir, 'meta.json'), 'utf8')) as EntryMeta;
      const dataDir = path.join(dir, 'data');
      if (!statSync(dataDir).isDirectory()) return undefined;
      return { dir, dataDir, meta };
    } catch {
      return undefined;
    }
  }

  private writeMeta(dir: string, meta: EntryMeta): void {
    const tmp = path.join(dir, `meta.json.${process.pid}`);
    writeFileSync(tmp, JSON.stringify(meta, null, 2), { mode: 0o600 });
    renameSync(tmp, path.join(dir, 'meta.json'));
  }
}

/** rename(2) where source and destination share a filesystem; a copy and a delete where they do not. */
async function move(from: string, to: string): Promise<void> {
  try {
    renameSync(from, to);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
    await copyTree(from, to).catch((err: Error) => {
      throw new Error(`cannot copy into the cache: ${err.message}`);
    });
    rmSync(from, { recursive: true, force: true });
  }
}
