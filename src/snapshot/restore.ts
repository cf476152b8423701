// Restore a snapshot into the template database: the pristine "before" that is
// never migrated. Production roles do not exist in the sandbox, so ownership and
// privileges are always skipped; archives restore in parallel.
import { createReadStream, createWriteStream, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform, type TransformCallback } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import { CannotRehearseError } from '../errors.js';
import type { Sandbox } from '../sandbox/provider.js';
import { makeTempDir } from '../sandbox/tmp.js';
import type { SnapshotInfo } from './detect.js';
import { formatBytes } from '../format.js';
import { Analyzer } from './analyze.js';
import { RestoreProgress } from './restore-progress.js';

/** Refuse, before any work, a dump that the server cannot take. */
export function assertRestorable(snapshot: SnapshotInfo, sandbox: Pick<Sandbox, 'serverMajor' | 'serverVersion'>): void {
  if (snapshot.serverMajor !== undefined && snapshot.serverMajor > sandbox.serverMajor) {
    throw new CannotRehearseError(
      `the snapshot was dumped from PostgreSQL ${snapshot.serverVersion}, newer than the sandbox's PostgreSQL ${sandbox.serverVersion}: ` +
        `use server binaries of major ${snapshot.serverMajor} or later (--pg-bin DIR)`,
    );
  }
}

/** Called with a short "how far" text during the restore (objects done, bytes read). */
export type OnRestoreProgress = (text: string) => void;

/** Restore, and analyze (./analyze.ts): the template comes out with planner statistics, as production has them. */
export async function restoreSnapshot(
  snapshot: SnapshotInfo,
  sandbox: Sandbox,
  database: string,
  onProgress: OnRestoreProgress = () => {},
): Promise<void> {
  assertRestorable(snapshot, sandbox);
  await sandbox.createDatabase(database);
  // A server that is not the sandbox's own may give every session a lock_timeout:
  // there no item of pg_restore may wait behind an ANALYZE, which runs after it.
  const analyzer = new Analyzer(sandbox.conn(database), !sandbox.survivesExit);
  try {
    if (snapshot.format === 'plain' || snapshot.format === 'plain-gzip') {
      await restorePlain(snapshot, sandbox, database, onProgress);
    } else {
      await restoreArchive(snapshot, sandbox, database, onProgress, analyzer);
    }
    await analyzer.finish(JOBS);
  } finally {
    await analyzer.close();
  }
}

/** pg_restore's parallel jobs, and the final ANALYZE's connections. */
const JOBS = Math.max(2, Math.min(8, os.cpus().length));

/** The archive's table of contents: how many objects a restore will create. */
async function tocEntries(sandbox: Sandbox, staged: string, database: string): Promise<number | undefined> {
  const r = await sandbox.runTool('pg_restore', ['-l', staged], { database });
  if (r.exitCode !== 0) return undefined;
  return r.stdout.split('\n').filter((l) => l.trim() && !l.startsWith(';')).length;
}

async function restoreArchive(
  snapshot: SnapshotInfo,
  sandbox: Sandbox,
  database: string,
  onProgress: OnRestoreProgress,
  analyzer: Analyzer,
): Promise<void> {
  const staged = await sandbox.stage(snapshot.path);
  const total = await tocEntries(sandbox, staged, database);
  const args = ['--no-owner', '--no-privileges', '--exit-on-error', '--verbose', '-d', database];
  // tar archives cannot be restored in parallel.
  if (snapshot.format !== 'tar') args.push('-j', String(JOBS));
  // --verbose names each object as it is created (names only, never data).
  const progress = new RestoreProgress();
  let running = 0;
  const started = Date.now();
  const errors: string[] = [];
  const r = await sandbox.runTool('pg_restore', [...args, staged], {
    database,
    onStderrLine: (line) => {
      // Parallel mode: items are launched and finished by the workers; a table's data in, and a worker free, is a table to analyze.
      if (line.startsWith('pg_restore: launching item ')) running++;
      const finished = /^pg_restore: finished item \d+ (.*)$/.exec(line);
      if (finished) {
        running = Math.max(0, running - 1);
        if (finished[1]!.startsWith('TABLE DATA ')) analyzer.dataLoaded(finished[1]!.slice('TABLE DATA '.length));
        // A finished item is followed at once by the next one launched, if there is one to launch.
        setTimeout(() => running < JOBS && analyzer.workerIdle(), 30).unref();
      }
      if (!progress.line(line) && line.trim() && !/^pg_restore: (connecting|launching|processing item|entering|implied)/.test(line)) errors.push(line);
      const done = progress.done;
      onProgress(total ? `${Math.min(done, total)} of ${total} objects${eta(started, Math.min(done, total) / total)}` : `${done} objects`);
    },
  });
  if (r.signal) throw new CannotRehearseError(`restore failed: pg_restore crashed (${r.signal}): the snapshot is corrupt`);
  if (r.exitCode !== 0) throw new CannotRehearseError(`restore failed: ${firstError(errors.join('\n'), 'pg_restore')}`);
}

async function restorePlain(snapshot: SnapshotInfo, sandbox: Sandbox, database: string, onProgress: OnRestoreProgress): Promise<void> {
  const file = createReadStream(snapshot.path);
  let read = 0;
  const started = Date.now();
  file.on('data', (c) => {
    read += c.length;
    onProgress(`${formatBytes(read)} of ${formatBytes(snapshot.bytes)} read${eta(started, read / snapshot.bytes)}`);
  });
  let source: NodeJS.ReadableStream = file;
  if (snapshot.format === 'plain-gzip') source = source.pipe(createGunzip());
  const filtered = source.pipe(new SkipOwnershipAndPrivileges());
  let streamError: Error | undefined;
  const onErr = (e: Error) => {
    streamError = e;
  };
  source.on('error', onErr);
  filtered.on('error', onErr);
  const psql = ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', database];
  let r;
  if (sandbox.toolsTakeStdin) {
    r = await sandbox.runTool('psql', [...psql, '-f', '-'], { database, stdin: filtered });
  } else {
    // Tools inside a container read files, not our stdin: filter to a file and hand it over.
    const dir = makeTempDir('sql-');
    try {
      const sql = path.join(dir, 'snapshot.sql');
      await pipeline(filtered, createWriteStream(sql));
      r = await sandbox.runTool('psql', [...psql, '-f', await sandbox.stage(sql)], { database });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  if (streamError) throw new CannotRehearseError(`restore failed: ${streamError.message}`);
  if (r.exitCode !== 0) throw new CannotRehearseError(`restore failed: ${firstError(r.stderr, 'psql')}`);
}

/**
 * " · ~1m20s left", from the time so far and the share done; nothing until the
 * share is big enough to say (objects differ in size: it is an estimate).
 */
export function eta(startedAt: number, share: number): string {
  const elapsed = Date.now() - startedAt;
  if (share < 0.02 || share >= 1 || elapsed < 2000) return '';
  const left = Math.round((elapsed / share - elapsed) / 1000);
  // "~0s left" would be a promise: the last objects are the biggest table's indexes and keys.
  if (left < 1) return '';
  return ` · ~${left >= 60 ? `${Math.floor(left / 60)}m${String(left % 60).padStart(2, '0')}s` : `${left}s`} left`;
}

/** The restore tool's own first error line, without data-bearing detail lines. */
function firstError(stderr: string, tool: string): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  const err =
    lines.find((l) => /(^|:\s)(error|ERROR|FATAL):/.test(l) && !/^(DETAIL|CONTEXT|LINE \d+)/.test(l)) ?? lines[0];
  return err ?? `${tool} exited with an error and said nothing`;
}

/**
 * Drops ownership and privilege statements from a plain SQL dump, line by line,
 * leaving COPY data blocks untouched (data lines may start with any word). A dump
 * made with `pg_dump -C` also creates and reconnects to its own database: those
 * lines go too, so everything restores into the template.
 */
export class SkipOwnershipAndPrivileges extends Transform {
  private rest = '';
  private inCopy = false;
  // Chunks can split a multibyte character; the decoder carries it over.
  private readonly decoder = new StringDecoder('utf8');

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    const text = this.rest + this.decoder.write(chunk);
    const lines = text.split('\n');
    this.rest = lines.pop() ?? '';
    cb(null, lines.map((l) => this.keep(l)).join(''));
  }

  override _flush(cb: TransformCallback): void {
    const tail = this.rest + this.decoder.end();
    cb(null, tail ? this.keep(tail) : '');
  }

  private keep(line: string): string {
    if (this.inCopy) {
      if (line === '\\.') this.inCopy = false;
      return line + '\n';
    }
    if (/^COPY .* FROM stdin;$/.test(line)) this.inCopy = true;
    else if (/^ALTER .* OWNER TO .*;$/.test(line)) return '';
    else if (/^(GRANT|REVOKE) .*;$/.test(line)) return '';
    else if (/^SET SESSION AUTHORIZATION /.test(line)) return '';
    else if (/^(CREATE|ALTER|COMMENT ON) DATABASE .*;$/.test(line)) return '';
    else if (/^\\connect /.test(line)) return '';
    return line + '\n';
  }
}
