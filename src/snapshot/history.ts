// The snapshot's django_migrations rows, read straight from the dump file with
// no server: `pg_restore -f - --data-only -t django_migrations` for archives
// (it seeks to that one table's data), the COPY block (or pg_dump --inserts
// lines) of a plain dump, streamed and left as soon as it ends. What `plan`
// knows of production's history; only app and migration names are kept.
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { execa } from 'execa';
import { CannotRehearseError } from '../errors.js';
import type { MigrationKey } from '../django/introspection.js';
import type { SnapshotInfo } from './detect.js';

const COPY_START = /^COPY (?:"?(\w+)"?\.)?"?django_migrations"? \(([^)]*)\) FROM stdin;$/;
const INSERT = /^INSERT INTO (?:"?(\w+)"?\.)?"?django_migrations"? (?:\(([^)]*)\) )?VALUES \((.*)\);$/;

/** One field of COPY's text format: \N is NULL, backslash escapes as PostgreSQL writes them. */
function copyField(raw: string): string | null {
  if (raw === '\\N') return null;
  return raw.replace(/\\(.)/g, (_m, c: string) => ({ t: '\t', n: '\n', r: '\r', b: '\b', f: '\f', v: '\v' })[c] ?? c);
}

/** The values of `VALUES (1, 'app', 'name', '...')`, strings unquoted (pg_dump doubles quotes). */
function insertValues(list: string): Array<string | null> {
  const out: Array<string | null> = [];
  const re = /\s*(?:'((?:[^']|'')*)'|(NULL)|([^,]+))\s*(?:,|$)/gy;
  let m: RegExpExecArray | null;
  while (re.lastIndex < list.length && (m = re.exec(list))) {
    out.push(m[1] !== undefined ? m[1].replace(/''/g, "'") : m[2] ? null : m[3]!.trim());
  }
  return out;
}

const columnsOf = (spec: string | undefined) => (spec ?? 'id, app, name, applied').split(',').map((c) => c.trim().replace(/^"|"$/g, ''));

/** Rows from a stream of dump lines; stops reading where the table's data ends. */
async function rowsFrom(lines: AsyncIterable<string>): Promise<MigrationKey[] | null> {
  let inCopy = false;
  let inserts = false;
  let columns: string[] = [];
  const rows: MigrationKey[] = [];
  const add = (values: Array<string | null>) => {
    const app = values[columns.indexOf('app')];
    const name = values[columns.indexOf('name')];
    if (app && name) rows.push([app, name]);
  };
  for await (const line of lines) {
    if (inCopy) {
      if (line === '\\.') return rows;
      add(line.split('\t').map(copyField));
      continue;
    }
    const copy = COPY_START.exec(line);
    if (copy && (!copy[1] || copy[1] === 'public')) {
      inCopy = true;
      columns = columnsOf(copy[2]);
      continue;
    }
    const insert = INSERT.exec(line);
    if (insert && (!insert[1] || insert[1] === 'public')) {
      inserts = true;
      columns = columnsOf(insert[2]);
      add(insertValues(insert[3]!));
    } else if (inserts && line.trim()) {
      return rows; // pg_dump --inserts writes a table's rows together
    }
  }
  return inCopy || inserts ? rows : null;
}

function linesOf(stream: Readable): AsyncIterable<string> {
  return createInterface({ input: stream, crlfDelay: Infinity });
}

/**
 * The rows of the snapshot's public.django_migrations, as [app, name]; null when
 * the dump has no such table (a database Django never migrated).
 */
export async function readRecordedHistory(snapshot: SnapshotInfo, pgBinDir: string): Promise<MigrationKey[] | null> {
  if (snapshot.format === 'plain' || snapshot.format === 'plain-gzip') {
    const file = createReadStream(snapshot.path);
    const input = snapshot.format === 'plain-gzip' ? file.pipe(createGunzip()) : file;
    try {
      return await rowsFrom(linesOf(input));
    } finally {
      file.destroy();
    }
  }
  const proc = execa(path.join(pgBinDir, 'pg_restore'), ['-f', '-', '--data-only', '-t', 'django_migrations', snapshot.path], {
    buffer: { stdout: false, stderr: true }, reject: false, stripFinalNewline: true,
  });
  const rows = await rowsFrom(linesOf(proc.stdout!));
  proc.stdout!.resume();
  const r = await proc;
  if (r.exitCode !== 0) {
    throw new CannotRehearseError(`pg_restore could not read django_migrations from ${snapshot.path}: ${String(r.stderr).trim().split('\n').pop()}`);
  }
  return rows;
}
