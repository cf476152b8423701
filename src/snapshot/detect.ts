// What a snapshot is, read from its content (never its name): the pg_dump
// format, the server version it was dumped from, its size.
import { closeSync, openSync, readSync, statSync, existsSync, createReadStream, readdirSync } from 'node:fs';
import path from 'node:path';
import { createGunzip } from 'node:zlib';
import { UsageError, CannotRehearseError } from '../errors.js';

export type SnapshotFormat = 'custom' | 'directory' | 'tar' | 'plain' | 'plain-gzip';

export interface SnapshotInfo {
  path: string;
  format: SnapshotFormat;
  /** Server version the dump came from, e.g. "15.8"; undefined if the dump does not say. */
  serverVersion: string | undefined;
  serverMajor: number | undefined;
  bytes: number;
}

function readHead(file: string, n: number): Buffer {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(n);
    const got = readSync(fd, buf, 0, n, 0);
    return buf.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}

/**
 * Parse the header that custom, directory (toc.dat) and tar (first member toc.dat)
 * archives share; see ReadHead in pg_backup_archiver.c. Returns the server version.
 */
export function parseArchiveHeader(buf: Buffer): string | undefined {
  if (buf.subarray(0, 5).toString('latin1') !== 'PGDMP') return undefined;
  let pos = 5;
  const vmaj = buf[pos++]!;
  const vmin = buf[pos++]!;
  const vrev = vmaj > 1 || (vmaj === 1 && vmin > 0) ? buf[pos++]! : 0;
  const version = (vmaj << 16) | (vmin << 8) | vrev;
  const intSize = buf[pos++]!;
  pos++; // offSize
  pos++; // format
  const V = (a: number, b: number) => (1 << 16) | (a << 8) | b;
  const readInt = (): number => {
    const sign = buf[pos++]!;
    let v = 0;
    for (let i = 0; i < intSize; i++) v += buf[pos++]! * 2 ** (8 * i);
    return sign ? -v : v;
  };
  const readStr = (): string | undefined => {
    const len = readInt();
    if (len < 0) return undefined;
    const s = buf.subarray(pos, pos + len).toString('utf8');
    pos += len;
    return s;
  };
  if (version >= V(15, 0)) pos++; // compression algorithm (1 byte)
  else if (version >= V(2, 0)) readInt(); // compression level
  if (version >= V(4, 0)) for (let i = 0; i < 7; i++) readInt(); // creation time
  if (version < V(10, 0)) return undefined;
  readStr(); // database name
  const remote = readStr();
  if (pos > buf.length) return undefined;
  return remote;
}

export function majorOf(version: string): number {
  return Number(/^(\d+)/.exec(version)?.[1] ?? NaN);
}

async function gunzipHead(file: string, n: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const src = createReadStream(file);
    const gz = createGunzip();
    const done = () => {
      src.destroy();
      gz.destroy();
      resolve(Buffer.concat(chunks).subarray(0, n));
    };
    gz.on('data', (c: Buffer) => {
      chunks.push(c);
      size += c.length;
      if (size >= n) done();
    });
    gz.on('end', done);
    gz.on('error', (e) => (size > 0 ? done() : reject(e)));
    src.pipe(gz);
  });
}

function plainVersion(text: string): string | undefined {
  return /^-- Dumped from database version (\d+(?:\.\d+)?)/m.exec(text)?.[1];
}

function looksLikeSql(text: string): boolean {
  return /PostgreSQL database dump/.test(text) || /^\s*(--|SET |CREATE |BEGIN|\\)/m.test(text.slice(0, 4096));
}

export async function detectSnapshot(file: string): Promise<SnapshotInfo> {
  if (!existsSync(file)) throw new UsageError(`--snapshot ${file}: no such file or directory`);
  const abs = path.resolve(file);
  const st = statSync(abs);
  if (st.isDirectory()) {
    const toc = path.join(abs, 'toc.dat');
    if (!existsSync(toc)) throw new CannotRehearseError(`--snapshot ${file}: a directory, but not a pg_dump -Fd archive (no toc.dat)`);
    const v = parseArchiveHeader(readHead(toc, 4096));
    return info(abs, 'directory', v, snapshotBytes(abs));
  }
  let head: Buffer;
  try {
    head = readHead(abs, 8192);
  } catch (err) {
    throw new UsageError(`--snapshot ${file}: cannot read it (${(err as Error).message})`);
  }
  if (head.length === 0) throw new CannotRehearseError(`--snapshot ${file}: the file is empty`);
  if (head.subarray(0, 5).toString('latin1') === 'PGDMP') {
    return info(abs, 'custom', parseArchiveHeader(head), st.size);
  }
  if (head.length >= 262 && head.subarray(257, 262).toString('latin1') === 'ustar') {
    // pg_dump -Ft writes toc.dat first; its data starts after the 512-byte member header.
    return info(abs, 'tar', parseArchiveHeader(head.subarray(512)), st.size);
  }
  if (head[0] === 0x1f && head[1] === 0x8b) {
    let text = '';
    try {
      text = (await gunzipHead(abs, 16384)).toString('utf8');
    } catch {
      throw new CannotRehearseError(`--snapshot ${file}: gzip data is corrupt`);
    }
    if (!looksLikeSql(text)) throw new CannotRehearseError(`--snapshot ${file}: gzip file that does not hold a SQL dump`);
    return info(abs, 'plain-gzip', plainVersion(text), st.size);
  }
  const text = head.toString('utf8');
  if (looksLikeSql(text)) return info(abs, 'plain', plainVersion(text), st.size);
  const kind = OTHER_KINDS.find((k) => head.subarray(0, k.magic.length).equals(k.magic));
  throw new CannotRehearseError(`--snapshot ${file}: ${kind ? `${kind.name}, ` : ''}not a pg_dump snapshot ` +
    `(${kind?.hint ?? 'expected custom, directory, tar, plain SQL or gzipped SQL'})`);
}

/** What a wrong file often is (a backup tool's wrapper, an attachment), so the line can say what to do. */
const OTHER_KINDS: { magic: Buffer; name: string; hint?: string }[] = [
  { magic: Buffer.from('PK\x03\x04', 'latin1'), name: 'a zip archive', hint: 'unzip it and pass the dump inside' },
  { magic: Buffer.from('BZh', 'latin1'), name: 'bzip2-compressed', hint: 'decompress it first (bunzip2)' },
  { magic: Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]), name: 'xz-compressed', hint: 'decompress it first (unxz)' },
  { magic: Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), name: 'zstd-compressed', hint: 'decompress it first (unzstd)' },
  { magic: Buffer.from('7z\xbc\xaf\x27\x1c', 'latin1'), name: 'a 7-Zip archive', hint: 'extract the dump from it first' },
  { magic: Buffer.from([0x89, 0x50, 0x4e, 0x47]), name: 'a PNG image' },
  { magic: Buffer.from([0xff, 0xd8, 0xff]), name: 'a JPEG image' },
  { magic: Buffer.from('%PDF', 'latin1'), name: 'a PDF document' },
  { magic: Buffer.from('SQLite format 3\0', 'latin1'), name: 'an SQLite database', hint: 'rehearse rehearses PostgreSQL snapshots: pg_dump -Fc the production database' },
];

function info(p: string, format: SnapshotFormat, raw: string | undefined, bytes: number): SnapshotInfo {
  // "15.18 (Debian 15.18-0+deb12u1)" -> "15.18"
  const v = raw ? (/^\d+(?:\.\d+)?/.exec(raw.trim())?.[0] ?? raw.trim()) : undefined;
  return { path: p, format, serverVersion: v, serverMajor: v ? majorOf(v) : undefined, bytes };
}

/** A snapshot's size: the file, or the sum of a -Fd directory's files. */
export function snapshotBytes(p: string): number {
  const st = statSync(p);
  return st.isDirectory() ? readdirSync(p).reduce((n, f) => n + statSync(path.join(p, f)).size, 0) : st.size;
}
