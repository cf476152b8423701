// `rehearse cache ls|rm KEY|prune`: the templates kept between runs
// (../cache/template-cache.ts), listed with what they hold and when they were
// last used, removed one by one, or pruned to a size.
import path from 'node:path';
import { DEFAULT_MAX_BYTES, defaultCacheDir, TemplateCache } from '../cache/template-cache.js';
import { UsageError } from '../errors.js';
import { formatBytes } from '../format.js';

export interface CacheFlags {
  cacheDir?: string;
  maxGb?: string;
}

export function cacheCommand(action: 'ls' | 'rm' | 'prune', keys: string[], flags: CacheFlags): number {
  const cache = new TemplateCache(path.resolve(flags.cacheDir ?? defaultCacheDir()));
  if (action === 'ls') {
    const entries = cache.list();
    if (!entries.length) {
      process.stdout.write(`no cached templates in ${cache.root}\n`);
      return 0;
    }
    for (const e of entries) {
      const m = e.meta;
      process.stdout.write(`${m.key}  ${formatBytes(m.bytes).padStart(9)}  PostgreSQL ${m.serverVersion}  ` +
        `made ${m.createdAt.slice(0, 16).replace('T', ' ')}  used ${m.lastUsedAt.slice(0, 16).replace('T', ' ')}  ${m.snapshot.path}\n`);
    }
    process.stdout.write(`${entries.length} template(s), ${formatBytes(entries.reduce((n, e) => n + e.meta.bytes, 0))} in ${cache.root}\n`);
    return 0;
  }
  if (action === 'rm') {
    if (!keys.length) throw new UsageError('rehearse cache rm KEY...: which entries (see rehearse cache ls)');
    for (const k of keys) if (!cache.remove(k)) throw new UsageError(`no cached template ${k} in ${cache.root}`);
    process.stdout.write(`removed ${keys.length} template(s)\n`);
    return 0;
  }
  const maxGb = flags.maxGb === undefined ? DEFAULT_MAX_BYTES / 1024 ** 3 : Number(flags.maxGb);
  if (!(maxGb >= 0)) throw new UsageError(`--max-gb ${flags.maxGb}: expected a number of GB`);
  const removed = cache.prune(maxGb * 1024 ** 3);
  process.stdout.write(`removed ${removed.length} template(s), ${formatBytes(removed.reduce((n, e) => n + e.meta.bytes, 0))}; ` +
    `${cache.list().length} left in ${cache.root}\n`);
  return 0;
}
