// Which cache entry a snapshot is: cheap to compute on a file of any size (its
// size, its mtime and three sampled 64 KiB blocks, hashed), and tied to the
// server major that restored it. A dump rewritten in place with the same size
// and mtime and the same sampled bytes would fool it: `--cache-digest full`
// hashes every byte instead, for the cautious.
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, openSync, readdirSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import type { SnapshotInfo } from '../snapshot/detect.js';

/** Bump when what an entry holds changes shape: old entries are then simply never found. */
const FORMAT = 'rehearse-template-v1';
const SAMPLE = 64 * 1024;

export type DigestMode = 'sampled' | 'full';

export async function snapshotKey(snapshot: SnapshotInfo, serverMajor: number, mode: DigestMode = 'sampled'): Promise<string> {
  const h = createHash('sha256').update(`${FORMAT}\0${serverMajor}\0${snapshot.format}\0`);
  const files = statSync(snapshot.path).isDirectory()
    ? readdirSync(snapshot.path).sort().map((f) => path.join(snapshot.path, f))
    : [snapshot.path];
  for (const f of files) {
    const st = statSync(f);
    h.update(`${path.basename(f)}\0${st.size}\0${Math.floor(st.mtimeMs)}\0`);
    if (mode === 'full') await hashWhole(f, h);
    else sample(f, st.size, h);
  }
  return h.digest('hex').slice(0, 20);
}

function sample(file: string, size: number, h: ReturnType<typeof createHash>): void {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(SAMPLE);
    for (const at of new Set([0, Math.max(0, Math.floor(size / 2) - SAMPLE / 2), Math.max(0, size - SAMPLE)])) {
      h.update(buf.subarray(0, readSync(fd, buf, 0, SAMPLE, at)));
    }
  } finally {
    closeSync(fd);
  }
}

function hashWhole(file: string, h: ReturnType<typeof createHash>): Promise<void> {
  return new Promise((resolve, reject) => {
    createReadStream(file).on('data', (c) => h.update(c)).on('end', resolve).on('error', reject);
  });
}
