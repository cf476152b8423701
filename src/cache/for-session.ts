// How a rehearsal uses the template cache: before the sandbox starts, look for
// this snapshot's entry and hand it to the provider as a seed; after a run that
// restored, keep its template (at teardown, after everything else has let go of
// the server, before the sandbox is removed). Interrupted, timed-out or failed
// restores keep nothing.
import type { Cleanup } from '../cleanup.js';
import type { CopiedBytes } from '../copy-tree.js';
import { formatBytes } from '../format.js';
import type { Events } from '../report/events.js';
import type { Sandbox, TemplateSeed } from '../sandbox/provider.js';
import type { SnapshotInfo } from '../snapshot/detect.js';
import { snapshotKey, type DigestMode } from './identity.js';
import { TemplateCache } from './template-cache.js';

export interface CacheConfig {
  dir: string;
  maxBytes: number;
  digest: DigestMode;
}

export interface CacheLookup {
  cache: TemplateCache;
  key: string;
  seed?: TemplateSeed;
  /** What to say once the sandbox is up: whether it started from the seed or could not. */
  told?: (seeded: boolean, ms: number) => string;
}

export async function lookupTemplate(cfg: CacheConfig, snapshot: SnapshotInfo): Promise<CacheLookup> {
  const cache = new TemplateCache(cfg.dir, cfg.maxBytes);
  const key = await snapshotKey(snapshot, snapshot.serverMajor ?? 0, cfg.digest);
  const entry = cache.find(key);
  if (!entry) return { cache, key };
  const m = /^(\d+)/.exec(entry.meta.serverVersion);
  const what = `cached template of this snapshot from ${entry.meta.createdAt.slice(0, 16).replace('T', ' ')} (${formatBytes(entry.meta.bytes)})`;
  let done: (CopiedBytes & { mountedBytes?: number }) | undefined;
  // Most of an entry is linked or mounted, not copied (TemplateCache.copyOut, mountOut): the note says which.
  const how = () => !done ? 'copied' : [
    done.linkedBytes ? `${formatBytes(done.linkedBytes)} linked` : '',
    `${formatBytes(done.copiedBytes)} copied`,
    done.mountedBytes ? `${formatBytes(done.mountedBytes)} mounted` : '',
  ].filter(Boolean).join(', ');
  return {
    cache, key,
    seed: {
      serverMajor: Number(m?.[1]), password: entry.meta.password,
      copyTo: async (dest) => {
        done = await cache.copyOut(entry, dest);
      },
      mountTo: async (dest, layers, owner) => {
        const made = await cache.mountOut(entry, dest, layers, owner);
        if (!made) return undefined;
        done = made.bytes;
        return { mounts: made.mounts, release: made.release };
      },
    },
    told: (seeded, ms) => seeded
      ? `${what}: no restore; started in ${(ms / 1000).toFixed(1)} s on its files (${how()})`
      : `${what} not used: it was made by PostgreSQL ${entry.meta.serverVersion}, and this sandbox runs another major (or its image is not pulled yet)`,
  };
}

/** At teardown: keep the restored template as this snapshot's entry, if the run got that far and was not stopped. */
export function keepTemplateAtTeardown(lookup: CacheLookup, snapshot: SnapshotInfo, sandbox: Sandbox, cleanup: Cleanup, restored: () => boolean, events: Events): void {
  if (!sandbox.keepTemplate || sandbox.seeded) return;
  cleanup.add('template cache', async () => {
    if (!restored() || cleanup.interrupted || cleanup.aborted) return;
    const t0 = Date.now();
    await sandbox.keepTemplate!(async (dataDir, password) => {
      const kept = await lookup.cache.save(lookup.key, dataDir, {
        snapshot: { path: snapshot.path, format: snapshot.format, bytes: snapshot.bytes }, serverVersion: sandbox.serverVersion, password,
      });
      if (kept) events.note(`kept the restored template for the next run (${formatBytes(kept.meta.bytes)} in ${lookup.cache.root}, ${Date.now() - t0} ms)`);
    });
  });
}
