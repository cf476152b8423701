// The dumps a person is likely to mean: in the project, in the current
// directory (and one folder down in each), and in the restore cache; newest
// first, each with its format, size and date, read from the content.
import { readdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { formatBytes } from '../format.js';
import { detectSnapshot, type SnapshotInfo } from '../snapshot/detect.js';

const LIKELY = /\.(dump|backup|pgdump|sql|sql\.gz|tar|fc)$/i;
const SKIP = new Set(['node_modules', '.git', '.venv', 'venv', '__pycache__']);

/** Where the restore cache keeps snapshots, if there is one. */
export function cacheDir(): string {
  return process.env.REHEARSE_CACHE_DIR ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'rehearse');
}

function entries(dir: string): string[] {
  try {
    return readdirSync(dir).filter((n) => !n.startsWith('.') || n === '.cache').map((n) => path.join(dir, n));
  } catch {
    return [];
  }
}

function isDirectoryDump(p: string): boolean {
  try {
    return statSync(path.join(p, 'toc.dat')).isFile();
  } catch {
    return false;
  }
}

/** Files and directory dumps in `dirs` and one level below them. */
function candidates(dirs: string[]): string[] {
  const out = new Set<string>();
  for (const dir of dirs) {
    for (const p of entries(dir)) {
      let st;
      try {
        st = statSync(p);
      } catch {
        continue;
      }
      if (st.isFile() && LIKELY.test(p)) out.add(p);
      else if (st.isDirectory() && isDirectoryDump(p)) out.add(p);
      else if (st.isDirectory() && !SKIP.has(path.basename(p))) {
        for (const q of entries(p)) if ((LIKELY.test(q) && statSync(q, { throwIfNoEntry: false })?.isFile()) || isDirectoryDump(q)) out.add(q);
      }
    }
  }
  return [...out];
}

export interface FoundSnapshot {
  info: SnapshotInfo;
  modified: Date;
  /** "prod.dump · custom · 4.2 MB · PostgreSQL 15.8 · 2026-11-30 09:12" */
  label: string;
}

export async function findSnapshots(projectDir: string, limit = 10): Promise<FoundSnapshot[]> {
  const found: FoundSnapshot[] = [];
  for (const p of candidates([projectDir, process.cwd(), cacheDir()])) {
    try {
      const info = await detectSnapshot(p);
      // A .sql file that pg_dump did not write (a seed, a migration script) is not a snapshot.
      if (info.format.startsWith('plain') && !info.serverVersion) continue;
      const modified = statSync(p).mtime;
      const when = modified.toISOString().slice(0, 16).replace('T', ' ');
      const rel = path.relative(process.cwd(), p);
      found.push({
        info, modified,
        label: `${rel.startsWith('..') ? p : rel} · ${info.format} · ${formatBytes(info.bytes)}${info.serverVersion ? ` · PostgreSQL ${info.serverVersion}` : ''} · ${when}`,
      });
    } catch {
      /* not a dump after all */
    }
  }
  return found.sort((a, b) => b.modified.getTime() - a.modified.getTime()).slice(0, limit);
}
