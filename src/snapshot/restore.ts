// Restore a snapshot into the template database: the pristine "before" that is
// never migrated. Production roles do not exist in the sandbox, so ownership and
// privileges are always skipped; archives restore in parallel.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import os from 'node:os';
import { Transform, type TransformCallback } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import { execa } from 'execa';
import { CannotRehearseError } from '../errors.js';
import type { Sandbox } from '../sandbox/provider.js';
import { libpqEnv } from '../sandbox/provider.js';
import type { SnapshotInfo } from './detect.js';
import { formatBytes } from '../format.js';

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

export async function restoreSnapshot(
  snapshot: SnapshotInfo,
  sandbox: Sandbox,
  database: string,
  onProgress: OnRestoreProgress = () => {},
): Promise<void> {
  assertRestorable(snapshot, sandbox);
  await sandbox.createDatabase(database);
  const env = libpqEnv(sandbox.conn(database));
  if (snapshot.format === 'plain' || snapshot.format === 'plain-gzip') {
    await restorePlain(snapshot, sandbox, env, onProgress);
  } else {
    await restoreArchive(snapshot, sandbox, database, env, onProgress);
  }
}

/** The archive's table of contents: how many objects a restore will create. */
async function tocEntries(snapshot: SnapshotInfo, sandbox: Sandbox): Promise<number | undefined> {
  const r = await execa(sandbox.clientTool('pg_restore'), ['-l', snapshot.path], { reject: false, stdin: 'ignore' });
  if (r.exitCode !== 0) return undefined;
  return r.stdout.split('\n').filter((l) => l.trim() && !l.startsWith(';')).length;
}

async function restoreArchive(
  snapshot: SnapshotInfo,
  sandbox: Sandbox,
  database: string,
  env: Record<string, string>,
  onProgress: OnRestoreProgress,
): Promise<void> {
  const total = await tocEntries(snapshot, sandbox);
  const args = ['--no-owner', '--no-privileges', '--exit-on-error', '--verbose', '-d', database];
  // tar archives cannot be restored in parallel.
  if (snapshot.format !== 'tar') args.push('-j', String(Math.max(2, Math.min(8, os.cpus().length))));
  const child = execa(sandbox.clientTool('pg_restore'), [...args, snapshot.path], {
    env,
    reject: false,
    stdin: 'ignore',
  });
  // --verbose names each object as it is created (names only, never data).
  let done = 0;
  const errors: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (line) => {
    if (/^pg_restore: (creating|processing data|executing|finished item)/.test(line)) done++;
    else if (line.trim() && !/^pg_restore: (connecting|launching|processing item|entering|implied)/.test(line)) errors.push(line);
    onProgress(total ? `${Math.min(done, total)} of ${total} objects` : `${done} objects`);
  });
  const r = await child;
  r.stderr = errors.join('\n');
  if (r.signal) throw new CannotRehearseError(`restore failed: pg_restore crashed (${r.signal}): the snapshot is corrupt`);
  if (r.exitCode !== 0) throw new CannotRehearseError(`restore failed: ${firstError(r.stderr, 'pg_restore')}`);
}

async function restorePlain(
  snapshot: SnapshotInfo,
  sandbox: Sandbox,
  env: Record<string, string>,
  onProgress: OnRestoreProgress,
): Promise<void> {
  const file = createReadStream(snapshot.path);
  let read = 0;
  file.on('data', (c) => {
    read += c.length;
    onProgress(`${formatBytes(read)} of ${formatBytes(snapshot.bytes)} read`);
  });
  let source: NodeJS.ReadableStream = file;
  if (snapshot.format === 'plain-gzip') source = source.pipe(createGunzip());
  const filtered = source.pipe(new SkipOwnershipAndPrivileges());
  const child = execa(sandbox.clientTool('psql'), ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-f', '-'], {
    env,
    reject: false,
    stdin: 'pipe',
    stdout: 'ignore',
  });
  let streamError: Error | undefined;
  const onErr = (e: Error) => {
    streamError = e;
    child.stdin?.destroy();
  };
  source.on('error', onErr);
  filtered.on('error', onErr);
  filtered.pipe(child.stdin!);
  child.stdin!.on('error', () => {}); // psql may exit early on ON_ERROR_STOP
  const r = await child;
  if (streamError) throw new CannotRehearseError(`restore failed: ${streamError.message}`);
  if (r.exitCode !== 0) throw new CannotRehearseError(`restore failed: ${firstError(String(r.stderr), 'psql')}`);
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
 * leaving COPY data blocks untouched (data lines may start with any word).
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
    return line + '\n';
  }
}
